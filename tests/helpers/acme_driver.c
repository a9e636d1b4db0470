/* pkish - ISC license, see LICENSE */
/*
 * DOC: driver for tests/e2e/acme_engine.sh (the ACME engine against a
 * real pebble on loopback) and tests/e2e/acme_hostile.sh (a scripted
 * hostile server); without ACME_DIR_URL it refuses to run (exit 2).
 * Timings are bench/acme.sh's. Environment:
 *   ACME_DIR_URL   pebble directory URL (https://127.0.0.1:PORT/dir)
 *   ACME_CA_PEM    file with the CA of pebble's TLS certificate
 *   ACME_HTTP_PORT pebble's httpPort (our HTTP-01 responder port)
 *   ACME_MGMT_URL  pebble management URL (https://127.0.0.1:PORT)
 *   ACME_STATE     keystore directory;  ACME_OUT  directory for chains
 *   ACME_PHASE     main (default) | nonce (NONCEREJECT=50) | down |
 *                  hostile (tests/e2e/acme_hostile.sh, ACME_FAKE_URL)
 */
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

static void
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

static void
cap_clear(void)
{
	pthread_mutex_lock(&cap_mu);
	caplen = 0;
	if (cap)
		cap[0] = '\0';
	pthread_mutex_unlock(&cap_mu);
}

static int
seen(const char *needle)
{
	int r;

	pthread_mutex_lock(&cap_mu);
	r = cap != NULL && strstr(cap, needle) != NULL;
	pthread_mutex_unlock(&cap_mu);
	return r;
}

static int
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

static void
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

static double
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* Raw request to our HTTP-01 responder; returns the status or -1. */
static int
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
static void
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

static void
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

static int
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

static void
keys_close(struct acme_params *p, struct keys *k)
{
	pki_signer_close(&k->s);
	free(k->csr);
	p->account_signer = NULL;
	p->account_new = 0;
	p->csr_der = NULL;
	p->csr_len = 0;
}

static int
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

static int
revoke_k(struct acme_params *p, X509 *x, int reason, struct err *e)
{
	struct keys k;
	int rc = -1;

	if (keys_open(p, &k, 0, e) == 0)
		rc = acme_revoke(p, x, reason, e);
	keys_close(p, &k);
	return rc;
}

static int
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

static void
t_first_ec(void)
{
	static const char *const dns[] = { "host1.example.test",
	    "www.example.test" };
	struct acme_params	 p;
	struct acme_result	 r;
	struct err		 e = { 0 };
	double			 t0;
	int			 rc;

	check(key_generate("tp-ec", KEY_EC, 256, 1, &e) == 0, "EC cert key");
	base_params(&p, "tp-ec", dns, 2);
	p.subject = "CN=host1.example.test";
	p.trustpoint = "WEB";
	p.progress = progress;
	p.progress_ctx = &p;
	cap_clear();
	t0 = now_ms();
	rc = enroll_k(&p, &r, &e);
	printf("# first enrollment (new account key and account): %.1f ms\n",
	    now_ms() - t0);
	if (rc != 0)
		printf("# error %d (%s): %s\n", e.detail, err_code_name(e.code),
		    e.msg);
	check(rc == 0 && sk_X509_num(r.chain) >= 2 && r.cert_url != NULL,
	    "EC key, two SANs: enrolled, leaf plus issuer");
	check(key_exists("acme-account") && seen("(created)"),
	    "account key generated (by pki/, see keys_open), account created");
	check(live_404s == 6, "live responder: 404 for /, an unknown token "
	    "and the bare challenge directory (both challenges)");
	check(seen("%ASA-5-717067: Starting ACME certificate enrollment for "
	    "the trustpoint <WEB> with CA <127.0.0.1>. Mode <manual>"),
	    "717067 logged");
	check(seen("%ASA-5-717068: ACME Certificate enrollment succeeded for "
	    "trustpoint <WEB> with CA <127.0.0.1>. Received a new certificate "
	    "with Subject Name <") && seen("> Serial Number <"),
	    "717068 logged");
	if (rc == 0)
		check(save_chain(r.chain, "ec-chain.pem") == 0, "chain saved");
	acme_result_free(&r);
}

