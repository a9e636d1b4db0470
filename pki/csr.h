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
	const char		*challenge;	/* challengePassword attribute, or NULL */
	const char		*hash;		/* "sha256" (default), "sha384", ... */
};

/* Build and sign with the keystore key `label`. */
X509_REQ *csr_build(const char *label, const struct csr_params *, struct err *);
/* Parse "CN=a,O=b" / "cn=a, o=b" (commas, optional spaces, \, escapes). */
X509_NAME *csr_parse_dn(const char *, struct err *);

#endif
