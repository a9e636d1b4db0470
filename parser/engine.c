/* parser/engine.c - matching a word against the command graph (built by
 * parser/build.c at start-up, read-only afterwards, shared by all
 * sessions). */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <arpa/inet.h>
#include "parser/cmd.h"
#include "parser/syntax.h"
#include "parser/engine.h"

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

/* The first keyword child whose first len characters are not below w's
 * (keywords are sorted case-insensitively). */
static size_t
kw_lower_bound(const struct node *n, const char *w, size_t len)
{
	size_t lo = 0, hi = n->nkw;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (strncasecmp(n->kids[mid]->text, w, len) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* The placeholder child that accepts the word: the first one, unless a
 * later one is more specific (a range or an address beats WORD/URL/LINE). */
static const struct node *
ph_match(const struct node *n, const char *w, size_t len, int priv)
{
	const struct node *ph = NULL;

	for (size_t i = n->nkw; i < n->nkids; i++) {
		const struct node *c = n->kids[i];
		if (c->minpriv > priv || !node_accepts(c, w, len))
			continue;
		if (ph == NULL || ((ph->type == T_WORD ||
		    ph->type == T_URL || ph->type == T_LINE) &&
		    c->type != T_WORD && c->type != T_URL &&
		    c->type != T_LINE))
			ph = c;
	}
	return ph;
}

enum step_rc
engine_step(const struct node *n, const char *w, size_t len, int priv,
    const struct node **out, size_t *bad)
{
	const struct node *exact = NULL, *prefix = NULL, *ph;
	int nprefix = 0;

	/* IOS keywords are case-insensitive */
	for (size_t i = kw_lower_bound(n, w, len); i < n->nkw &&
	    strncasecmp(n->kids[i]->text, w, len) == 0; i++) {
		const struct node *c = n->kids[i];
		if (c->minpriv > priv)
			continue;
		if (c->text[len] == '\0')
			exact = c;
		else {
			prefix = c;
			nprefix++;
		}
	}
	if ((*out = exact) != NULL)
		return S_OK;
	if (nprefix == 1) {
		*out = prefix;
		return S_OK;
	}
	if ((*out = ph = ph_match(n, w, len, priv)) != NULL)
		return S_OK;
	if (nprefix > 1)
		return S_AMBIGUOUS;
	*bad = kw_prefix_len(n, w, len, priv);
	for (size_t i = n->nkw; i < n->nkids; i++)
		if (n->kids[i]->minpriv <= priv)
			*bad = 0;	/* a value was expected here */
	return S_INVALID;
}
