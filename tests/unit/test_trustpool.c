/* tests/unit/test_trustpool.c - the trustpool store: parsing (PEM bundle,
 * base64, PKCS#7 PEM and DER, garbage, truncation), CA-only admission,
 * all-or-nothing adds, persistence and reload, clean, a failed write, and
 * concurrent readers. Fixtures come from the openssl CLI; the saved file is
 * read back by openssl. */
#define _GNU_SOURCE
#include <pthread.h>
#include <sys/stat.h>
#include <unistd.h>
#include "pki/trustpool.h"
#include "tests/unit/testlib.h"

/* Parse a fixture file; returns the certificate count (-1 on failure). */
static int
parse_count(const char *name, struct err *e)
{
	STACK_OF(X509) *sk;
	size_t len = 0;
	char *t = slurp(name, &len);
	int n;

	if (t == NULL)
		return -2;
	sk = trustpool_parse(t, len, e);
	free(t);
	n = sk ? sk_X509_num(sk) : -1;
	sk_X509_pop_free(sk, X509_free);
	return n;
}

static STACK_OF(X509) *
load(const char *name)
{
	size_t len = 0;
	char *t = slurp(name, &len);
	STACK_OF(X509) *sk = t ? trustpool_parse(t, len, NULL) : NULL;

	free(t);
	return sk;
}

static int
fixtures(void)
{
	return sh("cd %s && "
	    "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 "
	    "-nodes -keyout r1.key -out r1.pem -days 3650 -subj /CN=Root1 "
	    ">/dev/null 2>&1 && "
	    "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 "
	    "-nodes -keyout r2.key -out r2.pem -days 3650 -subj /CN=Root2 "
	    ">/dev/null 2>&1 && "
	    "openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes "
	    "-keyout l.key -out l.csr -subj /CN=leaf >/dev/null 2>&1 && "
	    "openssl x509 -req -in l.csr -CA r1.pem -CAkey r1.key "
	    "-set_serial 5 -days 30 -out leaf.pem >/dev/null 2>&1 && "
	    "cat r1.pem r2.pem >both.pem && cat r1.pem leaf.pem >mixed.pem && "
	    "openssl x509 -in r2.pem -outform DER -out r2.der && "
	    "grep -v -- ----- r2.pem >r2.b64 && "
	    "openssl crl2pkcs7 -nocrl -certfile r1.pem -certfile r2.pem "
	    "-out b.p7b.pem && openssl crl2pkcs7 -nocrl -certfile r1.pem "
	    "-certfile r2.pem -outform DER -out b.p7b && "
	    "head -c 300 both.pem >trunc.pem && "
	    "printf 'hello world\\n' >garbage.txt", tmp);
}

static void
t_parse(void)
{
	struct err e = { 0 };

	check(parse_count("both.pem", &e) == 2, "PEM bundle: 2 certificates");
	check(parse_count("r2.der", &e) == 1, "DER certificate");
	check(parse_count("r2.b64", &e) == 1, "bare base64 certificate");
	check(parse_count("b.p7b.pem", &e) == 2, "PKCS#7 PEM bundle");
	check(parse_count("b.p7b", &e) == 2, "PKCS#7 DER bundle");
	memset(&e, 0, sizeof(e));
	check(parse_count("garbage.txt", &e) == -1 && e.code == E_INVAL,
	    "garbage refused (%s)", e.msg);
	memset(&e, 0, sizeof(e));
	check(parse_count("trunc.pem", &e) == -1 && e.code == E_INVAL,
	    "truncated PEM refused (%s)", e.msg);
	check(trustpool_parse("", 0, &e) == NULL, "empty input refused");
}

