/* pkish - ISC license, see LICENSE */
/*
 * DOC: pki/renew - the renewal scheduler (ios-pki.md section 9). One
 * thread scans every trustpoint on the virtual clock (every 500 ms, and
 * at once after renew_kick(), e.g. from `clock set`) and queues due jobs:
 * RENEW at the auto-enroll percentage or inside the RFC 9773 window, SCEP
 * POLL, and ARI fetches for ACME certificates. A pool of workers runs them
 * with at most "concurrency" jobs at once (PKISH_RENEW_CONCURRENCY,
 * default 8); a worker thread is started only when a job finds none idle,
 * so a process that never renews runs the scheduler alone; storms are
 * spread by a stable per-trustpoint jitter and the queue. A trustpoint
 * never has two jobs at once, and is not renewed again within
 * RENEW_MIN_INTERVAL of its last certificate, by virtual or real time (no
 * renewal loops). Every rstate is guarded by renew_mu, which
 * is never held across network I/O or a job.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "lib/clock.h"
#include "lib/log.h"
#include "pki/ca_rollover.h"
#include "pki/cert.h"
#include "pki/renew_int.h"

#define MAX_WORKERS	256
#define QMAX		8192

pthread_mutex_t renew_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t wake = PTHREAD_COND_INITIALIZER;
static pthread_cond_t qcond = PTHREAD_COND_INITIALIZER;
static struct rstate *states;
static pthread_t sched, workers[MAX_WORKERS];
static int nworkers, idle, running, stop, kicked;
static int concurrency = RENEW_DEFAULT_CONCURRENCY;	/* jobs at once */
static int active, peak;		/* jobs running now, most ever */
static size_t nauto_last;		/* auto-enroll trustpoints seen */
static struct job { enum job_type t; char tp[TP_NAME_MAX + 1]; } q[QMAX];
static size_t qhead, qlen;

static void *worker(void *);

/* locked: one more worker when the queue has more jobs than idle
 * workers and the pool is below the bound; 1 if one was started. */
static int
pool_grow(void)
{
	if (!running || stop || (size_t)idle >= qlen ||
	    nworkers >= concurrency ||
	    pthread_create(&workers[nworkers], NULL, worker, NULL) != 0)
		return 0;
	nworkers++;
	return 1;
}

struct rstate *
rstate_get(const char *tp)
{
	struct rstate *s;

	for (s = states; s; s = s->next)
		if (strcmp(s->tp, tp) == 0)
			return s;
	if ((s = calloc(1, sizeof(*s))) == NULL)
		return NULL;
	snprintf(s->tp, sizeof(s->tp), "%s", tp);
	s->next = states;
	states = s;
	return s;
}

void
renew_forget(const char *tp)
{
	pthread_mutex_lock(&renew_mu);
	for (struct rstate **pp = &states; *pp; pp = &(*pp)->next)
		if (strcmp((*pp)->tp, tp) == 0 && !(*pp)->in_flight) {
			struct rstate *s = *pp;
			*pp = s->next;
			X509_free(s->ari_for);
			free(s);
			break;
		}
	pthread_mutex_unlock(&renew_mu);
	poll_remove(tp);
}

/* locked */
static void
enqueue(struct rstate *s, enum job_type t)
{
	if (qlen == QMAX)
		return;
	s->in_flight = 1;
	q[(qhead + qlen) % QMAX].t = t;
	snprintf(q[(qhead + qlen) % QMAX].tp, sizeof(q[0].tp), "%s", s->tp);
	qlen++;
	(void)pool_grow();
	pthread_cond_signal(&qcond);
}

static const char *const job_names[] = { "RENEW", "POLL", "ARI", "SHADOW" };

/* Debug line that proves the concurrency bound (renewal storm test). */
static void
job_log(const struct job *j, const char *what, int n, int max)
{
	size_t t = (size_t)j->t;

	log_dbg(DBG_PKI_TRANS, 1, "CRYPTO_PKI: renewal engine: %s %s %s, %d "
	    "of %d in flight", t < sizeof(job_names) / sizeof(job_names[0]) ?
	    job_names[t] : "JOB", j->tp, what, n, max);
}

