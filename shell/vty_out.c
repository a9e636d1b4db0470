/* shell/vty_out.c - session output: filters (| include ...), pager, CRLF */
#include <ctype.h>
#include <errno.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "parser/parser.h"
#include "shell/shell_int.h"

static void
push(struct vty *v, const char *s, size_t len)
{
	ssize_t n;

	while (len > 0 && !v->dead) {
		n = write(v->out_fd, s, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			v->dead = 1;	/* EPIPE, reset, or send timeout */
			return;
		}
		s += n;
		len -= (size_t)n;
	}
}

/* Write the output buffer to the peer. Called before every blocking
 * read, so that prompts are seen, and by vty_flush(). */
void
vty_sync(struct vty *v)
{
	size_t n = v->wlen;

	v->wlen = 0;
	if (n && !v->wfn)
		push(v, v->wbuf, n);
}

void
vty_raw_write(struct vty *v, const char *s, size_t len)
{
	if (v->dead)
		return;
	if (v->wfn) {
		v->wfn(v->wctx, s, len);
		return;
	}
	if (v->wlen + len > sizeof(v->wbuf)) {
		vty_sync(v);
		if (len > sizeof(v->wbuf)) {
			push(v, s, len);
			return;
		}
	}
	memcpy(v->wbuf + v->wlen, s, len);
	v->wlen += len;
}

/* Write text, turning "\n" into "\r\n" on terminals. */
void
vty_term_write(struct vty *v, const char *s, size_t len)
{
	const char *p, *e = s + len;

	if (!v->crlf) {
		vty_raw_write(v, s, len);
		return;
	}
	while (s < e) {
		p = memchr(s, '\n', (size_t)(e - s));
		if (p == NULL) {
			vty_raw_write(v, s, (size_t)(e - s));
			return;
		}
		vty_raw_write(v, s, (size_t)(p - s));
		vty_raw_write(v, "\r\n", 2);
		s = p + 1;
	}
}

void
vty_puts(struct vty *v, const char *s)
{
	vty_term_write(v, s, strlen(s));
}

static void
pager_line(struct vty *v, const char *line)
{
	int c;

	if (v->pg_quit || v->dead)
		return;
	vty_term_write(v, line, strlen(line));
	vty_term_write(v, "\n", 1);
	if (!v->interactive || v->term_len <= 0 || v->wfn)
		return;
	if (++v->pg_lines < v->term_len - 1)
		return;
	vty_raw_write(v, " --More-- ", 10);
	c = vty_waitkey(v);
	/* erase the prompt: IOS backs over it and blanks it */
	vty_raw_write(v, "\b\b\b\b\b\b\b\b\b\b          "
	    "\b\b\b\b\b\b\b\b\b\b", 30);
	if (c == ' ')
		v->pg_lines = 0;
	else if (c == '\r' || c == '\n')
		v->pg_lines--;
	else
		v->pg_quit = 1;
}

static void
section_flush(struct vty *v)
{
	struct vty_filter *f = &v->f;

	for (size_t i = 0; i < f->nsect; i++) {
		if (f->sect_match)
			pager_line(v, f->sect[i]);
		free(f->sect[i]);
	}
	f->nsect = 0;
	f->sect_match = 0;
}

static void
filter_line(struct vty *v, char *line)
{
	struct vty_filter *f = &v->f;
	int m = f->type != F_NONE && f->type != F_JSON &&
	    regexec(&f->re, line, 0, NULL, 0) == 0;

	switch (f->type) {
	case F_NONE:
		pager_line(v, line);
		break;
	case F_INCLUDE:
	case F_EXCLUDE:
		if (m == (f->type == F_INCLUDE))
			pager_line(v, line);
		break;
	case F_BEGIN:
		if (m)
			f->active = 1;
		if (f->active)
			pager_line(v, line);
		break;
	case F_COUNT:
		f->count += m;
		break;
	case F_JSON:
		break;		/* the text view: the document replaces it */
	case F_SECTION:
		if (line[0] != ' ')
			section_flush(v);
		f->sect = realloc(f->sect, (f->nsect + 1) * sizeof(char *));
		f->sect[f->nsect++] = strdup(line);
		f->sect_match |= m;
		break;
	}
}