static void
t_second_rsa(void)
{
	static const char *const dns[] = { "host2.example.test",
	    "alt2.example.test" };
	struct acme_params	 p;
	struct acme_result	 r;
	struct err		 e = { 0 };
	X509			*leaf;
	EVP_PKEY		*pub;
	int			 rc;

	check(key_generate("tp-rsa", KEY_RSA, 2048, 1, &e) == 0,
	    "RSA 2048 cert key");
	base_params(&p, "tp-rsa", dns, 2);
	cap_clear();
	rc = enroll_k(&p, &r, &e);
	if (rc != 0)
		printf("# error %d: %s\n", e.detail, e.msg);
	check(rc == 0, "RSA key, two SANs: enrolled");
	check(seen("(cached)") && !seen("(created)") && !seen("(existing)"),
	    "second enrollment reuses the account (no newAccount)");
	if (rc != 0)
		return;
	leaf = sk_X509_value(r.chain, 0);
	pub = key_get1_public("tp-rsa", &e);
	check(EVP_PKEY_is_a(X509_get0_pubkey(leaf), "RSA") &&
	    EVP_PKEY_eq(X509_get0_pubkey(leaf), pub) == 1,
	    "leaf carries the RSA cert key");
	EVP_PKEY_free(pub);
	check(X509_check_host(leaf, "alt2.example.test", 0, 0, NULL) == 1,
	    "leaf names the second SAN");
	check(save_chain(r.chain, "rsa-chain.pem") == 0, "RSA chain saved");
	acme_result_free(&r);
}

/* A cache miss with an existing key: onlyReturnExisting finds it. */
static void
t_existing_account(void)
{
	static const char *const dns[] = { "host3.example.test" };
	struct acme_params	 p;
	struct acme_result	 r;
	struct err		 e = { 0 };
	char			 path[512], *id = NULL;
	FILE			*f;
	X509			*x;
	int			 rc;

	snprintf(path, sizeof(path), "%s/ec-chain.pem", out_dir);
	if ((f = fopen(path, "r")) != NULL) {
		if ((x = PEM_read_X509(f, NULL, NULL, NULL)) != NULL)
			id = acme_ari_cert_id(x, &e);
		X509_free(x);
		fclose(f);
	}
	base_params(&p, "tp-ec", dns, 1);
	p.contact = "other@example.test";	/* other cache slot */
	p.replaces = id;			/* RFC 9773 "replaces" */
	cap_clear();
	rc = enroll_k(&p, &r, &e);
	if (rc != 0)
		printf("# error %d: %s\n", e.detail, e.msg);
	check(rc == 0 && seen("(existing)") && !seen("(created)"),
	    "existing key: account found with onlyReturnExisting");
	check(rc == 0 && id != NULL, "newOrder with an RFC 9773 \"replaces\" "
	    "certID accepted");
	free(id);
	acme_result_free(&r);
}

/* An imported RSA account key: JWS RS256 against the real server. */
static void
t_rsa_account(void)
{
	static const char *const dns[] = { "rs256.example.test" };
	struct acme_params	 p;
	struct acme_result	 r;
	struct err		 e = { 0 };
	int			 rc;

	check(key_generate("acme-account-rsa", KEY_RSA, 2048, 0, &e) == 0,
	    "RSA account key");
	base_params(&p, "tp-ec", dns, 1);
	p.account_key_label = "acme-account-rsa";
	cap_clear();
	rc = enroll_k(&p, &r, &e);
	if (rc != 0)
		printf("# error %d: %s\n", e.detail, e.msg);
	check(rc == 0 && seen("(created)"), "RS256 account: account created "
	    "and certificate issued");
	acme_result_free(&r);
}

static void
t_ip(void)
{
	static const char *const ips[] = { "127.0.0.1" };
	struct acme_params	 p;
	struct acme_result	 r;
	struct err		 e = { 0 };
	int			 rc;

	base_params(&p, "tp-ec", NULL, 0);
	p.ips = ips;
	p.nips = 1;
	rc = enroll_k(&p, &r, &e);
	if (rc != 0)
		printf("# error %d: %s\n", e.detail, e.msg);
	check(rc == 0 && X509_check_ip_asc(sk_X509_value(r.chain, 0),
	    "127.0.0.1", 0) == 1, "RFC 8738 IP identifier 127.0.0.1");
	acme_result_free(&r);
}

/* GET pebble's management API; returns the body or NULL. */
static char *
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

