/* pkish - BSD-2-Clause */
/*
 * DOC: self-signed certificates
 * `enrollment selfsigned` (ios-pki.md section 4.2): a version 3 router
 * certificate with serial 01 whose issuer is its subject, notBefore the
 * (virtual) clock_now(), signed by the keystore key. Like IOS it is not a CA
 * (no basicConstraints); it carries keyUsage digitalSignature (plus
 * keyEncipherment for RSA keys), subject and authority key identifiers and,
 * when given, the subjectAltName of the trustpoint (RFC 5280 section
 * 4.2.1.6). No state.
 */
#define _GNU_SOURCE
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include "lib/clock.h"
#include "pki/cert.h"
#include "pki/key.h"

static int
add_conf_ext(X509 *x, X509V3_CTX *ctx, int nid, const char *value,
    struct err *e)
{
	X509_EXTENSION *ext;
	int ok;

	if ((ext = X509V3_EXT_conf_nid(NULL, ctx, nid, value)) == NULL)
		return err_ssl(e, "extension %s", OBJ_nid2sn(nid));
	ok = X509_add_ext(x, ext, -1);
	X509_EXTENSION_free(ext);
	return ok ? 0 : err_ssl(e, "X509_add_ext");
}

static int
add_exts(X509 *x, EVP_PKEY *pk, const struct csr_params *sans, struct err *e)
{
	X509V3_CTX ctx;
	X509_EXTENSION *san = NULL;
	int ok;

	X509V3_set_ctx(&ctx, x, x, NULL, NULL, 0);
	if (add_conf_ext(x, &ctx, NID_key_usage, EVP_PKEY_is_a(pk, "RSA") ?
	    "critical,digitalSignature,keyEncipherment" :
	    "critical,digitalSignature", e) == -1 ||
	    add_conf_ext(x, &ctx, NID_subject_key_identifier, "hash", e) == -1 ||
	    add_conf_ext(x, &ctx, NID_authority_key_identifier,
	    "keyid:always", e) == -1)
		return -1;
	if (csr_san_ext(sans, &san, e) == -1)
		return -1;
	if (san == NULL)
		return 0;
	ok = X509_add_ext(x, san, -1);
	X509_EXTENSION_free(san);
	return ok ? 0 : err_ssl(e, "X509_add_ext");
}

/*
 * Self-signed certificate for key_label valid for days from clock_now().
 * SANs and signature hash come from sans (may be NULL; its subject field is
 * ignored). Returns a new X509 or NULL.
 */
X509 *
cert_selfsigned(const char *key_label, const X509_NAME *subject,
    const struct csr_params *sans, int days, struct err *e)
{
	EVP_PKEY *pk = NULL;
	X509 *x = NULL, *ret = NULL;
	const EVP_MD *md;
	time_t now = clock_now();

	if (subject == NULL)
		return err_set(e, E_INVAL, "a subject name is required"), NULL;
	if (days <= 0 || days > 36500)
		return err_set(e, E_INVAL, "validity must be 1 to 36500 days"),
		    NULL;
	if ((md = csr_md(sans != NULL ? sans->hash : NULL, e)) == NULL ||
	    (pk = key_get1(key_label, e)) == NULL)
		goto out;
	if ((x = X509_new()) == NULL || !X509_set_version(x, X509_VERSION_3) ||
	    !ASN1_INTEGER_set(X509_get_serialNumber(x), 1) ||
	    !X509_set_subject_name(x, subject) ||
	    !X509_set_issuer_name(x, subject) ||
	    X509_time_adj_ex(X509_getm_notBefore(x), 0, 0, &now) == NULL ||
	    X509_time_adj_ex(X509_getm_notAfter(x), days, 0, &now) == NULL ||
	    !X509_set_pubkey(x, pk)) {
		err_ssl(e, "cannot build the self-signed certificate");
		goto out;
	}
	if (add_exts(x, pk, sans, e) == -1)
		goto out;
	if (X509_sign(x, pk, md) <= 0) {
		err_ssl(e, "cannot sign the self-signed certificate");
		goto out;
	}
	ret = x;
	x = NULL;
 out:
	X509_free(x);
	EVP_PKEY_free(pk);
	return ret;
}
