/* pki/trustpool.h - the PKI trustpool: CA certificates trusted for HTTPS
 * (ACME directories, SCEP servers) besides the system bundle. Stored in
 * <state>/trustpool.pem, written atomically; one mutex guards it. */
#ifndef PKI_TRUSTPOOL_H
#define PKI_TRUSTPOOL_H
#include <stddef.h>
#include <openssl/x509.h>
#include "lib/err.h"

/* Load <state_dir>/trustpool.pem (missing file: empty pool). Idempotent
 * for the same directory. On a corrupt file the pool stays empty and -1
 * is returned; the next import rewrites the file. */
int	 trustpool_init(const char *state_dir, struct err *);
/* Certificates of a PEM bundle, base64/DER certificate(s) or a PKCS#7
 * (PEM or DER) certificate bag. New stack, at least one certificate. */
STACK_OF(X509) *trustpool_parse(const char *text, size_t len, struct err *);
/* Add CA certificates (all must be CAs, else nothing changes); with clean
 * the pool is replaced. *added (may be NULL) counts new certificates. */
int	 trustpool_add(STACK_OF(X509) *, int clean, int *added, struct err *);
int	 trustpool_clean(struct err *);
/* Up-referenced copy of the pool (possibly empty); NULL on ENOMEM. */
STACK_OF(X509) *trustpool_get1(void);
size_t	 trustpool_count(void);
int	 trustpool_contains(X509 *);		/* 1 if in the pool */
/* malloc'd PEM of every pool certificate, or NULL when the pool is
 * empty: the extra_ca_pem that ACME and SCEP hand to lib/http. */
char	*trustpool_pem(void);
void	 trustpool_shutdown(void);		/* free the in-memory pool */

#endif
