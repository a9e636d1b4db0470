/* pkish - ISC license, see LICENSE */
/*
 * DOC: acme/revoke - certificate revocation (RFC 8555 section 7.6),
 * signed with the account key (kid) of an existing account: the
 * certificate as base64url DER and the RFC 5280 section 5.3.1 reason
 * code. The account key must already exist; revoking never creates one.
 */
#include <stdlib.h>
#include <openssl/x509.h>
#include "lib/b64.h"
#include "lib/json.h"
#include <json-c/json.h>
#include "lib/log.h"
#include "acme_int.h"

static struct json_object *
revoke_payload(X509 *cert, int reason, struct err *e)
{
	struct json_object	*o;
	unsigned char		*der = NULL;
	char			*b64;
	int			 n;

	if ((n = i2d_X509(cert, &der)) <= 0)
		return err_ssl(e, "RFC 8555 section 7.6: certificate"), NULL;
	b64 = b64_encode(der, (size_t)n, 1);
	OPENSSL_free(der);
	if (b64 == NULL)
		return err_set(e, E_NOMEM, "out of memory"), NULL;
	o = json_object_new_object();
	json_object_object_add(o, "certificate", json_object_new_string(b64));
	json_object_object_add(o, "reason", json_object_new_int(reason));
	free(b64);
	return o;
}

/*
 * Revoke "cert" at the server of "p" with RFC 5280 reason code "reason"
 * (0..10 except 7), signed with the account of p->account_key_label.
 * Returns 0, or -1 with "e" set (E_NOTFOUND if there is no account key).
 */
int
acme_revoke(const struct acme_params *p, X509 *cert, int reason,
    struct err *e)
{
	struct acme_ctx		 ctx;
	struct json_object	*pl = NULL;
	struct http_resp	 r;
	struct err		 tmp;
	int			 rc = -1;

	e = e ? e : &tmp;
	e->detail = 0;
	if (cert == NULL || reason < 0 || reason > 10 || reason == 7)
		return err_set(e, E_INVAL, "RFC 5280 section 5.3.1: bad "
		    "revocation reason %d", reason);
	if (p->account_key_label == NULL || p->account_signer == NULL)
		return err_set(e, E_NOTFOUND, "RFC 8555 section 7.6: no ACME "
		    "account key %s", p->account_key_label ?
		    p->account_key_label : "");
	if (acme_ctx_init(&ctx, p, e) == -1 || acme_account(&ctx, p, e) == -1)
		goto out;
	if (ctx.dir.revoke_cert == NULL) {
		err_set(e, E_PROTO, "RFC 8555 section 7.1.1: directory has no "
		    "revokeCert");
		goto out;
	}
	if ((pl = revoke_payload(cert, reason, e)) == NULL)
		goto out;
	if (acme_post(&ctx, ctx.dir.revoke_cert, pl, &r, e) == -1) {
		err_ctx(e, "RFC 8555 section 7.6 revokeCert");
		goto out;
	}
	http_resp_free(&r);
	log_dbg(DBG_ACME, 1, "CRYPTO_PKI: ACME: certificate revoked, reason %d",
	    reason);
	rc = 0;
 out:
	json_free(pl);
	acme_ctx_free(&ctx);
	return rc;
}
