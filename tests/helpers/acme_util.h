/* pkish - ISC license, see LICENSE */
/*
 * tests/helpers/acme_util.h - shared by the ACME drivers acme_driver.c
 * (enrollment, accounts, revocation, ARI against pebble) and acme_faults.c
 * (TLS, ports, timeouts, parallel enrollments, bad nonces, a server that
 * is down, a hostile server): the environment, captured log lines, the
 * parameters and keys pki/ would hand acme/. Static functions only; each
 * driver includes it once. Environment:
 *   ACME_DIR_URL   pebble directory URL (https://127.0.0.1:PORT/dir)
 *   ACME_CA_PEM    file with the CA of pebble's TLS certificate
 *   ACME_HTTP_PORT pebble's httpPort (our HTTP-01 responder port)
 *   ACME_MGMT_URL  pebble management URL (https://127.0.0.1:PORT)
 *   ACME_STATE     keystore directory;  ACME_OUT  directory for chains
 */
#ifndef ACME_UTIL_H
#define ACME_UTIL_H
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>
#include "acme/acme.h"
#include "acme/acme_int.h"
#include "lib/fileio.h"
#include "lib/http.h"
#include "lib/log.h"
#include "pki/key.h"
#include "pki/csr.h"
#include "pki/signer.h"
#include "tests/unit/testlib.h"


static char	*ca_pem;		/* pebble's TLS CA */
static int	 http_port;
static const char *dir_url, *mgmt_url, *out_dir;


/* Captured log lines (sink runs under the log mutex, plus ours). */
static pthread_mutex_t	 cap_mu = PTHREAD_MUTEX_INITIALIZER;
static char		*cap;
static size_t		 caplen;

static __attribute__((unused)) void
sink(void *ctx, int sev, const char *line)
{
	size_t n = strlen(line);
	char *nc;

	pthread_mutex_lock(&cap_mu);
	if ((nc = realloc(cap, caplen + n + 2)) != NULL) {
		cap = nc;
		memcpy(cap + caplen, line, n);
		caplen += n;
		cap[caplen++] = '\n';
		cap[caplen] = '\0';
	}
	pthread_mutex_unlock(&cap_mu);
}

static __attribute__((unused)) void
cap_clear(void)
{
	pthread_mutex_lock(&cap_mu);
	caplen = 0;
	if (cap)
		cap[0] = '\0';
	pthread_mutex_unlock(&cap_mu);
}

static __attribute__((unused)) int
seen(const char *needle)
{
	int r;

	pthread_mutex_lock(&cap_mu);
	r = cap != NULL && strstr(cap, needle) != NULL;
	pthread_mutex_unlock(&cap_mu);
	return r;
}

static __attribute__((unused)) int
count(const char *needle)
{
	const char	*p;
	int		 n = 0;

	pthread_mutex_lock(&cap_mu);
	for (p = cap; p && (p = strstr(p, needle)) != NULL; p++)
		n++;
	pthread_mutex_unlock(&cap_mu);
	return n;
}

static __attribute__((unused)) void
dump_log(void)
{
	pthread_mutex_lock(&cap_mu);
	if (cap) {
		char *l, *save = NULL, *c = strdup(cap);

		for (l = strtok_r(c, "\n", &save); l; l = strtok_r(NULL, "\n",
		    &save))
			printf("#   %s\n", l);
		free(c);
	}
	pthread_mutex_unlock(&cap_mu);
}

static __attribute__((unused)) double
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* Raw request to our HTTP-01 responder; returns the status or -1. */
static __attribute__((unused)) int
responder_status(const char *req)
{
	struct sockaddr_in	sin = { 0 };
	char			buf[512];
	ssize_t			n;
	int			fd, st = -1;

	sin.sin_family = AF_INET;
	sin.sin_port = htons((unsigned short)http_port);
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if ((fd = socket(AF_INET, SOCK_STREAM, 0)) < 0)
		return -1;
	if (connect(fd, (struct sockaddr *)&sin, sizeof(sin)) == 0 &&
	    write(fd, req, strlen(req)) == (ssize_t)strlen(req) &&
	    (n = read(fd, buf, sizeof(buf) - 1)) > 12) {
		buf[n] = '\0';
		st = atoi(buf + 9);
	}
	close(fd);
	return st;
}

static int	live_404s;	/* 404s seen from the live responder */

/* Progress callback; while a challenge is pending, probe the responder. */
static __attribute__((unused)) void
progress(void *ctx, const char *line)
{
	if (ctx == NULL)
		return;
	printf("#   progress: %s\n", line);
	if (strncmp(line, "Answering HTTP-01", 17) != 0)
		return;
	live_404s += responder_status("GET / HTTP/1.1\r\n\r\n") == 404;
	live_404s += responder_status("GET /.well-known/acme-challenge/"
	    "unknown-token HTTP/1.1\r\nHost: host1.example.test\r\n\r\n") ==
	    404;
	live_404s += responder_status("GET /.well-known/acme-challenge/ "
	    "HTTP/1.1\r\n\r\n") == 404;
}

static __attribute__((unused)) void
base_params(struct acme_params *p, const char *key, const char *const *dns,
    size_t ndns)
{
	memset(p, 0, sizeof(*p));
	p->directory_url = dir_url;
	p->contact = "admin@example.test";
	p->account_key_label = "acme-account";
	p->dns = dns;
	p->ndns = ndns;
	p->cert_key_label = key;
	p->http_addr = "127.0.0.1";
	p->http_port = http_port;
	p->extra_ca_pem = ca_pem;
	p->timeout_s = 30;
}

