/* pki/metrics.h - the Prometheus metrics endpoint (`ip http metrics`):
 * GET /metrics on the shared `ip http port` listener, in the text
 * exposition format 0.0.4, from the trustpoint store, the renewal timers
 * and the enrollment counters kept here. */
#ifndef PKI_METRICS_H
#define PKI_METRICS_H
#include <stddef.h>
#include "lib/err.h"

enum metrics_proto { METRICS_ACME, METRICS_SCEP, METRICS_NPROTO };

/* Enrollment counters (the engines call these). An attempt ends in a
 * success (a certificate installed), a failure, or neither (SCEP PENDING:
 * the poll that is granted counts the success). */
void	 metrics_enroll_attempt(enum metrics_proto);
void	 metrics_enroll_result(enum metrics_proto, int ok);
/* The last automatic renewal of tp ended now (virtual clock), ok or not. */
void	 metrics_renewal(const char *tp, int ok);
/* The exposition text; malloc'd, *len set. NULL when out of memory. */
char	*metrics_render(size_t *len);
/* Serve GET /metrics on the listener of port (any address), moving from
 * the previous port if there was one. 0, or -1 with e set (not serving). */
int	 metrics_start(int port, struct err *);
void	 metrics_stop(void);		/* no longer serving; fine when off */
int	 metrics_port(void);		/* the port served, 0 when off */

#endif
