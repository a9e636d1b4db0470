/* parser/engine.c - the command graph: install, match, help, complete.
 * Built once at start-up, read-only afterwards (shared by all sessions). */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <arpa/inet.h>
#include "parser/cmd.h"
#include "parser/syntax.h"
#include "parser/engine.h"

static struct node *roots[MODE__MAX];
static struct tspec **alltoks;
static size_t nalltoks;

static const struct mode_info modes[MODE__MAX] = {
	[MODE_EXEC] = { "", MODE_EXEC },
	[MODE_CONFIG] = { "(config)", MODE_EXEC },
	[MODE_IF] = { "(config-if)", MODE_CONFIG },
	[MODE_LINE] = { "(config-line)", MODE_CONFIG },
	[MODE_TP] = { "(ca-trustpoint)", MODE_CONFIG },
	[MODE_CHAIN] = { "(config-cert-chain)", MODE_CONFIG },
	[MODE_CS] = { "(cs-server)", MODE_CONFIG },
};

const struct mode_info *
mode_get(enum mode m)
{
	return &modes[m < MODE__MAX ? m : MODE_EXEC];
}

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
			return strndup(p + tl + 1, (size_t)(e - p - tl - 1));
	}
	return NULL;
}

static struct node *
child_get(struct node *n, const struct tspec *t, const char *var,
    const struct cmd_def *d)
{
	struct node *c;

	for (size_t i = 0; i < n->nkids; i++) {
		c = n->kids[i];
		if (c->type == t->type && strcmp(c->text, t->text) == 0 &&
		    ((c->var == NULL && var == NULL) ||
		    (c->var && var && strcmp(c->var, var) == 0)))
			return c;
	}
	c = calloc(1, sizeof(*c));
	c->type = t->type;
	c->text = t->text;
	c->var = var;
	c->lo = t->lo;
	c->hi = t->hi;
	c->minpriv = 99;
	c->hidden = 1;
	c->help = help_for(d, t);
	if (c->help == NULL && t->type == T_KW)
		c->help = kw_help(t->text);
	if ((n->nkids & (n->nkids - 1)) == 0)	/* doubles at 0, 1, 2, 4 ... */
		n->kids = realloc(n->kids, (n->nkids ? 2 * n->nkids : 1) *
		    sizeof(*n->kids));
	n->kids[n->nkids++] = c;
	return c;
}

static void
insert(struct node *root, struct tspec *const *t, size_t n,
    const struct cmd_def *d)
{
	struct node *cur = root;
	const char *lastkw = NULL;

	for (size_t i = 0; i < n; i++) {
		const char *var = t[i]->var;
		if (t[i]->type == T_KW)
			lastkw = t[i]->text;
		else if (var == NULL)
			var = lastkw ? lastkw : t[i]->text;
		cur = child_get(cur, t[i], t[i]->type == T_KW ? NULL : var, d);
		if (d->priv < cur->minpriv)
			cur->minpriv = d->priv;
		if (!(d->flags & CMD_HIDDEN))
			cur->hidden = 0;
		if (t[i]->type == T_LINE)
			break;
	}
	if (cur->cmd == NULL)
		cur->cmd = d;
}

static struct tspec no_tok = { T_KW, "no", NULL, 0, 0 };

static void
install_one(const struct cmd_def *d)
{
	struct tseq *seqs;
	struct tspec **toks, **buf;
	size_t nseq, ntok;

	syntax_expand(d->syntax, &seqs, &nseq, &toks, &ntok);
	alltoks = realloc(alltoks, (nalltoks + ntok) * sizeof(*alltoks));
	memcpy(alltoks + nalltoks, toks, ntok * sizeof(*toks));
	nalltoks += ntok;
	free(toks);
	for (int m = 0; m < MODE__MAX; m++) {
		if (!(d->modes & M(m)))
			continue;
		if (roots[m] == NULL)
			roots[m] = calloc(1, sizeof(struct node));
		for (size_t i = 0; i < nseq; i++) {
			if (!(d->flags & CMD_NOONLY))
				insert(roots[m], seqs[i].t, seqs[i].n, d);
			if (!(d->flags & (CMD_NO | CMD_NOONLY)))
				continue;
			buf = malloc((seqs[i].n + 1) * sizeof(*buf));
			buf[0] = &no_tok;
			memcpy(buf + 1, seqs[i].t, seqs[i].n * sizeof(*buf));
			insert(roots[m], buf, seqs[i].n + 1, d);
			/* and `no` + this expansion's leading keywords */
			size_t k = 1;
			while (k <= seqs[i].n && buf[k]->type == T_KW)
				k++;
			if (d->flags & CMD_NO)
				insert(roots[m], buf, k, d);
			free(buf);
		}
	}
	for (size_t i = 0; i < nseq; i++)
		free(seqs[i].t);
	free(seqs);
}

