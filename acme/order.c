/* pkish - ISC license, see LICENSE */
/*
 * DOC: acme/order - the order object (RFC 8555 section 7.1.3): newOrder
 * with every identifier (section 7.4; "dns" and RFC 8738 "ip", plus the
 * RFC 9773 "replaces" certID when renewing), parsing the status,
 * authorization URLs, finalize and certificate URLs, and polling the
 * order URL (POST-as-GET, section 7.4) until it is valid. The order is
 * owned by the caller; acme_order_free() releases it.
 */
#include <stdlib.h>
#include <string.h>
#include "lib/json.h"
#include <json-c/json.h>
#include "lib/log.h"
#include "acme_int.h"

void
acme_order_free(struct acme_order *o)
{
	size_t i;

	free(o->url);
	free(o->status);
	free(o->finalize);
	free(o->cert);
	for (i = 0; i < o->nauthz; i++)
		free(o->authz[i]);
	free(o->authz);
	memset(o, 0, sizeof(*o));
}

static int
set_str(char **dst, const char *v)
{
	char *c = NULL;

	if (v != NULL && (c = strdup(v)) == NULL)
		return -1;
	free(*dst);
	*dst = c;
	return 0;
}

/*
 * Update "o" from an order object (keeps o->url). Returns 0, or -1 with
 * "e" set when a required member is missing or has the wrong type.
 */
int
acme_order_parse(struct acme_order *o, const struct json_object *j,
    struct err *e)
{
	const struct json_object *az = json_get_arr(j, "authorizations");
	const char	*st = json_get_str(j, "status");
	const char	*fin = json_get_str(j, "finalize");
	size_t		 i, n = json_arr_len(az);

	if (st == NULL || fin == NULL || az == NULL)
		return err_set(e, E_PROTO, "RFC 8555 section 7.1.3: order "
		    "lacks status, finalize or authorizations");
	for (i = 0; i < n; i++)
		if (json_arr_str(az, i) == NULL)
			return err_set(e, E_PROTO, "RFC 8555 section 7.1.3: "
			    "authorization %zu is not a URL", i);
	for (i = 0; i < o->nauthz; i++)
		free(o->authz[i]);
	free(o->authz);
	o->nauthz = 0;
	if ((o->authz = calloc(n + 1, sizeof(char *))) == NULL)
		return err_set(e, E_NOMEM, "out of memory");
	for (i = 0; i < n; i++, o->nauthz++)
		if ((o->authz[i] = strdup(json_arr_str(az, i))) == NULL)
			return err_set(e, E_NOMEM, "out of memory");
	if (set_str(&o->status, st) == -1 || set_str(&o->finalize, fin) == -1 ||
	    set_str(&o->cert, json_get_str(j, "certificate")) == -1)
		return err_set(e, E_NOMEM, "out of memory");
	acme_sanitize(o->status);
	o->error[0] = '\0';
	if (json_get_obj(j, "error") != NULL)
		acme_problem_fmt(json_get_obj(j, "error"), o->error,
		    sizeof(o->error));
	return 0;
}

static struct json_object *
order_payload(const struct acme_params *p, int ari)
{
	struct json_object	*o = json_object_new_object();
	struct json_object	*ids = json_object_new_array(), *id;
	size_t			 i;

	for (i = 0; i < p->ndns + p->nips; i++) {
		id = json_object_new_object();
		json_object_object_add(id, "type", json_object_new_string(
		    i < p->ndns ? "dns" : "ip"));
		json_object_object_add(id, "value", json_object_new_string(
		    i < p->ndns ? p->dns[i] : p->ips[i - p->ndns]));
		json_object_array_add(ids, id);
	}
	json_object_object_add(o, "identifiers", ids);
	if (p->replaces != NULL && ari)	/* RFC 9773 section 5 */
		json_object_object_add(o, "replaces",
		    json_object_new_string(p->replaces));
	return o;
}

/*
 * POST newOrder (RFC 8555 section 7.4) for every identifier of "p".
 * Fills "o" (the order URL from Location). Returns 0 or -1 with "e" set.
 */
int
acme_order_new(struct acme_ctx *ctx, const struct acme_params *p,
    struct acme_order *o, struct err *e)
{
	struct json_object	*pl = order_payload(p,
	    ctx->dir.renewal_info != NULL), *j = NULL;
	struct http_resp	 r;
	const char		*loc;
	int			 rc = -1;

	memset(o, 0, sizeof(*o));
	if (acme_post(ctx, ctx->dir.new_order, pl, &r, e) == -1) {
		json_free(pl);
		return err_ctx(e, "RFC 8555 section 7.4 newOrder");
	}
	json_free(pl);
	if ((loc = http_resp_header(&r, "Location")) == NULL)
		err_set(e, E_PROTO, "RFC 8555 section 7.4: newOrder response "
		    "has no Location");
	else if ((o->url = strdup(loc)) == NULL)
		err_set(e, E_NOMEM, "out of memory");
	else if ((j = acme_resp_json(&r, e)) != NULL &&
	    acme_order_parse(o, j, e) == 0)
		rc = 0;
	if (rc == 0)
		log_dbg(DBG_ACME, 2, "CRYPTO_PKI: ACME: order %s status %s, "
		    "%zu authorization(s)", o->url, o->status, o->nauthz);
	json_free(j);
	http_resp_free(&r);
	return rc;
}

/* 1 while an order in "st" may still reach "until" by waiting. */
static int
order_waiting(const char *st, const char *until)
{
	if (strcmp(until, "ready") == 0)
		return strcmp(st, "pending") == 0;
	return strcmp(st, "ready") == 0 || strcmp(st, "processing") == 0;
}

/*
 * Poll the order (POST-as-GET, RFC 8555 section 7.4) until its status is
 * "until": "ready" (authorizations done; "processing" and "valid" also
 * end the wait) or "valid" (issued; o->cert is set). The first poll
 * comes after first_us microseconds, later ones back off. A final status such as
 * "invalid" fails with the order's error. Returns 0 or -1 with "e" set.
 */
int
acme_order_poll(struct acme_ctx *ctx, struct acme_order *o, const char *until,
    long first_us, struct err *e)
{
	struct json_object	*j;
	struct http_resp	 r;
	long			 delay = first_us;
	int			 ra = -1, rc;

	while (strcmp(o->status, until) != 0) {
		if (strcmp(until, "ready") == 0 &&
		    (strcmp(o->status, "processing") == 0 ||
		    strcmp(o->status, "valid") == 0))
			return 0;
		if (!order_waiting(o->status, until))
			return err_set(e, E_PROTO, "RFC 8555 section 7.4: order "
			    "is %.20s%s%s", o->status, o->error[0] ? ": " : "",
			    o->error);
		if (acme_wait(ctx, &delay, ra, e) == -1)
			return -1;
		if (acme_post(ctx, o->url, NULL, &r, e) == -1)
			return err_ctx(e, "RFC 8555 section 7.4 order");
		ra = acme_retry_after(&r);
		rc = (j = acme_resp_json(&r, e)) != NULL ?
		    acme_order_parse(o, j, e) : -1;
		json_free(j);
		http_resp_free(&r);
		if (rc == -1)
			return -1;
		log_dbg(DBG_ACME, 3, "CRYPTO_PKI: ACME: order %s status %s",
		    o->url, o->status);
	}
	if (strcmp(until, "valid") == 0 && o->cert == NULL)
		return err_set(e, E_PROTO, "RFC 8555 section 7.1.3: valid order "
		    "has no certificate URL");
	return 0;
}
