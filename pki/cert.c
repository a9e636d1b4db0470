/* pkish - BSD-2-Clause */
/*
 * DOC: certificate basics
 * Parsing of pasted or fetched certificates (PEM blocks, bare base64 DER as
 * IOS terminal enrollment takes it, raw DER), fingerprints in the IOS
 * "XXXXXXXX XXXXXXXX" layout, CA and self-signed tests, IOS serial numbers,
 * key matching and PEM/DER output. Parsing never accepts partial input: a
 * truncated or corrupt block rejects the whole text. No state; thread-safe.
 */
#define _GNU_SOURCE
#include <stdlib.h>
#include <string.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include "lib/b64.h"
#include "pki/cert.h"
#include "pki/der.h"

#define NOT_A_CERT	"input is not a certificate (PEM, base64 or DER)"

static void
certs_free(STACK_OF(X509) *sk)
{
	sk_X509_pop_free(sk, X509_free);
}

/* Every PEM CERTIFICATE block of text; other block types are skipped. */
static STACK_OF(X509) *
parse_pem(const char *text, size_t len, struct err *e)
{
	STACK_OF(X509) *sk = NULL, *ret = NULL;
	BIO *bio = NULL;
	X509 *x;
	unsigned long l;

	if ((sk = sk_X509_new_null()) == NULL ||
	    (bio = BIO_new_mem_buf(text, (int)len)) == NULL) {
		err_ssl(e, "out of memory");
		goto out;
	}
	while ((x = PEM_read_bio_X509(bio, NULL, NULL, NULL)) != NULL) {
		if (!sk_X509_push(sk, x)) {
			X509_free(x);
			err_ssl(e, "out of memory");
			goto out;
		}
	}
	l = ERR_peek_last_error();
	ERR_clear_error();
	if (ERR_GET_LIB(l) != ERR_LIB_PEM ||
	    ERR_GET_REASON(l) != PEM_R_NO_START_LINE) {
		err_set(e, E_INVAL, "certificate %d: truncated or corrupt PEM",
		    sk_X509_num(sk) + 1);
		goto out;
	}
	if (sk_X509_num(sk) == 0) {
		err_set(e, E_INVAL, NOT_A_CERT);
		goto out;
	}
	ret = sk;
	sk = NULL;
 out:
	BIO_free(bio);
	certs_free(sk);
	return ret;
}

/* One or more concatenated DER certificates, nothing else. */
static STACK_OF(X509) *
parse_der(const unsigned char *der, size_t len, struct err *e)
{
	STACK_OF(X509) *sk;
	const unsigned char *p = der, *end = der + len;
	X509 *x;

	if ((sk = sk_X509_new_null()) == NULL)
		return err_ssl(e, "out of memory"), NULL;
	while (p < end) {
		if ((x = d2i_X509(NULL, &p, (long)(end - p))) == NULL ||
		    !sk_X509_push(sk, x)) {
			X509_free(x);
			ERR_clear_error();
			err_set(e, E_INVAL, sk_X509_num(sk) == 0 ? NOT_A_CERT :
			    "certificate %d: truncated or corrupt DER",
			    sk_X509_num(sk) + 1);
			certs_free(sk);
			return NULL;
		}
	}
	if (sk_X509_num(sk) == 0) {
		certs_free(sk);
		return err_set(e, E_INVAL, NOT_A_CERT), NULL;
	}
	return sk;
}

/* Bare base64 of DER, whitespace and line breaks allowed. */
static STACK_OF(X509) *
parse_b64(const char *text, size_t len, struct err *e)
{
	STACK_OF(X509) *sk;
	unsigned char *der;
	size_t i, n;

	for (i = 0; i < len; i++)
		if (strchr("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
		    "0123456789+/= \t\r\n", text[i]) == NULL || text[i] == '\0')
			return err_set(e, E_INVAL, NOT_A_CERT), NULL;
	if ((der = b64_decode(text, len, &n, 0)) == NULL || n == 0) {
		free(der);
		return err_set(e, E_INVAL, NOT_A_CERT), NULL;
	}
	sk = parse_der(der, n, e);
	free(der);
	return sk;
}

/*
 * Parse one or more certificates from PEM, bare base64 DER or raw DER.
 * Returns a new stack (at least one certificate) or NULL with E_INVAL.
 */
