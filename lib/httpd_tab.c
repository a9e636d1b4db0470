/* pkish - ISC license, see LICENSE */
/*
 * DOC: lib/httpd_tab - the listener's tables: ACME HTTP-01 tokens, the
 * routes other parts register (each reference counted while its handler
 * runs, so httpd_route_del can wait for them) and the answer counters.
 * All guarded by httpd.mu.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include "httpd_int.h"

/* Register token -> body (both copied); replaces an existing token. */
int
httpd_token_add(struct httpd *h, const char *token, const char *body,
    struct err *e)
{
	struct httpd_tok	*t;
	char			*tc, *bc;

	if (token == NULL || *token == '\0' || strchr(token, '/') != NULL)
		return err_set(e, E_INVAL, "httpd: bad token");
	tc = strdup(token);
	bc = strdup(body ? body : "");
	if (tc == NULL || bc == NULL) {
		free(tc);
		free(bc);
		return err_set(e, E_NOMEM, "httpd: out of memory");
	}
	pthread_mutex_lock(&h->mu);
	for (t = h->toks; t != NULL; t = t->next)
		if (strcmp(t->token, token) == 0)
			break;
	if (t != NULL) {
		free(tc);
		free(t->body);
		t->body = bc;
	} else if ((t = calloc(1, sizeof(*t))) != NULL) {
		t->token = tc;
		t->body = bc;
		t->next = h->toks;
		h->toks = t;
	}
	pthread_mutex_unlock(&h->mu);
	if (t == NULL) {
		free(tc);
		free(bc);
		return err_set(e, E_NOMEM, "httpd: out of memory");
	}
	return 0;
}

int
httpd_token_del(struct httpd *h, const char *token)
{
	struct httpd_tok **pp, *t = NULL;

	pthread_mutex_lock(&h->mu);
	for (pp = &h->toks; *pp != NULL; pp = &(*pp)->next)
		if (strcmp((*pp)->token, token) == 0) {
			t = *pp;
			*pp = t->next;
			break;
		}
	pthread_mutex_unlock(&h->mu);
	if (t == NULL)
		return -1;
	free(t->token);
	free(t->body);
	free(t);
	return 0;
}

size_t
httpd_token_count(struct httpd *h)
{
	struct httpd_tok	*t;
	size_t			 n = 0;

	pthread_mutex_lock(&h->mu);
	for (t = h->toks; t != NULL; t = t->next)
		n++;
	pthread_mutex_unlock(&h->mu);
	return n;
}

char *
httpd_tok_body(struct httpd *h, const char *token)
{
	struct httpd_tok	*t;
	char			*r = NULL;

	pthread_mutex_lock(&h->mu);
	for (t = h->toks; t != NULL; t = t->next)
		if (strcmp(t->token, token) == 0) {
			r = strdup(t->body);
			break;
		}
	pthread_mutex_unlock(&h->mu);
	return r;
}

void
httpd_stats(struct httpd *h, unsigned long *ok, unsigned long *other)
{
	pthread_mutex_lock(&h->mu);
	if (ok)
		*ok = h->nok;
	if (other)
		*other = h->nother;
	pthread_mutex_unlock(&h->mu);
}

void
httpd_count(struct httpd *h, int status)
{
	pthread_mutex_lock(&h->mu);
	if (status == 200)
		h->nok++;
	else
		h->nother++;
	pthread_mutex_unlock(&h->mu);
}

/* Unlink the route of prefix (caller holds mu), wait until none of its
 * handlers runs, free it. 0, or -1 if there was none. */
static int
route_unlink(struct httpd *h, const char *prefix)
{
	struct httpd_route **pp, *r;

	for (pp = &h->routes; *pp != NULL; pp = &(*pp)->next)
		if (strcmp((*pp)->prefix, prefix) == 0)
			break;
	if ((r = *pp) == NULL)
		return -1;
	*pp = r->next;
	while (r->refs > 0)
		pthread_cond_wait(&h->idle, &h->mu);
	free(r->prefix);
	free(r);
	return 0;
}

int
httpd_route_add(struct httpd *h, const char *prefix, size_t max_body,
    httpd_handler fn, void *arg, struct err *e)
{
	struct httpd_route *r;

	if (prefix == NULL || prefix[0] != '/' || fn == NULL)
		return err_set(e, E_INVAL, "httpd: bad route");
	if ((r = calloc(1, sizeof(*r))) == NULL ||
	    (r->prefix = strdup(prefix)) == NULL) {
		free(r);
		return err_set(e, E_NOMEM, "httpd: out of memory");
	}
	r->plen = strlen(prefix);
	while (r->plen > 1 && r->prefix[r->plen - 1] == '/')
		r->prefix[--r->plen] = '\0';
	r->max_body = max_body;
	r->fn = fn;
	r->arg = arg;
	pthread_mutex_lock(&h->mu);
	(void)route_unlink(h, r->prefix);
	r->next = h->routes;
	h->routes = r;
	pthread_mutex_unlock(&h->mu);
	return 0;
}

int
httpd_route_del(struct httpd *h, const char *prefix)
{
	int rc;

	pthread_mutex_lock(&h->mu);
	rc = route_unlink(h, prefix);
	pthread_mutex_unlock(&h->mu);
	return rc;
}

/* The longest route whose prefix is path or a '/'-bounded start of it;
 * caller holds mu. */
static struct httpd_route *
route_find(struct httpd *h, const char *path)
{
	struct httpd_route *r, *best = NULL;

	for (r = h->routes; r != NULL; r = r->next)
		if (strncmp(path, r->prefix, r->plen) == 0 &&
		    (path[r->plen] == '\0' || path[r->plen] == '/' ||
		    (r->plen == 1 && r->prefix[0] == '/')) &&
		    (best == NULL || r->plen > best->plen))
			best = r;
	return best;
}

struct httpd_route *
httpd_route_get(struct httpd *h, const char *path)
{
	struct httpd_route *r;

	pthread_mutex_lock(&h->mu);
	if ((r = route_find(h, path)) != NULL)
		r->refs++;
	pthread_mutex_unlock(&h->mu);
	return r;
}

void
httpd_route_put(struct httpd *h, struct httpd_route *r)
{
	pthread_mutex_lock(&h->mu);
	if (--r->refs == 0)
		pthread_cond_broadcast(&h->idle);
	pthread_mutex_unlock(&h->mu);
}

int
httpd_route_limit(struct httpd *h, const char *path, size_t *max_body)
{
	struct httpd_route	*r;

	pthread_mutex_lock(&h->mu);
	if ((r = route_find(h, path)) != NULL)
		*max_body = r->max_body;
	pthread_mutex_unlock(&h->mu);
	return r != NULL;
}

void
httpd_tab_free(struct httpd *h)
{
	struct httpd_tok	*t;
	struct httpd_route	*r;

	while ((t = h->toks) != NULL) {
		h->toks = t->next;
		free(t->token);
		free(t->body);
		free(t);
	}
	while ((r = h->routes) != NULL) {
		h->routes = r->next;
		free(r->prefix);
		free(r);
	}
}
