/* pki/csr.h - PKCS#10 requests built from trustpoint settings */
#ifndef PKI_CSR_H
#define PKI_CSR_H
#include <stddef.h>
#include <openssl/x509.h>
#include "lib/err.h"

struct csr_params {
	const char		*subject;	/* "CN=a,O=b" (IOS order) or NULL */
	const char *const	*dns;		/* SAN dNSName entries */
	size_t			 ndns;
	const char *const	*ips;		/* SAN iPAddress entries (v4/v6) */
	size_t			 nips;
	const char		*serial;	/* adds serialNumber to subject, or NULL */
	const char		*hostname;	/* adds unstructuredName (IOS
						 * hostname=) after it, or NULL */
	const char		*challenge;	/* challengePassword attribute, or NULL */
	const char		*hash;		/* "sha256" (default), "sha384", ... */
	int			 ca;		/* ask for a CA certificate: a
						 * subordinate CA's request */
};

/* Build and sign with the keystore key `label`. */
X509_REQ *csr_build(const char *label, const struct csr_params *, struct err *);
/* The same with the key in hand (one not stored yet). */
X509_REQ *csr_build_pkey(EVP_PKEY *, const struct csr_params *,
	    struct err *);
/* The same request as DER (*der, *len; malloc'd), carrying the key store's
 * cached SubjectPublicKeyInfo as it is (no encode/decode of the key). */
int	 csr_build_der(const char *label, const struct csr_params *,
	    unsigned char **der, size_t *len, struct err *);
/* Parse "CN=a,O=b" / "cn=a, o=b" (commas, optional spaces, \, escapes). */
X509_NAME *csr_parse_dn(const char *, struct err *);
/* PEM with armour ("-----BEGIN CERTIFICATE REQUEST-----"). malloc'd. */
char	*csr_to_pem(X509_REQ *);
/* Base64 DER in 64-character lines, each ending "\n", no armour (IOS
 * terminal enrollment). malloc'd. */
char	*csr_to_base64(X509_REQ *);
/* DER, *len set; malloc'd. */
unsigned char *csr_to_der(X509_REQ *, size_t *len);
/* Digest for "sha1", "sha256", "sha384", "sha512" (NULL/"": sha256). */
const EVP_MD *csr_md(const char *hash, struct err *);
/* subjectAltName extension (dNSName, iPAddress) from p's dns/ips; *ext is
 * NULL when p has none. Shared with self-signed certificates. */
int	 csr_san_ext(const struct csr_params *p, X509_EXTENSION **ext,
	    struct err *);

#endif
