/* shell/lineedit.c - IOS line editing: Emacs keys, history, `?`, TAB,
 * Ctrl-V literal next, Ctrl-Z, async messages redrawn around the line */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "parser/parser.h"
#include "shell/shell_int.h"

struct le {
	struct vty	*v;
	const char	*prompt;
	char		*buf;
	size_t		 cap, n, cur;
	int		 flags;
	int		 hpos;
	int		 overflow;	/* input beyond cap was dropped */
};

static void
put(struct le *e, const char *s, size_t len)
{
	if (!(e->flags & LE_NOECHO) && !e->v->noecho)
		vty_term_write(e->v, s, len);
}

static void
back(struct le *e, size_t k)
{
	while (k--)
		put(e, "\b", 1);
}

/* Redraw from the cursor to the end, clearing `extra` old chars. */
static void
tail(struct le *e, size_t extra)
{
	put(e, e->buf + e->cur, e->n - e->cur);
	for (size_t i = 0; i < extra; i++)
		put(e, " ", 1);
	back(e, e->n - e->cur + extra);
}

static void
redraw(struct le *e)
{
	if (!e->v->noecho)
		vty_term_write(e->v, e->prompt, strlen(e->prompt));
	put(e, e->buf, e->n);
	back(e, e->n - e->cur);
}

static void
set_line(struct le *e, const char *s)
{
	size_t old = e->n, l = strlen(s);

	back(e, e->cur);
	if (l >= e->cap)
		l = e->cap - 1;
	memcpy(e->buf, s, l);
	e->n = e->cur = l;
	e->buf[l] = '\0';
	put(e, e->buf, l);
	if (old > l) {
		for (size_t i = l; i < old; i++)
			put(e, " ", 1);
		back(e, old - l);
	}
}

static void
insert(struct le *e, int c)
{
	if (e->n + 1 >= e->cap) {
		if (!e->overflow)
			put(e, "\a", 1);
		e->overflow = 1;
		return;
	}
	memmove(e->buf + e->cur + 1, e->buf + e->cur, e->n - e->cur);
	e->buf[e->cur++] = (char)c;
	e->n++;
	e->buf[e->n] = '\0';
	put(e, e->buf + e->cur - 1, 1);
	if (e->cur < e->n)
		tail(e, 0);
}

static void
delete_range(struct le *e, size_t from, size_t to)
{
	size_t k = to - from;

	if (k == 0)
		return;
	back(e, e->cur - from);
	memmove(e->buf + from, e->buf + to, e->n - to);
	e->n -= k;
	e->cur = from;
	e->buf[e->n] = '\0';
	tail(e, k);
}

static void
help_out(void *ctx, const char *line)
{
	struct vty *v = ctx;

	vty_term_write(v, line, strlen(line));
	vty_term_write(v, "\n", 1);
}

static void
filter_help(struct vty *v, const char *after)
{
	static const char *const f[][2] = {
		{ "begin", "Begin with the line that matches" },
		{ "count", "Count number of lines which match regexp" },
		{ "exclude", "Exclude lines that match" },
		{ "include", "Include lines that match" },
		{ "json", "Print as one JSON document" },
		{ "section", "Filter a section of output" } };
	char b[128];

	while (*after == ' ')
		after++;
	if (*after && strchr(after, ' ')) {
		help_out(v, strncasecmp(after, "json", strcspn(after, " ")) ?
		    "  LINE  Regular Expression" : "  <cr>");
		return;
	}
	for (size_t i = 0; i < 6; i++)
		if (strncmp(f[i][0], after, strlen(after)) == 0) {
			snprintf(b, sizeof(b), "  %-7s  %s", f[i][0], f[i][1]);
			help_out(v, b);
		}
}

/* Where the EXEC command starts in "do CMD" typed in a config mode. */
static size_t
do_skip(const char *line, enum mode m)
{
	const char *p = line + strspn(line, " ");

	if (m == MODE_EXEC || strncasecmp(p, "do", 2) != 0 || p[2] != ' ')
		return 0;
	return (size_t)(p + 2 + strspn(p + 2, " ") - line);
}

