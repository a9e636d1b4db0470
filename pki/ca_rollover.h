/* pki/ca_rollover.h - the certificate server's CA rollover (ios-pki.md
 * section 10; pki/ca_rollover.c). Thread-safe; every call is a no-op or
 * an error while the server is disabled. */
#ifndef PKI_CA_ROLLOVER_H
#define PKI_CA_ROLLOVER_H
#include <stddef.h>
#include <stdio.h>
#include <time.h>
#include <openssl/x509.h>
#include "lib/err.h"
#include "pki/ca.h"

/* The server's timers (UTC seconds; 0 = none): CS SHADOW CERT GENERATION
 * (auto-rollover armed, no rollover certificate yet), CS CERT EXPIRE, and
 * the end of the rollover certificate, the CRL's nextUpdate. -1 while
 * disabled. */
struct ca_rollover_times {
	int	 valid;
	time_t	 generate;
	time_t	 expire;
	time_t	 rollover_end;
	time_t	 crl_update;		/* CS CRL UPDATE: nextUpdate */
};
int	 ca_rollover_times(struct ca_rollover_times *);
/* `crypto pki server CS rollover` and the timer: key "<CS>#", rollover CA
 * certificate, archive, publish. E_EXISTS when there is one already. */
int	 ca_rollover_create(struct err *);
/* `crypto pki server CS rollover cancel`: certificate and key deleted. */
int	 ca_rollover_cancel(struct err *);
/* The rollover CA certificate (up-ref'd) or NULL. */
X509	*ca_rollover_get(void);
/* CS CERT EXPIRE: the rollover certificate and key become active. 1 done,
 * 0 nothing to do, -1 e. */
int	 ca_rollover_activate(struct err *);
/* Fire whatever is due at now (called by the renewal scheduler). */
void	 ca_rollover_tick(time_t now);
/* GetNextCACert reply (RFC 8894 section 4.7.1): SignedData by the active
 * CA around a degenerate PKCS#7 with the rollover certificate; *der is
 * OPENSSL_free()d by the caller. */
int	 ca_rollover_next_reply(unsigned char **der, size_t *len, struct err *);
/* ER EXPIRE: fn for every pending enrollment request, with the time it
 * expires (created + lifetime enrollment-request). */
void	 ca_request_timers(void (*fn)(void *, unsigned id, time_t expires),
	    void *arg);
/* The server's rollover lines: running-config (" auto-rollover 90",
 * " grant auto rollover ca-cert") and `show crypto pki server` ("Rollover
 * status: ...", "Auto-Rollover configured, overlap period N days"), for
 * the view hooks of pki/ca_view.h. */
void	 ca_rollover_render(FILE *, const struct ca_cfg *);
void	 ca_rollover_show(FILE *, const struct ca_cfg *);

#endif
