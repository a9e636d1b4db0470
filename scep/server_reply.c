/* SPDX-License-Identifier: ISC */
/*
 * scep/server_reply.c - the CA's CertRep (RFC 8894 section 3.3.2):
 * SignedData by the CA certificate with the signed attributes
 * messageType 3, pkiStatus, failInfo, transactionID, recipientNonce and
 * a fresh senderNonce; on SUCCESS its content is a pkcsPKIEnvelope (to
 * the requester's certificate, with the requester's cipher) of a
 * degenerate PKCS#7 holding the issued certificate or the CRL. The
 * signature over the signed attributes comes from the CA's signer.
 */
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <openssl/err.h>
#include <openssl/pkcs7.h>
#include <openssl/rand.h>
#include "scep/scep_int.h"
#include "scep/scep_server.h"

/* i2d into malloc'd memory. */
static int
p7_der(PKCS7 *p7, unsigned char **der, size_t *len, struct err *e)
{
	unsigned char *o = NULL;
	int n;

	if ((n = i2d_PKCS7(p7, &o)) <= 0)
		return err_ssl(e, "SCEP: cannot encode a PKCS#7");
	if ((*der = malloc((size_t)n)) == NULL) {
		OPENSSL_free(o);
		return err_set(e, E_NOMEM, "SCEP: out of memory");
	}
	memcpy(*der, o, (size_t)n);
	*len = (size_t)n;
	OPENSSL_free(o);
	return 0;
}

int
scep_srv_degenerate(STACK_OF(X509) *certs, X509_CRL *crl,
    unsigned char **der, size_t *len, struct err *e)
{
	PKCS7 *p7;
	int ok, rc;

	if ((p7 = PKCS7_new()) == NULL || !PKCS7_set_type(p7, NID_pkcs7_signed)
	    || !PKCS7_content_new(p7, NID_pkcs7_data)) {
		PKCS7_free(p7);
		return err_ssl(e, "SCEP: out of memory");
	}
	ok = 1;
	for (int i = 0; ok && certs != NULL && i < sk_X509_num(certs); i++)
		ok = PKCS7_add_certificate(p7, sk_X509_value(certs, i));
	if (ok && crl != NULL)
		ok = PKCS7_add_crl(p7, crl);
	rc = ok ? p7_der(p7, der, len, e) : err_ssl(e, "SCEP: out of memory");
	PKCS7_free(p7);
	return rc;
}

/* The SUCCESS content: degenerate PKCS#7 enveloped to the requester. */
static int
envelope(const struct scep_srv_msg *m, const struct scep_srv_rep *r,
    unsigned char **env, size_t *envlen, struct err *e)
{
	STACK_OF(X509) *rcpt = NULL;
	unsigned char *inner = NULL;
	size_t ilen = 0;
	BIO *in = NULL;
	PKCS7 *p7 = NULL;
	int rc = -1;

	if (scep_srv_degenerate(r->certs, r->crl, &inner, &ilen, e) == -1)
		return -1;
	if ((rcpt = sk_X509_new_null()) == NULL ||
	    !sk_X509_push(rcpt, m->signer_cert) ||
	    (in = BIO_new_mem_buf(inner, (int)ilen)) == NULL ||
	    (p7 = PKCS7_encrypt(rcpt, in, m->cipher, PKCS7_BINARY)) == NULL) {
		err_ssl(e, "SCEP: cannot envelope the CertRep");
		goto out;
	}
	rc = p7_der(p7, env, envlen, e);
 out:
	PKCS7_free(p7);
	BIO_free(in);
	sk_X509_free(rcpt);
	free(inner);
	return rc;
}

static int
add_str(PKCS7_SIGNER_INFO *si, int nid, int type, const void *v, int len)
{
	ASN1_STRING *s;

	if ((s = ASN1_STRING_type_new(type)) == NULL ||
	    !ASN1_STRING_set(s, v, len) ||
	    !PKCS7_add_signed_attribute(si, nid, type, s)) {
		ASN1_STRING_free(s);
		return 0;
	}
	return 1;
}

