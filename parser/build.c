/* parser/build.c - the command graph built from the tables.
 *
 * cmd_install() inserts every expansion of every command into a trie of
 * build nodes; one hash table, keyed by parent and pooled token strings,
 * finds a node's child, so inserting is not a scan of the siblings.
 * cmd_freeze() (or the first look-up) then merges equal subtrees (the
 * any-order options of `eku` or `crypto key generate rsa` repeat the same
 * few nodes thousands of times), sorts each node's keywords and copies
 * the result into one arena; the build nodes, held in large chunks of
 * their own, are released whole. Matching, help and completion read only
 * the frozen graph, which is what every session shares. A cmd_install()
 * after freezing thaws the graph into build nodes again.
 *
 * Start-up only, single-threaded: install and freeze before sessions.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "parser/cmd.h"
#include "parser/engine.h"
#include "parser/pool.h"
#include "parser/syntax.h"

struct bnode {
	struct bnode	*parent;
	struct bnode	*first, *last, *next;	/* children, installed order */
	const char	*text, *var, *help;
	const struct cmd_def *cmd;
	int		 lo, hi;
	unsigned	 nkids;
	unsigned char	 type;
	signed char	 minpriv;
	unsigned char	 hidden;
};

/* Build nodes live in chunks large enough for malloc to map them apart
 * from the heap, so that freeing them returns the memory. So do the
 * syntax expansions (one command's at a time): expanded into the heap,
 * the any-order commands' thousands of short-lived sequences left it
 * full of holes below the graph and whatever came after it. */
static struct arena	 scratch = { NULL, 256 * 1024 - 64 };
static struct arena	 expand = { NULL, 256 * 1024 - 64 };
static struct arena	 graph = { NULL, 16 * 1024 - 64 };
static struct bnode	*broots[MODE__MAX];
static const struct node *roots[MODE__MAX];
static int		 dirty;		/* build nodes not frozen yet */

/* An open-addressing set of pointers, hashed and compared by callers. */
struct pset {
	const void	**v;
	size_t		 cap, n;
};

static size_t
mix(uint64_t h)
{
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdULL;
	h ^= h >> 33;
	return (size_t)h;
}

static const void **
pset_slot(struct pset *s, size_t h, int (*eq)(const void *, const void *),
    const void *key)
{
	size_t i = h & (s->cap - 1);

	while (s->v[i] && !eq(s->v[i], key))
		i = (i + 1) & (s->cap - 1);
	return &s->v[i];
}

/* Room for one more, rehashing with hf when half full. The tables are
 * build memory too (the outgrown ones stay there until it goes). */
static void
pset_reserve(struct pset *s, size_t (*hf)(const void *),
    int (*eq)(const void *, const void *))
{
	struct pset o = *s;

	if (2 * (s->n + 1) <= s->cap)
		return;
	s->cap = s->cap ? 2 * s->cap : 1024;
	s->v = arena_alloc(&scratch, s->cap * sizeof(*s->v));
	for (size_t i = 0; i < o.cap; i++)
		if (o.v[i])
			*pset_slot(s, hf(o.v[i]), eq, o.v[i]) = o.v[i];
}

/* ---- build nodes: children by (parent, type, text, var) ---- */

static struct pset kids;

static size_t
bhash(const struct bnode *parent, int type, const char *text,
    const char *var)
{
	return mix((uintptr_t)parent * 31 + (uintptr_t)text * 7 +
	    (uintptr_t)var * 3 + (unsigned)type);
}

static size_t
bhash_node(const void *p)
{
	const struct bnode *b = p;

	return bhash(b->parent, b->type, b->text, b->var);
}

static int
beq(const void *x, const void *y)
{
	const struct bnode *a = x, *b = y;

	return a->parent == b->parent && a->type == b->type &&
	    a->text == b->text && a->var == b->var;
}

/* A new child of parent (NULL for a root), last in its parent's list. */
static struct bnode *
bnode_add(struct bnode *parent, int type, const char *text, const char *var)
{
	struct bnode *c = arena_alloc(&scratch, sizeof(*c));

	c->parent = parent;
	c->type = (unsigned char)type;
	c->text = text;
	c->var = var;
	c->minpriv = 99;
	c->hidden = 1;
	if (parent == NULL)
		return c;
	if (parent->last)
		parent->last->next = c;
	else
		parent->first = c;
	parent->last = c;
	parent->nkids++;
	pset_reserve(&kids, bhash_node, beq);
	*pset_slot(&kids, bhash_node(c), beq, c) = c;
	kids.n++;
	return c;
}

