/* fuzz/fuzz_cert.c - certificates and PKCS#12 archives from files or
 * pastes, and everything pkish shows of them. Byte 0 picks: 0 DER/PEM
 * certificates, shown the IOS and ASA way and verified as a chain;
 * 1 a PKCS#12 archive (password "fuzz"); 2 the same with no password. */
#include <openssl/x509.h>
#include <stdlib.h>
#include "pki/cert.h"
#include "pki/p12.h"
#include "fuzz/fuzz.h"

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	fz_init(0);
	return 0;
}

static void
show(X509 *x, STACK_OF(X509) *cas)
{
	static const char *const tps[] = { "TP", "ROOT" };
	char fp[128];
	struct err e = { 0 };

	free(cert_show_ios(x, "Certificate", tps, 2, "KEY", 0, 0));
	free(cert_show_ios(x, "CA Certificate", tps, 1, NULL, 1, 1));
	free(cert_show_asa(x, "Certificate", tps, 2, 1));
	free(cert_serial_hex(x));
	free(cert_name_oneline_ios(X509_get_subject_name(x)));
	free(cert_name_lines_ios(X509_get_issuer_name(x), "  "));
	cert_fingerprint(x, "md5", fp, sizeof(fp));
	cert_fingerprint(x, "sha256", fp, sizeof(fp));
	cert_is_ca(x);
	cert_is_self_signed(x);
	free(cert_to_pem(x));
	free(cert_to_ios_hex(x));
	if (cas)
		cert_verify_chain(x, cas, 1700000000, &e);
}

static void
certs(const uint8_t *d, size_t n)
{
	struct err e = { 0 };
	char *s = fz_str(d, n);
	STACK_OF(X509) *sk = cert_parse_any(s, n, &e);

	for (int i = 0; sk && i < sk_X509_num(sk); i++)
		show(sk_X509_value(sk, i), sk);
	sk_X509_pop_free(sk, X509_free);
	free(s);
}

static void
p12(const uint8_t *d, size_t n, const char *pass)
{
	struct err e = { 0 };
	EVP_PKEY *key = NULL;
	X509 *cert = NULL;
	STACK_OF(X509) *cas = NULL;

	if (p12_import_mem(d, n, pass, &key, &cert, &cas, &e) < 0)
		return;
	show(cert, cas);
	if (!cert_matches_key(cert, key))
		abort();	/* the import promises the matching one */
	EVP_PKEY_free(key);
	X509_free(cert);
	sk_X509_pop_free(cas, X509_free);
}

int
LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
	if (n < 1)
		return 0;
	switch (d[0] % 3) {
	case 0: certs(d + 1, n - 1); break;
	case 1: p12(d + 1, n - 1, "fuzz"); break;
	default: p12(d + 1, n - 1, ""); break;
	}
	return 0;
}