/* messageType .. senderNonce, contentType and messageDigest. */
static int
add_attrs(PKCS7_SIGNER_INFO *si, const struct scep_srv_msg *m,
    const struct scep_srv_rep *r, const unsigned char *content, size_t clen)
{
	unsigned char nonce[SCEP_NONCE_LEN], md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;
	char st[8], fi[8];

	snprintf(st, sizeof(st), "%d", (int)r->status);
	snprintf(fi, sizeof(fi), "%d", r->fail_info);
	if (RAND_bytes(nonce, sizeof(nonce)) != 1 ||
	    !EVP_Digest(content, clen, md, &mdlen, m->md, NULL))
		return 0;
	return PKCS7_add_attrib_content_type(si, NULL) &&
	    PKCS7_add1_attrib_digest(si, md, (int)mdlen) &&
	    add_str(si, scep_nid(SA_MESSAGE_TYPE), V_ASN1_PRINTABLESTRING,
	    "3", 1) && add_str(si, scep_nid(SA_PKI_STATUS),
	    V_ASN1_PRINTABLESTRING, st, -1) &&
	    (r->status != SCEP_FAILURE || add_str(si, scep_nid(SA_FAIL_INFO),
	    V_ASN1_PRINTABLESTRING, fi, -1)) &&
	    add_str(si, scep_nid(SA_TRANSACTION_ID), V_ASN1_PRINTABLESTRING,
	    m->tid, -1) && add_str(si, scep_nid(SA_RECIPIENT_NONCE),
	    V_ASN1_OCTET_STRING, m->nonce, SCEP_NONCE_LEN) &&
	    add_str(si, scep_nid(SA_SENDER_NONCE), V_ASN1_OCTET_STRING, nonce,
	    SCEP_NONCE_LEN);
}

/* The signature over the DER of the signed attributes, by sg. */
static int
sign_attrs(PKCS7_SIGNER_INFO *si, const EVP_MD *md, const struct signer *sg,
    struct err *e)
{
	unsigned char *abuf = NULL, *sig = NULL;
	size_t siglen = 0;
	int alen, rc;

	alen = ASN1_item_i2d((ASN1_VALUE *)si->auth_attr, &abuf,
	    ASN1_ITEM_rptr(PKCS7_ATTR_SIGN));
	if (alen <= 0)
		return err_ssl(e, "SCEP: cannot encode the signed attributes");
	rc = sg->sign(sg->arg, EVP_MD_get0_name(md), abuf, (size_t)alen, &sig,
	    &siglen, e);
	OPENSSL_free(abuf);
	if (rc == -1)
		return -1;
	if (siglen > INT_MAX || !ASN1_STRING_set(si->enc_digest, sig,
	    (int)siglen))
		rc = err_ssl(e, "SCEP: out of memory");
	free(sig);
	return rc;
}

/* SignedData over content (NULL: none, detached) by the CA. */
static PKCS7 *
signed_data(const struct scep_srv_msg *m, const struct scep_srv_rep *r,
    const struct signer *sg, X509 *ca, const unsigned char *content,
    size_t clen, struct err *e)
{
	PKCS7 *p7 = NULL;
	PKCS7_SIGNER_INFO *si = NULL;
	ASN1_OCTET_STRING *os;

	if ((p7 = PKCS7_new()) == NULL ||
	    !PKCS7_set_type(p7, NID_pkcs7_signed) ||
	    !PKCS7_content_new(p7, NID_pkcs7_data) ||
	    (si = PKCS7_SIGNER_INFO_new()) == NULL ||
	    !PKCS7_SIGNER_INFO_set(si, ca, X509_get0_pubkey(ca), m->md) ||
	    !PKCS7_add_signer(p7, si)) {
		PKCS7_SIGNER_INFO_free(si);
		goto bad;
	}
	if (!PKCS7_add_certificate(p7, ca) ||
	    !add_attrs(si, m, r, content ? content : (const unsigned char *)"",
	    content ? clen : 0))
		goto bad;
	if (content != NULL) {
		os = p7->d.sign->contents->d.data;
		if (!ASN1_OCTET_STRING_set(os, content, (int)clen))
			goto bad;
	} else if (!PKCS7_set_detached(p7, 1))
		goto bad;
	if (sign_attrs(si, m->md, sg, e) == -1) {
		PKCS7_free(p7);
		return NULL;
	}
	return p7;
 bad:
	err_ssl(e, "SCEP: cannot build the CertRep");
	PKCS7_free(p7);
	return NULL;
}

int
scep_srv_certrep(const struct scep_srv_msg *m, const struct scep_srv_rep *r,
    const struct signer *sg, X509 *ca, unsigned char **der, size_t *len,
    struct err *e)
{
	unsigned char *env = NULL;
	size_t envlen = 0;
	PKCS7 *p7;
	int rc;

	*der = NULL;
	if (!m->have_ids || m->md == NULL)
		return err_set(e, E_INVAL, "SCEP: no transaction to answer");
	if (r->status == SCEP_SUCCESS && (m->signer_cert == NULL ||
	    m->cipher == NULL || envelope(m, r, &env, &envlen, e) == -1))
		return err_ctx(e, "SCEP: CertRep");
	p7 = signed_data(m, r, sg, ca, env, envlen, e);
	free(env);
	if (p7 == NULL)
		return -1;
	rc = p7_der(p7, der, len, e);
	PKCS7_free(p7);
	return rc;
}