static void
t_revoke(void)
{
	struct acme_params	 p;
	struct err		 e = { 0 };
	char			 path[512], *st, *ser;
	X509			*x;
	FILE			*f;
	BIGNUM			*bn;
	int			 rc;

	snprintf(path, sizeof(path), "%s/rsa-chain.pem", out_dir);
	if ((f = fopen(path, "r")) == NULL) {
		check(0, "revoke: RSA certificate available");
		return;
	}
	x = PEM_read_X509(f, NULL, NULL, NULL);
	fclose(f);
	bn = ASN1_INTEGER_to_BN(X509_get0_serialNumber(x), NULL);
	ser = BN_bn2hex(bn);
	for (char *c = ser; *c; c++)
		*c = (char)(*c >= 'A' && *c <= 'F' ? *c + 32 : *c);
	snprintf(path, sizeof(path), "/cert-status-by-serial/%s", ser);
	st = mgmt_get(path);
	check(st && strstr(st, "\"Valid\""), "pebble: certificate valid");
	free(st);
	base_params(&p, "tp-rsa", NULL, 0);
	rc = revoke_k(&p, x, 4, &e);
	if (rc != 0)
		printf("# error %d: %s\n", e.detail, e.msg);
	check(rc == 0, "revokeCert (superseded) accepted");
	st = mgmt_get(path);
	check(st && strstr(st, "\"Revoked\"") && strstr(st, "\"Reason\": 4"),
	    "pebble: certificate revoked, reason 4");
	if (st == NULL || strstr(st, "\"Reason\": 4") == NULL)
		printf("# %s\n", st ? st : "(no answer)");
	free(st);
	rc = revoke_k(&p, x, 4, &e);
	check(rc == -1 && strstr(e.msg, "alreadyRevoked") != NULL,
	    "second revoke: alreadyRevoked problem");
	check(revoke_k(&p, x, 7, &e) == -1 && e.code == E_INVAL,
	    "reason 7 refused locally");
	p.account_key_label = "no-such-account";
	check(revoke_k(&p, x, 0, &e) == -1 && e.code == E_NOTFOUND &&
	    !key_exists("no-such-account"), "revoke never creates an account");
	OPENSSL_free(ser);
	BN_free(bn);
	X509_free(x);
}

static void
t_ari(void)
{
	struct acme_params	 p;
	struct err		 e = { 0 };
	char			 path[512];
	time_t			 a, b;
	X509			*x;
	FILE			*f;

	snprintf(path, sizeof(path), "%s/ec-chain.pem", out_dir);
	if ((f = fopen(path, "r")) == NULL) {
		check(0, "ARI: certificate available");
		return;
	}
	x = PEM_read_X509(f, NULL, NULL, NULL);
	fclose(f);
	base_params(&p, "tp-ec", NULL, 0);
	check(acme_ari_window(&p, x, &a, &b, &e) == -1 && e.code == E_NOTFOUND,
	    "no renewalInfo in pebble's directory: E_NOTFOUND");
	{
		char *id = acme_ari_cert_id(x, &e);

		check(id != NULL && strchr(id, '.') != NULL, "ARI certID of an "
		    "issued certificate");
		free(id);
	}
	X509_free(x);
}

static void
t_untrusted(void)
{
	static const char *const dns[] = { "host4.example.test" };
	struct acme_params	 p;
	struct acme_result	 r;
	struct err		 e = { 0 };

	base_params(&p, "tp-ec", dns, 1);
	p.extra_ca_pem = NULL;
	check(enroll_k(&p, &r, &e) == -1 && e.detail == 60,
	    "TLS not trusted without the trustpool: detail 60");
	printf("# %s\n", e.msg);
}

static int
port_open(int port)
{
	struct sockaddr_in	sin = { 0 };
	int			fd, rc;

	sin.sin_family = AF_INET;
	sin.sin_port = htons((unsigned short)port);
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	fd = socket(AF_INET, SOCK_STREAM, 0);
	rc = connect(fd, (struct sockaddr *)&sin, sizeof(sin));
	close(fd);
	return rc == 0;
}

static void
t_bad_port(void)
{
	static const char *const dns[] = { "bad.example.test" };
	struct acme_params	 p;
	struct acme_result	 r;
	struct err		 e = { 0 };

	base_params(&p, "tp-ec", dns, 1);
	p.http_port = http_port + 1;	/* pebble checks http_port */
	p.trustpoint = "BAD";
	cap_clear();
	check(enroll_k(&p, &r, &e) == -1 && e.code == E_PROTO &&
	    strstr(e.msg, "connection") != NULL && r.chain == NULL,
	    "unreachable challenge port: connection problem");
	printf("# %s\n", e.msg);
	check(seen("%ASA-3-717069: ACME Certificate enrollment failed for "
	    "trustpoint <BAD>. Reason <") && seen("connection"),
	    "717069 logged with pebble's problem");
	check(!port_open(http_port + 1), "responder closed after failure");
}

