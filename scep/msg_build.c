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
#include <openssl/objects.h>
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
	    tx->signer == NULL || tx->signer->sign == NULL || tx->md == NULL ||
	    tx->cipher == NULL || tl == 0 || tl > SCEP_TID_MAX ||
	    len > INT_MAX)
		return err_set(e, E_INVAL, "SCEP: incomplete request");
	return 0;
}

/* What PKCS7_SIGNER_INFO_set fills in, from the signer's public key DER
 * rather than a decoded key (the transient certificate's is not): version
 * 1, issuerAndSerialNumber, digestAlgorithm and digestEncryptionAlgorithm
 * (rsaEncryption, or ecdsa-with-<digest> for EC). */
static int
si_set(PKCS7_SIGNER_INFO *si, const struct scep_tx *tx)
{
	X509 *c = tx->signer_cert;
	int hnid = EVP_MD_get_type(tx->md), snid;
	int knid = scep_spki_nid(tx->signer->pub_der, tx->signer->pub_len);

	if (!ASN1_INTEGER_set(si->version, 1) ||
	    !X509_NAME_set(&si->issuer_and_serial->issuer,
	    X509_get_issuer_name(c)))
		return 0;
	ASN1_INTEGER_free(si->issuer_and_serial->serial);
	if ((si->issuer_and_serial->serial =
	    ASN1_INTEGER_dup(X509_get0_serialNumber(c))) == NULL ||
	    !X509_ALGOR_set0(si->digest_alg, OBJ_nid2obj(hnid), V_ASN1_NULL,
	    NULL))
		return 0;
	if (knid == NID_rsaEncryption)
		return X509_ALGOR_set0(si->digest_enc_alg,
		    OBJ_nid2obj(NID_rsaEncryption), V_ASN1_NULL, NULL);
	return knid != NID_undef && OBJ_find_sigid_by_algs(&snid, hnid,
	    knid) && X509_ALGOR_set0(si->digest_enc_alg, OBJ_nid2obj(snid),
	    V_ASN1_UNDEF, NULL);
}

/* The SignerInfo for tx->signer_cert: identifiers and algorithms,
 * contentType, messageDigest of the envelope and the SCEP attributes
 * (RFC 8894 section 3.2.1). */
static PKCS7_SIGNER_INFO *
signer_info(PKCS7 *p7, const struct scep_tx *tx, const unsigned char *env,
    int envlen, struct err *e)
{
	PKCS7_SIGNER_INFO *si;
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;
	char mt[8];

	snprintf(mt, sizeof(mt), "%d", (int)tx->type);
	if ((si = PKCS7_SIGNER_INFO_new()) == NULL || !si_set(si, tx) ||
	    !PKCS7_add_signer(p7, si)) {
		PKCS7_SIGNER_INFO_free(si);
		return err_ssl(e, "SCEP: cannot sign the pkiMessage"), NULL;
	}
	if (!EVP_Digest(env, (size_t)envlen, md, &mdlen, tx->md, NULL) ||
	    !PKCS7_add_attrib_content_type(si, NULL) ||
	    !PKCS7_add1_attrib_digest(si, md, (int)mdlen))
		return err_ssl(e, "SCEP: cannot sign the pkiMessage"), NULL;
	if (add_attr(si, SA_MESSAGE_TYPE, V_ASN1_PRINTABLESTRING, mt, -1,
	    e) == -1 || add_attr(si, SA_TRANSACTION_ID,
	    V_ASN1_PRINTABLESTRING, tx->transaction_id, -1, e) == -1 ||
	    add_attr(si, SA_SENDER_NONCE, V_ASN1_OCTET_STRING,
	    tx->sender_nonce, SCEP_NONCE_LEN, e) == -1)
		return NULL;
	return si;
}

/* The signature over the DER SET OF signed attributes, as OpenSSL's
 * PKCS7_SIGNER_INFO_sign makes it, through the signer. */
