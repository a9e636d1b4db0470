/* pkish - ISC license, see LICENSE */
/*
 * DOC: acme/directory - the directory object (RFC 8555 section 7.1.1):
 * newNonce, newAccount and newOrder are required; revokeCert, keyChange,
 * renewalInfo (RFC 9773 section 3) and meta.termsOfService /
 * meta.externalAccountRequired are optional. Every URL must be https
 * (RFC 8555 section 6.1). The directory is owned by the context.
 */
#include <stdlib.h>
#include <string.h>
#include "lib/json.h"
#include "lib/log.h"
#include "acme_int.h"

void
acme_dir_free(struct acme_dir *d)
{
	free(d->new_nonce);
	free(d->new_account);
	free(d->new_order);
	free(d->revoke_cert);
	free(d->key_change);
	free(d->renewal_info);
	free(d->tos);
	memset(d, 0, sizeof(*d));
}

/* Copy URL member "key" into *out. -1 if required and missing, or bad. */
static int
dir_url(const struct json_object *o, const char *key, int required,
    char **out, struct err *e)
{
	const char *v = json_get_str(o, key);

	if (v == NULL)
		return required ? err_set(e, E_PROTO, "RFC 8555 section "
		    "7.1.1: directory has no \"%s\" URL", key) : 0;
	if (strncmp(v, "https://", 8) != 0)
		return err_set(e, E_PROTO, "RFC 8555 section 6.1: directory "
		    "\"%s\" is not an https URL", key);
	if ((*out = strdup(v)) == NULL)
		return err_set(e, E_NOMEM, "out of memory");
	return 0;
}

/*
 * Parse a directory document into "d" (emptied first). Returns 0, or -1
 * with "e" set and "d" empty.
 */
int
acme_dir_parse(struct acme_dir *d, const char *body, size_t len,
    struct err *e)
{
	struct json_object	*o, *meta;
	const char		*tos;
	int			 eab = 0;

	memset(d, 0, sizeof(*d));
	if ((o = json_strict_parse_obj(body, len, e)) == NULL)
		return err_ctx(e, "RFC 8555 section 7.1.1: directory");
	meta = json_get_obj(o, "meta");
	if (dir_url(o, "newNonce", 1, &d->new_nonce, e) == -1 ||
	    dir_url(o, "newAccount", 1, &d->new_account, e) == -1 ||
	    dir_url(o, "newOrder", 1, &d->new_order, e) == -1 ||
	    dir_url(o, "revokeCert", 0, &d->revoke_cert, e) == -1 ||
	    dir_url(o, "keyChange", 0, &d->key_change, e) == -1 ||
	    dir_url(o, "renewalInfo", 0, &d->renewal_info, e) == -1) {
		json_free(o);
		acme_dir_free(d);
		return -1;
	}
	if ((tos = json_get_str(meta, "termsOfService")) != NULL &&
	    (d->tos = strdup(tos)) != NULL)
		acme_sanitize(d->tos);
	if (json_get_bool(meta, "externalAccountRequired", &eab) == 0)
		d->eab_required = eab;
	json_free(o);
	return 0;
}

/* GET the directory at ctx->dir_url into ctx->dir. */
int
acme_dir_fetch(struct acme_ctx *ctx, struct err *e)
{
	struct http_resp	r;
	int			rc;

	if (acme_get(ctx, ctx->dir_url, 0, &r, e) == -1)
		return -1;
	rc = acme_dir_parse(&ctx->dir, (const char *)r.body, r.body_len, e);
	http_resp_free(&r);
	if (rc == 0 && ctx->dir.tos != NULL)
		log_dbg(DBG_ACME, 2, "CRYPTO_PKI: ACME: terms of service %.300s "
		    "(agreed automatically)", ctx->dir.tos);
	return rc;
}
