/* pki/renew_int.h - part-internal: renewal engine state */
#ifndef PKI_RENEW_INT_H
#define PKI_RENEW_INT_H
#include <pthread.h>
#include <time.h>
#include "pki/enroll.h"
#include "pki/renew.h"

enum job_type { JOB_RENEW, JOB_POLL, JOB_ARI, JOB_SHADOW };

struct rstate {
	char			 tp[TP_NAME_MAX + 1];
	int			 in_flight;
	int			 fails;
	time_t			 next_try;	/* backoff after a failure */
	struct enroll_pending	 poll;
	time_t			 poll_next;
	int			 poll_minutes;	/* current interval */
	int			 poll_count;
	X509			*ari_for;	/* cert the ARI window is for */
	int			 ari_state;	/* 0 unknown, 1 have, 2 none */
	time_t			 ari_pick;	/* CA time inside the window */
	time_t			 ari_next;	/* virtual s: fetch it again */
	int			 renewed;	/* engine installed one */
	time_t			 renewed_mono;	/* CLOCK_MONOTONIC s of that */
	time_t			 expired_na;	/* notAfter of the expiry
						   logged last */
	time_t			 shadow_next;	/* SCEP rollover: check again */
	struct rstate		*next;
};

extern pthread_mutex_t renew_mu;	/* guards every rstate */
struct rstate	*rstate_get(const char *tp);	/* locked; creates */
/* locked: when the RENEW timer of s fires (virtual s) and why, for the
 * scheduler and show; -1 when it has none. note may be NULL. */
int	 rstate_renew_at(const struct rstate *, const struct tp_cfg *,
	    const struct tp_certs *, time_t now, time_t *when, char *note,
	    size_t len);
time_t	 renew_mono(void);			/* CLOCK_MONOTONIC seconds */
void	 renew_run_job(enum job_type, const char *tp);	/* renew_jobs.c */
/* SCEP CA rollover (GetNextCACert) due for this trustpoint? */
int	 shadow_due(const struct rstate *, const struct tp_cfg *,
	    const struct tp_certs *, const char *caps, time_t now);
/* renew_poll.c: pending polls persisted in <state>/pending/<tp> */
void	 poll_save(const struct rstate *);
void	 poll_remove(const char *tp);
void	 poll_load_all(void);
void	 poll_set_dir(const char *state_dir);

#endif
