/* SPDX-License-Identifier: ISC */
/*
 * bench/scep_load_net.c - HTTP for the SCEP load client: libcurl, one
 * easy handle (one kept connection) per worker thread, requests taken in
 * index order. PKIOperation is a POST of the DER pkiMessage when the CA
 * advertises POSTPKIOperation, else a GET with the base64 message
 * (RFC 8894 section 4.1).
 */
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <curl/curl.h>
#include "lib/b64.h"
#include "bench/scep_load.h"

#define MAX_BODY	(4u << 20)	/* a reply larger than this is an error */

static volatile sig_atomic_t stopping;

static void
on_term(int sig)
{
	stopping = 1;
}

void
net_stop_on_term(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_term;
	sigaction(SIGTERM, &sa, NULL);
}

struct buf {
	unsigned char	*p;
	size_t		 len;
};

double
net_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static size_t
on_data(char *p, size_t sz, size_t n, void *arg)
{
	struct buf *b = arg;
	unsigned char *np;

	n *= sz;
	if (b->len + n > MAX_BODY || (np = realloc(b->p, b->len + n + 1)) ==
	    NULL)
		return 0;
	memcpy(np + b->len, p, n);
	b->p = np;
	b->len += n;
	b->p[b->len] = '\0';
	return n;
}

int
net_init(struct err *e)
{
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
		return err_set(e, E_NET, "curl_global_init failed");
	return 0;
}

void
net_cleanup(void)
{
	curl_global_cleanup();
}

/* Perform on h with the URL and body set; status or -1 (*code: curl's). */
static long
perform(CURL *h, struct buf *b, int *code)
{
	long status = 0;
	CURLcode c;

	b->p = NULL;
	b->len = 0;
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_data);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, b);
	if ((c = curl_easy_perform(h)) != CURLE_OK) {
		*code = (int)c;
		free(b->p);
		b->p = NULL;
		b->len = 0;
		return -1;
	}
	*code = 0;
	curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
	return status;
}

static CURL *
handle(long timeout_ms)
{
	CURL *h = curl_easy_init();

	if (h == NULL)
		return NULL;
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, timeout_ms);
	curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, 3000L);
	curl_easy_setopt(h, CURLOPT_TCP_NODELAY, 1L);
	curl_easy_setopt(h, CURLOPT_NOPROXY, "*");
	return h;
}

long
net_get(const char *url, const char *op, unsigned char **body, size_t *len,
    struct err *e)
{
	CURL *h;
	struct buf b;
	char *u;
	long st;
	int code;

	*body = NULL;
	if ((u = scep_url(url, op, NULL)) == NULL || (h = handle(30000)) ==
	    NULL) {
		free(u);
		return err_set(e, E_NOMEM, "out of memory");
	}
	curl_easy_setopt(h, CURLOPT_URL, u);
	st = perform(h, &b, &code);
	curl_easy_cleanup(h);
	if (st < 0)
		err_set(e, E_NET, "%s: %s", u, curl_easy_strerror(code));
	free(u);
	*body = b.p;
	*len = b.len;
	return st;
}

/* Set h up for r: POST (DER body) or GET (base64 in the URL). */
static int
prepare(CURL *h, const struct target *t, struct req *r, char **url,
    struct curl_slist **hdr)
{
	char *b64 = NULL, ct[128];

	*hdr = NULL;
	if (r->get || !t->caps.post) {
		if ((b64 = b64_encode(r->msg, r->msg_len, 0)) == NULL)
			return -1;
		*url = scep_url(t->url, "PKIOperation", b64);
		free(b64);
		curl_easy_setopt(h, CURLOPT_HTTPGET, 1L);
	} else {
		*url = scep_url(t->url, "PKIOperation", NULL);
		snprintf(ct, sizeof(ct), "Content-Type: %s", r->ctype ?
		    r->ctype : "application/x-pki-message");
		*hdr = curl_slist_append(NULL, ct);
		curl_easy_setopt(h, CURLOPT_POST, 1L);
		curl_easy_setopt(h, CURLOPT_POSTFIELDS, (char *)r->msg);
		curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE,
		    (curl_off_t)r->msg_len);
	}
	curl_easy_setopt(h, CURLOPT_HTTPHEADER, *hdr);
	if (*url == NULL)
		return -1;
	curl_easy_setopt(h, CURLOPT_URL, *url);
	return 0;
}

struct run {
	const struct target	*t;
	struct req		*reqs;
	size_t			 n;
	atomic_size_t		 next;
	int			 retry_refused;
	double			 deadline;
	int			(*build)(void *, struct req *, size_t);
	void			*barg;
	double			 first, last;
	pthread_mutex_t		 mu;
};

/* One request on h; with retry_refused, refused connects are retried. */
static void
one(struct run *run, CURL *h, struct req *r)
{
	struct curl_slist *hdr = NULL;
	struct buf b;
	char *url = NULL;
	double t0, t1;
	int code = 0;

	if (prepare(h, run->t, r, &url, &hdr) == -1) {
		r->net_err = -1;
		goto out;
	}
	for (;;) {
		t0 = net_now();
		r->http = perform(h, &b, &code);
		t1 = net_now();
		if (r->http >= 0 || !run->retry_refused ||
		    code != CURLE_COULDNT_CONNECT || t1 > run->deadline ||
		    stopping)
			break;
		nanosleep(&(struct timespec){ 0, 20 * 1000 * 1000 }, NULL);
	}
	r->net_err = code;
	if (r->http < 0)
		r->http = 0;
	r->rep = b.p;
	r->rep_len = b.len;
	r->ms = (t1 - t0) * 1000;
	pthread_mutex_lock(&run->mu);
	if (run->first == 0 || t0 < run->first)
		run->first = t0;
	if (t1 > run->last)
		run->last = t1;
	pthread_mutex_unlock(&run->mu);
 out:
	curl_easy_setopt(h, CURLOPT_HTTPHEADER, NULL);
	curl_slist_free_all(hdr);
	free(url);
}

static void *
worker(void *arg)
{
	struct run *run = arg;
	CURL *h = handle(run->t->timeout_ms);
	size_t i;

	if (h == NULL)
		return NULL;
	while (!stopping && (i = atomic_fetch_add(&run->next, 1)) < run->n) {
		if (run->deadline > 0 && net_now() > run->deadline)
			break;
		if (run->build != NULL && run->build(run->barg, &run->reqs[i],
		    i) == -1)
			break;
		one(run, h, &run->reqs[i]);
	}
	curl_easy_cleanup(h);
	return NULL;
}

double
net_run(const struct target *t, struct req *reqs, size_t n, int conns,
    const struct run_opts *ro)
{
	struct run run = { .t = t, .reqs = reqs, .n = n };
	pthread_t *th;
	int i, started = 0;

	if (conns < 1 || (th = calloc((size_t)conns, sizeof(*th))) == NULL)
		return 0;
	if (ro != NULL) {
		run.retry_refused = ro->retry_refused;
		run.deadline = ro->deadline;
		run.build = ro->build;
		run.barg = ro->barg;
	}
	atomic_init(&run.next, 0);
	pthread_mutex_init(&run.mu, NULL);
	for (i = 0; i < conns; i++)
		if (pthread_create(&th[i], NULL, worker, &run) == 0)
			started++;
		else
			break;
	for (i = 0; i < started; i++)
		pthread_join(th[i], NULL);
	pthread_mutex_destroy(&run.mu);
	free(th);
	return run.last > run.first ? run.last - run.first : 0;
}
