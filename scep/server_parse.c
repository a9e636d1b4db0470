/* SPDX-License-Identifier: ISC */
/*
 * scep/server_parse.c - the CA reads a pkiMessage (RFC 8894 section 3.2):
 * SignedData by the requester's (transient or current) certificate, whose
 * content is a pkcsPKIEnvelope addressed to the CA. The envelope's key
 * transport goes through the CA's signer; nothing here sees the key.
 * Every fault of the peer is a FAILURE with a failInfo when the ids are
 * known, else a plain refusal: never a crash.
 */
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <openssl/err.h>
#include <openssl/pkcs7.h>
#include "scep/scep_int.h"
#include "scep/scep_server.h"

/* Digests a requester may sign with (RFC 8894 section 3.5.2). */
static const EVP_MD *
digest_ok(const X509_ALGOR *alg)
{
	switch (OBJ_obj2nid(alg->algorithm)) {
	case NID_sha1: return EVP_sha1();
	case NID_sha224: return EVP_sha224();
	case NID_sha256: return EVP_sha256();
	case NID_sha384: return EVP_sha384();
	case NID_sha512: return EVP_sha512();
	default: return NULL;
	}
}

/* Content ciphers the CA accepts and the one it answers with: the
 * requester's AES-128/192/256-CBC or DES-EDE3; single DES-CBC (micromdm's
 * scepclient, old IOS) is opened through the legacy provider but
 * answered with AES-128-CBC, which every such client also decrypts. */
static const EVP_CIPHER *
cipher_ok(const PKCS7 *env)
{
	switch (OBJ_obj2nid(env->d.enveloped->enc_data->algorithm->algorithm)) {
	case NID_des_cbc: return EVP_aes_128_cbc();
	case NID_aes_128_cbc: return EVP_aes_128_cbc();
	case NID_aes_192_cbc: return EVP_aes_192_cbc();
	case NID_aes_256_cbc: return EVP_aes_256_cbc();
	case NID_des_ede3_cbc: return EVP_des_ede3_cbc();
	default: return NULL;
	}
}

/* messageType, transactionID, senderNonce (RFC 8894 3.2.1.1-3.2.1.5). */
static int
read_ids(PKCS7_SIGNER_INFO *si, struct scep_srv_msg *m)
{
	const ASN1_STRING *t = scep_attr_get(si, SA_TRANSACTION_ID, 0);
	const ASN1_STRING *n = scep_attr_get(si, SA_SENDER_NONCE, 1);
	int tl;

	m->type = scep_attr_num(scep_attr_get(si, SA_MESSAGE_TYPE, 0));
	if (t == NULL || n == NULL || (tl = ASN1_STRING_length(t)) < 1 ||
	    tl > SCEP_TID_MAX || ASN1_STRING_length(n) != SCEP_NONCE_LEN)
		return -1;
	memcpy(m->tid, ASN1_STRING_get0_data(t), (size_t)tl);
	m->tid[tl] = '\0';
	for (char *c = m->tid; *c != '\0'; c++)
		if ((unsigned char)*c < 0x20 || (unsigned char)*c > 0x7e)
			*c = '?';
	memcpy(m->nonce, ASN1_STRING_get0_data(n), SCEP_NONCE_LEN);
	m->have_ids = 1;
	return 0;
}

/* Signature check with the certificate the message carries. */
static int
verify(PKCS7 *p7, PKCS7_SIGNER_INFO *si, struct scep_srv_msg *m,
    unsigned char **env, long *envlen, struct err *e)
{
	PKCS7_ISSUER_AND_SERIAL *ias = si->issuer_and_serial;
	BIO *out = NULL;
	X509 *x;
	char *p;
	int rc = -1;

	x = X509_find_by_issuer_and_serial(p7->d.sign->cert, ias->issuer,
	    ias->serial);
	if (x == NULL)
		return err_set(e, E_PROTO, "SCEP: the signer certificate is "
		    "not in the pkiMessage (RFC 8894 section 3.2)");
	if ((out = BIO_new(BIO_s_mem())) == NULL)
		return err_ssl(e, "SCEP: out of memory");
	if (PKCS7_verify(p7, NULL, NULL, NULL, out, PKCS7_NOVERIFY |
	    PKCS7_BINARY) != 1) {
		err_ssl(e, "SCEP: the pkiMessage signature does not verify");
		goto out;
	}
	if ((*envlen = BIO_get_mem_data(out, &p)) <= 0 ||
	    (*env = malloc((size_t)*envlen)) == NULL) {
		err_set(e, E_PROTO, "SCEP: the pkiMessage has no content");
		goto out;
	}
	memcpy(*env, p, (size_t)*envlen);
	X509_up_ref(x);
	m->signer_cert = x;
	rc = 0;
 out:
	BIO_free(out);
	return rc;
}