STACK_OF(X509) *
cert_parse_any(const char *text, size_t len, struct err *e)
{
	if (text == NULL || len == 0 || len > 16 * 1024 * 1024)
		return err_set(e, E_INVAL, NOT_A_CERT), NULL;
	if (memmem(text, len, "-----BEGIN ", 11) != NULL)
		return parse_pem(text, len, e);
	if ((unsigned char)text[0] == 0x30) {
		STACK_OF(X509) *sk;

		/* raw DER, unless it is base64 that happens to start "0" */
		if ((sk = parse_der((const unsigned char *)text, len, e)) !=
		    NULL || memchr(text, '\0', len) != NULL)
			return sk;
	}
	return parse_b64(text, len, e);
}

/* IOS fingerprint of the DER certificate with md (md5, sha1, sha256...). */
int
cert_fingerprint(X509 *x, const char *md, char *out, size_t len)
{
	static const char *const ok[] = { "md5", "sha1", "sha256", "sha384",
	    "sha512" };
	unsigned char buf[EVP_MAX_MD_SIZE];
	unsigned int n;
	const EVP_MD *dg = NULL;
	size_t i;

	for (i = 0; md != NULL && i < sizeof(ok) / sizeof(ok[0]); i++)
		if (strcasecmp(md, ok[i]) == 0)
			dg = EVP_get_digestbyname(ok[i]);
	if (dg == NULL || !X509_digest(x, dg, buf, &n)) {
		ERR_clear_error();
		return -1;
	}
	return cert_hex_groups(buf, n, out, len);
}

/* 1 if basicConstraints says CA:TRUE, or for a v1 self-signed root. */
int
cert_is_ca(X509 *x)
{
	uint32_t fl = X509_get_extension_flags(x);

	if (fl & EXFLAG_BCONS)
		return (fl & EXFLAG_CA) != 0;
	return (fl & EXFLAG_V1) && cert_is_self_signed(x);
}

/* 1 if the certificate is self-issued and its signature verifies. */
int
cert_is_self_signed(X509 *x)
{
	int rc = X509_self_signed(x, 1);

	ERR_clear_error();
	return rc == 1;
}

/* Serial as minimal upper-case hex with an even number of digits. */
char *
cert_serial_hex(X509 *x)
{
	static const char hexdig[] = "0123456789ABCDEF";
	const ASN1_INTEGER *ai = X509_get0_serialNumber(x);
	const unsigned char *p = ASN1_STRING_get0_data(ai);
	int n = ASN1_STRING_length(ai), i;
	char *out, *o;

	while (n > 0 && *p == 0) {
		p++;
		n--;
	}
	if ((out = malloc((size_t)n * 2 + 3)) == NULL)
		return NULL;
	o = out;
	if (n == 0) {
		*o++ = '0';
		*o++ = '0';
	}
	for (i = 0; i < n; i++) {
		*o++ = hexdig[p[i] >> 4];
		*o++ = hexdig[p[i] & 15];
	}
	*o = '\0';
	return out;
}

int
cert_matches_key(X509 *x, EVP_PKEY *pk)
{
	EVP_PKEY *pub = X509_get0_pubkey(x);
	int rc = pub != NULL && pk != NULL && EVP_PKEY_eq(pub, pk) == 1;

	ERR_clear_error();
	return rc;
}

/* A deep copy of x. */
X509 *
cert_dup(X509 *x)
{
	return X509_dup(x);
}

unsigned char *
cert_to_der(X509 *x, size_t *len)
{
	unsigned char *tmp = NULL;
	int n = i2d_X509(x, &tmp);

	return der_take(tmp, n, len, "certificate", NULL);
}

/* PEM of every certificate in sk, in order (malloc'd, "" if empty). */
char *
certs_to_pem(STACK_OF(X509) *sk)
{
	BIO *bio;
	BUF_MEM *bm;
	char *out = NULL;
	int i;

	if ((bio = BIO_new(BIO_s_mem())) == NULL)
		return NULL;
	for (i = 0; i < sk_X509_num(sk); i++)
		if (!PEM_write_bio_X509(bio, sk_X509_value(sk, i)))
			goto out;
	BIO_get_mem_ptr(bio, &bm);
	if ((out = malloc(bm->length + 1)) != NULL) {
		memcpy(out, bm->data, bm->length);
		out[bm->length] = '\0';
	}
 out:
	ERR_clear_error();
	BIO_free(bio);
	return out;
}

char *
cert_to_pem(X509 *x)
{
	STACK_OF(X509) *sk;
	char *out;

	if ((sk = sk_X509_new_null()) == NULL || !sk_X509_push(sk, x)) {
		sk_X509_free(sk);
		return NULL;
	}
	out = certs_to_pem(sk);
	sk_X509_free(sk);		/* x stays the caller's */
	return out;
}
