/* parser/syntax.c - expand a command syntax string into token sequences.
 * "[x]" optional, "{a|b}" alternatives, "{* [x] [y] *}" any order. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include "parser/pool.h"
#include "parser/syntax.h"

struct seqlist {
	struct tseq	*v;
	size_t		 n;
};

/* The array doubles when n reaches a power of two (0, 1, 2, 4 ...). */
static void
sl_add(struct seqlist *l, struct tseq s)
{
	if ((l->n & (l->n - 1)) == 0)
		l->v = realloc(l->v, (l->n ? 2 * l->n : 1) * sizeof(*l->v));
	l->v[l->n++] = s;
}

static struct tseq
seq_cat(const struct tseq *a, const struct tseq *b)
{
	struct tseq s;

	s.n = a->n + b->n;
	s.t = malloc((s.n + 1) * sizeof(*s.t));
	memcpy(s.t, a->t, a->n * sizeof(*s.t));
	memcpy(s.t + a->n, b->t, b->n * sizeof(*s.t));
	return s;
}

static void
sl_free(struct seqlist *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->v[i].t);
	free(l->v);
	l->v = NULL;
	l->n = 0;
}

/* l := l x r (cartesian concatenation) */
static void
sl_product(struct seqlist *l, struct seqlist *r)
{
	struct seqlist out = { 0 };

	for (size_t i = 0; i < l->n; i++)
		for (size_t j = 0; j < r->n; j++)
			sl_add(&out, seq_cat(&l->v[i], &r->v[j]));
	sl_free(l);
	*l = out;
}

static void
sl_union(struct seqlist *l, struct seqlist *r)
{
	for (size_t i = 0; i < r->n; i++)
		sl_add(l, r->v[i]);
	free(r->v);
	r->v = NULL;
	r->n = 0;
}

static struct seqlist
sl_unit(void)
{
	struct seqlist l = { 0 };
	struct tseq s = { malloc(sizeof(struct tspec *)), 0 };

	sl_add(&l, s);
	return l;
}

static struct tspec *
tok_new(const char *w, size_t len)
{
	struct tspec *t = calloc(1, sizeof(*t));
	const char *dollar = memchr(w, '$', len);
	size_t tl = dollar ? (size_t)(dollar - w) : len;

	t->text = str_intern(w, tl);
	if (dollar)
		t->var = str_intern(dollar + 1, len - tl - 1);
	if (strcmp(t->text, "WORD") == 0)
		t->type = T_WORD;
	else if (strcmp(t->text, "LINE") == 0)
		t->type = T_LINE;
	else if (strcmp(t->text, "URL") == 0)
		t->type = T_URL;
	else if (strcmp(t->text, "A.B.C.D") == 0)
		t->type = T_IPV4;
	else if (strcmp(t->text, "X:X::X") == 0)
		t->type = T_IPV6;
	else if (strcmp(t->text, "HH:MM:SS") == 0)
		t->type = T_TIME;
	else if (t->text[0] == '<') {
		t->type = T_RANGE;
		t->lo = strtol(t->text + 1, NULL, 10);
		t->hi = strtol(strchr(t->text + 2, '-') + 1, NULL, 10);
	} else
		t->type = T_KW;
	return t;
}

struct parser {
	const char	*p;
	struct tspec	**all;		/* every token, for freeing */
	size_t		 nall;
};

static struct seqlist parse_seq(struct parser *, const char *stops);

static void
skip_ws(struct parser *ps)
{
	while (*ps->p == ' ')
		ps->p++;
}

static struct seqlist
parse_anyorder(struct parser *ps)
{
	struct seqlist groups[8], out = { 0 };
	size_t ng = 0;

	for (;;) {
		skip_ws(ps);
		if (strncmp(ps->p, "*}", 2) == 0) {
			ps->p += 2;
			break;
		}
		if (*ps->p != '[' || ng == 8)
			abort();	/* table bug */
		ps->p++;
		groups[ng++] = parse_seq(ps, "]");
		ps->p++;
	}
	/* all ordered subsets of the groups */
	struct frame { struct tseq s; unsigned used; } stack[512];
	int sp = 0;
	stack[sp++] = (struct frame){ { malloc(sizeof(struct tspec *)), 0 },
	    0 };
	while (sp > 0) {
		struct frame f = stack[--sp];
		for (size_t g = 0; g < ng; g++) {
			if (f.used & (1u << g))
				continue;
			for (size_t k = 0; k < groups[g].n; k++)
				if (sp < 512)
					stack[sp++] = (struct frame){
					    seq_cat(&f.s, &groups[g].v[k]),
					    f.used | (1u << g) };
		}
		sl_add(&out, f.s);
	}
	for (size_t g = 0; g < ng; g++)
		sl_free(&groups[g]);
	return out;
}

static struct seqlist
parse_elem(struct parser *ps)
{
	struct seqlist l, r;
	const char *s;

	if (strncmp(ps->p, "{*", 2) == 0) {
		ps->p += 2;
		return parse_anyorder(ps);
	}
	if (*ps->p == '[') {
		ps->p++;
		l = parse_seq(ps, "]");
		ps->p++;
		r = sl_unit();
		sl_union(&l, &r);
		return l;
	}
	if (*ps->p == '{') {
		ps->p++;
		l = parse_seq(ps, "|}");
		while (*ps->p == '|') {
			ps->p++;
			r = parse_seq(ps, "|}");
			sl_union(&l, &r);
		}
		ps->p++;
		return l;
	}
	for (s = ps->p; *ps->p && *ps->p != ' ' && !strchr("[]{}|", *ps->p);
	    ps->p++)
		;
	l = sl_unit();
	l.v[0].t[0] = tok_new(s, (size_t)(ps->p - s));
	l.v[0].n = 1;
	ps->all = realloc(ps->all, (ps->nall + 1) * sizeof(*ps->all));
	ps->all[ps->nall++] = l.v[0].t[0];
	return l;
}

static struct seqlist
parse_seq(struct parser *ps, const char *stops)
{
	struct seqlist l = sl_unit(), e;

	for (;;) {
		skip_ws(ps);
		if (*ps->p == '\0' || strchr(stops, *ps->p) ||
		    strncmp(ps->p, "*}", 2) == 0)
			return l;
		e = parse_elem(ps);
		sl_product(&l, &e);
		sl_free(&e);
	}
}

int
syntax_expand(const char *syntax, struct tseq **out, size_t *n,
    struct tspec ***toks, size_t *ntoks)
{
	struct parser ps = { syntax, NULL, 0 };
	struct seqlist l = parse_seq(&ps, "");

	*out = l.v;
	*n = l.n;
	*toks = ps.all;
	*ntoks = ps.nall;
	return 0;
}
