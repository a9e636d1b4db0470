/* SPDX-License-Identifier: ISC */
/*
 * scep/msg_build.c - the requester's pkiMessage (RFC 8894 section 3.2).
 *
 * content (a PKCS#10 for PKCSReq/RenewalReq, IssuerAndSubject for
 * CertPoll) -> pkcsPKIEnvelope: EnvelopedData to the CA/RA encryption
 * certificate (section 3.2.2) -> pkiMessage: SignedData by the transient
 * or current identity certificate, carrying the signer certificate and
 * the signed attributes messageType, transactionID and senderNonce
 * (section 3.2.1). Also the small helpers a requester needs for those
 * fields. Everything passed in is borrowed; outputs are malloc'd.
 */
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <openssl/err.h>
#include <openssl/pkcs7.h>
#include "lib/log.h"
#include "scep/scep_int.h"

/* Add one string-typed signed attribute; owns nothing on return. */
static int
add_attr(PKCS7_SIGNER_INFO *si, enum scep_attr a, int type, const void *v,
    int len, struct err *e)
{
	ASN1_STRING *s;

	if ((s = ASN1_STRING_type_new(type)) == NULL ||
	    !ASN1_STRING_set(s, v, len) ||
	    !PKCS7_add_signed_attribute(si, scep_nid(a), type, s)) {
		ASN1_STRING_free(s);	/* not taken over on failure */
		return err_ssl(e, "SCEP: cannot add signed attribute");
	}
	return 0;
}

/* pkcsPKIEnvelope (RFC 8894 section 3.2.2): DER in *env, OPENSSL_free. */
static int
envelope(const struct scep_tx *tx, const unsigned char *content, size_t len,
    unsigned char **env, int *envlen, struct err *e)
{
	STACK_OF(X509) *rcpt = NULL;
	BIO *in = NULL;
	PKCS7 *p7 = NULL;
	int rc = -1;

	*env = NULL;
	if ((rcpt = sk_X509_new_null()) == NULL ||
	    !sk_X509_push(rcpt, tx->recipient) ||
	    (in = BIO_new_mem_buf(content, (int)len)) == NULL) {
		err_ssl(e, "SCEP: out of memory");
		goto out;
	}
	if ((p7 = PKCS7_encrypt(rcpt, in, tx->cipher, PKCS7_BINARY)) == NULL) {
		err_ssl(e, "SCEP: cannot envelope the request to %s "
		    "(RFC 8894 section 3.2.2)", EVP_CIPHER_get0_name(tx->cipher));
		goto out;
	}
	if ((*envlen = i2d_PKCS7(p7, env)) <= 0) {
		err_ssl(e, "SCEP: cannot encode pkcsPKIEnvelope");
		goto out;
	}
	rc = 0;
 out:
	PKCS7_free(p7);
	BIO_free(in);
	sk_X509_free(rcpt);
	return rc;
}

static int
tx_check(const struct scep_tx *tx, size_t len, struct err *e)
{
	size_t tl = strlen(tx->transaction_id);

	if (scep_nid(SA_MESSAGE_TYPE) == NID_undef)
		return err_set(e, E_INVAL, "SCEP: scep_init() was not called");
	if (tx->recipient == NULL || tx->signer_cert == NULL ||
	    tx->signer_key == NULL || tx->md == NULL || tx->cipher == NULL ||
	    tl == 0 || tl > SCEP_TID_MAX || len > INT_MAX)
		return err_set(e, E_INVAL, "SCEP: incomplete request");
	return 0;
}

/*
 * Build the DER pkiMessage for tx around content. Returns 0 with *der
 * (malloc'd, caller frees) and *derlen, or -1.
 */
int
scep_msg_build(const struct scep_tx *tx, const unsigned char *content,
    size_t len, unsigned char **der, size_t *derlen, struct err *e)
{
	PKCS7 *p7 = NULL;
	PKCS7_SIGNER_INFO *si;
	BIO *in = NULL;
	unsigned char *env = NULL, *out = NULL;
	char mt[8], hex[2 * SCEP_NONCE_LEN + 1];
	int envlen = 0, n, rc = -1;

	*der = NULL;
	if (tx_check(tx, len, e) == -1 ||
	    envelope(tx, content, len, &env, &envlen, e) == -1)
		goto out;
	snprintf(mt, sizeof(mt), "%d", (int)tx->type);
	if ((p7 = PKCS7_sign(NULL, NULL, NULL, NULL, PKCS7_BINARY |
	    PKCS7_PARTIAL)) == NULL || (si = PKCS7_sign_add_signer(p7,
	    tx->signer_cert, tx->signer_key, tx->md, PKCS7_BINARY |
	    PKCS7_NOSMIMECAP)) == NULL) {
		err_ssl(e, "SCEP: cannot sign the pkiMessage");
		goto out;
	}
	if (add_attr(si, SA_MESSAGE_TYPE, V_ASN1_PRINTABLESTRING, mt, -1,
	    e) == -1 || add_attr(si, SA_TRANSACTION_ID,
	    V_ASN1_PRINTABLESTRING, tx->transaction_id, -1, e) == -1 ||
	    add_attr(si, SA_SENDER_NONCE, V_ASN1_OCTET_STRING,
	    tx->sender_nonce, SCEP_NONCE_LEN, e) == -1)
		goto out;
	if ((in = BIO_new_mem_buf(env, envlen)) == NULL ||
	    !PKCS7_final(p7, in, PKCS7_BINARY) ||
	    (n = i2d_PKCS7(p7, &out)) <= 0) {
		err_ssl(e, "SCEP: cannot finish the pkiMessage");
		goto out;
	}
	if ((*der = malloc((size_t)n)) == NULL) {
		err_set(e, E_NOMEM, "SCEP: out of memory");
		goto out;
	}
	memcpy(*der, out, (size_t)n);
	*derlen = (size_t)n;
	log_dbg(DBG_PKI_MSG, 1, "CRYPTO_PKI: SCEP pkiMessage: messageType %s,"
	    " transactionID %s, senderNonce %s, %s/%s, %d bytes", mt,
	    tx->transaction_id, scep_hex(tx->sender_nonce, SCEP_NONCE_LEN,
	    hex, sizeof(hex)), EVP_MD_get0_name(tx->md),
	    EVP_CIPHER_get0_name(tx->cipher), n);
	rc = 0;
 out:
	OPENSSL_free(out);
	OPENSSL_free(env);
	BIO_free(in);
	PKCS7_free(p7);
	return rc;
}

