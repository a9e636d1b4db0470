/* parser/parse.c - walk a typed line through the graph: parse, `?`, TAB */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "parser/engine.h"

struct word {
	size_t	off, len;
};

static size_t
split(const char *line, struct word *w, size_t max)
{
	size_t n = 0, i = 0;

	while (line[i] && n < max) {
		while (line[i] == ' ' || line[i] == '\t')
			i++;
		if (line[i] == '\0')
			break;
		w[n].off = i;
		while (line[i] && line[i] != ' ' && line[i] != '\t')
			i++;
		w[n].len = i - w[n].off;
		n++;
	}
	return n;
}

static void
arg_add(struct args *a, size_t *used, const struct node *nd, const char *s,
    size_t len)
{
	char *p;

	if (a->n >= ARGS_MAX || *used + len + 1 > sizeof(a->buf))
		return;
	p = a->buf + *used;
	memcpy(p, s, len);
	p[len] = '\0';
	*used += len + 1;
	a->a[a->n].kw = nd->type == T_KW ? nd->text : NULL;
	a->a[a->n].var = nd->var;
	a->a[a->n].val = p;
	a->n++;
}

static void
parse_in(const char *line, enum mode m, int priv, struct parse *p,
    struct args *a, size_t *err_word)
{
	struct word w[130];
	size_t n = split(line, w, 130), used = 0, bad = 0, len;
	const struct node *cur = engine_root(m), *nx;

	memset(p, 0, sizeof(*p));
	p->mode = m;
	a->n = 0;
	a->no = 0;
	a->line = line;
	*err_word = 0;
	if (n == 0 || line[w[0].off] == '!') {
		p->rc = P_EMPTY;
		return;
	}
	for (size_t i = 0; i < n; i++) {
		enum step_rc rc = cur ? engine_step(cur, line + w[i].off,
		    w[i].len, priv, &nx, &bad) : S_INVALID;
		if (rc == S_AMBIGUOUS) {
			p->rc = P_AMBIGUOUS;
			len = w[i].off + w[i].len;
			snprintf(p->amb, sizeof(p->amb), "%.*s", (int)len,
			    line);
			*err_word = i;
			return;
		}
		if (rc == S_INVALID) {
			p->rc = P_INVALID;
			p->err_col = w[i].off + bad;
			*err_word = i;
			return;
		}
		if (i == 0 && nx->type == T_KW && strcmp(nx->text, "no") == 0)
			a->no = 1;
		if (nx->type == T_LINE) {
			len = strlen(line + w[i].off);
			while (len && (line[w[i].off + len - 1] == ' ' ||
			    line[w[i].off + len - 1] == '\t'))
				len--;
			arg_add(a, &used, nx, line + w[i].off, len);
			cur = nx;
			break;
		}
		arg_add(a, &used, nx, line + w[i].off, w[i].len);
		cur = nx;
	}
	if (cur->cmd == NULL) {
		p->rc = P_INCOMPLETE;
		*err_word = n;
		return;
	}
	p->rc = P_OK;
	p->cmd = cur->cmd;
}

void
cmd_parse(const char *line, enum mode m, int priv, struct parse *p,
    struct args *a)
{
	struct parse alt;
	size_t ew, alt_ew;
	enum mode pm;

	parse_in(line, m, priv, p, a, &ew);
	if (p->rc != P_INVALID || m == MODE_EXEC || m == MODE_CONFIG)
		return;
	/* IOS: a command unknown in a sub-mode runs in the parent mode */
	for (pm = mode_get(m)->parent; ; pm = mode_get(pm)->parent) {
		parse_in(line, pm, priv, &alt, a, &alt_ew);
		if (alt.rc == P_OK || (alt.rc != P_INVALID && alt_ew > ew) ||
		    (alt.rc == P_INVALID && alt_ew > ew)) {
			*p = alt;
			return;
		}
		if (pm == MODE_CONFIG)
			break;
	}
	parse_in(line, m, priv, p, a, &ew);
}

const char *
args_get(const struct args *a, const char *var)
{
	for (int i = 0; i < a->n; i++)
		if (a->a[i].kw == NULL && a->a[i].var &&
		    strcmp(a->a[i].var, var) == 0)
			return a->a[i].val;
	return NULL;
}

int
args_has(const struct args *a, const char *kw)
{
	for (int i = 0; i < a->n; i++)
		if (a->a[i].kw && strcmp(a->a[i].kw, kw) == 0)
			return 1;
	return 0;
}

long
args_int(const struct args *a, const char *var, long dflt)
{
	const char *v = args_get(a, var);

	return v ? strtol(v, NULL, 10) : dflt;
}

/* Walk the complete words of a partial line. NULL + message on error. */
static const struct node *
walk(const char *line, size_t nwords, const struct word *w, enum mode m,
    int priv, cmd_out_fn out, void *ctx)
{
	const struct node *cur = engine_root(m), *nx;
	size_t bad;

	for (size_t i = 0; cur && i < nwords; i++) {
		enum step_rc rc = engine_step(cur, line + w[i].off, w[i].len,
		    priv, &nx, &bad);
		if (rc == S_AMBIGUOUS) {
			char b[200];
			snprintf(b, sizeof(b),
			    "%% Ambiguous command:  \"%.*s\"",
			    (int)(w[i].off + w[i].len), line);
			if (out)
				out(ctx, b);
			return NULL;
		}
		if (rc == S_INVALID) {
			if (out)
				out(ctx, "% Unrecognized command");
			return NULL;
		}
		if (nx->type == T_LINE)
			return nx;
		cur = nx;
	}
	return cur;
}

