/* SPDX-License-Identifier: ISC */
/*
 * scep/certs.c - certificate sets carried by SCEP replies.
 *
 * GetCACert returns one DER certificate or a degenerate (certificates
 * only) PKCS#7 SignedData with the CA and RA certificates (RFC 8894
 * section 4.2.1); this file picks the issuing CA and, by key usage, the
 * RA encryption and signing certificates (section 2.2). A successful
 * CertRep carries another degenerate PKCS#7 whose certificate for our
 * key is picked here too (section 3.3.2). Results are owned by the
 * caller; selections are borrowed pointers into the returned stack.
 */
#include <limits.h>
#include <openssl/err.h>
#include <openssl/pkcs7.h>
#include <openssl/x509v3.h>
#include "lib/log.h"
#include "scep/scep_int.h"

/* DER certificate or degenerate PKCS#7 -> owned, non-empty stack. */
STACK_OF(X509) *
scep_certs_from_der(const unsigned char *der, size_t len, const char *what,
    struct err *e)
{
	const unsigned char *p = der;
	STACK_OF(X509) *sk = NULL;
	PKCS7 *p7 = NULL;
	X509 *x;

	if (der == NULL || len == 0 || len > LONG_MAX) {
		err_set(e, E_PROTO, "SCEP %s: empty reply", what);
		return NULL;
	}
	if ((x = d2i_X509(NULL, &p, (long)len)) != NULL && p == der + len) {
		if ((sk = sk_X509_new_null()) == NULL || !sk_X509_push(sk, x)) {
			X509_free(x);
			sk_X509_free(sk);
			err_set(e, E_NOMEM, "SCEP %s: out of memory", what);
			return NULL;
		}
		return sk;
	}
	X509_free(x);
	ERR_clear_error();
	p = der;
	if ((p7 = d2i_PKCS7(NULL, &p, (long)len)) == NULL || p != der + len) {
		PKCS7_free(p7);
		err_ssl(e, "SCEP %s: reply is neither a DER certificate nor "
		    "a PKCS#7 (RFC 8894 section 4.2.1)", what);
		if (e)
			e->code = E_PROTO;	/* the peer's fault */
		return NULL;
	}
	if (PKCS7_type_is_signed(p7) && p7->d.sign != NULL &&
	    p7->d.sign->cert != NULL && sk_X509_num(p7->d.sign->cert) > 0)
		sk = X509_chain_up_ref(p7->d.sign->cert);
	else
		err_set(e, E_PROTO, "SCEP %s: PKCS#7 without certificates "
		    "(RFC 8894 section 4.2.1.2)", what);
	PKCS7_free(p7);
	return sk;
}

/* The CA in sk that issued no other CA certificate of sk (lowest CA). */
static X509 *
lowest_ca(STACK_OF(X509) *sk)
{
	X509 *a, *b;
	int i, j, issues;

	for (i = 0; i < sk_X509_num(sk); i++) {
		a = sk_X509_value(sk, i);
		if (X509_check_ca(a) == 0)
			continue;
		for (issues = 0, j = 0; j < sk_X509_num(sk); j++) {
			b = sk_X509_value(sk, j);
			if (b != a && X509_check_ca(b) != 0 &&
			    X509_check_issued(a, b) == X509_V_OK)
				issues = 1;
		}
		if (!issues)
			return a;
	}
	return NULL;
}

/* First non-CA cert whose key usage allows bit (no extension = any). */
static X509 *
ra_by_usage(STACK_OF(X509) *sk, uint32_t bit)
{
	X509 *x;

	for (int i = 0; i < sk_X509_num(sk); i++) {
		x = sk_X509_value(sk, i);
		if (X509_check_ca(x) == 0 && (X509_get_key_usage(x) & bit))
			return x;
	}
	return NULL;
}

/* The CA that issued ra, else the lowest CA. */
static X509 *
issuer_of(STACK_OF(X509) *sk, X509 *ra)
{
	X509 *x;

	for (int i = 0; ra != NULL && i < sk_X509_num(sk); i++) {
		x = sk_X509_value(sk, i);
		if (X509_check_ca(x) != 0 && X509_check_issued(x, ra) ==
		    X509_V_OK)
			return x;
	}
	return lowest_ca(sk);
}

