/* pkish - ISC license, see LICENSE */
/*
 * DOC: pki/renew_jobs - what the renewal workers do (ios-pki.md section
 * 9): RENEW re-enrolls a trustpoint through its own engine (ACME logs
 * ASA 717067/717068/717069/717070 with mode <automatic>; SCEP logs
 * %PKI-6-CERTRENEWAUTO and may go PENDING, then POLL with CertPoll), with
 * backoff and %PKI-3- escalation on failure; ARI fetches RFC 9773
 * renewal information. Jobs run in worker threads without renew_mu held
 * and take it only to update their rstate.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "acme/acme.h"
#include "lib/clock.h"
#include "lib/log.h"
#include "pki/metrics.h"
#include "pki/renew_int.h"
#include "pki/trustpool.h"

#define BACKOFF_MAX	3600	/* seconds */

/*
 * A renewal failed: retry with exponential backoff from 60 s doubling to
 * an hour, plus up to 30 s of jitter, and log why. After three failures,
 * or once the certificate is in the last 10 % of its lifetime, the
 * message is an error (%PKI-3-), well before expiry.
 */
static void
failed(const char *tp, const struct err *e)
{
	struct tp_certs k;
	struct rstate *s;
	time_t now = clock_now(), left = 0, life = 1, wait;
	int fails;

	tp_get_certs(tp, &k, NULL);
	if (k.cert) {
		left = cert_not_after(k.cert) - now;
		life = cert_not_after(k.cert) - cert_not_before(k.cert);
	}
	tp_certs_free(&k);
	pthread_mutex_lock(&renew_mu);
	s = rstate_get(tp);
	fails = s ? ++s->fails : 1;
	wait = (time_t)60 << (fails > 7 ? 6 : fails - 1);
	if (wait > BACKOFF_MAX)
		wait = BACKOFF_MAX;
	wait += (time_t)(rand() % 30);
	if (s)
		s->next_try = now + wait;
	pthread_mutex_unlock(&renew_mu);
	if (fails >= 3 || (life > 0 && left * 10 < life))
		log_msg(SEV_ERR, "PKI", "CERTRENEWFAIL", "Automatic renewal of "
		    "the certificate for trustpoint %s failed %d times: %s; "
		    "retrying in %ld seconds; the current certificate %s %ld "
		    "seconds", tp, fails, e->msg, (long)wait, left > 0 ?
		    "expires in" : "expired", (long)(left > 0 ? left : -left));
	else
		log_msg(SEV_WARN, "PKI", "CERTRENEWFAIL", "Automatic renewal for "
		    "trustpoint %s failed: %s; retrying in %ld seconds", tp,
		    e->msg, (long)wait);
}

/* A renewal was accepted: clear the backoff; when it installed a
 * certificate (not PENDING), remember when in real time, for the
 * minimum interval between renewals. */
static void
succeeded(const char *tp, int installed)
{
	struct rstate *s;

	pthread_mutex_lock(&renew_mu);
	if ((s = rstate_get(tp)) != NULL) {
		s->fails = 0;
		s->next_try = 0;
		if (installed) {
			s->renewed = 1;
			s->renewed_mono = renew_mono();
		}
	}
	pthread_mutex_unlock(&renew_mu);
}

static void
start_poll(const char *tp, const struct tp_cfg *c,
    const struct enroll_pending *p)
{
	struct rstate *s;

	pthread_mutex_lock(&renew_mu);
	if ((s = rstate_get(tp)) != NULL) {
		s->poll = *p;
		s->poll_minutes = c->retry_period ? c->retry_period : 1;
		s->poll_next = clock_now() + 60 * s->poll_minutes;
		s->poll_count = 0;
		poll_save(s);
	}
	pthread_mutex_unlock(&renew_mu);
}

static void
job_renew(const char *tp)
{
	struct enroll_ctx x = { 0 };
	struct enroll_pending p = { 0 };
	struct tp_cfg c;
	struct err e = { 0 };
	int rc;

	if (tp_get_cfg(tp, &c, &e) < 0)
		return;
	x.automatic = 1;
	x.regenerate = c.auto_regen;
	if (c.enroll == TP_EN_ACME)
		rc = enroll_acme(tp, &x, &e);
	else {
		log_msg(SEV_INFO, "PKI", "CERTRENEWAUTO", "Renewing the router "
		    "certificate for trustpoint %s", tp);
		rc = enroll_scep(tp, &x, &p, &e);
		if (rc == 0 && p.active)
			start_poll(tp, &c, &p);
	}
	if (rc < 0)
		failed(tp, &e);
	else
		succeeded(tp, !p.active);
	metrics_renewal(tp, rc == 0);
}