static void *
silent_server(void *arg)
{
	int *fd = arg;

	sleep(3);		/* accept nothing, answer nothing */
	close(*fd);
	return NULL;
}

static void
t_timeout(void)
{
	static const char *const dns[] = { "slow.example.test" };
	struct sockaddr_in	 sin = { 0 };
	socklen_t		 sl = sizeof(sin);
	struct acme_params	 p;
	struct acme_result	 r;
	struct err		 e = { 0 };
	pthread_t		 t;
	char			 url[128];
	double			 t0;
	int			 fd;

	fd = socket(AF_INET, SOCK_STREAM, 0);
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	bind(fd, (struct sockaddr *)&sin, sizeof(sin));
	listen(fd, 4);
	getsockname(fd, (struct sockaddr *)&sin, &sl);
	snprintf(url, sizeof(url), "https://127.0.0.1:%d/dir",
	    ntohs(sin.sin_port));
	pthread_create(&t, NULL, silent_server, &fd);
	base_params(&p, "tp-ec", dns, 1);
	p.directory_url = url;
	p.timeout_s = 1;
	t0 = now_ms();
	check(enroll_k(&p, &r, &e) == -1 && e.code == E_TIMEOUT &&
	    e.detail == 124 && now_ms() - t0 < 2500,
	    "silent server: ACME processing timeout, detail 124, on time");
	printf("# %s (%.0f ms)\n", e.msg, now_ms() - t0);
	pthread_join(t, NULL);
}

struct par {
	const char	*name;
	int		 rc;
	struct err	 e;
};

static void *
par_enroll(void *arg)
{
	struct par		*a = arg;
	const char *const	 dns[] = { a->name };
	struct acme_params	 p;
	struct acme_result	 r;

	base_params(&p, "tp-ec", dns, 1);
	a->rc = enroll_k(&p, &r, &a->e);
	acme_result_free(&r);
	return NULL;
}

static void
t_parallel(void)
{
	struct par	a[3] = { { "par1.example.test", -1, { 0 } },
	    { "par2.example.test", -1, { 0 } },
	    { "par3.example.test", -1, { 0 } } };
	pthread_t	t[3];
	int		i, ok = 1;

	for (i = 0; i < 3; i++)
		pthread_create(&t[i], NULL, par_enroll, &a[i]);
	for (i = 0; i < 3; i++) {
		pthread_join(t[i], NULL);
		if (a[i].rc != 0) {
			printf("# %s: %s\n", a[i].name, a[i].e.msg);
			ok = 0;
		}
	}
	check(ok, "three parallel enrollments share the responder port");
	check(!port_open(http_port), "responder closed afterwards");
}

static void
phase_nonce(void)
{
	struct acme_params	 p;
	struct acme_result	 r;
	struct err		 e = { 0 };
	char			 name[64];
	const char		*dns[1] = { name };
	int			 i, ok = 0;

	check(key_generate("tp-ec", KEY_EC, 256, 1, &e) == 0, "EC cert key");
	cap_clear();
	for (i = 0; i < 3; i++) {
		snprintf(name, sizeof(name), "nonce%d.example.test", i);
		base_params(&p, "tp-ec", dns, 1);
		if (enroll_k(&p, &r, &e) == 0)
			ok++;
		else
			printf("# %s\n", e.msg);
		acme_result_free(&r);
	}
	printf("# badNonce retries seen: %d\n", count("badNonce, retrying"));
	check(ok == 3, "NONCEREJECT=50: three enrollments succeed");
	check(count("badNonce, retrying") > 0, "badNonce path exercised");
}

/* Counter of the hostile server for path "/a/b" given as "a_b". */
static int
fake_count(const char *fake, const char *name)
{
	char	*b, path[128];
	int	 n;

	snprintf(path, sizeof(path), "/count/%s", name);
	mgmt_url = fake;
	b = mgmt_get(path);
	n = b ? atoi(b) : -1;
	free(b);
	return n;
}

/* Enroll against the hostile server's scenario "s" with account "acct". */
static int
fake_enroll(const char *fake, const char *s, const char *acct, int tmo,
    struct err *e, double *ms)
{
	static const char *const dns[] = { "evil.example.test" };
	struct acme_params	 p;
	struct acme_result	 r;
	char			 url[256];
	double			 t0 = now_ms();
	int			 rc;

