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

/* Everything below is allocated from the caller's arena (the parser's
 * "mem") and released with it: no frees here. */

/* The array doubles when n reaches a power of two (0, 1, 2, 4 ...); the
 * outgrown copy stays in the arena. */
static void
sl_add(struct arena *mem, struct seqlist *l, struct tseq s)
{
	if ((l->n & (l->n - 1)) == 0) {
		struct tseq *v = arena_alloc(mem,
		    (l->n ? 2 * l->n : 1) * sizeof(*v));
		if (l->n)
			memcpy(v, l->v, l->n * sizeof(*v));
		l->v = v;
	}
	l->v[l->n++] = s;
}

static struct tseq
seq_cat(struct arena *mem, const struct tseq *a, const struct tseq *b)
{
	struct tseq s;

	s.n = a->n + b->n;
	s.t = arena_alloc(mem, (s.n + 1) * sizeof(*s.t));
	memcpy(s.t, a->t, a->n * sizeof(*s.t));
	memcpy(s.t + a->n, b->t, b->n * sizeof(*s.t));
	return s;
}

/* l := l x r (cartesian concatenation) */
static void
sl_product(struct arena *mem, struct seqlist *l, const struct seqlist *r)
{
	struct seqlist out = { 0 };

	for (size_t i = 0; i < l->n; i++)
		for (size_t j = 0; j < r->n; j++)
			sl_add(mem, &out, seq_cat(mem, &l->v[i], &r->v[j]));
	*l = out;
}

static void
sl_union(struct arena *mem, struct seqlist *l, const struct seqlist *r)
{
	for (size_t i = 0; i < r->n; i++)
		sl_add(mem, l, r->v[i]);
}

static struct seqlist
sl_unit(struct arena *mem)
{
	struct seqlist l = { 0 };
	struct tseq s = { arena_alloc(mem, sizeof(struct tspec *)), 0 };

	sl_add(mem, &l, s);
	return l;
}

static struct tspec *
tok_new(struct arena *mem, const char *w, size_t len)
{
	struct tspec *t = arena_alloc(mem, sizeof(*t));
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
	struct arena	*mem;
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
	stack[sp++] = (struct frame){
	    { arena_alloc(ps->mem, sizeof(struct tspec *)), 0 }, 0 };
	while (sp > 0) {
		struct frame f = stack[--sp];
		for (size_t g = 0; g < ng; g++) {
			if (f.used & (1u << g))
				continue;
			for (size_t k = 0; k < groups[g].n; k++)
				if (sp < 512)
					stack[sp++] = (struct frame){
					    seq_cat(ps->mem, &f.s,
					    &groups[g].v[k]),
					    f.used | (1u << g) };
		}
		sl_add(ps->mem, &out, f.s);
	}
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
		r = sl_unit(ps->mem);
		sl_union(ps->mem, &l, &r);
		return l;
	}
	if (*ps->p == '{') {
		ps->p++;
		l = parse_seq(ps, "|}");
		while (*ps->p == '|') {
			ps->p++;
			r = parse_seq(ps, "|}");
			sl_union(ps->mem, &l, &r);
		}
		ps->p++;
		return l;
	}
	for (s = ps->p; *ps->p && *ps->p != ' ' && !strchr("[]{}|", *ps->p);
	    ps->p++)
		;
	l = sl_unit(ps->mem);
	l.v[0].t[0] = tok_new(ps->mem, s, (size_t)(ps->p - s));
	l.v[0].n = 1;
	return l;
}

static struct seqlist
parse_seq(struct parser *ps, const char *stops)
{
	struct seqlist l = sl_unit(ps->mem), e;

	for (;;) {
		skip_ws(ps);
		if (*ps->p == '\0' || strchr(stops, *ps->p) ||
		    strncmp(ps->p, "*}", 2) == 0)
			return l;
		e = parse_elem(ps);
		sl_product(ps->mem, &l, &e);
	}
}

int
syntax_expand(const char *syntax, struct arena *mem, struct tseq **out,
    size_t *n)
{
	struct parser ps = { syntax, mem };
	struct seqlist l = parse_seq(&ps, "");

	*out = l.v;
	*n = l.n;
	return 0;
}