/* Take the next job when fewer than "concurrency" run; locked. */
static int
take(struct job *j)
{
	idle++;
	while (!stop && (qlen == 0 || active >= concurrency))
		pthread_cond_wait(&qcond, &renew_mu);
	idle--;
	if (stop)
		return -1;
	*j = q[qhead];
	qhead = (qhead + 1) % QMAX;
	qlen--;
	if (++active > peak)
		peak = active;
	return 0;
}

static void *
worker(void *arg)
{
	struct job j;
	struct rstate *s;
	int n, max;

	(void)arg;
	pthread_mutex_lock(&renew_mu);
	while (take(&j) == 0) {
		n = active;
		max = concurrency;
		pthread_mutex_unlock(&renew_mu);
		job_log(&j, "started", n, max);
		renew_run_job(j.t, j.tp);
		pthread_mutex_lock(&renew_mu);
		n = --active;
		if ((s = rstate_get(j.tp)) != NULL)
			s->in_flight = 0;
		if (j.t == JOB_ARI) {	/* the RENEW time may have moved */
			kicked = 1;
			pthread_cond_signal(&wake);
		}
		pthread_cond_broadcast(&qcond);
		pthread_mutex_unlock(&renew_mu);
		job_log(&j, "done", n, max);
		pthread_mutex_lock(&renew_mu);
	}
	pthread_mutex_unlock(&renew_mu);
	return NULL;
}

time_t
renew_mono(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec;
}

/*
 * The RENEW timer of a trustpoint (locked): the ARI pick or the
 * percentage, both anchored at the install time, plus the storm jitter;
 * later after a failure (backoff) or within the minimum interval since
 * the last certificate. Returns 0 with *when (virtual s) and a note for
 * `show crypto pki timers detail`, or -1 when there is no RENEW timer.
 */
int
rstate_renew_at(const struct rstate *s, const struct tp_cfg *c,
    const struct tp_certs *k, time_t now, time_t *when, char *note,
    size_t len)
{
	char tmp[96];
	time_t due, hold;

	if (!c->auto_enroll || k->cert == NULL || (c->enroll != TP_EN_ACME &&
	    c->enroll != TP_EN_URL && c->enroll != TP_EN_SCEP))
		return -1;
	if (note == NULL) {
		note = tmp;
		len = sizeof(tmp);
	}
	note[0] = '\0';
	if (k->cert_rollover != NULL) {	/* the next one, after the switch */
		due = renew_time(c, k->cert_rollover);
		snprintf(note, len, "shadow certificate, active when the CA "
		    "certificate expires");
	} else if (s->ari_state == 1) {
		due = renew_anchor(s->ari_pick, k->cert, k->installed);
		snprintf(note, len, "RFC 9773 renewal window");
	} else {
		due = renew_due(c, k->cert, k->installed);
		if (due != renew_time(c, k->cert))
			snprintf(note, len, "anchored at install time");
	}
	due += renew_jitter(s->tp, nauto_last);
	if (s->next_try > due) {
		due = s->next_try;
		snprintf(note, len, "retry %d after failure", s->fails);
	}
	hold = renew_hold(now, k->installed, s->renewed ? (long)(renew_mono() -
	    s->renewed_mono) : -1);
	if (hold > 0 && now + hold > due) {
		due = now + hold;
		snprintf(note, len, "minimum interval: a certificate was "
		    "obtained less than %d s ago", RENEW_MIN_INTERVAL);
	}
	*when = due;
	return 0;
}

/* RFC 2253 form of a name for ASA messages; buf always terminated. */
static void
name_rfc2253(const X509_NAME *nm, char *buf, size_t len)
{
	BIO *b = BIO_new(BIO_s_mem());
	int n = 0;

	if (b != NULL && X509_NAME_print_ex(b, nm, 0, XN_FLAG_RFC2253) >= 0)
		n = BIO_read(b, buf, (int)len - 1);
	buf[n > 0 ? n : 0] = '\0';
	BIO_free(b);
}

/* Expiry of the identity certificate, logged once per certificate: ASA
 * 717055 for ACME trustpoints, IOS %PKI-3- for the others. */