static void
t_add_and_reload(void)
{
	STACK_OF(X509) *both = load("both.pem"), *mixed = load("mixed.pem");
	STACK_OF(X509) *r1 = load("r1.pem"), *leaf = load("leaf.pem");
	struct err e = { 0 };
	char path[512], *pem;
	struct stat st;
	int added = -1;

	check(trustpool_init(tmp, &e) == 0 && trustpool_count() == 0,
	    "init without a file: empty pool");
	check(trustpool_pem() == NULL, "empty pool: trustpool_pem() is NULL");
	sh("mkdir -p %s/state", tmp);
	snprintf(path, sizeof(path), "%s/state", tmp);
	check(trustpool_init(path, &e) == 0, "init in state dir");
	snprintf(path, sizeof(path), "%s/state/trustpool.pem", tmp);
	check(trustpool_add(mixed, 0, &added, &e) == -1 && e.code == E_INVAL &&
	    trustpool_count() == 0 && stat(path, &st) == -1,
	    "non-CA in a bundle: nothing added, no file (%s)", e.msg);
	check(trustpool_add(both, 0, &added, &e) == 0 && added == 2 &&
	    trustpool_count() == 2, "two roots added");
	check(sh("openssl crl2pkcs7 -nocrl -certfile %s | openssl pkcs7 "
	    "-print_certs -noout | grep -c subject | grep -qx 2", path) == 0,
	    "saved file read back by openssl");
	check(trustpool_add(r1, 0, &added, &e) == 0 && added == 0 &&
	    trustpool_count() == 2, "duplicate not added again");
	check(trustpool_contains(sk_X509_value(r1, 0)) == 1 &&
	    trustpool_contains(sk_X509_value(leaf, 0)) == 0, "contains()");
	pem = trustpool_pem();
	check(pem && strstr(pem, "BEGIN CERTIFICATE") && strlen(pem) ==
	    (size_t)(stat(path, &st) == 0 ? st.st_size : -1),
	    "trustpool_pem() is the file content");
	free(pem);
	trustpool_shutdown();
	check(trustpool_count() == 0, "shutdown empties memory");
	snprintf(path, sizeof(path), "%s/state", tmp);
	check(trustpool_init(path, &e) == 0 && trustpool_count() == 2,
	    "reload after restart: 2 certificates");
	check(trustpool_add(r1, 1, &added, &e) == 0 && added == 1 &&
	    trustpool_count() == 1, "clean + add replaces the pool");
	check(trustpool_clean(&e) == 0 && trustpool_count() == 0,
	    "clean empties the pool");
	check(trustpool_init(path, &e) == 0 && trustpool_count() == 0,
	    "cleaned pool stays empty after reload");
	sk_X509_pop_free(both, X509_free);
	sk_X509_pop_free(mixed, X509_free);
	sk_X509_pop_free(r1, X509_free);
	sk_X509_pop_free(leaf, X509_free);
}

static void
t_failures(void)
{
	STACK_OF(X509) *both = load("both.pem"), *r1 = load("r1.pem");
	struct err e = { 0 };
	char dir[512];
	int added;

	snprintf(dir, sizeof(dir), "%s/gone", tmp);
	sh("mkdir -p %s", dir);
	check(trustpool_init(dir, &e) == 0 && trustpool_add(r1, 0, &added,
	    &e) == 0 && trustpool_count() == 1, "pool in a directory");
	sh("rm -rf %s", dir);
	memset(&e, 0, sizeof(e));
	check(trustpool_add(both, 0, &added, &e) == -1 &&
	    trustpool_count() == 1, "failed write: pool unchanged (%s)", e.msg);
	check(trustpool_clean(&e) == -1 && trustpool_count() == 1,
	    "failed clean: pool unchanged");
	snprintf(dir, sizeof(dir), "%s/corrupt", tmp);
	sh("mkdir -p %s && printf -- '-----BEGIN CERTIFICATE-----\\nAAAA\\n' "
	    ">%s/trustpool.pem", dir, dir);
	memset(&e, 0, sizeof(e));
	check(trustpool_init(dir, &e) == -1 && trustpool_count() == 0 &&
	    strstr(e.msg, "trustpool.pem") != NULL,
	    "corrupt file: error names the file, pool empty (%s)", e.msg);
	sk_X509_pop_free(both, X509_free);
	sk_X509_pop_free(r1, X509_free);
}

static void *
reader(void *arg)
{
	int *bad = arg;

	for (int i = 0; i < 200; i++) {
		char *pem = trustpool_pem();
		STACK_OF(X509) *sk = trustpool_get1();
		const char *p = pem;
		int n = 0;

		/* the writer only ever leaves 0 or 2 certificates behind */
		while (p && (p = strstr(p, "BEGIN CERTIFICATE")) != NULL) {
			n++;
			p++;
		}
		if (sk == NULL || (sk_X509_num(sk) != 0 &&
		    sk_X509_num(sk) != 2) || (pem != NULL && n != 2))
			(*bad)++;
		free(pem);
		sk_X509_pop_free(sk, X509_free);
	}
	return NULL;
}

static void
t_threads(void)
{
	STACK_OF(X509) *both = load("both.pem");
	pthread_t th[4];
	int bad[4] = { 0 }, fails = 0;
	char dir[512];

	snprintf(dir, sizeof(dir), "%s/threads", tmp);
	sh("mkdir -p %s", dir);
	trustpool_init(dir, NULL);
	for (int i = 0; i < 4; i++)
		pthread_create(&th[i], NULL, reader, &bad[i]);
	for (int i = 0; i < 50; i++)
		if (trustpool_add(both, i % 2, NULL, NULL) < 0 ||
		    (i % 7 == 0 && trustpool_clean(NULL) < 0))
			fails++;
	for (int i = 0; i < 4; i++)
		pthread_join(th[i], NULL);
	check(fails == 0 && bad[0] + bad[1] + bad[2] + bad[3] == 0,
	    "concurrent readers see whole pools (0 or 2 certificates)");
	sk_X509_pop_free(both, X509_free);
}

int
main(void)
{
	if (t_mkdtemp("trustpool") == -1 || fixtures() != 0) {
		printf("not ok 1 - openssl fixtures\n0 passed, 1 failed\n");
		return 1;
	}
	t_parse();
	t_add_and_reload();
	t_failures();
	t_threads();
	trustpool_shutdown();
	sh("rm -rf %s", tmp);
	return t_report();
}
