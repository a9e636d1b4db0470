/* pki/signer.c - lib/signer.h over keystore keys: the private key stays
 * here, acme/ and scep/ get callbacks and the public key's DER. */
#include <stdlib.h>
#include <string.h>
#include <openssl/evp.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>
#include "pki/key.h"
#include "pki/signer.h"

static int
do_sign(void *arg, const char *md, const unsigned char *data, size_t len,
    unsigned char **sig, size_t *siglen, struct err *e)
{
	EVP_MD_CTX	*c;
	unsigned char	*b = NULL;
	size_t		 n = 0;
	int		 ok;

	*sig = NULL;
	if ((c = EVP_MD_CTX_new()) == NULL)
		return err_set(e, E_NOMEM, "out of memory");
	ok = EVP_DigestSignInit_ex(c, NULL, md, NULL, NULL, arg, NULL) == 1 &&
	    EVP_DigestSign(c, NULL, &n, data, len) == 1 &&
	    (b = malloc(n)) != NULL &&
	    EVP_DigestSign(c, b, &n, data, len) == 1;
	EVP_MD_CTX_free(c);
	if (!ok) {
		free(b);
		return err_ssl(e, "signing with %s", md);
	}
	*sig = b;
	*siglen = n;
	return 0;
}

static int
do_decrypt(void *arg, const unsigned char *in, size_t len,
    unsigned char **out, size_t *outlen, struct err *e)
{
	EVP_PKEY_CTX	*c;
	unsigned char	*b = NULL;
	size_t		 n = 0;
	int		 ok;

	*out = NULL;
	if ((c = EVP_PKEY_CTX_new_from_pkey(NULL, arg, NULL)) == NULL)
		return err_ssl(e, "RSA decryption");
	ok = EVP_PKEY_decrypt_init(c) > 0 &&
	    EVP_PKEY_CTX_set_rsa_padding(c, RSA_PKCS1_PADDING) > 0 &&
	    EVP_PKEY_decrypt(c, NULL, &n, in, len) > 0 &&
	    (b = malloc(n ? n : 1)) != NULL &&
	    EVP_PKEY_decrypt(c, b, &n, in, len) > 0;
	EVP_PKEY_CTX_free(c);
	if (!ok) {
		free(b);
		return err_ssl(e, "RSA decryption");
	}
	*out = b;
	*outlen = n;
	return 0;
}

/* s over k (a reference taken) with k's SubjectPublicKeyInfo der
 * (taken). */
static int
fill(EVP_PKEY *k, unsigned char *der, size_t len, struct signer *s,
    struct err *e)
{
	if (!EVP_PKEY_up_ref(k)) {
		OPENSSL_free(der);
		return err_ssl(e, "key reference");
	}
	s->arg = k;
	s->sign = do_sign;
	s->decrypt = EVP_PKEY_is_a(k, "RSA") ? do_decrypt : NULL;
	s->pub_der = der;
	s->pub_len = len;
	return 0;
}

int
pki_signer_pkey(EVP_PKEY *k, struct signer *s, struct err *e)
{
	unsigned char *der = NULL;
	int n;

	memset(s, 0, sizeof(*s));
	if ((n = i2d_PUBKEY(k, &der)) <= 0)
		return err_ssl(e, "public key encoding");
	return fill(k, der, (size_t)n, s, e);
}

int
pki_signer_pkey_der(EVP_PKEY *k, const unsigned char *der, size_t len,
    struct signer *s, struct err *e)
{
	unsigned char *d;

	memset(s, 0, sizeof(*s));
	if ((d = OPENSSL_memdup(der, len)) == NULL)
		return err_set(e, E_NOMEM, "out of memory");
	return fill(k, d, len, s, e);
}

int
pki_signer_open(const char *label, struct signer *s, struct err *e)
{
	EVP_PKEY *k;
	unsigned char *der;
	size_t len;
	int rc;

	memset(s, 0, sizeof(*s));
	if (key_get1_spki(label, &k, &der, &len, e) == -1)
		return -1;
	rc = pki_signer_pkey_der(k, der, len, s, e);
	EVP_PKEY_free(k);
	free(der);
	return rc;
}

void
pki_signer_close(struct signer *s)
{
	if (s == NULL)
		return;
	EVP_PKEY_free(s->arg);
	OPENSSL_free((unsigned char *)s->pub_der);
	memset(s, 0, sizeof(*s));
}
