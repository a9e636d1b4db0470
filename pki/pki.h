/* pki/pki.h - the PKI part's process-wide entry points */
#ifndef PKI_PKI_H
#define PKI_PKI_H
#include "lib/err.h"

void	pkish_crypto_init(void);	/* first, before any OpenSSL call */
int	pkish_init(struct err *);	/* once, before threads */
void	pkish_shutdown(void);

#endif