/* A '|' starts output modifiers only after a show command. */
static const char *
filter_bar(const char *line)
{
	size_t n = strcspn(line, " |");

	if (n == 0 || n > 4 || strncasecmp(line, "show", n) != 0)
		return NULL;
	return strchr(line, '|');
}

static void
do_help(struct le *e)
{
	struct vty *v = e->v;
	size_t skip = do_skip(e->buf, v->mode);
	const char *line = e->buf + skip, *bar;
	enum mode m = skip ? MODE_EXEC : v->mode;

	put(e, "?", 1);
	vty_term_write(v, "\n", 1);
	line += strspn(line, " ");
	if ((bar = filter_bar(line)) != NULL)
		filter_help(v, bar + 1);
	else
		cmd_help(line, m, v->priv, help_out, v);
	vty_term_write(v, "\n", 1);
	redraw(e);
}

/* TAB: complete the last word; only the new characters are echoed when
 * the cursor is at the end of what was typed. */
static void
do_complete(struct le *e)
{
	size_t skip = do_skip(e->buf, e->v->mode), n;
	char *c = cmd_complete(e->buf + skip, skip ? MODE_EXEC : e->v->mode,
	    e->v->priv), *full = NULL;

	if (c == NULL || asprintf(&full, "%.*s%s", (int)skip, e->buf, c) < 0) {
		free(c);
		put(e, "\a", 1);
		return;
	}
	n = e->n;
	if (e->cur == n && strncmp(full, e->buf, n) == 0)
		for (const char *p = full + n; *p; p++)
			insert(e, (unsigned char)*p);
	else
		set_line(e, full);
	free(full);
	free(c);
}

static void
history(struct le *e, int dir)
{
	struct vty *v = e->v;
	int h = e->hpos + dir;

	if (h < 0 || h > v->nhist) {
		put(e, "\a", 1);
		return;
	}
	e->hpos = h;
	set_line(e, h == v->nhist ? "" : v->hist[h]);
}

static void
hist_add(struct vty *v, const char *s)
{
	if (*s == '\0' || (v->nhist && strcmp(v->hist[v->nhist - 1], s) == 0))
		return;
	if (v->nhist == 64) {
		free(v->hist[0]);
		memmove(v->hist, v->hist + 1, 63 * sizeof(char *));
		v->nhist--;
	}
	v->hist[v->nhist++] = strdup(s);
}

/* VT100/xterm keys: ESC [ or ESC O, then a letter (arrows, Home H,
 * End F) or digits and '~' (1/7 Home, 3 Delete, 4/8 End); the whole
 * sequence is consumed, unknown ones are ignored. */
static void
escape(struct le *e)
{
	int c = vty_getkey(e->v, 100), d, n = 0;

	if (c != '[' && c != 'O')
		return;
	d = vty_getkey(e->v, 100);
	if (d >= '0' && d <= '9') {
		n = d - '0';
		while ((c = vty_getkey(e->v, 100)) >= '0' && c <= '9')
			if (n < 1000)	/* no key code is longer */
				n = n * 10 + c - '0';
		d = c == '~' ? '~' : 0;
	}
	switch (d) {
	case 'A': if (e->flags & LE_EDIT) history(e, -1); break;
	case 'B': if (e->flags & LE_EDIT) history(e, 1); break;
	case 'C': if (e->cur < e->n) put(e, e->buf + e->cur++, 1); break;
	case 'D': if (e->cur > 0) { back(e, 1); e->cur--; } break;
	case 'H': back(e, e->cur); e->cur = 0; break;
	case 'F': put(e, e->buf + e->cur, e->n - e->cur); e->cur = e->n; break;
	case '~':
		if ((n == 1 || n == 7) && e->cur > 0) {
			back(e, e->cur);
			e->cur = 0;
		} else if (n == 4 || n == 8) {
			put(e, e->buf + e->cur, e->n - e->cur);
			e->cur = e->n;
		} else if (n == 3 && e->cur < e->n)
			delete_range(e, e->cur, e->cur + 1);
		break;
	default: break;
	}
}

