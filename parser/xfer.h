/* parser/xfer.h - part-internal: installing imported key material
 * (cmd_xfer.c <-> xfer_install.c) */
#ifndef PARSER_XFER_H
#define PARSER_XFER_H
#include <openssl/evp.h>
#include <openssl/x509.h>
#include "parser/vty.h"

/* What an import brings: all borrowed. */
struct xfer_bundle {
	const char	*tp;		/* trustpoint name */
	EVP_PKEY	*key;		/* private key */
	X509		*cert;		/* identity, matches key */
	STACK_OF(X509)	*cas;		/* CA certificates (any order) */
	int		 exportable;	/* store the key exportable */
	const char	*what;		/* "PKCS12", "PEM" (messages) */
};

/* Create or fill trustpoint b->tp with key, certificate and CA chain,
 * all or nothing. Prints % errors itself; 0 or -1. */
int	xfer_install_bundle(struct vty *, const struct xfer_bundle *);
/* Log %PKI-6-CERT_INSTALL and %PKI-4-NOCONFIGAUTOSAVE for tp/x. */
void	xfer_log_installed(const char *tp, X509 *x);
/* "RSA" or "EC" for a key label (RSA when unknown). */
const char *xfer_key_type(const char *label);
/* "% RSA keypair L is not exportable." and how to make one that is. */
void	xfer_not_exportable(struct vty *, const char *label);

#endif
