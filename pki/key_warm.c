/* pkish - BSD-2-Clause */
/*
 * DOC: pki/key_warm - OpenSSL 3.0 builds its tables on first use: the
 * random generator, the decoder and encoder chains behind every key and
 * certificate, the signature and cipher method stores. That first use
 * costs about 5 ms on this project's machine, and a short-lived pkish (a
 * script piped into it) paid all of it inside its first enrollment.
 * key_warm_start() makes that first use on a thread of its own, with a
 * throwaway P-256 key that is never stored or shown, while the main thread
 * builds the command graph, reads the configuration and waits for the
 * CA; key_warm_stop() joins it. The steps check a stop flag, so an early
 * exit waits for one step at most. Nothing is cached by pkish itself:
 * only OpenSSL's own caches of the default library context fill up.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/x509.h>
#include "pki/key.h"

static pthread_t	 warm_thr;
static int		 warm_running;	/* main thread only */
static atomic_int	 warm_stop;

/* Method stores: fetched once, freed; OpenSSL keeps the methods. */
static void
warm_fetch(void)
{
	static const char *const mds[] = { "SHA256", "SHA384" };
	static const char *const ciphers[] = { "AES-256-CBC", "AES-128-CBC",
	    "DES-EDE3-CBC" };

	for (size_t i = 0; i < sizeof(mds) / sizeof(mds[0]); i++)
		EVP_MD_free(EVP_MD_fetch(NULL, mds[i], NULL));
	for (size_t i = 0; i < sizeof(ciphers) / sizeof(ciphers[0]); i++)
		EVP_CIPHER_free(EVP_CIPHER_fetch(NULL, ciphers[i], NULL));
	EVP_SIGNATURE_free(EVP_SIGNATURE_fetch(NULL, "RSA", NULL));
	EVP_ASYM_CIPHER_free(EVP_ASYM_CIPHER_fetch(NULL, "RSA", NULL));
	EVP_KEYMGMT_free(EVP_KEYMGMT_fetch(NULL, "RSA", NULL));
}

/* A P-256 SubjectPublicKeyInfo, any point: its decoding builds the
 * decoder chain every certificate's key goes through. */
static const unsigned char spki[] = {
	0x30, 0x59, 0x30, 0x13, 0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02,
	0x01, 0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07, 0x03,
	0x42, 0x00, 0x04, 0x7b, 0xab, 0xa3, 0xb2, 0xea, 0x44, 0xa9, 0x8c, 0x72,
	0xd8, 0xea, 0x38, 0x66, 0x5e, 0x43, 0xcb, 0x0d, 0x28, 0xef, 0x0b, 0x96,
	0x47, 0x86, 0xf4, 0x8e, 0x1b, 0xae, 0x33, 0x3d, 0xf2, 0x35, 0xba, 0x67,
	0xc4, 0xef, 0x9f, 0x55, 0x0a, 0xbe, 0x7b, 0xba, 0x04, 0x67, 0xaa, 0x12,
	0xc6, 0x99, 0xc5, 0xe1, 0xe1, 0x9b, 0x3a, 0x6d, 0x0d, 0x74, 0xa6, 0xd1,
	0x9d, 0x8a, 0x2d, 0xf8, 0x4d, 0xdd, 0x2d
};

/* Public-key decoding first (a certificate is the first thing a pkish
 * session usually reads), then the digests of fingerprints. */
static void
warm_decode(void)
{
	const unsigned char *p = spki;

	EVP_PKEY_free(d2i_PUBKEY(NULL, &p, sizeof(spki)));
	EVP_MD_free(EVP_MD_fetch(NULL, "SHA1", NULL));
	EVP_MD_free(EVP_MD_fetch(NULL, "MD5", NULL));
}

/* SubjectPublicKeyInfo out: the public-key encoders (CSRs, JWKs). */
static void
warm_encode(EVP_PKEY *pk)
{
	unsigned char *der = NULL;

	if (i2d_PUBKEY(pk, &der) > 0)
		OPENSSL_free(der);
}

/* PKCS #8 PEM out and back, as the keystore reads and writes keys. */
static void
warm_pem(EVP_PKEY *pk)
{
	char *pem = NULL;

	if (key_pkey_to_pem(pk, NULL, &pem, NULL) < 0)
		return;
	EVP_PKEY_free(key_pkey_from_pem(pem, strlen(pem), NULL, NULL));
	OPENSSL_cleanse(pem, strlen(pem));
	free(pem);
}

/* A certificate built and signed: X.509 encoding and digest signing. */
static void
warm_x509(EVP_PKEY *pk)
{
	X509 *x = X509_new();

	if (x != NULL && X509_set_version(x, 2) && X509_set_pubkey(x, pk))
		X509_sign(x, pk, EVP_sha256());
	X509_free(x);
}

static void *
warm_main(void *arg)
{
	EVP_PKEY *pk;

	(void)arg;
	warm_decode();
	if (atomic_load(&warm_stop) ||
	    (pk = EVP_EC_gen("P-256")) == NULL) {	/* and the DRBG */
		ERR_clear_error();
		return NULL;
	}
	if (!atomic_load(&warm_stop))
		warm_pem(pk);
	if (!atomic_load(&warm_stop))
		warm_encode(pk);
	if (!atomic_load(&warm_stop))
		warm_fetch();
	if (!atomic_load(&warm_stop))
		warm_x509(pk);
	EVP_PKEY_free(pk);
	ERR_clear_error();
	return NULL;
}

/*
 * Start the warm-up thread; call once, from the main thread, after every
 * OBJ_create() (scep_init) and before the sessions start. A failure to
 * start it only costs speed.
 */
void
key_warm_start(void)
{
	if (warm_running)
		return;
	atomic_store(&warm_stop, 0);
	warm_running = pthread_create(&warm_thr, NULL, warm_main, NULL) == 0;
}

/* Ask the warm-up to end and join it; before OpenSSL is torn down. */
void
key_warm_stop(void)
{
	if (!warm_running)
		return;
	atomic_store(&warm_stop, 1);
	pthread_join(warm_thr, NULL);
	warm_running = 0;
}
