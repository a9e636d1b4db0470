/* pkish - ISC license, see LICENSE */
/*
 * DOC: acme/challenge - answering an http-01 challenge: the key
 * authorization token "." thumbprint (RFC 8555 section 8.1), the POST of
 * "{}" that tells the server to validate (section 7.5.1), and polling the
 * authorization until it is valid or invalid, reporting the challenge's
 * problem document when validation failed. The key authorization is
 * logged only at debug level 255.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "lib/json.h"
#include <json-c/json.h>
#include "lib/log.h"
#include "acme_int.h"

/* token "." base64url(thumbprint) (RFC 8555 section 8.1); malloc'd. */
char *
acme_key_authz(const struct acme_ctx *ctx, const char *token)
{
	char *ka;

	if (asprintf(&ka, "%s.%s", token, ctx->thumb) < 0)
		return NULL;
	log_dbg(DBG_ACME, 255, "CRYPTO_PKI: ACME: key authorization %s", ka);
	return ka;
}

/*
 * Tell the server to validate the http-01 challenge of "a" by POSTing
 * an empty object to its URL (RFC 8555 section 7.5.1). The responder must
 * already serve the key authorization.
 */
int
acme_challenge_start(struct acme_ctx *ctx, struct acme_authz *a,
    struct err *e)
{
	struct json_object	*pl = json_object_new_object(), *j;
	struct http_resp	 r;
	const char		*st;
	int			 rc = 0;

	if (acme_post(ctx, a->chall_url, pl, &r, e) == -1) {
		json_free(pl);
		return err_ctx(e, "RFC 8555 section 7.5.1 challenge %s",
		    a->ident);
	}
	json_free(pl);
	j = acme_resp_json(&r, NULL);
	st = json_get_str(j, "status");
	log_dbg(DBG_ACME, 3, "CRYPTO_PKI: ACME: challenge for %s: %.20s",
	    a->ident, st ? st : "?");
	if (st != NULL && strcmp(st, "invalid") == 0) {
		if (json_get_obj(j, "error") != NULL)
			acme_problem_fmt(json_get_obj(j, "error"), a->error,
			    sizeof(a->error));
		rc = err_set(e, E_PROTO, "RFC 8555 section 7.5.1: challenge "
		    "for %s is invalid%s%s", a->ident, a->error[0] ? ": " : "",
		    a->error);
	}
	json_free(j);
	http_resp_free(&r);
	return rc;
}

/*
 * Poll the authorization of "a" until "valid" (RFC 8555 section 7.5.1),
 * starting after a few milliseconds and backing off, or after the
 * server's Retry-After (section 8.2) if that is longer. "invalid" (or any
 * other final status) fails with the challenge's problem, e.g.
 * "connection: ... Connection refused".
 */
int
acme_authz_wait(struct acme_ctx *ctx, struct acme_authz *a, struct err *e)
{
	long	delay = ACME_POLL_START_US;
	char	*url;
	int	rc;

	while (strcmp(a->status, "valid") != 0) {
		if (strcmp(a->status, "pending") != 0)
			return err_set(e, E_PROTO, "RFC 8555 section 7.5.1: "
			    "authorization for %s is %.20s%s%s", a->ident,
			    a->status, a->error[0] ? ": " : "", a->error);
		if (acme_wait(ctx, &delay, a->retry_after, e) == -1)
			return err_ctx(e, "authorization for %s", a->ident);
		if ((url = strdup(a->url)) == NULL)
			return err_set(e, E_NOMEM, "out of memory");
		rc = acme_authz_fetch(ctx, url, a, e);
		free(url);
		if (rc == -1)
			return -1;
	}
	return 0;
}