static void
log_expired(const char *tp, const struct tp_cfg *c, X509 *x)
{
	char *ser = cert_serial_hex(x), when[40], sub[256], iss[256];

	clock_fmt_show(cert_not_after(x), when, sizeof(when));
	if (c->enroll == TP_EN_ACME) {
		for (char *p = ser; p && *p; p++)	/* as 717068 */
			*p = (char)tolower((unsigned char)*p);
		name_rfc2253(X509_get_subject_name(x), sub, sizeof(sub));
		name_rfc2253(X509_get_issuer_name(x), iss, sizeof(iss));
		log_asa(SEV_ALERT, 717055, "The <identity> certificate in the "
		    "trustpoint <%s> has expired. Expiration <%s> Subject Name "
		    "<%s> Issuer Name <%s> Serial Number <%s>", tp, when, sub,
		    iss, ser ? ser : "");
	} else
		log_msg(SEV_ERR, "PKI", "CERTIFICATE_INVALID_EXPIRED", "The "
		    "certificate (SN: %s) of trustpoint %s has expired. "
		    "Validity period ended on %s", ser ? ser : "?", tp, when);
	free(ser);
}

/* locked: 1 when the ACME renewal information of cert must be fetched
 * (a new certificate, or the time to look again has come). */
static int
ari_due(struct rstate *s, const struct tp_cfg *c, X509 *cert, time_t now)
{
	if (c->enroll != TP_EN_ACME)
		return 0;
	if (s->ari_for == NULL || X509_cmp(s->ari_for, cert) != 0) {
		X509_free(s->ari_for);
		X509_up_ref(cert);
		s->ari_for = cert;
		s->ari_state = 0;
		s->ari_next = 0;
		return 1;
	}
	return s->ari_next != 0 && now >= s->ari_next;
}

/* One trustpoint: queue its POLL, ARI or RENEW job when due. */
static void
scan_one(const char *tp, time_t now)
{
	struct tp_cfg c;
	struct tp_certs k;
	struct rstate *s;
	time_t when, na = 0;
	char caps[512];

	if (tp_get_cfg(tp, &c, NULL) < 0 || tp_get_certs(tp, &k, NULL) < 0)
		return;
	tp_get_caps(tp, caps, sizeof(caps));
	pthread_mutex_lock(&renew_mu);
	if ((s = rstate_get(tp)) == NULL || s->in_flight)
		goto out;
	if (s->poll.active) {
		if (now >= s->poll_next)
			enqueue(s, JOB_POLL);
		goto out;
	}
	if (shadow_due(s, &c, &k, caps, now)) {
		enqueue(s, JOB_SHADOW);
		goto out;
	}
	if (k.cert && now >= cert_not_after(k.cert) &&
	    s->expired_na != cert_not_after(k.cert))
		na = s->expired_na = cert_not_after(k.cert);
	if (rstate_renew_at(s, &c, &k, now, &when, NULL, 0) < 0)
		goto out;	/* no RENEW timer */
	if (ari_due(s, &c, k.cert, now))
		enqueue(s, JOB_ARI);
	else if (now >= when)
		enqueue(s, JOB_RENEW);
out:
	pthread_mutex_unlock(&renew_mu);
	if (na != 0)
		log_expired(tp, &c, k.cert);
	tp_certs_free(&k);
}

static void
scan(void)
{
	size_t n, nauto = 0;
	char **names = tp_names(&n);
	time_t now = clock_now();

	for (size_t i = 0; i < n; i++) {
		struct tp_cfg *c = tp_lock(names[i]);
		if (c) {
			nauto += c->auto_enroll != 0;
			tp_unlock();
		}
	}
	pthread_mutex_lock(&renew_mu);
	nauto_last = nauto;
	pthread_mutex_unlock(&renew_mu);
	for (size_t i = 0; i < n && !stop; i++)
		scan_one(names[i], now);
	tp_names_free(names, n);
	ca_rollover_tick(now);	/* the certificate server's own timers */
}