/* The command's own help for a token ("token=help" lines), pooled. */
static const char *
help_for(const struct cmd_def *d, const struct tspec *t)
{
	const char *p, *e;
	size_t tl = strlen(t->text);

	for (p = d->help; p && *p; p = e + (*e == '\n')) {
		e = strchr(p, '\n');
		if (e == NULL)
			e = p + strlen(p);
		if ((size_t)(e - p) > tl && strncmp(p, t->text, tl) == 0 &&
		    p[tl] == '=')
			return str_intern(p + tl + 1, (size_t)(e - p - tl - 1));
	}
	return NULL;
}

static struct bnode *
child_get(struct bnode *n, struct tspec *t, const char *var,
    const struct cmd_def *d)
{
	struct bnode key = { .parent = n, .type = (unsigned char)t->type,
	    .text = t->text, .var = var };
	struct bnode *c;

	pset_reserve(&kids, bhash_node, beq);
	c = (struct bnode *)*pset_slot(&kids, bhash_node(&key), beq, &key);
	if (c != NULL)
		return c;
	c = bnode_add(n, t->type, t->text, var);
	c->lo = (int)t->lo;
	c->hi = (int)t->hi;
	if (!t->help_set) {	/* once per token of the syntax */
		t->help = help_for(d, t);
		if (t->help == NULL && t->type == T_KW)
			t->help = kw_help(t->text);
		t->help_set = 1;
	}
	c->help = t->help;
	return c;
}

/* The path of the last sequence inserted: the next one, which mostly
 * shares a prefix with it (an expansion's sequences come in order), starts
 * where they part. The shared nodes have seen this command already. */
struct walk {
	struct tspec	**tok;
	struct bnode	**node;		/* node[i]: reached by tok[0..i] */
	size_t		 n;
};

static void
insert(struct bnode *root, struct tspec *const *t, size_t n,
    const struct cmd_def *d, struct walk *w)
{
	struct bnode *cur = root;
	const char *lastkw = NULL;
	size_t i = 0;

	while (i < n && i < w->n && w->tok[i] == t[i])
		cur = w->node[i++];
	for (size_t j = i; j-- > 0; )
		if (t[j]->type == T_KW) {
			lastkw = t[j]->text;
			break;
		}
	for (w->n = i; i < n; i++) {
		const char *var = t[i]->var;
		if (t[i]->type == T_KW)
			lastkw = t[i]->text;
		else if (var == NULL)
			var = lastkw ? lastkw : t[i]->text;
		cur = child_get(cur, t[i], t[i]->type == T_KW ? NULL : var, d);
		if (d->priv < cur->minpriv)
			cur->minpriv = (signed char)d->priv;
		if (!(d->flags & CMD_HIDDEN))
			cur->hidden = 0;
		w->tok[i] = t[i];
		w->node[i] = cur;
		w->n = i + 1;
		if (t[i]->type == T_LINE)
			break;
	}
	if (cur->cmd == NULL)
		cur->cmd = d;
}

static struct tspec no_tok = { T_KW, "no", NULL, 0, 0, NULL, 0 };

/* The expansion, its `no` form and `no` + its leading keywords, each
 * with its own walk; buf has room for s->n + 1 tokens. */
static void
insert_forms(struct bnode *root, const struct tseq *s,
    const struct cmd_def *d, struct walk w[3], struct tspec **buf)
{
	size_t k = 1;

	if (!(d->flags & CMD_NOONLY))
		insert(root, s->t, s->n, d, &w[0]);
	if (!(d->flags & (CMD_NO | CMD_NOONLY)))
		return;
	buf[0] = &no_tok;
	memcpy(buf + 1, s->t, s->n * sizeof(*buf));
	insert(root, buf, s->n + 1, d, &w[1]);
	while (k <= s->n && buf[k]->type == T_KW)
		k++;
	if (d->flags & CMD_NO)
		insert(root, buf, k, d, &w[2]);
}

static void
install_one(const struct cmd_def *d)
{
	struct tseq *seqs;
	struct tspec **buf;
	struct walk w[3];
	size_t nseq, max = 0;

	syntax_expand(d->syntax, &expand, &seqs, &nseq);
	no_tok.help_set = 0;	/* its help is this command's */
	for (size_t i = 0; i < nseq; i++)
		if (seqs[i].n > max)
			max = seqs[i].n;
	for (int f = 0; f < 3; f++) {
		w[f].tok = arena_alloc(&expand, (max + 1) * sizeof(*w->tok));
		w[f].node = arena_alloc(&expand, (max + 1) * sizeof(*w->node));
	}
	buf = arena_alloc(&expand, (max + 1) * sizeof(*buf));
	for (int m = 0; m < MODE__MAX; m++) {
		if (!(d->modes & M(m)))
			continue;
		if (broots[m] == NULL) {
			broots[m] = bnode_add(NULL, T_KW, NULL, NULL);
			broots[m]->minpriv = 0;
			broots[m]->hidden = 0;
		}
		w[0].n = w[1].n = w[2].n = 0;
		for (size_t i = 0; i < nseq; i++)
			insert_forms(broots[m], &seqs[i], d, w, buf);
	}
	arena_reset(&expand);
}

