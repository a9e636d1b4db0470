/* fuzz/fuzz_chain.c - pasted certificate text: PEM blocks, bare base64,
 * IOS running-config hex (`certificate ca 01` ... `quit`), the PEM chain
 * of an ACME certificate download, and a PEM key-and-certificate bundle
 * (`crypto pki import TP pem terminal`). */
#include <openssl/x509.h>
#include <stdlib.h>
#include "lib/b64.h"
#include "pki/cert.h"
#include "pki/p12.h"
#include "fuzz/fuzz.h"

STACK_OF(X509) *acme_chain_parse(const char *, size_t, struct err *);

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	fz_init(0);
	return 0;
}

static void
certs_free(STACK_OF(X509) *sk)
{
	sk_X509_pop_free(sk, X509_free);
}

int
LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
	char *s = fz_str(d, n);
	struct err e = { 0 };
	EVP_PKEY *key = NULL;
	X509 *cert = NULL;
	STACK_OF(X509) *cas = NULL;
	size_t len;

	certs_free(cert_parse_any(s, n, &e));
	X509_free(cert_from_ios_hex(s, &e));
	free(b64_decode(s, n, &len, 0));
	free(b64_decode(s, n, &len, 1));
	certs_free(acme_chain_parse(s, n, &e));
	if (pem_import_bundle(s, "fuzz", &key, &cert, &cas, &e) == 0) {
		EVP_PKEY_free(key);
		X509_free(cert);
		certs_free(cas);
	}
	free(s);
	return 0;
}
