/* pkish - ISC license, see LICENSE */
/*
 * DOC: acme/nonce - the anti-replay nonce pool (RFC 8555 section 6.5).
 * Every response's Replay-Nonce is kept (newest last, at most
 * ACME_NONCE_MAX); a request takes the newest one, and only when the
 * pool is empty is a fresh nonce fetched with HEAD newNonce (section
 * 7.2). Nonces must be base64url (section 6.5.1); others are dropped.
 * The pool belongs to one exchange context, so it needs no lock.
 */
#include <stdlib.h>
#include <string.h>
#include "lib/log.h"
#include "acme_int.h"

static int
valid_nonce(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n > ACME_NONCE_LEN)
		return 0;
	return strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
	    "0123456789-_") == n;
}

/*
 * Keep a copy of nonce "s" (a Replay-Nonce header value). The oldest
 * nonce is dropped when the pool is full. Returns 0, or -1 if the value
 * is not a valid base64url nonce or memory ran out (nothing is kept).
 */
int
acme_nonce_put(struct acme_nonces *p, const char *s)
{
	char *c;

	if (s == NULL || !valid_nonce(s) || (c = strdup(s)) == NULL)
		return -1;
	if (p->n == ACME_NONCE_MAX) {
		free(p->v[0]);
		memmove(p->v, p->v + 1, (ACME_NONCE_MAX - 1) * sizeof(p->v[0]));
		p->n--;
	}
	p->v[p->n++] = c;
	return 0;
}

/* Remove and return the newest nonce (caller frees), or NULL if empty. */
char *
acme_nonce_take(struct acme_nonces *p)
{
	if (p->n == 0)
		return NULL;
	return p->v[--p->n];
}

void
acme_nonce_free(struct acme_nonces *p)
{
	while (p->n > 0)
		free(p->v[--p->n]);
}

/*
 * A nonce for the next JWS: from the pool, else from HEAD newNonce
 * (RFC 8555 section 7.2), whose Replay-Nonce lands in the pool. Caller
 * frees. NULL with "e" set on transport failure or a missing header.
 */
char *
acme_nonce_get(struct acme_ctx *ctx, struct err *e)
{
	struct http_resp	 r;
	char			*n;

	if ((n = acme_nonce_take(&ctx->nonces)) != NULL)
		return n;
	if (acme_get(ctx, ctx->dir.new_nonce, 1, &r, e) == -1)
		return NULL;
	http_resp_free(&r);
	if ((n = acme_nonce_take(&ctx->nonces)) == NULL)
		err_set(e, E_PROTO, "RFC 8555 section 7.2: newNonce response "
		    "has no valid Replay-Nonce");
	return n;
}
