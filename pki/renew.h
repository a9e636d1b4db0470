/* pki/renew.h - renewal arithmetic (RENEW time) */
#ifndef PKI_RENEW_H
#define PKI_RENEW_H
#include <time.h>
#include <openssl/x509.h>
#include "pki/tp.h"

/* notBefore + pct % of the lifetime; 0 when auto-enroll is off or no
 * percentage is set (renew at expiry: returns notAfter). */
time_t	renew_time_pct(time_t not_before, time_t not_after, int pct);
time_t	renew_time(const struct tp_cfg *, X509 *cert);
time_t	cert_not_before(X509 *);
time_t	cert_not_after(X509 *);

#endif
