/* pki/renew.h - renewal arithmetic (RENEW time) */
#ifndef PKI_RENEW_H
#define PKI_RENEW_H
#include <time.h>
#include <openssl/x509.h>
#include "lib/err.h"
#include "pki/tp.h"

/* notBefore + pct % of the lifetime; 0 when auto-enroll is off or no
 * percentage is set (renew at expiry: returns notAfter). */
time_t	renew_time_pct(time_t not_before, time_t not_after, int pct);
time_t	renew_time(const struct tp_cfg *, X509 *cert);
time_t	cert_not_before(X509 *);
time_t	cert_not_after(X509 *);
/* Anchored renew time: when the certificate was installed well after its
 * notBefore (the virtual clock runs ahead of the CA's), the lifetime is
 * counted from the install time, so a fresh certificate never looks due. */
time_t	renew_due(const struct tp_cfg *, X509 *cert, time_t installed);
/* The same anchor for any time derived from the certificate (an RFC 9773
 * window chosen by the CA's clock). */
time_t	renew_anchor(time_t t, X509 *cert, time_t installed);

#define RENEW_DEFAULT_CONCURRENCY	8	/* renewals in flight */
#define RENEW_MIN_INTERVAL	60	/* s between renewals of one trustpoint */
/* Seconds a renewal must still wait (no renewal loops): the certificate
 * was installed less than RENEW_MIN_INTERVAL ago by the virtual clock, or
 * real_age (s since the engine installed one, -1 never) is below it. */
time_t	renew_hold(time_t now, time_t installed, long real_age);
/* Stable per-trustpoint storm jitter in [0, 1 + nauto / 50) s, <= 600. */
time_t	renew_jitter(const char *tp, size_t nauto);

/* The renewal engine (pki/renew.c): one scheduler thread and a pool of
 * workers running RENEW, POLL and ARI jobs on the virtual clock. */
struct enroll_pending;
int	renew_start(const char *state_dir, struct err *);
void	renew_stop(void);
void	renew_kick(void);			/* re-scan now */
void	renew_set_concurrency(int);		/* 1..256 jobs at once */
int	renew_get_concurrency(void);
/* Jobs running now and the most ever running at once. */
void	renew_in_flight(int *now, int *peak);
void	renew_add_poll(const char *tp, const struct enroll_pending *);
void	renew_forget(const char *tp);		/* trustpoint deleted */

struct renew_timer {
	char	 group[24];		/* "PKI Timers", "Expiry Alert Timers" */
	char	 name[96];		/* "RENEW WEB", "POLL CORP", "ID(WEB)" */
	time_t	 when;
	char	 note[96];
};
/* Snapshot of every timer, soonest first; *out malloc'd. */
size_t	renew_timers(struct renew_timer **out);
/* For unit tests: RFC 9773 window -> one instant inside it. */
time_t	renew_pick_in_window(time_t start, time_t end, unsigned rnd);

#endif
