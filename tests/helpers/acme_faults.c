/* pkish - ISC license, see LICENSE */
/*
 * DOC: tests/helpers/acme_faults.c - the ACME engine when things go wrong,
 * driven by tests/e2e/acme_engine.sh (pebble on loopback) and
 * tests/e2e/acme_hostile.sh (a scripted hostile server). ACME_PHASE:
 *   main (default) untrusted TLS, the HTTP-01 port taken, a server that
 *                  never answers, parallel enrollments sharing the port;
 *   nonce          pebble rejecting half the nonces (NONCEREJECT=50);
 *   down           nothing listens;
 *   hostile        ACME_FAKE_URL, the hostile server's scenarios.
 * Environment: tests/helpers/acme_util.h; without ACME_DIR_URL it refuses
 * to run (exit 2).
 */
#include "tests/helpers/acme_util.h"

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
	/* waits of 1, 1.5, 2.25, 3.4 ... ms (x1.5, capped at 2 s): at most
	 * 18 fetches fit in 2 s; polling without backoff would be hundreds */
	check(n >= 3 && n <= 20, "polling backs off (bounded fetches)");
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
	const char *phase = getenv("ACME_PHASE");

	if (driver_init("acme_faults") == -1)
		return 2;
	if (phase != NULL && strcmp(phase, "nonce") == 0)
		phase_nonce();
	else if (phase != NULL && strcmp(phase, "down") == 0)
		phase_down();
	else if (phase != NULL && strcmp(phase, "hostile") == 0)
		phase_hostile();
	else {
		t_untrusted();
		t_bad_port();
		t_timeout();
		t_parallel();
	}
	return driver_finish();
}