/*
 * IssuerAndSubject ::= SEQUENCE { issuer Name, subject Name } (RFC 8894
 * section 3.3.3), the CertPoll content. *der is malloc'd.
 */
int
scep_issuer_and_subject(const X509_NAME *issuer, const X509_NAME *subject,
    unsigned char **der, size_t *len, struct err *e)
{
	unsigned char *a = NULL, *b = NULL, *p;
	int la, lb, total, rc = -1;

	*der = NULL;
	if ((la = i2d_X509_NAME(issuer, &a)) <= 0 ||
	    (lb = i2d_X509_NAME(subject, &b)) <= 0) {
		err_ssl(e, "SCEP: cannot encode IssuerAndSubject");
		goto out;
	}
	total = ASN1_object_size(1, la + lb, V_ASN1_SEQUENCE);
	if (total <= 0 || (*der = malloc((size_t)total)) == NULL) {
		err_set(e, E_NOMEM, "SCEP: out of memory");
		goto out;
	}
	p = *der;
	ASN1_put_object(&p, 1, la + lb, V_ASN1_SEQUENCE, V_ASN1_UNIVERSAL);
	memcpy(p, a, (size_t)la);
	memcpy(p + la, b, (size_t)lb);
	*len = (size_t)total;
	rc = 0;
 out:
	OPENSSL_free(a);
	OPENSSL_free(b);
	return rc;
}

/*
 * transactionID (RFC 8894 section 3.2.1.1): uppercase hex SHA-256 of the
 * DER SubjectPublicKeyInfo, so polls after a restart reuse it.
 */
int
scep_transaction_id(EVP_PKEY *key, char out[SCEP_TID_MAX + 1], struct err *e)
{
	unsigned char *spki = NULL, md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;
	int n;

	out[0] = '\0';
	if ((n = i2d_PUBKEY(key, &spki)) <= 0 ||
	    !EVP_Digest(spki, (size_t)n, md, &mdlen, EVP_sha256(), NULL)) {
		OPENSSL_free(spki);
		return err_ssl(e, "SCEP: cannot hash the public key");
	}
	OPENSSL_free(spki);
	scep_hex(md, mdlen, out, SCEP_TID_MAX + 1);
	return 0;
}

/*
 * The transient self-signed certificate that signs an initial request
 * (RFC 8894 section 2.3): random serial, valid from an hour ago for a
 * day, subject and issuer = the request subject. Returns an owned X509.
 * Validity uses the real clock on purpose: the CA checks it against its
 * own (real) time, whatever the virtual clock says.
 */
X509 *
scep_transient_cert(EVP_PKEY *key, const X509_NAME *subject, struct err *e)
{
	X509 *x = NULL;
	X509_NAME *n = NULL;
	BIGNUM *bn = NULL;

	if (subject == NULL || X509_NAME_entry_count(subject) == 0) {
		if ((n = X509_NAME_new()) == NULL || !X509_NAME_add_entry_by_txt(
		    n, "CN", MBSTRING_ASC, (const unsigned char *)"pkish-scep",
		    -1, -1, 0))
			goto fail;
		subject = n;
	}
	if ((x = X509_new()) == NULL || !X509_set_version(x, X509_VERSION_3) ||
	    (bn = BN_new()) == NULL || !BN_rand(bn, 63, BN_RAND_TOP_ONE,
	    BN_RAND_BOTTOM_ANY) || !BN_to_ASN1_INTEGER(bn,
	    X509_get_serialNumber(x)) || !X509_set_subject_name(x, subject) ||
	    !X509_set_issuer_name(x, subject) ||
	    !X509_gmtime_adj(X509_getm_notBefore(x), -3600) ||
	    !X509_gmtime_adj(X509_getm_notAfter(x), 86400) ||
	    !X509_set_pubkey(x, key) || X509_sign(x, key, EVP_sha256()) <= 0)
		goto fail;
	BN_free(bn);
	X509_NAME_free(n);
	return x;
 fail:
	err_ssl(e, "SCEP: cannot create the transient signer certificate");
	BN_free(bn);
	X509_NAME_free(n);
	X509_free(x);
	return NULL;
}