/* The envelope: supported cipher, opened with the CA's key. */
static int
open_env(const unsigned char *der, long len, const struct signer *sg,
    X509 *ca, struct scep_srv_msg *m, int *fail, struct err *e)
{
	PKCS7 *env;
	int rc = -1;

	if ((env = scep_p7_decode(der, (size_t)len, NULL, "pkcsPKIEnvelope",
	    e)) == NULL)
		return -1;
	if (!PKCS7_type_is_enveloped(env) || env->d.enveloped == NULL ||
	    env->d.enveloped->enc_data == NULL ||
	    env->d.enveloped->enc_data->algorithm == NULL)
		err_set(e, E_PROTO, "SCEP: the content is not an EnvelopedData");
	else if ((m->cipher = cipher_ok(env)) == NULL) {
		*fail = SCEP_BAD_ALG;
		err_set(e, E_PROTO, "SCEP: content encryption algorithm not "
		    "supported (AES-CBC or DES-EDE3-CBC)");
	} else
		rc = scep_envelope_open_signer(env, sg, ca, &m->content,
		    &m->content_len, e);
	PKCS7_free(env);
	return rc;
}

int
scep_srv_parse(const unsigned char *der, size_t len, const struct signer *sg,
    X509 *ca, struct scep_srv_msg *m, int *fail, struct err *e)
{
	PKCS7 *p7;
	PKCS7_SIGNER_INFO *si;
	unsigned char *env = NULL;
	long envlen = 0;
	int rc = -1;

	memset(m, 0, sizeof(*m));
	m->type = -1;
	*fail = -1;
	if ((p7 = scep_p7_decode(der, len, NULL, "pkiMessage", e)) == NULL)
		return -1;
	if (!PKCS7_type_is_signed(p7) || p7->d.sign == NULL ||
	    sk_PKCS7_SIGNER_INFO_num(PKCS7_get_signer_info(p7)) != 1) {
		err_set(e, E_PROTO, "SCEP: not a SignedData with one signer");
		goto out;
	}
	si = sk_PKCS7_SIGNER_INFO_value(PKCS7_get_signer_info(p7), 0);
	if (read_ids(si, m) == -1) {
		err_set(e, E_PROTO, "SCEP: transactionID or senderNonce "
		    "missing (RFC 8894 section 3.2.1)");
		goto out;
	}
	*fail = SCEP_BAD_MESSAGE_CHECK;
	if ((m->md = digest_ok(si->digest_alg)) == NULL) {
		*fail = SCEP_BAD_ALG;
		m->md = EVP_sha256();	/* to answer with */
		err_set(e, E_PROTO, "SCEP: digest algorithm not supported");
		goto out;
	}
	if (verify(p7, si, m, &env, &envlen, e) == -1 ||
	    open_env(env, envlen, sg, ca, m, fail, e) == -1)
		goto out;
	*fail = -1;
	rc = 0;
 out:
	free(env);
	PKCS7_free(p7);
	return rc;
}

void
scep_srv_msg_free(struct scep_srv_msg *m)
{
	if (m == NULL)
		return;
	X509_free(m->signer_cert);
	if (m->content)
		OPENSSL_cleanse(m->content, m->content_len);
	free(m->content);
	memset(m, 0, sizeof(*m));
}

/* IssuerAndSerialNumber or IssuerAndSubject (RFC 8894 section 3.3.3). */
int
scep_srv_ias(const unsigned char *der, size_t len, X509_NAME **issuer,
    ASN1_INTEGER **serial, X509_NAME **subject, struct err *e)
{
	const unsigned char *p = der, *end;
	long slen;
	int tag, cls;

	*issuer = NULL;
	if (serial)
		*serial = NULL;
	if (subject)
		*subject = NULL;
	if (len > LONG_MAX || (ASN1_get_object(&p, &slen, &tag, &cls,
	    (long)len) & 0x80) || tag != V_ASN1_SEQUENCE ||
	    p + slen != der + len)
		goto bad;
	end = p + slen;
	if ((*issuer = d2i_X509_NAME(NULL, &p, end - p)) == NULL)
		goto bad;
	if (serial != NULL && p < end && *p == V_ASN1_INTEGER)
		*serial = d2i_ASN1_INTEGER(NULL, &p, end - p);
	else if (subject != NULL)
		*subject = d2i_X509_NAME(NULL, &p, end - p);
	if (p == end && ((serial && *serial) || (subject && *subject)))
		return 0;
 bad:
	ERR_clear_error();
	X509_NAME_free(*issuer);
	*issuer = NULL;
	if (serial) {
		ASN1_INTEGER_free(*serial);
		*serial = NULL;
	}
	if (subject) {
		X509_NAME_free(*subject);
		*subject = NULL;
	}
	return err_set(e, E_PROTO, "SCEP: malformed IssuerAndSerialNumber or "
	    "IssuerAndSubject (RFC 8894 section 3.3.3)");
}
