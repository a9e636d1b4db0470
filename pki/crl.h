/* pki/crl.h - the client's CRL cache (`crypto pki crl request TP`, `show
 * crypto pki crls`): a trustpoint's CRL fetched from the CRL distribution
 * point of its certificate, verified with its CA certificate and kept in
 * memory (IOS: "CRL is stored in parsed CRL cache"). Thread-safe. */
#ifndef PKI_CRL_H
#define PKI_CRL_H
#include <stdio.h>
#include "lib/err.h"

/* Fetch, verify and cache the CRL of trustpoint tp. */
int	 crl_request(const char *tp, struct err *);
/* Every cached CRL in the IOS layout, with its revoked serials. */
void	 crl_show(FILE *);

#endif