/*
 * Select CA, RA encryption and RA signing certificates from a GetCACert
 * body. A lone certificate is the CA whatever its extensions. With RA
 * certificates present both roles must be covered (RFC 8894 section 2.2).
 * *certs is owned by the caller, the selections borrow from it.
 */
int
scep_ca_parse(const unsigned char *der, size_t len, STACK_OF(X509) **certs,
    X509 **ca, X509 **ra_enc, X509 **ra_sign, struct err *e)
{
	STACK_OF(X509) *sk;
	X509 *c, *re = NULL, *rs = NULL;

	*certs = NULL;
	if ((sk = scep_certs_from_der(der, len, "GetCACert", e)) == NULL)
		return -1;
	if (sk_X509_num(sk) == 1)
		c = sk_X509_value(sk, 0);
	else {
		re = ra_by_usage(sk, KU_KEY_ENCIPHERMENT);
		rs = ra_by_usage(sk, KU_DIGITAL_SIGNATURE);
		c = issuer_of(sk, re ? re : rs);
		if (c == NULL || (re == NULL) != (rs == NULL)) {
			sk_X509_pop_free(sk, X509_free);
			return err_set(e, E_PROTO, "SCEP GetCACert: %s (RFC "
			    "8894 section 2.2)", c == NULL ? "no CA certificate"
			    " in the reply" : "RA certificates do not cover "
			    "both encryption and signing");
		}
	}
	log_dbg(DBG_PKI_TRANS, 1, "CRYPTO_PKI: GetCACert: %d certificate(s),"
	    " %s", sk_X509_num(sk), re ? "RA mode" : "CA only");
	*certs = sk;
	if (ca)
		*ca = c;
	if (ra_enc)
		*ra_enc = re;
	if (ra_sign)
		*ra_sign = rs;
	return 0;
}

/* The index in sk of the certificate for the key with DER spki: the
 * same SubjectPublicKeyInfo bytes, else (a CA that re-encodes it) the
 * same key decoded; -1 when none. */
static int
pick_index(STACK_OF(X509) *sk, const unsigned char *spki, size_t len)
{
	const unsigned char *p = spki;
	EVP_PKEY *key;
	int i, at = -1;

	for (i = 0; i < sk_X509_num(sk); i++)
		if (scep_spki_is(X509_get_X509_PUBKEY(sk_X509_value(sk, i)),
		    spki, len))
			return i;
	if (len > LONG_MAX || (key = d2i_PUBKEY(NULL, &p, (long)len)) == NULL)
		return -1;
	for (i = 0; i < sk_X509_num(sk) && at < 0; i++)
		if (EVP_PKEY_eq(X509_get0_pubkey(sk_X509_value(sk, i)),
		    key) == 1)
			at = i;
	EVP_PKEY_free(key);
	return at;
}

/*
 * From a degenerate PKCS#7 (or a bare certificate), the certificate for
 * the key whose SubjectPublicKeyInfo DER is spki, and the rest. Both
 * results are owned by the caller.
 */
int
scep_certs_pick_spki(const unsigned char *der, size_t len,
    const unsigned char *spki, size_t spkilen, X509 **cert,
    STACK_OF(X509) **extra, struct err *e)
{
	STACK_OF(X509) *sk;
	int i;

	*cert = NULL;
	*extra = NULL;
	if ((sk = scep_certs_from_der(der, len, "CertRep", e)) == NULL)
		return -1;
	i = pick_index(sk, spki, spkilen);
	ERR_clear_error();
	if (i < 0) {
		sk_X509_pop_free(sk, X509_free);
		return err_set(e, E_PROTO, "SCEP CertRep: no certificate in "
		    "the reply matches our key (RFC 8894 section 3.3.2)");
	}
	*cert = sk_X509_delete(sk, i);
	*extra = sk;
	return 0;
}

/*
 * The same for a (public) key; both results are owned by the caller.
 */
int
scep_certs_pick(const unsigned char *der, size_t len, EVP_PKEY *key,
    X509 **cert, STACK_OF(X509) **extra, struct err *e)
{
	unsigned char *spki = NULL;
	int n = key ? i2d_PUBKEY(key, &spki) : -1, rc;

	*cert = NULL;
	*extra = NULL;
	if (n <= 0) {
		OPENSSL_free(spki);
		return err_ssl(e, "SCEP CertRep: cannot encode our key");
	}
	rc = scep_certs_pick_spki(der, len, spki, (size_t)n, cert, extra, e);
	OPENSSL_free(spki);
	return rc;
}