static int
idle(struct le *e)
{
	struct vty *v = e->v;
	int had;

	pthread_mutex_lock(&v->qmu);
	had = v->qn > 0;
	pthread_mutex_unlock(&v->qmu);
	if (had) {
		vty_term_write(v, "\n", 1);
		vty_drain(v);
		redraw(e);
	}
	if (sh_stopping())
		return -1;
	if (v->exec_timeout > 0 && sh_mono() - v->last_input >=
	    v->exec_timeout)
		return -2;
	return 0;
}

/* One key; 1 = line done, 0 = go on, <0 = return code. */
static int
key(struct le *e, int c)
{
	size_t k;

	switch (c) {
	case '\r': case '\n':
		if (!e->v->noecho)
			vty_term_write(e->v, "\n", 1);
		e->v->lines_read++;
		return 1;
	case 0x7f: case 0x08:
		if (e->cur > 0)
			delete_range(e, e->cur - 1, e->cur);
		return 0;
	case 0x01: back(e, e->cur); e->cur = 0; return 0;
	case 0x05: put(e, e->buf + e->cur, e->n - e->cur); e->cur = e->n;
		return 0;
	case 0x02: if (e->cur) { back(e, 1); e->cur--; } return 0;
	case 0x06: if (e->cur < e->n) put(e, e->buf + e->cur++, 1); return 0;
	case 0x04: if (e->cur < e->n) delete_range(e, e->cur, e->cur + 1);
		return 0;
	case 0x0b: delete_range(e, e->cur, e->n); return 0;
	case 0x15: delete_range(e, 0, e->n); return 0;
	case 0x17:
		for (k = e->cur; k > 0 && e->buf[k - 1] == ' '; k--)
			;
		for (; k > 0 && e->buf[k - 1] != ' '; k--)
			;
		delete_range(e, k, e->cur);
		return 0;
	case 0x0c: vty_term_write(e->v, "\n", 1); redraw(e); return 0;
	case 0x10: if (e->flags & LE_EDIT) history(e, -1); return 0;
	case 0x0e: if (e->flags & LE_EDIT) history(e, 1); return 0;
	case 0x16:
		if ((c = vty_getkey(e->v, -1)) >= 0x20)
			insert(e, c);
		return 0;
	case 0x03:
		put(e, "^C", 2);
		vty_term_write(e->v, "\n", 1);
		return -3;
	case 0x1a:
		if (!(e->flags & LE_EDIT))
			return 0;
		put(e, "^Z", 2);
		vty_term_write(e->v, "\n", 1);
		return -4;
	case 0x1b: escape(e); return 0;
	case '\t': if (e->flags & LE_EDIT) do_complete(e); return 0;
	case '?':
		if (e->flags & LE_EDIT) {
			do_help(e);
			return 0;
		}
		insert(e, c);
		return 0;
	default:
		if (c >= 0x20)
			insert(e, c);
		return 0;
	}
}

int
le_readline(struct vty *v, const char *prompt, char *out, size_t len,
    int flags)
{
	struct le e = { v, prompt, out, len, 0, 0, flags, v->nhist, 0 };
	int c, rc;

	out[0] = '\0';
	if (!v->noecho)
		vty_term_write(v, prompt, strlen(prompt));
	for (;;) {
		/* a deadline holds even for a peer that trickles bytes */
		if (v->deadline > 0 && sh_mono() >= v->deadline)
			return -2;
		c = vty_getkey(v, 250);
		if (c == -2) {
			if ((rc = idle(&e)) < 0)
				return rc;
			continue;
		}
		if (c == -1) {
			if (e.n == 0)
				return -1;
			if (!v->noecho)
				vty_term_write(v, "\n", 1);
			v->lines_read++;
			break;
		}
		if ((rc = key(&e, c)) < 0)
			return rc;
		if (rc == 1)
			break;
	}
	if (e.overflow) {
		explicit_bzero(out, len);
		return -5;
	}
	if (flags & LE_EDIT)
		hist_add(v, out);
	return 0;
}
