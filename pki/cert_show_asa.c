/* pkish - BSD-2-Clause */
/*
 * DOC: ASA certificate display
 * One block of ASA `show crypto ca certificates` (ios-pki.md section 8.6):
 * lower-case serial without "(hex)", public key type, signature algorithm
 * by its OpenSSL name ("ecdsa-with-SHA256"), "Issuer Name:" / "Subject
 * Name:" with the certificate's attribute spelling, validity (plus renew
 * date), storage ("config" for CA certificates, "immediate" for identity
 * certificates, as in the 9.23 capture) and the SHA-1 hashes of the public
 * key and of the SubjectPublicKeyInfo. No state.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/x509.h>
#include "pki/cert.h"
#include "pki/cert_int.h"

static void
put_hex_lower(FILE *f, const unsigned char *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		fprintf(f, "%02x", p[i]);
}

static void
key_hashes(FILE *f, X509 *x)
{
	unsigned char md[EVP_MAX_MD_SIZE], *spki = NULL;
	unsigned int n;
	int len;

	fputs("  Public Key Hashes: \n", f);
	if (X509_pubkey_digest(x, EVP_sha1(), md, &n)) {
		fputs("    SHA1 PublicKey hash: ", f);
		put_hex_lower(f, md, n);
		fputc('\n', f);
	}
	if ((len = i2d_X509_PUBKEY(X509_get_X509_PUBKEY(x), &spki)) > 0 &&
	    EVP_Digest(spki, (size_t)len, md, &n, EVP_sha1(), NULL)) {
		fputs("    SHA1 PublicKeyInfo hash: ", f);
		put_hex_lower(f, md, n);
		fputc('\n', f);
	}
	OPENSSL_free(spki);
	ERR_clear_error();
}

static void
asa_head(FILE *f, X509 *x, const char *header)
{
	EVP_PKEY *pk = X509_get0_pubkey(x);
	char *serial = cert_serial_hex(x), *p;

	for (p = serial; p != NULL && *p != '\0'; p++)
		*p = (char)tolower((unsigned char)*p);
	fprintf(f, "%s\n  Status: Available\n"
	    "  Certificate Serial Number: %s\n"
	    "  Certificate Usage: General Purpose\n", header,
	    serial != NULL ? serial : "?");
	free(serial);
	if (pk != NULL)
		fprintf(f, "  Public Key Type: %s (%d bits)\n",
		    EVP_PKEY_is_a(pk, "EC") ? "ECDSA" :
		    EVP_PKEY_is_a(pk, "RSA") ? "RSA" :
		    EVP_PKEY_get0_type_name(pk), EVP_PKEY_get_bits(pk));
	fprintf(f, "  Signature Algorithm: %s\n",
	    OBJ_nid2ln(X509_get_signature_nid(x)));
	fputs("  Issuer Name: \n", f);
	cert_name_print(f, X509_get_issuer_name(x), NAME_ASA, NULL, "    ");
	fputs("  Subject Name: \n", f);
	cert_name_print(f, X509_get_subject_name(x), NAME_ASA, NULL, "    ");
}

/*
 * The ASA block for one certificate, every line ending "\n". Returns a
 * malloc'd string or NULL on allocation failure.
 */
char *
cert_show_asa(X509 *x, const char *header, const char *const *tps,
    size_t ntp, time_t renew)
{
	FILE *f;
	char *out = NULL;
	size_t len, i;

	if ((f = open_memstream(&out, &len)) == NULL)
		return NULL;
	asa_head(f, x, header);
	cert_show_validity(f, x, renew);
	fprintf(f, "  Storage: %s\n",
	    strncmp(header, "CA ", 3) == 0 ? "config" : "immediate");
	fputs("  Associated Trustpoints:", f);
	for (i = 0; i < ntp; i++)
		fprintf(f, " %s", tps[i]);
	fputs(" \n", f);
	key_hashes(f, x);
	if (fclose(f) != 0) {
		free(out);
		return NULL;
	}
	return out;
}
