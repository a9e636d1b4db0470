/* pkish - ISC license, see LICENSE */
/*
 * DOC: pki/metrics - the Prometheus endpoint of `ip http metrics`: GET
 * /metrics on the shared `ip http port` listener (lib/httpd_reg) answers
 * the text exposition format 0.0.4 (HELP and TYPE before each family, one
 * sample a line). Per trustpoint: the identity and CA certificates'
 * notAfter, the RENEW time `show crypto pki timers` shows, the last
 * automatic renewal (time and result); per protocol the enrollment
 * counters since start. Times are Unix seconds on pkish's clock (`show
 * clock`). The counters and renewal results live here behind mu; the rest
 * is read from the trustpoint store and the timers at every scrape.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "lib/clock.h"
#include "lib/httpd.h"
#include "pki/metrics.h"
#include "pki/pki.h"

#define MAX_SCRAPE	(16 * 1024 * 1024)	/* bytes of text at most */

struct renewal {
	char		 tp[64];
	time_t		 when;
	int		 ok;
};

static pthread_mutex_t	 mu = PTHREAD_MUTEX_INITIALIZER;
static unsigned long	 attempts[METRICS_NPROTO], successes[METRICS_NPROTO],
			 failures[METRICS_NPROTO];
static struct renewal	*renewals;	/* nren, guarded by mu */
static size_t		 nren, capren;
static const char *const proto_names[METRICS_NPROTO] = { "acme", "scep" };

/* The endpoint: guarded by srv_mu. */
static pthread_mutex_t	 srv_mu = PTHREAD_MUTEX_INITIALIZER;
static struct httpd	*srv;
static int		 srv_port;

void
metrics_enroll_attempt(enum metrics_proto p)
{
	pthread_mutex_lock(&mu);
	attempts[p]++;
	pthread_mutex_unlock(&mu);
}

void
metrics_enroll_result(enum metrics_proto p, int ok)
{
	pthread_mutex_lock(&mu);
	if (ok)
		successes[p]++;
	else
		failures[p]++;
	pthread_mutex_unlock(&mu);
}

/* The record of tp, made when missing; NULL when out of memory. mu held. */
static struct renewal *
renewal_get(const char *tp)
{
	struct renewal *r;

	for (size_t i = 0; i < nren; i++)
		if (strcmp(renewals[i].tp, tp) == 0)
			return &renewals[i];
	if (nren == capren) {
		size_t nc = capren ? capren * 2 : 16;
		if ((r = realloc(renewals, nc * sizeof(*r))) == NULL)
			return NULL;
		renewals = r;
		capren = nc;
	}
	r = &renewals[nren++];
	memset(r, 0, sizeof(*r));
	snprintf(r->tp, sizeof(r->tp), "%s", tp);
	return r;
}

void
metrics_renewal(const char *tp, int ok)
{
	struct renewal *r;

	pthread_mutex_lock(&mu);
	if ((r = renewal_get(tp)) != NULL) {
		r->when = clock_now();
		r->ok = ok != 0;
	}
	pthread_mutex_unlock(&mu);
}

/* The per-trustpoint gauge families, in the order of a scrape. */
enum { G_NOT_AFTER, G_RENEW, G_CA_NOT_AFTER, G_LAST, G_LAST_OK, NGAUGE };
static const struct { const char *name, *help; } gauges[NGAUGE] = {
	{ "pkish_certificate_not_after_seconds", "notAfter of the "
	    "trustpoint's identity certificate, in Unix seconds." },
	{ "pkish_certificate_renew_time_seconds", "When the identity "
	    "certificate is renewed (the RENEW timer), in Unix seconds." },
	{ "pkish_ca_certificate_not_after_seconds", "notAfter of the "
	    "trustpoint's CA certificate, in Unix seconds." },
	{ "pkish_renewal_last_timestamp_seconds", "When the last automatic "
	    "renewal of the trustpoint ended, in Unix seconds." },
	{ "pkish_renewal_last_success", "1 when the last automatic renewal "
	    "of the trustpoint succeeded, 0 when it failed." },
};

