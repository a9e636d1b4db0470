/* SPDX-License-Identifier: ISC */
/*
 * scep/spki.c - public keys compared and classified by their DER
 * SubjectPublicKeyInfo, without decoding them.
 *
 * OpenSSL 3.0 decodes the public key of every certificate, request and
 * SubjectPublicKeyInfo it parses, through a decoder context it builds
 * each time (about a million instructions a key). The requester mostly
 * needs the bytes: the signer's key is lib/signer.h's pub_der, a CSR or
 * certificate is for that key when its SubjectPublicKeyInfo has the same
 * DER, and the transactionID is a hash of it. Structures whose keys are
 * never used (the CSR, the transient certificate, the certificates a
 * CertRep carries beside its signature) are parsed in a library context
 * holding only OpenSSL's "null" provider, so their keys stay undecoded;
 * nothing cryptographic is ever done in that context.
 */
#include <limits.h>
#include <pthread.h>
#include <string.h>
#include <openssl/asn1t.h>
#include <openssl/err.h>
#include <openssl/objects.h>
#include <openssl/provider.h>
#include <openssl/x509.h>
#include "scep/scep_int.h"

static pthread_once_t	 nokey_once = PTHREAD_ONCE_INIT;
static OSSL_LIB_CTX	*nokey_ctx;	/* written once in nokey_init */

static void
nokey_init(void)
{
	OSSL_LIB_CTX *c = OSSL_LIB_CTX_new();

	/* the null provider keeps the default one from being loaded */
	if (c != NULL && OSSL_PROVIDER_load(c, "null") == NULL) {
		OSSL_LIB_CTX_free(c);
		c = NULL;
	}
	ERR_clear_error();
	nokey_ctx = c;
}

OSSL_LIB_CTX *
scep_nokey_ctx(void)
{
	pthread_once(&nokey_once, nokey_init);
	return nokey_ctx;
}

/* d2i of a whole item in the no-key context (the default context when
 * that could not be made); trailing bytes rejected. */
void *
scep_d2i_nokey(const ASN1_ITEM *it, const unsigned char *der, size_t len)
{
	const unsigned char *p = der;
	ASN1_VALUE *v;

	if (der == NULL || len == 0 || len > LONG_MAX)
		return NULL;
	v = ASN1_item_d2i_ex(NULL, &p, (long)len, it, scep_nokey_ctx(), NULL);
	if (v != NULL && p != der + len) {
		ASN1_item_free(v, it);
		v = NULL;
	}
	return v;
}

/* 1 when pub encodes to exactly der (len bytes). */
int
scep_spki_is(X509_PUBKEY *pub, const unsigned char *der, size_t len)
{
	unsigned char *mine = NULL;
	int n = pub ? i2d_X509_PUBKEY(pub, &mine) : -1, same;

	same = n > 0 && (size_t)n == len && memcmp(mine, der, len) == 0;
	OPENSSL_free(mine);
	ERR_clear_error();
	return same;
}

/* The key algorithm NID (NID_rsaEncryption, NID_X9_62_id_ecPublicKey,
 * ...) of a DER SubjectPublicKeyInfo; NID_undef when it does not parse. */
int
scep_spki_nid(const unsigned char *der, size_t len)
{
	X509_PUBKEY *pub = scep_d2i_nokey(ASN1_ITEM_rptr(X509_PUBKEY), der,
	    len);
	ASN1_OBJECT *alg = NULL;
	int nid = NID_undef;

	if (pub != NULL && X509_PUBKEY_get0_param(&alg, NULL, NULL, NULL,
	    pub) && alg != NULL)
		nid = OBJ_obj2nid(alg);
	X509_PUBKEY_free(pub);
	ERR_clear_error();
	return nid;
}