/* What pki/ hands acme/: a signer over the account key (made as EC P-256
 * when missing, unless only revoking) and the CSR as DER. */
struct keys {
	struct signer	 s;
	unsigned char	*csr;
};

static __attribute__((unused)) int
keys_open(struct acme_params *p, struct keys *k, int create,
    struct err *e)
{
	struct csr_params cp = { 0 };
	X509_REQ *req;

	memset(k, 0, sizeof(*k));
	if (p->cert_key_label != NULL && key_exists(p->cert_key_label)) {
		cp.subject = p->subject;
		cp.dns = p->dns;
		cp.ndns = p->ndns;
		cp.ips = p->ips;
		cp.nips = p->nips;
		if ((req = csr_build(p->cert_key_label, &cp, e)) == NULL)
			return -1;
		k->csr = csr_to_der(req, &p->csr_len);
		X509_REQ_free(req);
		p->csr_der = k->csr;
	}
	p->account_signer = NULL;
	if (p->account_key_label == NULL)
		return 0;
	if (!key_exists(p->account_key_label)) {
		if (!create)
			return 0;
		if (key_generate(p->account_key_label, KEY_EC, 256, 0, e) < 0)
			return -1;
		p->account_new = 1;
	}
	if (pki_signer_open(p->account_key_label, &k->s, e) < 0)
		return -1;
	p->account_signer = &k->s;
	return 0;
}

static __attribute__((unused)) void
keys_close(struct acme_params *p, struct keys *k)
{
	pki_signer_close(&k->s);
	free(k->csr);
	p->account_signer = NULL;
	p->account_new = 0;
	p->csr_der = NULL;
	p->csr_len = 0;
}

static __attribute__((unused)) int
enroll_k(struct acme_params *p, struct acme_result *r, struct err *e)
{
	struct keys k;
	int rc = -1;

	memset(r, 0, sizeof(*r));
	if (keys_open(p, &k, 1, e) == 0)
		rc = acme_enroll(p, r, e);
	keys_close(p, &k);
	return rc;
}

static __attribute__((unused)) int
revoke_k(struct acme_params *p, X509 *x, int reason, struct err *e)
{
	struct keys k;
	int rc = -1;

	if (keys_open(p, &k, 0, e) == 0)
		rc = acme_revoke(p, x, reason, e);
	keys_close(p, &k);
	return rc;
}

static __attribute__((unused)) int
save_chain(STACK_OF(X509) *sk, const char *name)
{
	char	 path[512];
	FILE	*f;
	int	 i;

	snprintf(path, sizeof(path), "%s/%s", out_dir, name);
	if ((f = fopen(path, "w")) == NULL)
		return -1;
	for (i = 0; i < sk_X509_num(sk); i++)
		PEM_write_X509(f, sk_X509_value(sk, i));
	return fclose(f);
}


/* GET pebble's management API; returns the body or NULL. */
static __attribute__((unused)) char *
mgmt_get(const char *path)
{
	struct http_client	*c = http_client_new();
	struct http_req		 q = { 0 };
	struct http_resp	 resp;
	struct err		 e = { 0 };
	char			 url[512], *b = NULL;

	snprintf(url, sizeof(url), "%s%s", mgmt_url, path);
	q.method = "GET";
	q.url = url;
	q.extra_ca_pem = ca_pem;
	q.timeout_ms = 5000;
	if (http_do(c, &q, &resp, &e) == 0) {
		if (resp.status == 200)
			b = strdup((char *)resp.body);
		http_resp_free(&resp);
	}
	http_client_free(c);
	return b;
}

/* The environment, keystore and log capture; 0, or -1 (exit 2) when
 * ACME_DIR_URL is missing: the drivers are no tests of their own. */
static __attribute__((unused)) int
driver_init(const char *name)
{
	struct err	 e = { 0 };
	const char	*cafile = getenv("ACME_CA_PEM");
	size_t		 len;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if ((dir_url = getenv("ACME_DIR_URL")) == NULL) {
		fprintf(stderr, "%s: ACME_DIR_URL not set (a driver of "
		    "tests/e2e/acme_engine.sh, not a test)\n", name);
		return -1;
	}
	mgmt_url = getenv("ACME_MGMT_URL");
	out_dir = getenv("ACME_OUT") ? getenv("ACME_OUT") : "/tmp";
	http_port = getenv("ACME_HTTP_PORT") ? atoi(getenv("ACME_HTTP_PORT")) :
	    5002;
	if (cafile != NULL && (ca_pem = file_read(cafile, 1 << 20, &len,
	    &e)) == NULL)
		printf("# cannot read %s: %s\n", cafile, e.msg);
	check(key_store_init(getenv("ACME_STATE") ? getenv("ACME_STATE") :
	    "/tmp/pkish-acme-state", &e) == 0, "keystore");
	log_sink_add(sink, NULL, 0);
	log_dbg_set(DBG_ACME, 3);
	return 0;
}

/* The log on failure, then the "N passed, M failed" line. */
static __attribute__((unused)) int
driver_finish(void)
{
	if (nfail)
		dump_log();
	acme_cleanup();
	free(ca_pem);
	return t_report();
}

#endif
