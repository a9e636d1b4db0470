/* SPDX-License-Identifier: ISC */
/*
 * scep/envelope_open.c - decrypt the pkcsPKIEnvelope of a CertRep (RFC
 * 8894 section 3.3.2): an EnvelopedData with one KeyTransRecipientInfo
 * per recipient (rsaEncryption) and CBC content encryption.
 *
 * The content-encryption key is unwrapped through a signer (lib/signer.h:
 * the private key stays in pki/). The content cipher comes from the default context as
 * well, unless only OpenSSL 3's legacy provider has it (DES-CBC, still
 * used by micromdm scepserver and other older CAs): then from a private
 * context holding only that provider, created on first need
 * (scep_legacy_ctx), so nothing else in the process can reach it and a
 * process that never meets DES never loads it.
 */
#include <stdlib.h>
#include <string.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/pkcs7.h>
#include <openssl/x509.h>
#include "lib/signer.h"
#include "scep/scep_int.h"

#define CEK_MAX	64	/* longest content-encryption key accepted */

/* The recipient info addressed to cert (issuer and serial number). */
static PKCS7_RECIP_INFO *
recipient(PKCS7 *p7, X509 *cert, struct err *e)
{
	STACK_OF(PKCS7_RECIP_INFO) *ris = p7->d.enveloped->recipientinfo;
	PKCS7_RECIP_INFO *ri;

	for (int i = 0; i < sk_PKCS7_RECIP_INFO_num(ris); i++) {
		ri = sk_PKCS7_RECIP_INFO_value(ris, i);
		if (ri->issuer_and_serial != NULL &&
		    X509_NAME_cmp(ri->issuer_and_serial->issuer,
		    X509_get_issuer_name(cert)) == 0 &&
		    ASN1_INTEGER_cmp(ri->issuer_and_serial->serial,
		    X509_get0_serialNumber(cert)) == 0)
			return ri;
	}
	err_set(e, E_CRYPTO, "SCEP CertRep: cannot decrypt the "
	    "pkcsPKIEnvelope: it is not addressed to our signer certificate "
	    "(RFC 8894 section 3.3.2)");
	return NULL;
}

/* The content cipher by OID: default context, else the legacy one. */
static EVP_CIPHER *
cipher_fetch(const X509_ALGOR *alg, struct err *e)
{
	char name[80];
	EVP_CIPHER *c;
	OSSL_LIB_CTX *legacy;

	if (OBJ_obj2txt(name, sizeof(name), alg->algorithm, 1) <= 0)
		return err_set(e, E_PROTO, "SCEP CertRep: bad content "
		    "encryption algorithm"), NULL;
	ERR_set_mark();
	c = EVP_CIPHER_fetch(NULL, name, NULL);
	if (c == NULL && (legacy = scep_legacy_ctx()) != NULL)
		c = EVP_CIPHER_fetch(legacy, name, NULL);
	ERR_pop_to_mark();
	if (c == NULL || EVP_CIPHER_get_mode(c) != EVP_CIPH_CBC_MODE) {
		EVP_CIPHER_free(c);
		OBJ_obj2txt(name, sizeof(name), alg->algorithm, 0);
		return err_set(e, E_PROTO, "SCEP CertRep: content encryption "
		    "%s is not supported%s", name, scep_legacy_ctx() ? "" :
		    " (OpenSSL legacy provider not available)"), NULL;
	}
	return c;
}

/* CBC-decrypt the encrypted content with cek; IV from the parameters. */
static int
content_decrypt(const PKCS7_ENC_CONTENT *ec, const unsigned char *cek,
    size_t ceklen, unsigned char **out, size_t *outlen, struct err *e)
{
	unsigned char iv[EVP_MAX_IV_LENGTH], *buf = NULL;
	EVP_CIPHER *c;
	EVP_CIPHER_CTX *cc = NULL;
	int n1 = 0, n2 = 0, ivlen, rc = -1;

	if (ec->enc_data == NULL || ec->enc_data->length <= 0)
		return err_set(e, E_PROTO, "SCEP CertRep: empty "
		    "pkcsPKIEnvelope");
	if ((c = cipher_fetch(ec->algorithm, e)) == NULL)
		return -1;
	ivlen = ASN1_TYPE_get_octetstring(ec->algorithm->parameter, iv,
	    sizeof(iv));
	if (ivlen != EVP_CIPHER_get_iv_length(c) ||
	    ceklen != (size_t)EVP_CIPHER_get_key_length(c)) {
		err_set(e, E_PROTO, "SCEP CertRep: content encryption key or "
		    "IV has the wrong length");
		goto out;
	}
	if ((buf = malloc((size_t)ec->enc_data->length + 64)) == NULL ||
	    (cc = EVP_CIPHER_CTX_new()) == NULL) {
		err_set(e, E_NOMEM, "SCEP: out of memory");
		goto out;
	}
	if (!EVP_DecryptInit_ex2(cc, c, cek, iv, NULL) ||
	    !EVP_DecryptUpdate(cc, buf, &n1, ec->enc_data->data,
	    ec->enc_data->length) || !EVP_DecryptFinal_ex(cc, buf + n1, &n2)) {
		err_ssl(e, "SCEP CertRep: cannot decrypt the pkcsPKIEnvelope "
		    "content (RFC 8894 section 3.3.2)");
		if (e)
			e->code = E_PROTO;
		goto out;
	}
	*out = buf;
	*outlen = (size_t)(n1 + n2);
	buf = NULL;
	rc = 0;
 out:
	free(buf);
	EVP_CIPHER_CTX_free(cc);
	EVP_CIPHER_free(c);
	return rc;
}

/*
 * Decrypt the EnvelopedData p7 addressed to cert with the key behind sg
 * (the requester's for a CertRep, the CA's for a request): the key
 * transport goes through sg->decrypt, the content is decrypted here.
 * Returns 0 with *out (malloc'd, *outlen bytes), or -1 with e set
 * (E_PROTO for the peer's faults).
 */
int
scep_envelope_open_signer(PKCS7 *p7, const struct signer *sg, X509 *cert,
    unsigned char **out, size_t *outlen, struct err *e)
{
	PKCS7_RECIP_INFO *ri;
	unsigned char *cek = NULL;
	size_t ceklen = 0;
	int rc;

	*out = NULL;
	*outlen = 0;
	if (!PKCS7_type_is_enveloped(p7) || p7->d.enveloped == NULL ||
	    p7->d.enveloped->enc_data == NULL)
		return err_set(e, E_PROTO, "SCEP: content is not an "
		    "EnvelopedData (RFC 8894 section 3.2.2)");
	if ((ri = recipient(p7, cert, e)) == NULL)
		return -1;
	if (OBJ_obj2nid(ri->key_enc_algor->algorithm) != NID_rsaEncryption ||
	    sg->decrypt == NULL || sg->decrypt(sg->arg, ri->enc_key->data, (size_t)ri->enc_key->length,
	    &cek, &ceklen, e) == -1 || ceklen == 0 || ceklen > CEK_MAX) {
		if (cek)
			OPENSSL_cleanse(cek, ceklen);
		free(cek);
		return err_set(e, E_PROTO, "SCEP: cannot decrypt the "
		    "pkcsPKIEnvelope (RFC 8894 section 3.2.2)");
	}
	rc = content_decrypt(p7->d.enveloped->enc_data, cek, ceklen, out,
	    outlen, e);
	OPENSSL_cleanse(cek, ceklen);
	free(cek);
	return rc;
}
