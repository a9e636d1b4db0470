/* pki/renew.c - the renewal scheduler: scans trustpoints on the virtual
 * clock and hands due RENEW/POLL/ARI jobs to a bounded worker pool */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "lib/clock.h"
#include "lib/log.h"
#include "pki/cert.h"
#include "pki/renew_int.h"

#define MAX_WORKERS	256
#define QMAX		8192

pthread_mutex_t renew_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t wake = PTHREAD_COND_INITIALIZER;
static pthread_cond_t qcond = PTHREAD_COND_INITIALIZER;
static struct rstate *states;
static pthread_t sched, workers[MAX_WORKERS];
static int nworkers, running, stop, kicked;
static int concurrency = 8;
static struct job { enum job_type t; char tp[TP_NAME_MAX + 1]; } q[QMAX];
static size_t qhead, qlen;

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
	pthread_cond_signal(&qcond);
}

static void *
worker(void *arg)
{
	struct job j;

	(void)arg;
	pthread_mutex_lock(&renew_mu);
	for (;;) {
		while (!stop && qlen == 0)
			pthread_cond_wait(&qcond, &renew_mu);
		if (stop)
			break;
		j = q[qhead];
		qhead = (qhead + 1) % QMAX;
		qlen--;
		pthread_mutex_unlock(&renew_mu);
		renew_run_job(j.t, j.tp);
		pthread_mutex_lock(&renew_mu);
		struct rstate *s = rstate_get(j.tp);
		if (s)
			s->in_flight = 0;
		kicked = 1;
		pthread_cond_signal(&wake);
	}
	pthread_mutex_unlock(&renew_mu);
	return NULL;
}

static unsigned
name_hash(const char *s)
{
	unsigned h = 2166136261u;

	while (*s)
		h = (h ^ (unsigned char)*s++) * 16777619u;
	return h;
}

/* Due renewals are spread over a few seconds (renewal storms). */
static time_t
jitter(const char *tp, size_t nauto)
{
	return (time_t)(name_hash(tp) % (unsigned)(1 + nauto / 50));
}

static void
scan_one(const char *tp, time_t now, size_t nauto)
{
	struct tp_cfg c;
	struct tp_certs k;
	struct rstate *s;
	time_t due;

	if (tp_get_cfg(tp, &c, NULL) < 0 || tp_get_certs(tp, &k, NULL) < 0)
		return;
	pthread_mutex_lock(&renew_mu);
	if ((s = rstate_get(tp)) == NULL || s->in_flight)
		goto out;
	if (s->poll.active) {
		if (now >= s->poll_next)
			enqueue(s, JOB_POLL);
		goto out;
	}
	if (k.cert && !s->expired_logged && now >= cert_not_after(k.cert)) {
		char *ser = cert_serial_hex(k.cert);
		s->expired_logged = 1;
		log_msg(SEV_ERR, "PKI", "CERTIFICATE_INVALID_EXPIRED", "The "
		    "certificate (SN: %s) of trustpoint %s has expired.",
		    ser ? ser : "?", tp);
		free(ser);
	}
	if (!c.auto_enroll || k.cert == NULL || (c.enroll != TP_EN_ACME &&
	    c.enroll != TP_EN_URL && c.enroll != TP_EN_SCEP))
		goto out;
	if (c.enroll == TP_EN_ACME && (s->ari_for == NULL ||
	    X509_cmp(s->ari_for, k.cert) != 0)) {
		X509_free(s->ari_for);
		X509_up_ref(k.cert);
		s->ari_for = k.cert;
		s->ari_state = 0;
		enqueue(s, JOB_ARI);
		goto out;
	}
	due = s->ari_state == 1 ? s->ari_pick : renew_due(&c, k.cert,
	    k.installed);
	if (now >= due + jitter(tp, nauto) && now >= s->next_try &&
	    (k.installed == 0 || now - k.installed >= RENEW_MIN_INTERVAL))
		enqueue(s, JOB_RENEW);
out:
	pthread_mutex_unlock(&renew_mu);
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
	for (size_t i = 0; i < n && !stop; i++)
		scan_one(names[i], now, nauto);
	tp_names_free(names, n);
}

static void *
scheduler(void *arg)
{
	struct timespec ts;

	(void)arg;
	for (;;) {
		pthread_mutex_lock(&renew_mu);
		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_nsec += 500 * 1000000L;
		if (ts.tv_nsec >= 1000000000L) {
			ts.tv_sec++;
			ts.tv_nsec -= 1000000000L;
		}
		while (!stop && !kicked &&
		    pthread_cond_timedwait(&wake, &renew_mu, &ts) == 0)
			;
		kicked = 0;
		if (stop) {
			pthread_mutex_unlock(&renew_mu);
			break;
		}
		pthread_mutex_unlock(&renew_mu);
		scan();
	}
	return NULL;
}

int
renew_start(const char *state_dir, struct err *e)
{
	const char *env = getenv("PKISH_RENEW_CONCURRENCY");

	if (env && atoi(env) > 0)
		renew_set_concurrency(atoi(env));
	poll_set_dir(state_dir);
	poll_load_all();
	stop = 0;
	for (nworkers = 0; nworkers < concurrency; nworkers++)
		if (pthread_create(&workers[nworkers], NULL, worker, NULL) != 0)
			break;
	if (pthread_create(&sched, NULL, scheduler, NULL) != 0)
		return err_set(e, E_IO, "cannot start the renewal scheduler");
	running = 1;
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
	pthread_cond_broadcast(&qcond);
	pthread_mutex_unlock(&renew_mu);
	pthread_join(sched, NULL);
	for (int i = 0; i < nworkers; i++)
		pthread_join(workers[i], NULL);
	running = 0;
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

void
renew_set_concurrency(int n)
{
	pthread_mutex_lock(&renew_mu);
	if (n < 1)
		n = 1;
	if (n > MAX_WORKERS)
		n = MAX_WORKERS;
	concurrency = n;
	/* grow the pool at run time; never shrink below running threads */
	while (running && nworkers < concurrency &&
	    pthread_create(&workers[nworkers], NULL, worker, NULL) == 0)
		nworkers++;
	pthread_mutex_unlock(&renew_mu);
}

int
renew_get_concurrency(void)
{
	return concurrency;
}
