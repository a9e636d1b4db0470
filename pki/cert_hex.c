/* pkish - BSD-2-Clause */
/*
 * DOC: IOS hex encodings
 * Certificates in `show running-config` are DER in upper-case hex, 8 groups
 * of 8 digits per line, indented two spaces (ios-pki.md section 5.1); the
 * key display uses the same grouping with a trailing space per full line;
 * fingerprints and key identifiers are one line of 8-digit groups. Reading
 * hex back accepts any whitespace and either case and requires the DER to
 * be exactly one certificate, so text -> cert -> text is byte-exact. No state.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/x509.h>
#include "pki/cert.h"

static const char hexdig[] = "0123456789ABCDEF";

/*
 * Lines of up to 8 groups of 8 hex digits, each line prefixed by indent and
 * ended by "\n"; with trail, full lines carry a space before the "\n".
 * Returns a malloc'd string ("" for n == 0) or NULL.
 */
char *
cert_hex_lines(const unsigned char *p, size_t n, const char *indent, int trail)
{
	size_t ilen = strlen(indent), lines = (n + 31) / 32, i;
	char *out, *o;

	/* per line: indent + 64 digits + 8 separators + "\n" */
	if ((out = malloc(lines * (ilen + 64 + 9) + 1)) == NULL)
		return NULL;
	o = out;
	for (i = 0; i < n; i++) {
		if (i % 32 == 0) {
			memcpy(o, indent, ilen);
			o += ilen;
		}
		*o++ = hexdig[p[i] >> 4];
		*o++ = hexdig[p[i] & 15];
		if (i + 1 == n || (i + 1) % 32 == 0) {
			if (trail && i + 1 < n)
				*o++ = ' ';
			*o++ = '\n';
		} else if ((i + 1) % 4 == 0)
			*o++ = ' ';
	}
	*o = '\0';
	return out;
}

/* "AAAAAAAA BBBBBBBB ..." on one line. Returns 0, or -1 if len is short. */
int
cert_hex_groups(const unsigned char *p, size_t n, char *out, size_t len)
{
	size_t i, o = 0;

	if (len < n * 2 + n / 4 + 1)
		return -1;
	for (i = 0; i < n; i++) {
		if (i > 0 && i % 4 == 0)
			out[o++] = ' ';
		out[o++] = hexdig[p[i] >> 4];
		out[o++] = hexdig[p[i] & 15];
	}
	out[o] = '\0';
	return 0;
}

/* The running-config hex body of a certificate (no "quit" line). */
char *
cert_to_ios_hex(X509 *x)
{
	unsigned char *der;
	size_t len;
	char *hex;

	if ((der = cert_to_der(x, &len)) == NULL)
		return NULL;
	hex = cert_hex_lines(der, len, "  ", 0);
	free(der);
	return hex;
}

static int
hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = tolower(c);
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/*
 * Certificate from IOS hex text (whitespace anywhere, either case). The DER
 * must be one complete certificate with nothing after it. Returns a new X509
 * or NULL with E_INVAL.
 */
X509 *
cert_from_ios_hex(const char *hex, struct err *e)
{
	unsigned char *der = NULL;
	const unsigned char *p;
	size_t n = 0, i;
	int hi = -1, v;
	X509 *x = NULL;

	if ((der = malloc(strlen(hex) / 2 + 1)) == NULL)
		return err_set(e, E_NOMEM, "out of memory"), NULL;
	for (i = 0; hex[i] != '\0'; i++) {
		if (isspace((unsigned char)hex[i]))
			continue;
		if ((v = hexval((unsigned char)hex[i])) < 0) {
			err_set(e, E_INVAL, "invalid hex character '%c' in "
			    "certificate", hex[i]);
			goto out;
		}
		if (hi < 0)
			hi = v;
		else {
			der[n++] = (unsigned char)(hi << 4 | v);
			hi = -1;
		}
	}
	if (hi >= 0 || n == 0) {
		err_set(e, E_INVAL, n == 0 ? "empty certificate hex" :
		    "odd number of hex digits in certificate");
		goto out;
	}
	p = der;
	if ((x = d2i_X509(NULL, &p, (long)n)) == NULL || p != der + n) {
		X509_free(x);
		x = NULL;
		ERR_clear_error();
		err_set(e, E_INVAL, "hex data is not a valid DER certificate");
	}
 out:
	free(der);
	return x;
}