void
cmd_install(const struct cmd_def *tab)
{
	for (; tab->syntax; tab++)
		install_one(tab);
}

static void
node_free(struct node *n)
{
	if (n == NULL)
		return;
	for (size_t i = 0; i < n->nkids; i++)
		node_free(n->kids[i]);
	free(n->kids);
	free((char *)n->help);
	free(n);
}

void
cmd_free_all(void)
{
	for (int m = 0; m < MODE__MAX; m++) {
		node_free(roots[m]);
		roots[m] = NULL;
	}
	for (size_t i = 0; i < nalltoks; i++) {
		free(alltoks[i]->text);
		free(alltoks[i]->var);
		free(alltoks[i]);
	}
	free(alltoks);
	alltoks = NULL;
	nalltoks = 0;
}

struct node *
engine_root(enum mode m)
{
	return m < MODE__MAX ? roots[m] : NULL;
}

/* Does a placeholder accept the word? */
int
node_accepts(const struct node *n, const char *w, size_t len)
{
	char buf[128];
	char *end;
	long v;

	if (len >= sizeof(buf))
		return n->type == T_WORD || n->type == T_URL ||
		    n->type == T_LINE;
	memcpy(buf, w, len);
	buf[len] = '\0';
	switch (n->type) {
	case T_WORD:
	case T_URL:
	case T_LINE:
		return 1;
	case T_RANGE:
		if (!isdigit((unsigned char)buf[0]) && buf[0] != '-')
			return 0;
		v = strtol(buf, &end, 10);
		return *end == '\0' && v >= n->lo && v <= n->hi;
	case T_IPV4: {
		struct in_addr a;
		return inet_pton(AF_INET, buf, &a) == 1;
	}
	case T_IPV6: {
		struct in6_addr a;
		return inet_pton(AF_INET6, buf, &a) == 1;
	}
	case T_TIME: {
		int h, mi, s, c = 0;
		return sscanf(buf, "%2d:%2d:%2d%n", &h, &mi, &s, &c) == 3 &&
		    (size_t)c == len && h < 24 && mi < 60 && s < 60 &&
		    h >= 0 && mi >= 0 && s >= 0;
	}
	default:
		return 0;
	}
}

/* How many leading chars of w are a prefix of some visible keyword. */
static size_t
kw_prefix_len(const struct node *n, const char *w, size_t len, int priv)
{
	size_t best = 0;

	for (size_t i = 0; i < n->nkids; i++) {
		const struct node *c = n->kids[i];
		size_t k = 0;
		if (c->type != T_KW || c->minpriv > priv)
			continue;
		while (k < len && c->text[k] &&
		    tolower((unsigned char)c->text[k]) ==
		    tolower((unsigned char)w[k]))
			k++;
		if (k > best)
			best = k;
	}
	return best;
}

enum step_rc
engine_step(const struct node *n, const char *w, size_t len, int priv,
    const struct node **out, size_t *bad)
{
	const struct node *exact = NULL, *prefix = NULL, *ph = NULL;
	int nprefix = 0;

	for (size_t i = 0; i < n->nkids; i++) {
		const struct node *c = n->kids[i];
		if (c->minpriv > priv)
			continue;
		if (c->type == T_KW) {
			/* IOS keywords are case-insensitive */
			if (strncasecmp(c->text, w, len) != 0)
				continue;
			if (c->text[len] == '\0')
				exact = c;
			else {
				prefix = c;
				nprefix++;
			}
		} else if (node_accepts(c, w, len)) {
			/* specific types beat WORD/URL/LINE */
			if (ph == NULL || ((ph->type == T_WORD ||
			    ph->type == T_URL || ph->type == T_LINE) &&
			    c->type != T_WORD && c->type != T_URL &&
			    c->type != T_LINE))
				ph = c;
		}
	}
	if ((*out = exact) != NULL)
		return S_OK;
	if (nprefix == 1) {
		*out = prefix;
		return S_OK;
	}
	if ((*out = ph) != NULL)
		return S_OK;
	if (nprefix > 1)
		return S_AMBIGUOUS;
	*bad = kw_prefix_len(n, w, len, priv);
	for (size_t i = 0; i < n->nkids; i++)
		if (n->kids[i]->type != T_KW && n->kids[i]->minpriv <= priv)
			*bad = 0;	/* a value was expected here */
	return S_INVALID;
}