static void
ts_add_ms(struct timespec *ts, long ms)
{
	ts->tv_nsec += ms * 1000000L;
	ts->tv_sec += ts->tv_nsec / 1000000000L;
	ts->tv_nsec %= 1000000000L;
}

/* locked: until 500 ms after the last scan or a kick, but never sooner
 * than 100 ms after it (at most ten scans a second). */
static void
sched_wait(const struct timespec *last)
{
	struct timespec until = *last, least = *last;

	ts_add_ms(&until, 500);
	ts_add_ms(&least, 100);
	while (!stop && !kicked &&
	    pthread_cond_timedwait(&wake, &renew_mu, &until) == 0)
		;
	while (!stop && pthread_cond_timedwait(&wake, &renew_mu, &least) == 0)
		;
	kicked = 0;
}

static void *
scheduler(void *arg)
{
	struct timespec last;

	(void)arg;
	clock_gettime(CLOCK_REALTIME, &last);
	pthread_mutex_lock(&renew_mu);
	while (!stop) {
		sched_wait(&last);
		if (stop)
			break;
		clock_gettime(CLOCK_REALTIME, &last);
		pthread_mutex_unlock(&renew_mu);
		scan();
		pthread_mutex_lock(&renew_mu);
	}
	pthread_mutex_unlock(&renew_mu);
	return NULL;
}

/* Stop and join the workers (a running job ends first). */
static void
renew_stop_workers(void)
{
	pthread_mutex_lock(&renew_mu);
	stop = 1;
	pthread_cond_broadcast(&qcond);
	pthread_mutex_unlock(&renew_mu);
	for (int i = 0; i < nworkers; i++)
		pthread_join(workers[i], NULL);
	nworkers = 0;
	running = 0;
}

/*
 * Start the scheduler and the workers; pending SCEP polls of state_dir
 * are resumed. Returns 0, or -1 with "e" set.
 */
int
renew_start(const char *state_dir, struct err *e)
{
	const char *env = getenv("PKISH_RENEW_CONCURRENCY");

	if (env && atoi(env) > 0)
		renew_set_concurrency(atoi(env));
	poll_set_dir(state_dir);
	poll_load_all();
	stop = 0;
	nworkers = idle = 0;
	running = 1;
	if (pthread_create(&sched, NULL, scheduler, NULL) != 0) {
		renew_stop_workers();
		return err_set(e, E_IO, "cannot start the renewal scheduler");
	}
	return 0;
}

void
renew_stop(void)
{
	if (!running)
		return;
	pthread_mutex_lock(&renew_mu);
	stop = 1;
	pthread_cond_broadcast(&wake);
	pthread_mutex_unlock(&renew_mu);
	pthread_join(sched, NULL);
	renew_stop_workers();
	while (states) {
		struct rstate *s = states;
		states = s->next;
		X509_free(s->ari_for);
		free(s);
	}
}

void
renew_kick(void)
{
	pthread_mutex_lock(&renew_mu);
	kicked = 1;
	pthread_cond_signal(&wake);
	pthread_mutex_unlock(&renew_mu);
}

/*
 * Bound the jobs running at once to n (1..MAX_WORKERS). The pool grows
 * at run time; when n shrinks, surplus workers wait until the running
 * jobs drop below the new bound.
 */
void
renew_set_concurrency(int n)
{
	pthread_mutex_lock(&renew_mu);
	if (n < 1)
		n = 1;
	if (n > MAX_WORKERS)
		n = MAX_WORKERS;
	concurrency = n;
	/* queued jobs may now start; the pool grows on demand (surplus
	 * workers of a larger bound stay, waiting in take()) */
	while (pool_grow())
		;
	pthread_cond_broadcast(&qcond);
	pthread_mutex_unlock(&renew_mu);
}

int
renew_get_concurrency(void)
{
	int n;

	pthread_mutex_lock(&renew_mu);
	n = concurrency;
	pthread_mutex_unlock(&renew_mu);
	return n;
}

void
renew_in_flight(int *now, int *most)
{
	pthread_mutex_lock(&renew_mu);
	*now = active;
	*most = peak;
	pthread_mutex_unlock(&renew_mu);
}
