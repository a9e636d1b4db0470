/* pkish - ISC license, see LICENSE */
/*
 * DOC: acme/authz - authorization objects (RFC 8555 section 7.1.4),
 * fetched with POST-as-GET (section 7.5): status, the identifier, and the
 * http-01 challenge (section 8.3) with its URL, status, token and error.
 * The token must be base64url (section 8.3) since it becomes a file name
 * in the responder. Owned by the caller; acme_authz_free() releases it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "lib/json.h"
#include "lib/log.h"
#include "acme_int.h"

void
acme_authz_free(struct acme_authz *a)
{
	free(a->url);
	free(a->status);
	free(a->ident);
	free(a->chall_url);
	free(a->chall_status);
	free(a->token);
	memset(a, 0, sizeof(*a));
}

static int
b64url_token(const char *t)
{
	size_t n = strlen(t);

	return n >= 16 && n <= 256 && strspn(t, "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "abcdefghijklmnopqrstuvwxyz0123456789-_") == n;
}

/* Take the http-01 challenge of the "challenges" array, if any. */
static int
http01(struct acme_authz *a, const struct json_object *chs, struct err *e)
{
	const struct json_object *c;
	const char	*t, *url, *st, *tok;
	size_t		 i;

	for (i = 0; i < json_arr_len(chs); i++) {
		c = json_arr_obj(chs, i);
		if ((t = json_get_str(c, "type")) == NULL ||
		    strcmp(t, "http-01") != 0)
			continue;
		url = json_get_str(c, "url");
		st = json_get_str(c, "status");
		tok = json_get_str(c, "token");
		if (url == NULL || st == NULL || tok == NULL)
			return err_set(e, E_PROTO, "RFC 8555 section 8.3: "
			    "http-01 challenge lacks url, status or token");
		if (!b64url_token(tok))
			return err_set(e, E_PROTO, "RFC 8555 section 8.3: "
			    "http-01 token is not base64url");
		if ((a->chall_url = strdup(url)) == NULL ||
		    (a->chall_status = strdup(st)) == NULL ||
		    (a->token = strdup(tok)) == NULL)
			return err_set(e, E_NOMEM, "out of memory");
		acme_sanitize(a->chall_status);
		if (json_get_obj(c, "error") != NULL)
			acme_problem_fmt(json_get_obj(c, "error"), a->error,
			    sizeof(a->error));
		return 0;
	}
	return 0;
}

/*
 * Fill "a" (all but a->url) from an authorization object. Returns 0, or
 * -1 with "e" set if it is malformed, or pending without an http-01
 * challenge.
 */
int
acme_authz_parse(struct acme_authz *a, const struct json_object *j,
    struct err *e)
{
	const struct json_object *id = json_get_obj(j, "identifier");
	const char	*st = json_get_str(j, "status");
	const char	*it = json_get_str(id, "type");
	const char	*iv = json_get_str(id, "value");

	free(a->status);
	free(a->ident);
	free(a->chall_url);
	free(a->chall_status);
	free(a->token);
	a->status = a->ident = a->chall_url = a->chall_status = a->token =
	    NULL;
	a->error[0] = '\0';
	if (st == NULL || it == NULL || iv == NULL)
		return err_set(e, E_PROTO, "RFC 8555 section 7.1.4: "
		    "authorization lacks status or identifier");
	if ((a->status = strdup(st)) == NULL ||
	    asprintf(&a->ident, "%s:%s", it, iv) < 0) {
		a->ident = NULL;
		return err_set(e, E_NOMEM, "out of memory");
	}
	acme_sanitize(a->status);
	acme_sanitize(a->ident);
	if (http01(a, json_get_arr(j, "challenges"), e) == -1)
		return -1;
	if (strcmp(a->status, "pending") == 0 && a->chall_url == NULL)
		return err_set(e, E_PROTO, "RFC 8555 section 8.3: no http-01 "
		    "challenge offered for %.200s", a->ident);
	return 0;
}

/* POST-as-GET the authorization at "url" into "a" (RFC 8555 7.5). */
int
acme_authz_fetch(struct acme_ctx *ctx, const char *url,
    struct acme_authz *a, struct err *e)
{
	struct json_object	*j;
	struct http_resp	 r;
	int			 rc = -1;

	if (a->url == NULL && (a->url = strdup(url)) == NULL)
		return err_set(e, E_NOMEM, "out of memory");
	if (acme_post(ctx, url, NULL, &r, e) == -1)
		return err_ctx(e, "RFC 8555 section 7.5 authorization");
	a->retry_after = acme_retry_after(&r);
	if ((j = acme_resp_json(&r, e)) != NULL)
		rc = acme_authz_parse(a, j, e);
	json_free(j);
	http_resp_free(&r);
	if (rc == 0)
		log_dbg(DBG_ACME, 3, "CRYPTO_PKI: ACME: authorization %s status "
		    "%s, http-01 %s", a->ident, a->status, a->chall_status ?
		    a->chall_status : "absent");
	return rc;
}
