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
#include "pki/csr.h"
#include "acme_int.h"

/*
 * base64url DER of a CSR for "p" (RFC 8555 section 7.4 "csr"); its public
 * key is kept in ctx->cert_pub for checking the issued certificate.
 */
static char *
csr_b64(struct acme_ctx *ctx, const struct acme_params *p, struct err *e)
{
	struct csr_params	 cp = { 0 };
	X509_REQ		*req;
	unsigned char		*der = NULL;
	char			*r = NULL;
	int			 n;

	cp.subject = p->subject;
	cp.dns = p->dns;
	cp.ndns = p->ndns;
	cp.ips = p->ips;
	cp.nips = p->nips;
	if ((req = csr_build(p->cert_key_label, &cp, e)) == NULL) {
		err_ctx(e, "RFC 8555 section 7.4: CSR");
		return NULL;
	}
	EVP_PKEY_free(ctx->cert_pub);
	if ((ctx->cert_pub = X509_REQ_get_pubkey(req)) == NULL)
		err_ssl(e, "RFC 8555 section 7.4: CSR public key");
	else if ((n = i2d_X509_REQ(req, &der)) <= 0)
		err_ssl(e, "RFC 8555 section 7.4: CSR encoding");
	else if ((r = b64_encode(der, (size_t)n, 1)) == NULL)
		err_set(e, E_NOMEM, "out of memory");
	OPENSSL_free(der);
	X509_REQ_free(req);
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
	return acme_order_poll(ctx, o, "valid", ACME_POLL_START_MS, e);
}
