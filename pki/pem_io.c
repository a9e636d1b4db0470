/* pkish - BSD-2-Clause */
/*
 * DOC: PEM bundles
 * `crypto pki export TP pem` writes the private key (encrypted PKCS#8 when a
 * password is given) followed by the identity and CA certificates;
 * `crypto pki import TP pem` takes the same blocks in any order (IOS pastes
 * CA certificate, key, then identity, ios-pki.md section 6.3). The text is
 * split into "-----BEGIN X-----" ... "-----END X-----" blocks; key blocks go
 * to the keystore's PEM decoder, certificate blocks to cert_parse_any, other
 * blocks are ignored. The certificate whose public key matches the private
 * key is the identity certificate. No state.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <openssl/crypto.h>
#include "pki/cert.h"
#include "pki/key.h"
#include "pki/p12.h"

/* Append s to the malloc'd *out; 0 or -1. */
static int
append(char **out, size_t *len, const char *s, struct err *e)
{
	size_t n = strlen(s);
	char *nb;

	if ((nb = realloc(*out, *len + n + 1)) == NULL)
		return err_set(e, E_NOMEM, "out of memory");
	memcpy(nb + *len, s, n + 1);
	*out = nb;
	*len += n;
	return 0;
}

int
pem_export_bundle(EVP_PKEY *key, const char *pass, X509 *cert,
    STACK_OF(X509) *cas, char **out, struct err *e)
{
	char *buf = NULL, *s = NULL;
	size_t len = 0;

	*out = NULL;
	if (key != NULL) {
		if (key_pkey_to_pem(key, pass, &s, e) == -1)
			return -1;
		if (append(&buf, &len, s, e) == -1)
			goto fail;
		OPENSSL_clear_free(s, strlen(s));
		s = NULL;
	}
	if (cert != NULL && ((s = cert_to_pem(cert)) == NULL ||
	    append(&buf, &len, s, e) == -1))
		goto fail;
	free(s);
	s = NULL;
	if (cas != NULL && ((s = certs_to_pem(cas)) == NULL ||
	    append(&buf, &len, s, e) == -1))
		goto fail;
	free(s);
	if (buf == NULL)
		return err_set(e, E_INVAL, "nothing to export");
	*out = buf;
	return 0;
 fail:
	if (e != NULL && e->code == E_OK)
		err_set(e, E_NOMEM, "out of memory");
	if (s != NULL)
		OPENSSL_clear_free(s, strlen(s));
	if (buf != NULL)
		OPENSSL_clear_free(buf, len);
	return -1;
}

/*
 * Next PEM block at or after *pp: sets label (e.g. "CERTIFICATE"), the
 * block's start and length, and advances *pp. Returns 1, 0 when there is
 * no further block, -1 on a block without its END line.
 */
static int
next_block(const char **pp, char *label, size_t llen, const char **start,
    size_t *blen, struct err *e)
{
	const char *b, *l, *le, *end;
	char endline[128];

	if ((b = strstr(*pp, "-----BEGIN ")) == NULL)
		return 0;
	l = b + 11;
	if ((le = strstr(l, "-----")) == NULL || (size_t)(le - l) >= llen ||
	    memchr(l, '\n', (size_t)(le - l)) != NULL)
		return err_set(e, E_INVAL, "malformed PEM BEGIN line");
	snprintf(label, llen, "%.*s", (int)(le - l), l);
	snprintf(endline, sizeof(endline), "-----END %s-----", label);
	if ((end = strstr(le, endline)) == NULL)
		return err_set(e, E_INVAL, "truncated PEM block (%s): no END "
		    "line", label);
	end += strlen(endline);
	*start = b;
	*blen = (size_t)(end - b);
	*pp = end;
	return 1;
}

/* Add the certificates of one PEM block to sk. */
static int
add_certs(STACK_OF(X509) *sk, const char *blk, size_t len, struct err *e)
{
	STACK_OF(X509) *got;
	X509 *x;

	if ((got = cert_parse_any(blk, len, e)) == NULL)
		return -1;
	while ((x = sk_X509_shift(got)) != NULL)
		if (!sk_X509_push(sk, x)) {
			X509_free(x);
			sk_X509_pop_free(got, X509_free);
			return err_set(e, E_NOMEM, "out of memory");
		}
	sk_X509_free(got);
	return 0;
}

/* Collect the key and all certificates of text. */
static int
scan(const char *text, const char *pass, EVP_PKEY **pk, STACK_OF(X509) *sk,
    struct err *e)
{
	const char *p = text, *blk = NULL;
	char label[64];
	size_t len = 0;
	int r;

	while ((r = next_block(&p, label, sizeof(label), &blk, &len, e)) == 1) {
		if (strstr(label, "PRIVATE KEY") != NULL) {
			if (*pk != NULL)
				return err_set(e, E_INVAL,
				    "more than one private key in the PEM input");
			if ((*pk = key_pkey_from_pem(blk, len, pass, e)) == NULL)
				return -1;
		} else if (strcmp(label, "CERTIFICATE") == 0 ||
		    strcmp(label, "X509 CERTIFICATE") == 0) {
			if (add_certs(sk, blk, len, e) == -1)
				return -1;
		}
	}
	return r;
}

int
pem_import_bundle(const char *text, const char *pass, EVP_PKEY **key,
    X509 **cert, STACK_OF(X509) **cas, struct err *e)
{
	STACK_OF(X509) *sk;
	EVP_PKEY *pk = NULL;
	X509 *x = NULL;
	int i;

	*key = NULL;
	*cert = NULL;
	*cas = NULL;
	if ((sk = sk_X509_new_null()) == NULL)
		return err_set(e, E_NOMEM, "out of memory");
	if (scan(text, pass, &pk, sk, e) == -1)
		goto fail;
	if (pk == NULL || sk_X509_num(sk) == 0) {
		err_set(e, E_INVAL, pk == NULL ? "no private key in the PEM "
		    "input" : "no certificate in the PEM input");
		goto fail;
	}
	for (i = 0; i < sk_X509_num(sk) && x == NULL; i++)
		if (cert_matches_key(sk_X509_value(sk, i), pk))
			x = sk_X509_delete(sk, i);
	if (x == NULL) {
		err_set(e, E_INVAL, "no certificate matches the private key");
		goto fail;
	}
	*key = pk;
	*cert = x;
	*cas = sk;
	return 0;
 fail:
	EVP_PKEY_free(pk);
	sk_X509_pop_free(sk, X509_free);
	return -1;
}
