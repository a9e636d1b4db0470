/* pkish - ISC license, see LICENSE */
/*
 * DOC: acme/request - the one GET and the one POST-as-JWS of the engine
 * (RFC 8555 section 6.2). Every request goes through lib/http on the
 * context's keep-alive handle, https only, verified against the system
 * bundle plus the trustpool, with a timeout bounded by the deadline and
 * a body cap. Every response's Replay-Nonce feeds the pool (section 6.5).
 * A POST that fails with badNonce is re-signed with a fresh nonce, up to
 * ACME_BADNONCE_TRIES times (section 6.5); rateLimited and 503 with a
 * short Retry-After are waited out a few times (sections 6.6, 8.2).
 * Responses are returned owned by the caller; non-2xx statuses become
 * problem documents in "e" (section 6.7).
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "lib/json.h"
#include "lib/log.h"
#include "acme_int.h"

/* Delta-seconds or HTTP-date (RFC 9110 section 10.2.3), or -1. */
int
acme_retry_after_parse(const char *v, time_t now)
{
	struct tm	 tm;
	const char	*end;
	long		 n;
	time_t		 t;

	if (v == NULL || *v == '\0')
		return -1;
	if (strspn(v, "0123456789") == strlen(v)) {
		n = strlen(v) > 9 ? 999999999L : strtol(v, NULL, 10);
		return (int)n;
	}
	memset(&tm, 0, sizeof(tm));
	if ((end = strptime(v, "%a, %d %b %Y %H:%M:%S GMT", &tm)) == NULL ||
	    *end != '\0' || (t = timegm(&tm)) == (time_t)-1)
		return -1;
	return t <= now ? 0 : t - now > 999999999 ? 999999999 : (int)(t - now);
}

/* Retry-After of a response in seconds, or -1. Servers use real time. */
int
acme_retry_after(const struct http_resp *r)
{
	return acme_retry_after_parse(http_resp_header(r, "Retry-After"),
	    time(NULL));
}

/* The body as a JSON object, new reference; NULL with "e" set. */
struct json_object *
acme_resp_json(const struct http_resp *r, struct err *e)
{
	struct json_object *o;

	if ((o = json_strict_parse_obj((const char *)r->body, r->body_len,
	    e)) == NULL)
		err_ctx(e, "RFC 8555 section 6.2: response");
	return o;
}

/* One HTTP exchange with the deadline applied; keeps its Replay-Nonce. */
static int
transport(struct acme_ctx *ctx, struct http_req *q, struct http_resp *r,
    struct err *e)
{
	long long	t0 = acme_now_ms();
	long		left;
	const char	*n;

	if ((left = acme_remaining_ms(ctx, e)) < 0)
		return -1;
	q->timeout_ms = left < ACME_REQ_TIMEOUT_MS ? left : ACME_REQ_TIMEOUT_MS;
	q->extra_ca_pem = ctx->extra_ca_pem;
	q->https_only = 1;
	q->max_body = ACME_MAX_BODY;
	if (http_do(ctx->http, q, r, e) == -1) {
		log_dbg(DBG_ACME, 1, "CRYPTO_PKI: ACME: %s %s failed: %s",
		    q->method, q->url, e ? e->msg : "?");
		if (e != NULL && e->detail == 28 && acme_now_ms() >= ctx->deadline)
			return acme_timeout(e, q->url);
		return err_ctx(e, "%s %s", q->method, q->url);
	}
	log_dbg(DBG_ACME, 1, "CRYPTO_PKI: ACME: %s %s -> %ld (%zu bytes, %lld "
	    "ms)", q->method, q->url, r->status, r->body_len,
	    acme_now_ms() - t0);
	if (r->body_len > 0 && log_dbg_level(DBG_ACME) >= 255) {
		char *b = strndup((const char *)r->body, 2000);

		acme_sanitize(b);
		log_dbg(DBG_ACME, 255, "CRYPTO_PKI: ACME: body %s", b ? b : "");
		free(b);
	}
	if ((n = http_resp_header(r, "Replay-Nonce")) != NULL &&
	    acme_nonce_put(&ctx->nonces, n) == -1)
		log_dbg(DBG_ACME, 2, "CRYPTO_PKI: ACME: invalid Replay-Nonce "
		    "ignored");
	return 0;
}

/*
 * Unauthenticated GET (or HEAD if "head") of "url" (RFC 8555 section 7.1:
 * directory, newNonce; RFC 9773 renewalInfo). Returns 0 with a 2xx
 * response in *r (caller frees with http_resp_free), or -1 with "e" set.
 */
int
acme_get(struct acme_ctx *ctx, const char *url, int head,
    struct http_resp *r, struct err *e)
{
	struct http_req	q = { 0 };

	q.method = head ? "HEAD" : "GET";
	q.url = url;
	if (transport(ctx, &q, r, e) == -1)
		return -1;
	if (r->status >= 200 && r->status < 300)
		return 0;
	acme_problem_parse((const char *)r->body, r->body_len, r->status,
	    NULL, 0, e);
	http_resp_free(r);
	return err_ctx(e, "%s %s", q.method, url);
}

/* Sign and send one POST; -1 only on local or transport failure. */
static int
post_once(struct acme_ctx *ctx, const char *url, const char *payload,
    struct http_resp *r, struct err *e)
{
	struct http_req	 q = { 0 };
	char		*nonce, *jws;
	int		 rc;

	if ((nonce = acme_nonce_get(ctx, e)) == NULL)
		return -1;
	jws = acme_jws(ctx->asigner, ctx->akey, ctx->kid, nonce, url, payload, e);
	free(nonce);
	if (jws == NULL)
		return -1;
	q.method = "POST";
	q.url = url;
	q.content_type = "application/jose+json";
	q.body = jws;
	q.body_len = strlen(jws);
	rc = transport(ctx, &q, r, e);
	free(jws);
	return rc;
}

/*
 * POST a JWS of "payload" to "url" (RFC 8555 section 6.2), or a
 * POST-as-GET when payload is NULL (section 6.3). Signed with the account
 * key: "kid" once the account URL is known, "jwk" before. Returns 0 with
 * a 2xx response in *r (caller frees), or -1 with "e" set.
 */
int
acme_post(struct acme_ctx *ctx, const char *url, struct json_object *payload,
    struct http_resp *r, struct err *e)
{
	char	*pl, type[64];
	int	 bad = 0, limited = 0, ra, rc = -1;
	long	 wait, status;

	pl = payload ? json_dump(payload, e) : strdup("");
	if (pl == NULL)
		return err_set(e, E_NOMEM, "out of memory");
	for (;;) {
		if (post_once(ctx, url, pl, r, e) == -1)
			break;
		if (r->status >= 200 && r->status < 300) {
			rc = 0;
			break;
		}
		acme_problem_parse((const char *)r->body, r->body_len,
		    r->status, type, sizeof(type), e);
		ra = acme_retry_after(r);
		status = r->status;
		http_resp_free(r);
		if (strcmp(type, "badNonce") == 0 &&
		    ++bad <= ACME_BADNONCE_TRIES) {
			log_dbg(DBG_ACME, 2, "CRYPTO_PKI: ACME: badNonce, "
			    "retrying with a fresh nonce (%d)", bad);
			continue;
		}
		if ((strcmp(type, "rateLimited") == 0 || status == 503) &&
		    ra >= 0 && ra <= ACME_RETRY_AFTER_MAX &&
		    ++limited <= ACME_RATELIMIT_TRIES) {
			wait = 0;
			if (acme_wait(ctx, &wait, ra, e) == 0)
				continue;
		}
		break;
	}
	free(pl);
	return rc;
}