static int
si_sign(PKCS7_SIGNER_INFO *si, const struct scep_tx *tx, struct err *e)
{
	unsigned char *attrs = NULL, *sig = NULL;
	size_t siglen = 0;
	int n;

	if ((n = ASN1_item_i2d((ASN1_VALUE *)si->auth_attr, &attrs,
	    ASN1_ITEM_rptr(PKCS7_ATTR_SIGN))) <= 0)
		return err_ssl(e, "SCEP: cannot encode the signed attributes");
	n = tx->signer->sign(tx->signer->arg, EVP_MD_get0_name(tx->md), attrs,
	    (size_t)n, &sig, &siglen, e);
	OPENSSL_free(attrs);
	if (n == -1)
		return err_ctx(e, "SCEP: signing the pkiMessage");
	if (siglen > INT_MAX || !ASN1_STRING_set(si->enc_digest, sig,
	    (int)siglen)) {
		free(sig);
		return err_ssl(e, "SCEP: out of memory");
	}
	free(sig);
	return 0;
}

/* SignedData around env (DER in *out, OPENSSL_free): the signer
 * certificate, one SignerInfo signed through tx->signer. */
static int
signed_data(const struct scep_tx *tx, const unsigned char *env, int envlen,
    unsigned char **out, int *outlen, struct err *e)
{
	PKCS7 *p7;
	PKCS7_SIGNER_INFO *si;
	int rc = -1;

	*out = NULL;
	if ((p7 = PKCS7_new()) == NULL || !PKCS7_set_type(p7,
	    NID_pkcs7_signed) || !PKCS7_content_new(p7, NID_pkcs7_data) ||
	    !PKCS7_add_certificate(p7, tx->signer_cert) ||
	    !ASN1_OCTET_STRING_set(p7->d.sign->contents->d.data, env,
	    envlen)) {
		err_ssl(e, "SCEP: cannot build the pkiMessage");
		goto out;
	}
	if ((si = signer_info(p7, tx, env, envlen, e)) == NULL ||
	    si_sign(si, tx, e) == -1)
		goto out;
	if ((*outlen = i2d_PKCS7(p7, out)) <= 0) {
		err_ssl(e, "SCEP: cannot finish the pkiMessage");
		goto out;
	}
	rc = 0;
 out:
	PKCS7_free(p7);
	return rc;
}

/*
 * Build the DER pkiMessage for tx around content. Returns 0 with *der
 * (malloc'd, caller frees) and *derlen, or -1.
 */
int
scep_msg_build(const struct scep_tx *tx, const unsigned char *content,
    size_t len, unsigned char **der, size_t *derlen, struct err *e)
{
	unsigned char *env = NULL, *out = NULL;
	char hex[2 * SCEP_NONCE_LEN + 1];
	int envlen = 0, n = 0, rc = -1;

	*der = NULL;
	if (tx_check(tx, len, e) == -1 ||
	    envelope(tx, content, len, &env, &envlen, e) == -1 ||
	    signed_data(tx, env, envlen, &out, &n, e) == -1)
		goto out;
	if ((*der = malloc((size_t)n)) == NULL) {
		err_set(e, E_NOMEM, "SCEP: out of memory");
		goto out;
	}
	memcpy(*der, out, (size_t)n);
	*derlen = (size_t)n;
	log_dbg(DBG_PKI_MSG, 1, "CRYPTO_PKI: SCEP pkiMessage: messageType %d,"
	    " transactionID %s, senderNonce %s, %s/%s, %d bytes",
	    (int)tx->type, tx->transaction_id, scep_hex(tx->sender_nonce,
	    SCEP_NONCE_LEN, hex, sizeof(hex)), EVP_MD_get0_name(tx->md),
	    EVP_CIPHER_get0_name(tx->cipher), n);
	rc = 0;
 out:
	OPENSSL_free(out);
	OPENSSL_free(env);
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
scep_transaction_id_der(const unsigned char *spki, size_t len,
    char out[SCEP_TID_MAX + 1], struct err *e)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;

	out[0] = '\0';
	if (spki == NULL || len == 0 ||
	    !EVP_Digest(spki, len, md, &mdlen, EVP_sha256(), NULL))
		return err_ssl(e, "SCEP: cannot hash the public key");
	scep_hex(md, mdlen, out, SCEP_TID_MAX + 1);
	return 0;
}

int
scep_transaction_id(EVP_PKEY *key, char out[SCEP_TID_MAX + 1], struct err *e)
{
	unsigned char *spki = NULL;
	int n, rc;

	out[0] = '\0';
	if ((n = i2d_PUBKEY(key, &spki)) <= 0) {
		OPENSSL_free(spki);
		return err_ssl(e, "SCEP: cannot hash the public key");
	}
	rc = scep_transaction_id_der(spki, (size_t)n, out, e);
	OPENSSL_free(spki);
	return rc;
}
