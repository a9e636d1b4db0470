/* pki/pki.h - the PKI part's process-wide entry points */
#ifndef PKI_PKI_H
#define PKI_PKI_H
#include "lib/err.h"

int	pkish_init(struct err *);	/* once, before threads */
void	pkish_shutdown(void);

#endif