static const char *
ph_name(const struct node *n)
{
	if (n->type == T_URL)
		return "WORD";
	return n->text;
}

static int
cmp_nodes(const void *a, const void *b)
{
	const struct node *x = *(struct node *const *)a;
	const struct node *y = *(struct node *const *)b;

	if ((x->type == T_KW) != (y->type == T_KW))
		return x->type == T_KW ? 1 : -1;
	return strcmp(x->text, y->text);
}

/* `cmd ?`: the next words, sorted, help aligned; "|" after a complete
 * show command (output modifiers), "<cr>" when the command may end. */
static void
help_list(const struct node *cur, int priv, int pipe, cmd_out_fn out,
    void *ctx)
{
	const struct node *v[256];
	size_t nv = 0, width = 0;
	char b[512];

	for (size_t i = 0; i < cur->nkids && nv < 256; i++) {
		const struct node *c = cur->kids[i];
		int dup = 0;
		if (c->minpriv > priv || c->hidden)
			continue;
		for (size_t j = 0; j < nv; j++)
			if (strcmp(ph_name(v[j]), ph_name(c)) == 0)
				dup = 1;
		if (dup)
			continue;
		v[nv++] = c;
		if (strlen(ph_name(c)) > width)
			width = strlen(ph_name(c));
	}
	qsort(v, nv, sizeof(v[0]), cmp_nodes);
	for (size_t i = 0; i < nv; i++) {
		snprintf(b, sizeof(b), "  %-*s  %s", (int)width, ph_name(v[i]),
		    v[i]->help ? v[i]->help : "");
		while (strlen(b) && b[strlen(b) - 1] == ' ')
			b[strlen(b) - 1] = '\0';
		out(ctx, b);
	}
	if (pipe && cur->cmd) {
		snprintf(b, sizeof(b), "  %-*s  Output modifiers",
		    (int)(width ? width : 1), "|");
		out(ctx, b);
	}
	if (cur->cmd)
		out(ctx, "  <cr>");
}

/* "word?": the keywords starting with word (and the placeholders that
 * accept it), sorted, on one line. */
static void
help_partial(const struct node *cur, const char *pw, size_t pl, int priv,
    cmd_out_fn out, void *ctx)
{
	const struct node *v[256];
	size_t nv = 0, bl = 0;
	char b[1024] = "";

	for (size_t i = 0; i < cur->nkids && nv < 256; i++) {
		const struct node *c = cur->kids[i];
		if (c->minpriv > priv || c->hidden)
			continue;
		if (c->type == T_KW ? strncasecmp(c->text, pw, pl) != 0 :
		    !node_accepts(c, pw, pl))
			continue;
		v[nv++] = c;
	}
	qsort(v, nv, sizeof(v[0]), cmp_nodes);
	for (size_t i = 0; i < nv && bl < sizeof(b); i++) {
		if (i > 0 && strcmp(ph_name(v[i]), ph_name(v[i - 1])) == 0)
			continue;
		bl += (size_t)snprintf(b + bl, sizeof(b) - bl, "%s%s",
		    bl ? "  " : "", ph_name(v[i]));
	}
	out(ctx, nv ? b : "% Unrecognized command");
}

void
cmd_help(const char *line, enum mode m, int priv, cmd_out_fn out, void *ctx)
{
	struct word w[130];
	size_t n = split(line, w, 130), len = strlen(line), nfull = n;
	const struct node *cur;
	int partial = len > 0 && line[len - 1] != ' ' && line[len - 1] != '\t';
	int pipe;
	char b[512];

	if (partial)
		nfull--;
	if ((cur = walk(line, nfull, w, m, priv, out, ctx)) == NULL)
		return;
	if (cur->type == T_LINE && nfull > 0) {
		snprintf(b, sizeof(b), "  LINE    %s", cur->help ? cur->help :
		    "");
		out(ctx, b);
		out(ctx, "  <cr>");
		return;
	}
	if (!partial) {
		/* output modifiers follow show commands in EXEC */
		pipe = m == MODE_EXEC && nfull > 0 && w[0].len <= 4 &&
		    strncasecmp(line + w[0].off, "show", w[0].len) == 0;
		help_list(cur, priv, pipe, out, ctx);
		return;
	}
	help_partial(cur, line + w[n - 1].off, w[n - 1].len, priv, out, ctx);
}

char *
cmd_complete(const char *line, enum mode m, int priv)
{
	struct word w[130];
	size_t n = split(line, w, 130), len = strlen(line);
	const struct node *cur, *hit = NULL;
	char *res;

	if (n == 0 || line[len - 1] == ' ')
		return NULL;
	if ((cur = walk(line, n - 1, w, m, priv, NULL, NULL)) == NULL ||
	    cur->type == T_LINE)
		return NULL;
	for (size_t i = 0; i < cur->nkids; i++) {
		const struct node *c = cur->kids[i];
		if (c->type != T_KW || c->minpriv > priv ||
		    strncasecmp(c->text, line + w[n - 1].off,
		    w[n - 1].len) != 0)
			continue;
		if (c->text[w[n - 1].len] == '\0') {
			hit = c;
			break;
		}
		if (hit)
			return NULL;
		hit = c;
	}
	if (hit == NULL)
		return NULL;
	if (asprintf(&res, "%.*s%s ", (int)w[n - 1].off, line, hit->text) < 0)
		return NULL;
	return res;
}
