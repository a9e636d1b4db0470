/* pkish - ISC license, see LICENSE */
/*
 * DOC: acme/finalize - finalizing an order (RFC 8555 section 7.4): a
 * PKCS#10 CSR built by the keystore's CSR builder with the certificate
 * key, the subject and every identifier as subjectAltName, POSTed as
 * base64url DER to the order's finalize URL; then the order is polled
 * until "valid". The key never leaves pki/.
 */
#include <stdlib.h>
#include <string.h>
#include <openssl/x509.h>
#include "lib/b64.h"
#include "lib/json.h"
#include <json-c/json.h>
#include "lib/log.h"
#include "acme_int.h"

/*
 * base64url of the CSR DER pki/ made for "p" (RFC 8555 section 7.4
 * "csr").
 */
static char *
csr_b64(struct acme_ctx *ctx, const struct acme_params *p, struct err *e)
{
	char *r;

	if (acme_ctx_csr(ctx, p, e) == -1)
		return NULL;
	if ((r = b64_encode(ctx->csr, ctx->csr_len, 1)) == NULL)
		err_set(e, E_NOMEM, "out of memory");
	return r;
}

/*
 * Finalize the "ready" order "o" with a CSR for "p" and wait until it is
 * valid (o->cert is then the certificate URL). Returns 0 or -1 with "e".
 */
int
acme_finalize(struct acme_ctx *ctx, struct acme_order *o,
    const struct acme_params *p, struct err *e)
{
	struct json_object	*pl, *j;
	struct http_resp	 r;
	char			*csr;
	int			 rc;

	if ((csr = csr_b64(ctx, p, e)) == NULL)
		return -1;
	pl = json_object_new_object();
	json_object_object_add(pl, "csr", json_object_new_string(csr));
	free(csr);
	rc = acme_post(ctx, o->finalize, pl, &r, e);
	json_free(pl);
	if (rc == -1)
		return err_ctx(e, "RFC 8555 section 7.4 finalize");
	rc = (j = acme_resp_json(&r, e)) != NULL ? acme_order_parse(o, j, e) :
	    -1;
	json_free(j);
	http_resp_free(&r);
	if (rc == -1)
		return -1;
	log_dbg(DBG_ACME, 2, "CRYPTO_PKI: ACME: finalize: order %s", o->status);
	return acme_order_poll(ctx, o, "valid", ACME_POLL_START_US, e);
}