	snprintf(url, sizeof(url), "%s/%s/dir", fake, s);
	dir_url = url;
	base_params(&p, "tp-ec", dns, 1);
	p.account_key_label = acct;
	p.timeout_s = tmo;
	rc = enroll_k(&p, &r, e);
	acme_result_free(&r);
	*ms = now_ms() - t0;
	printf("# %s: %s (%.0f ms)\n", s, rc == 0 ? "ok" : e->msg, *ms);
	return rc;
}

static void
phase_hostile(void)
{
	const char	*fake = getenv("ACME_FAKE_URL");
	struct err	 e = { 0 };
	double		 ms;
	int		 n;

	if (fake == NULL) {
		check(0, "ACME_FAKE_URL set");
		return;
	}
	check(key_generate("tp-ec", KEY_EC, 256, 1, &e) == 0, "EC cert key");
	check(fake_enroll(fake, "big", "fa", 10, &e, &ms) == -1 &&
	    e.code == E_PROTO && strstr(e.msg, "too large"),
	    "600 KB directory refused (body cap)");
	check(fake_enroll(fake, "junk", "fa", 10, &e, &ms) == -1 &&
	    e.code == E_PROTO && strstr(e.msg, "JSON"),
	    "directory with trailing garbage refused");
	check(fake_enroll(fake, "plain", "fa", 10, &e, &ms) == -1 &&
	    e.code == E_PROTO && strstr(e.msg, "https"),
	    "directory with http:// URLs refused");
	check(fake_enroll(fake, "rl", "fake-rl", 20, &e, &ms) == -1 &&
	    e.code == E_PROTO && strstr(e.msg, "rejectedIdentifier: Some "
	    "identifiers were rejected; dns:evil.example.test: caa: CAA record "
	    "forbids issuance") != NULL, "problem with subproblems reported");
	n = fake_count(fake, "rl_acct");
	check(n == 2 && ms >= 1000, "rateLimited: Retry-After 1 s waited, "
	    "then the retry succeeded");
	check(fake_enroll(fake, "bn", "fake-bn", 20, &e, &ms) == -1 &&
	    strstr(e.msg, "badNonce") != NULL, "badNonce forever fails");
	n = fake_count(fake, "bn_acct");
	printf("# newAccount attempts: %d\n", n);
	check(n == 1 + ACME_BADNONCE_TRIES, "badNonce: bounded retries, then "
	    "give up");
	check(fake_enroll(fake, "pend", "fake-pend", 2, &e, &ms) == -1 &&
	    e.code == E_TIMEOUT && e.detail == 124 && ms > 1800 && ms < 3000,
	    "authorization pending forever: 124 at the deadline");
	n = fake_count(fake, "pend_authz");
	printf("# authorization fetches in 2 s: %d\n", n);
	check(n >= 3 && n <= 15, "polling backs off (bounded fetches)");
	check(!port_open(http_port), "responder closed after the timeout");
}

static void
phase_down(void)
{
	static const char *const dns[] = { "down.example.test" };
	struct acme_params	 p;
	struct acme_result	 r;
	struct err		 e = { 0 };

	key_generate("tp-ec", KEY_EC, 256, 1, &e);
	base_params(&p, "tp-ec", dns, 1);
	check(enroll_k(&p, &r, &e) == -1 && e.code == E_NET &&
	    e.detail == 7, "server stopped: E_NET detail 7");
	printf("# %s\n", e.msg);
}

int
main(void)
{
	struct err	 e = { 0 };
	const char	*phase = getenv("ACME_PHASE");
	const char	*cafile = getenv("ACME_CA_PEM");
	size_t		 len;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if ((dir_url = getenv("ACME_DIR_URL")) == NULL) {
		fprintf(stderr, "acme_driver: ACME_DIR_URL not set (a driver "
		    "of tests/e2e/acme_engine.sh, not a test)\n");
		return 2;
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
	if (phase != NULL && strcmp(phase, "nonce") == 0)
		phase_nonce();
	else if (phase != NULL && strcmp(phase, "down") == 0)
		phase_down();
	else if (phase != NULL && strcmp(phase, "hostile") == 0)
		phase_hostile();
	else {
		t_first_ec();
		t_second_rsa();
		t_existing_account();
		t_rsa_account();
		t_ip();
		t_revoke();
		t_ari();
		t_untrusted();
		t_bad_port();
		t_timeout();
		t_parallel();
	}
	if (nfail)
		dump_log();
	acme_cleanup();
	free(ca_pem);
	return t_report();
}