void
vty_write(struct vty *v, const char *s, size_t len)
{
	const char *p, *e = s + len;

	while (s < e) {
		p = memchr(s, '\n', (size_t)(e - s));
		size_t chunk = p ? (size_t)(p - s) : (size_t)(e - s);
		if (v->olen + chunk + 1 > v->ocap) {
			v->ocap = (v->olen + chunk + 1) * 2;
			v->obuf = realloc(v->obuf, v->ocap);
		}
		memcpy(v->obuf + v->olen, s, chunk);
		v->olen += chunk;
		v->obuf[v->olen] = '\0';
		if (p == NULL)
			return;
		v->olen = 0;
		filter_line(v, v->obuf);
		s = p + 1;
	}
}

void
vty_out(struct vty *v, const char *fmt, ...)
{
	char sbuf[1024], *buf = sbuf;
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(sbuf, sizeof(sbuf), fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n >= sizeof(sbuf)) {
		va_start(ap, fmt);
		n = vasprintf(&buf, fmt, ap);
		va_end(ap);
		if (n < 0)
			return;
	}
	vty_write(v, buf, (size_t)n);
	if (buf != sbuf)
		free(buf);
}

void
vty_err(struct vty *v, const char *fmt, ...)
{
	char buf[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	v->failed = 1;
	vty_flush(v);
	vty_term_write(v, "% ", 2);
	vty_term_write(v, buf, strlen(buf));
	vty_term_write(v, "\n", 1);
}

void
vty_flush(struct vty *v)
{
	if (v->olen) {
		vty_term_write(v, v->obuf, v->olen);
		v->olen = 0;
	}
	vty_sync(v);
}

/*
 * glibc's regcomp() copies the operand of every '+' and {m,n} (x+ is
 * xx*), so nested repetitions grow the compiled pattern exponentially:
 * "a++++...+" or "((a+)+)+..." exhaust memory. Estimate the size of the
 * expanded pattern and refuse one over REGEX_COST_MAX. Returns the
 * offset of the operator that crosses the limit, or -1 when it is fine.
 */
#define REGEX_COST_MAX	20000L
#define REGEX_DEPTH	64

/* The ']' closing the bracket expression at p ("[]a]", "[[:digit:]]"),
 * or NULL. */
static const char *
bracket_end(const char *p)
{
	const char *q = p + 1, *e;
	char close[3] = { 0, ']', 0 };

	q += *q == '^';
	q += *q == ']';
	while (*q && *q != ']') {
		if (q[0] == '[' && strchr(":.=", q[1]) && q[1]) {
			close[0] = q[1];
			if ((e = strstr(q + 2, close)) != NULL) {
				q = e + 2;
				continue;
			}
		}
		q++;
	}
	return *q ? q : NULL;
}

/* How many copies of its operand the repetition at *pp makes (x+ is xx*,
 * x{2,5} five x); *pp moves to its last character. */
static long
repeat_count(const char **pp)
{
	const char *p = *pp;
	char *end;
	long m, n;

	if (*p == '+')
		return 2;
	m = strtol(p + 1, &end, 10);
	if (m < 0 || m > REGEX_COST_MAX)	/* also strtol's LONG_MAX */
		m = REGEX_COST_MAX;
	n = m;
	if (*end == ',')
		n = end[1] == '}' ? m + 1 : strtol(end + 1, &end, 10);
	if ((end = strchr(p, '}')) != NULL)
		*pp = end;
	return n < 1 ? 1 : n;
}

/* The operator at p repeats the last operand: more than REGEX_NEST
 * repetitions inside each other ("((a*)*)*"), or one straight after
 * another ("a*+", undefined in POSIX), make glibc's closures explode. */
#define REGEX_NEST	4

struct re_cost {
	long	 size[REGEX_DEPTH + 1];	/* expanded size of each open group */
	int	 nest[REGEX_DEPTH + 1];	/* deepest repetition in each */
	long	 last;			/* size of the last operand */
	int	 last_nest;
	int	 d;			/* open groups */
};

static int
re_repeat(struct re_cost *c, const char **pp, int prev_rep)
{
	long k = **pp == '*' || **pp == '?' ? 1 : repeat_count(pp);

	if (prev_rep || c->last == 0 || ++c->last_nest > REGEX_NEST)
		return -1;
	if (k > REGEX_COST_MAX ||
	    c->last * (k - 1) > REGEX_COST_MAX - c->size[c->d])
		return -1;
	c->size[c->d] += c->last * (k - 1);
	c->last *= k;
	if (c->last_nest > c->nest[c->d])
		c->nest[c->d] = c->last_nest;
	return 0;
}

static long
regex_costly(const char *re)
{
	struct re_cost c = { { 0 }, { 0 }, 0, 0, 0 };
	const char *p, *q;
	int rep = 0, was;

	for (p = re; *p; p++) {
		was = rep;
		rep = 0;
		switch (*p) {
		case '(':
			if (++c.d > REGEX_DEPTH)
				return p - re;
			c.size[c.d] = c.last = c.nest[c.d] = 0;
			continue;
		case ')':
			if (c.d == 0)
				break;
			c.last = c.size[c.d];
			c.last_nest = c.nest[c.d--];
			c.size[c.d] += c.last;
			continue;
		case '|':
			c.last = 0;
			continue;
		case '*': case '?': case '+': case '{':
			if (c.last == 0 && !was)
				break;		/* a literal, as glibc takes it */
			if (re_repeat(&c, &p, was) < 0)
				return p - re;
			rep = 1;
			continue;
		case '[':
			if ((q = bracket_end(p)) != NULL)
				p = q;
			break;
		case '\\':
			p += p[1] != '\0';
			break;
		default:
			break;
		}
		c.last = 1;
		c.last_nest = 0;
		if (++c.size[c.d] > REGEX_COST_MAX)
			return p - re;
	}
	return -1;
}

int
vty_json(const struct vty *v)
{
	return v->f.type == F_JSON;
}

/* The document, line by line through the pager, bypassing the filter. */
void
vty_json_write(struct vty *v, const char *doc)
{
	const char *p;
	char *line;

	v->f.json_done = 1;
	while (*doc) {
		p = doc + strcspn(doc, "\n");
		if ((line = strndup(doc, (size_t)(p - doc))) == NULL)
			return;
		pager_line(v, line);
		free(line);
		doc = *p ? p + 1 : p;
	}
}

int
vty_filter_set(struct vty *v, const char *spec, size_t *bad)
{
	static const char *const names[] = { "include", "exclude", "begin",
	    "section", "count", "json", NULL };
	static const enum filt types[] = { F_INCLUDE, F_EXCLUDE, F_BEGIN,
	    F_SECTION, F_COUNT, F_JSON };
	const char *p = spec + strspn(spec, " \t");
	size_t n = strcspn(p, " \t"), best = 0, k;
	long cost;
	int i, hit = -1;

	*bad = (size_t)(p - spec);
	if (n == 0)
		return -3;
	for (i = 0; names[i]; i++) {
		for (k = 0; k < n && names[i][k] ==
		    tolower((unsigned char)p[k]); k++)
			;
		if (k > best)
			best = k;
		if (k == n && hit < 0)
			hit = i;	/* the six names differ at once */
	}
	if (hit < 0) {
		*bad += best;
		return -1;
	}
	p += n;
	p += strspn(p, " \t");
	if (types[hit] == F_JSON) {
		if (*p != '\0') {	/* json takes no argument */
			*bad = (size_t)(p - spec);
			return -1;
		}
		memset(&v->f, 0, sizeof(v->f));
		v->f.type = F_JSON;
		return 0;
	}
	if (*p == '\0' && types[hit] != F_COUNT)
		return -3;
	if ((cost = regex_costly(p)) >= 0) {
		*bad = (size_t)(p - spec) + (size_t)cost;
		return -1;
	}
	memset(&v->f, 0, sizeof(v->f));
	if (regcomp(&v->f.re, *p ? p : ".*", REG_EXTENDED | REG_NOSUB) != 0) {
		*bad = (size_t)(p - spec);
		return -1;
	}
	v->f.type = types[hit];
	return 0;
}

void
vty_filter_end(struct vty *v)
{
	char b[80];

	if (v->olen) {
		v->obuf[v->olen] = '\0';
		v->olen = 0;
		filter_line(v, v->obuf);
	}
	if (v->f.type == F_SECTION)
		section_flush(v);
	if (v->f.type == F_COUNT) {
		snprintf(b, sizeof(b),
		    "Number of lines which match regexp = %ld", v->f.count);
		pager_line(v, b);
	}
	if (v->f.type == F_JSON && !v->f.json_done && !v->failed)
		vty_err(v, "JSON output is not available for this command");
	if (v->f.type != F_NONE && v->f.type != F_JSON)
		regfree(&v->f.re);
	free(v->f.sect);
	memset(&v->f, 0, sizeof(v->f));
	v->pg_lines = 0;
	v->pg_quit = 0;
}