/* One sample of a gauge: there or not, its value, its serial label. */
struct gval {
	int		 has;
	long long	 v;
	const char	*serial;	/* NULL: no serial label */
};

/* What one trustpoint contributes to a scrape. */
struct tp_sample {
	char		 name[64];
	char		 serial[128], ca_serial[128];
	struct gval	 g[NGAUGE];
};

static void
cert_of(X509 *x, char *serial, size_t len, struct gval *g)
{
	struct cert_facts *f = malloc(sizeof(*f));

	if (f != NULL && cert_facts_get(x, f) == 0) {
		snprintf(serial, len, "%s", f->serial);
		*g = (struct gval){ 1, (long long)f->not_after, serial };
	}
	free(f);
}

/* The RENEW timer of s->name among the timers, as `show crypto pki
 * timers` lists it. */
static void
renew_of(struct tp_sample *s, const struct renew_timer *t, size_t nt)
{
	for (size_t i = 0; i < nt; i++)
		if (strncmp(t[i].name, "RENEW ", 6) == 0 &&
		    strcmp(t[i].name + 6, s->name) == 0) {
			s->g[G_RENEW] = (struct gval){ 1, (long long)t[i].when,
			    NULL };
			return;
		}
}

static void
last_of(struct tp_sample *s)
{
	pthread_mutex_lock(&mu);
	for (size_t i = 0; i < nren; i++)
		if (strcmp(renewals[i].tp, s->name) == 0) {
			s->g[G_LAST] = (struct gval){ 1,
			    (long long)renewals[i].when, NULL };
			s->g[G_LAST_OK] = (struct gval){ 1, renewals[i].ok,
			    NULL };
		}
	pthread_mutex_unlock(&mu);
}

/* Every trustpoint's sample, in creation order; *n set. */
static struct tp_sample *
collect(size_t *n)
{
	struct renew_timer *t = NULL;
	size_t nt = renew_timers(&t), nn;
	char **names = tp_names(&nn);
	struct tp_sample *v = calloc(nn ? nn : 1, sizeof(*v));
	struct tp_certs k;

	*n = 0;
	for (size_t i = 0; v != NULL && i < nn; i++) {
		struct tp_sample *s = &v[(*n)++];
		snprintf(s->name, sizeof(s->name), "%s", names[i]);
		if (tp_get_certs(names[i], &k, NULL) == 0) {
			if (k.cert)
				cert_of(k.cert, s->serial, sizeof(s->serial),
				    &s->g[G_NOT_AFTER]);
			if (k.ca)
				cert_of(k.ca, s->ca_serial, sizeof(s->ca_serial),
				    &s->g[G_CA_NOT_AFTER]);
			tp_certs_free(&k);
		}
		renew_of(s, t, nt);
		last_of(s);
	}
	tp_names_free(names, nn);
	free(t);
	return v;
}

/* A label value: backslash, double quote and newline escaped. */
static void
label(FILE *f, const char *s)
{
	for (; *s; s++) {
		if (*s == '\\' || *s == '"')
			fputc('\\', f);
		if (*s == '\n')
			fputs("\\n", f);
		else
			fputc(*s, f);
	}
}

