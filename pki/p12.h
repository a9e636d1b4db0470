/* pki/p12.h - PKCS#12 archives and PEM bundles for `crypto pki export` and
 * `crypto pki import` (pkcs12 / pem). Keys travel as EVP_PKEY handles: the
 * caller gets them from key_get1() after checking key_info().exportable,
 * and stores imported keys with key_import(). No state; thread-safe. */
#ifndef PKI_P12_H
#define PKI_P12_H
#include <stddef.h>
#include <openssl/evp.h>
#include <openssl/x509.h>
#include "lib/err.h"

/* DER PKCS#12: AES-256-CBC/PBKDF2 bags and an HMAC-SHA-256 MAC, or with
 * legacy 3DES bags and an HMAC-SHA-1 MAC. cas may be NULL. *der malloc'd. */
int	 p12_export_mem(const char *pass, EVP_PKEY *key, X509 *cert,
	    STACK_OF(X509) *cas, int legacy, unsigned char **der, size_t *len,
	    struct err *);
/* The same written atomically, mode 0600, to an absolute path. */
int	 p12_export(const char *path, const char *pass, EVP_PKEY *key,
	    X509 *cert, STACK_OF(X509) *cas, int legacy, struct err *);
/* Key, the certificate matching it, and the other certificates (*cas may be
 * an empty stack). Wrong password: E_PERM; missing file: E_NOTFOUND; no
 * certificate for the key: E_INVAL. */
int	 p12_import_mem(const unsigned char *der, size_t len, const char *pass,
	    EVP_PKEY **key, X509 **cert, STACK_OF(X509) **cas, struct err *);
int	 p12_import(const char *path, const char *pass, EVP_PKEY **key,
	    X509 **cert, STACK_OF(X509) **cas, struct err *);

/* PEM text: the private key (encrypted PKCS#8 when pass is set), then the
 * certificate, then the CAs. key, cert and cas may each be NULL.
 * *out malloc'd. */
int	 pem_export_bundle(EVP_PKEY *key, const char *pass, X509 *cert,
	    STACK_OF(X509) *cas, char **out, struct err *);
/* Any order of one private key PEM block and certificate blocks; the
 * certificate matching the key is the identity, the rest are CAs. */
int	 pem_import_bundle(const char *text, const char *pass, EVP_PKEY **key,
	    X509 **cert, STACK_OF(X509) **cas, struct err *);

#endif
