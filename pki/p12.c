/* pkish - BSD-2-Clause */
/*
 * DOC: PKCS#12
 * `crypto pki export TP pkcs12` / `crypto pki import TP pkcs12` (ios-pki.md
 * sections 6.3, 6.4) over RFC 7292 archives. The default profile uses PBES2
 * (PBKDF2, HMAC-SHA-256 PRF) with AES-256-CBC for both the key and the
 * certificate bags and an HMAC-SHA-256 MAC; the legacy profile, for old
 * importers, uses pbeWithSHAAnd3-KeyTripleDES-CBC bags and an HMAC-SHA-1
 * MAC. The MAC is always present (PKCS12_create's mac_iter -1 would omit
 * it). Archives are written atomically with mode 0600 and cleansed from
 * memory afterwards. No state.
 */
#define _GNU_SOURCE
#include <stdlib.h>
#include <string.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pkcs12.h>
#include <openssl/x509.h>
#include "lib/fileio.h"
#include "pki/cert.h"
#include "pki/der.h"
#include "pki/p12.h"

#define P12_FILE_MAX	(4 * 1024 * 1024)

static PKCS12 *
p12_build(const char *pass, EVP_PKEY *key, X509 *cert, STACK_OF(X509) *cas,
    int legacy, struct err *e)
{
	int nid = legacy ? NID_pbe_WithSHA1And3_Key_TripleDES_CBC :
	    NID_aes_256_cbc;
	PKCS12 *p12;

	if (pass == NULL || pass[0] == '\0')
		return err_set(e, E_INVAL, "PKCS12 password must not be empty"),
		    NULL;
	if (key == NULL || cert == NULL)
		return err_set(e, E_INVAL, "PKCS12 export needs a key and a "
		    "certificate"), NULL;
	if (!cert_matches_key(cert, key))
		return err_set(e, E_INVAL, "certificate does not match the "
		    "private key"), NULL;
	/* mac_iter 0: default count; never -1 (that omits the MAC) */
	if ((p12 = PKCS12_create_ex(pass, NULL, key, cert, cas, nid, nid,
	    PKCS12_DEFAULT_ITER, 0, 0, NULL, NULL)) == NULL)
		return err_ssl(e, "cannot build PKCS12"), NULL;
	if (legacy && !PKCS12_set_mac(p12, pass, -1, NULL, 0,
	    PKCS12_DEFAULT_ITER, EVP_sha1())) {
		PKCS12_free(p12);
		return err_ssl(e, "PKCS12 MAC"), NULL;
	}
	return p12;
}

int
p12_export_mem(const char *pass, EVP_PKEY *key, X509 *cert,
    STACK_OF(X509) *cas, int legacy, unsigned char **der, size_t *len,
    struct err *e)
{
	PKCS12 *p12;
	unsigned char *tmp = NULL;
	int n;

	*der = NULL;
	*len = 0;
	if ((p12 = p12_build(pass, key, cert, cas, legacy, e)) == NULL)
		return -1;
	n = i2d_PKCS12(p12, &tmp);
	PKCS12_free(p12);
	*der = der_take(tmp, n, len, "PKCS#12", e);
	return *der != NULL ? 0 : -1;
}

/* Export to an absolute path, atomically, mode 0600. */
int
p12_export(const char *path, const char *pass, EVP_PKEY *key, X509 *cert,
    STACK_OF(X509) *cas, int legacy, struct err *e)
{
	unsigned char *der;
	size_t len;
	int rc;

	if (path == NULL || path[0] != '/')
		return err_set(e, E_INVAL, "PKCS12 file name must be an "
		    "absolute path");
	if (p12_export_mem(pass, key, cert, cas, legacy, &der, &len, e) == -1)
		return -1;
	rc = file_write_atomic(path, der, len, 0600, e);
	OPENSSL_cleanse(der, len);
	free(der);
	return rc;
}

/* Why PKCS12_parse failed, from the error queue. */
static int
parse_error(int has_mac, struct err *e)
{
	unsigned long l = ERR_peek_last_error();
	int r = ERR_GET_REASON(l);

	ERR_clear_error();
	if (r == ERR_R_UNSUPPORTED || r == EVP_R_UNSUPPORTED_ALGORITHM ||
	    r == EVP_R_UNSUPPORTED_CIPHER)
		return err_set(e, E_CRYPTO, "PKCS12 uses an unsupported "
		    "algorithm (RC2/RC4 legacy encryption?)");
	if (!has_mac)
		return err_set(e, E_PERM, "PKCS12 password is wrong or the "
		    "file is corrupt");
	return err_set(e, E_INVAL, "PKCS12 file is corrupt");
}

/* Hand back key, cert and the rest; checks that cert matches key. */
static int
p12_split(EVP_PKEY *pk, X509 *x, STACK_OF(X509) *ca, struct err *e)
{
	if (pk == NULL)
		return err_set(e, E_INVAL, "PKCS12 file has no private key");
	if (x == NULL)
		return err_set(e, E_INVAL, sk_X509_num(ca) > 0 ?
		    "no certificate in the PKCS12 file matches its private key" :
		    "PKCS12 file has no certificate");
	if (!cert_matches_key(x, pk))
		return err_set(e, E_INVAL, "PKCS12 certificate does not match "
		    "its private key");
	return 0;
}

int
p12_import_mem(const unsigned char *der, size_t len, const char *pass,
    EVP_PKEY **key, X509 **cert, STACK_OF(X509) **cas, struct err *e)
{
	PKCS12 *p12;
	const unsigned char *p = der;
	EVP_PKEY *pk = NULL;
	X509 *x = NULL;
	STACK_OF(X509) *ca = NULL;
	int has_mac, rc = -1;

	*key = NULL;
	*cert = NULL;
	*cas = NULL;
	if (pass == NULL)
		pass = "";
	if ((p12 = d2i_PKCS12(NULL, &p, (long)len)) == NULL) {
		ERR_clear_error();
		return err_set(e, E_INVAL, "input is not a PKCS12 file");
	}
	has_mac = PKCS12_mac_present(p12);
	if (has_mac && !PKCS12_verify_mac(p12, pass, -1)) {
		ERR_clear_error();
		err_set(e, E_PERM, "PKCS12 password is wrong (MAC verification "
		    "failed)");
		goto out;
	}
	if (!PKCS12_parse(p12, pass, &pk, &x, &ca)) {
		parse_error(has_mac, e);
		goto out;
	}
	if (ca == NULL && (ca = sk_X509_new_null()) == NULL) {
		err_ssl(e, "out of memory");
		goto out;
	}
	if (p12_split(pk, x, ca, e) == -1)
		goto out;
	*key = pk;
	*cert = x;
	*cas = ca;
	pk = NULL;
	x = NULL;
	ca = NULL;
	rc = 0;
 out:
	EVP_PKEY_free(pk);
	X509_free(x);
	sk_X509_pop_free(ca, X509_free);
	PKCS12_free(p12);
	return rc;
}

int
p12_import(const char *path, const char *pass, EVP_PKEY **key, X509 **cert,
    STACK_OF(X509) **cas, struct err *e)
{
	unsigned char *der;
	size_t len;
	int rc;

	*key = NULL;
	*cert = NULL;
	*cas = NULL;
	if ((der = (unsigned char *)file_read(path, P12_FILE_MAX, &len,
	    e)) == NULL)
		return -1;
	rc = p12_import_mem(der, len, pass, key, cert, cas, e);
	OPENSSL_cleanse(der, len);
	free(der);
	return rc;
}