static void
job_poll(const char *tp)
{
	struct enroll_pending p;
	struct tp_cfg c;
	struct rstate *s;
	struct err e = { 0 };
	int granted = 0, rc;

	pthread_mutex_lock(&renew_mu);
	s = rstate_get(tp);
	p = s ? s->poll : (struct enroll_pending){ 0 };
	pthread_mutex_unlock(&renew_mu);
	if (!p.active || tp_get_cfg(tp, &c, &e) < 0) {
		renew_forget(tp);
		return;
	}
	rc = poll_scep(tp, &p, &granted, &e);
	pthread_mutex_lock(&renew_mu);
	if ((s = rstate_get(tp)) != NULL) {
		s->poll_count++;
		if (granted || (rc < 0 && e.code == E_PROTO) ||
		    (c.retry_count && s->poll_count >= c.retry_count)) {
			if (!granted)
				log_msg(SEV_ERR, "PKI", "CERTPENDERR", "Polling "
				    "for trustpoint %s stopped after %d tries: %s",
				    tp, s->poll_count, rc < 0 ? e.msg :
				    "retry count reached");
			memset(&s->poll, 0, sizeof(s->poll));
			pthread_mutex_unlock(&renew_mu);
			poll_remove(tp);
			return;
		}
		s->poll_minutes = s->poll_minutes * 2 > 60 ? 60 :
		    s->poll_minutes * 2;
		s->poll_next = clock_now() + 60 * s->poll_minutes;
		poll_save(s);
	}
	pthread_mutex_unlock(&renew_mu);
}

#define ARI_RECHECK	21600	/* s: fetch renewalInfo again (RFC 9773 4.3) */
#define ARI_RETRY	3600	/* s: after a failed fetch */

/*
 * RFC 9773: fetch the suggested renewal window of the trustpoint's ACME
 * certificate and pick a random instant inside it, which then replaces
 * the auto-enroll percentage. A directory without renewalInfo (or a
 * certificate without an AKI) leaves the percentage for this certificate;
 * a failed fetch leaves it until the next try an hour later.
 */
static void
job_ari(const char *tp)
{
	struct acme_params p = { 0 };
	struct tp_cfg c;
	struct tp_certs k;
	struct rstate *s;
	struct err e = { 0 };
	time_t a = 0, b = 0, now = clock_now();
	char *pool;
	int rc = -1;

	if (tp_get_cfg(tp, &c, NULL) < 0 || tp_get_certs(tp, &k, NULL) < 0)
		return;
	pool = trustpool_pem();
	p.directory_url = c.acme_url;
	p.extra_ca_pem = pool;
	p.timeout_s = 10;
	if (k.cert)
		rc = acme_ari_window(&p, k.cert, &a, &b, &e);
	free(pool);
	pthread_mutex_lock(&renew_mu);
	if ((s = rstate_get(tp)) != NULL) {
		s->ari_state = rc == 0 ? 1 : 2;
		s->ari_pick = rc == 0 ? renew_pick_in_window(a, b,
		    (unsigned)rand()) : 0;
		s->ari_next = rc == 0 ? now + ARI_RECHECK : e.code ==
		    E_NOTFOUND || e.code == E_INVAL ? 0 : now + ARI_RETRY;
	}
	pthread_mutex_unlock(&renew_mu);
	if (rc == 0)
		log_dbg(DBG_PKI_TRANS, 1, "CRYPTO_PKI: %s: RFC 9773 renewal "
		    "window %lld..%lld", tp, (long long)a, (long long)b);
	else
		log_dbg(DBG_PKI_TRANS, 1, "CRYPTO_PKI: %s: no renewal "
		    "information (%s); renewing at the auto-enroll percentage",
		    tp, e.msg);
	tp_certs_free(&k);
}

int
shadow_due(const struct rstate *s, const struct tp_cfg *c,
    const struct tp_certs *k, const char *caps, time_t now)
{
	if ((c->enroll != TP_EN_URL && c->enroll != TP_EN_SCEP) ||
	    k->ca == NULL)
		return 0;
	if (now < s->shadow_next)	/* after a failure or no answer */
		return 0;
	if (k->ca_rollover)	/* promote when the current CA expires,
				 * whatever the caps (not kept at restart) */
		return now >= cert_not_after(k->ca);
	if (strcasestr(caps, "GetNextCACert") == NULL)
		return 0;
	return now >= scep_shadow_time(k->ca);
}

/* SHADOW: fetch the rollover CA (GetNextCACert) or promote it. */
static void
job_shadow(const char *tp)
{
	struct rstate *s;
	struct err e = { 0 };
	int rc = scep_rollover_check(tp, &e);

	if (rc < 0)
		log_msg(SEV_WARN, "PKI", "CA_ROLLOVER_FAIL", "CA rollover check "
		    "for trustpoint %s failed: %s; retrying in an hour", tp,
		    e.msg);
	pthread_mutex_lock(&renew_mu);
	if ((s = rstate_get(tp)) != NULL)	/* done: at once next time */
		s->shadow_next = rc == 1 ? 0 : clock_now() + 3600;
	pthread_mutex_unlock(&renew_mu);
}

void
renew_run_job(enum job_type t, const char *tp)
{
	switch (t) {
	case JOB_RENEW: job_renew(tp); break;
	case JOB_POLL: job_poll(tp); break;
	case JOB_ARI: job_ari(tp); break;
	case JOB_SHADOW: job_shadow(tp); break;
	}
}

void
renew_add_poll(const char *tp, const struct enroll_pending *p)
{
	struct tp_cfg c;

	if (tp_get_cfg(tp, &c, NULL) == 0)
		start_poll(tp, &c, p);
	renew_kick();
}