/* ---- thawing: the frozen graph back into build nodes ---- */

static struct bnode *
thaw_node(const struct node *n, struct bnode *parent)
{
	struct bnode *b = bnode_add(parent, n->type, n->text, n->var);

	b->help = n->help;
	b->cmd = n->cmd;
	b->lo = n->lo;
	b->hi = n->hi;
	b->minpriv = n->minpriv;
	b->hidden = n->hidden;
	for (size_t i = 0; i < n->nkids; i++)
		thaw_node(n->kids[i], b);
	return b;
}

static void
thaw(void)
{
	for (int m = 0; m < MODE__MAX; m++) {
		if (roots[m])
			broots[m] = thaw_node(roots[m], NULL);
		roots[m] = NULL;
	}
	arena_free(&graph);
}

void
cmd_install(const struct cmd_def *tab)
{
	if (!dirty)
		thaw();
	dirty = 1;
	no_tok.text = str_intern("no", 2);
	for (; tab->syntax; tab++)
		install_one(tab);
}

/* ---- freezing: equal subtrees once, keywords sorted ---- */

static struct pset cons;

static size_t
nhash(const void *p)
{
	const struct node *n = p;
	uint64_t h = (uintptr_t)n->text * 31 + (uintptr_t)n->var * 7 +
	    (uintptr_t)n->help * 3 + (uintptr_t)n->cmd + (unsigned)n->lo * 5 +
	    (unsigned)n->hi + n->type + n->minpriv * 11u + n->hidden * 13u;

	for (size_t i = 0; i < n->nkids; i++)
		h = h * 0x100000001b3ULL + (uintptr_t)n->kids[i];
	return mix(h);
}

static int
neq(const void *x, const void *y)
{
	const struct node *a = x, *b = y;

	return a->text == b->text && a->var == b->var && a->help == b->help &&
	    a->cmd == b->cmd && a->lo == b->lo && a->hi == b->hi &&
	    a->type == b->type && a->minpriv == b->minpriv &&
	    a->hidden == b->hidden && a->nkids == b->nkids &&
	    (a->nkids == 0 ||
	    memcmp(a->kids, b->kids, a->nkids * sizeof(*a->kids)) == 0);
}

static int
cmp_kw(const void *a, const void *b)
{
	const struct node *x = *(const struct node *const *)a;
	const struct node *y = *(const struct node *const *)b;
	int c = strcasecmp(x->text, y->text);

	return c ? c : strcmp(x->text, y->text);
}

/* The frozen node equal to b's subtree: an existing one, or a new one. */
static const struct node *
freeze_node(const struct bnode *b)
{
	const struct node **kv, **slot;
	struct node key, *n;
	size_t nkw = 0, nph = 0;

	kv = arena_alloc(&scratch, (b->nkids + 1) * sizeof(*kv));
	for (const struct bnode *c = b->first; c; c = c->next)
		if (c->type == T_KW)
			kv[nkw++] = freeze_node(c);
	for (const struct bnode *c = b->first; c; c = c->next)
		if (c->type != T_KW)
			kv[nkw + nph++] = freeze_node(c);
	qsort(kv, nkw, sizeof(*kv), cmp_kw);
	key = (struct node){ b->text, b->var, b->help, b->cmd, kv, b->lo,
	    b->hi, (unsigned short)b->nkids, (unsigned short)nkw, b->type,
	    b->minpriv, b->hidden };
	pset_reserve(&cons, nhash, neq);
	slot = (const struct node **)pset_slot(&cons, nhash(&key), neq, &key);
	if (*slot)
		return *slot;
	n = arena_alloc(&graph, sizeof(*n));
	*n = key;
	if (b->nkids) {
		n->kids = arena_alloc(&graph, b->nkids * sizeof(*kv));
		memcpy((void *)n->kids, kv, b->nkids * sizeof(*kv));
	} else
		n->kids = NULL;
	cons.n++;
	return *slot = n;
}

void
cmd_freeze(void)
{
	if (!dirty)
		return;
	for (int m = 0; m < MODE__MAX; m++) {
		roots[m] = broots[m] ? freeze_node(broots[m]) : NULL;
		broots[m] = NULL;
	}
	memset(&cons, 0, sizeof(cons));
	memset(&kids, 0, sizeof(kids));
	arena_free(&scratch);
	arena_free(&expand);
	str_index_drop();
	dirty = 0;
}

const struct node *
engine_root(enum mode m)
{
	cmd_freeze();
	return m < MODE__MAX ? roots[m] : NULL;
}

void
cmd_free_all(void)
{
	cmd_freeze();
	for (int m = 0; m < MODE__MAX; m++)
		roots[m] = NULL;
	arena_free(&graph);
	str_pool_free();
}