static void
family(FILE *f, const char *name, const char *type, const char *help)
{
	fprintf(f, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

/* name{trustpoint="tp"[,serial="s"]} value */
static void
sample(FILE *f, const char *name, const char *tp, const char *serial,
    long long value)
{
	fprintf(f, "%s{trustpoint=\"", name);
	label(f, tp);
	if (serial != NULL) {
		fputs("\",serial=\"", f);
		label(f, serial);
	}
	fprintf(f, "\"} %lld\n", value);
}

/* Each gauge family: HELP and TYPE, then the trustpoints that have it. */
static void
render_gauges(FILE *f, const struct tp_sample *v, size_t n)
{
	for (int g = 0; g < NGAUGE; g++) {
		family(f, gauges[g].name, "gauge", gauges[g].help);
		for (size_t i = 0; i < n; i++)
			if (v[i].g[g].has)
				sample(f, gauges[g].name, v[i].name,
				    v[i].g[g].serial, v[i].g[g].v);
	}
}

static void
render_counters(FILE *f)
{
	static const char *const what[3] = { "attempts", "successes",
	    "failures" };
	unsigned long c[3][METRICS_NPROTO];

	pthread_mutex_lock(&mu);
	memcpy(c[0], attempts, sizeof(attempts));
	memcpy(c[1], successes, sizeof(successes));
	memcpy(c[2], failures, sizeof(failures));
	pthread_mutex_unlock(&mu);
	for (int w = 0; w < 3; w++) {
		fprintf(f, "# HELP pkish_enrollment_%s_total Enrollment %s "
		    "since start, by protocol.\n# TYPE pkish_enrollment_%s_total "
		    "counter\n", what[w], what[w], what[w]);
		for (int p = 0; p < METRICS_NPROTO; p++)
			fprintf(f, "pkish_enrollment_%s_total{protocol=\"%s\"} "
			    "%lu\n", what[w], proto_names[p], c[w][p]);
	}
}

char *
metrics_render(size_t *len)
{
	struct tp_sample *v;
	char *buf = NULL;
	size_t n;
	FILE *f;

	*len = 0;
	if ((v = collect(&n)) == NULL)
		return NULL;
	if ((f = open_memstream(&buf, len)) != NULL) {
		render_gauges(f, v, n);
		render_counters(f);
		if (fclose(f) != 0) {
			free(buf);
			buf = NULL;
		}
	}
	free(v);
	return buf;
}

static int
serve(void *arg, const struct httpd_request *rq, struct httpd_response *rs)
{
	static const char nf[] = "Not Found\n", na[] = "Method Not Allowed\n";
	const char *text = NULL;

	rs->content_type = "text/plain; charset=utf-8";
	if (strcmp(rq->path, "/metrics") != 0) {
		rs->status = 404;
		text = nf;
	} else if (strcmp(rq->method, "GET") != 0) {
		rs->status = 405;
		text = na;
	}
	if (text != NULL) {
		rs->body_len = strlen(text);
		return (rs->body = (unsigned char *)strdup(text)) ? 0 : -1;
	}
	if ((rs->body = (unsigned char *)metrics_render(&rs->body_len)) ==
	    NULL || rs->body_len > MAX_SCRAPE)
		return -1;
	rs->status = 200;
	rs->content_type = "text/plain; version=0.0.4; charset=utf-8";
	return 0;
}

/* Drop the route and the listener; srv_mu held. */
static void
stop_locked(void)
{
	if (srv == NULL)
		return;
	httpd_route_del(srv, "/metrics");
	httpd_release(srv);
	srv = NULL;
	srv_port = 0;
}

int
metrics_start(int port, struct err *e)
{
	struct httpd *h;
	int rc = 0;

	pthread_mutex_lock(&srv_mu);
	if (srv != NULL && srv_port == port)
		goto out;
	stop_locked();
	if ((h = httpd_acquire(NULL, port, e)) == NULL)
		rc = -1;
	else if (httpd_route_add(h, "/metrics", 4096, serve, NULL, e) < 0) {
		httpd_release(h);
		rc = -1;
	} else {
		srv = h;
		srv_port = port;
	}
out:
	pthread_mutex_unlock(&srv_mu);
	return rc;
}

void
metrics_stop(void)
{
	pthread_mutex_lock(&srv_mu);
	stop_locked();
	pthread_mutex_unlock(&srv_mu);
}

int
metrics_port(void)
{
	int p;

	pthread_mutex_lock(&srv_mu);
	p = srv_port;
	pthread_mutex_unlock(&srv_mu);
	return p;
}
