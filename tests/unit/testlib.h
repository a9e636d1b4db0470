/* tests/unit/testlib.h - shared by test_cert.c, test_csr.c, test_key.c,
 * test_p12.c and test_trustpool.c: TAP-style check() and its counters, the
 * per-test temporary directory, running shell commands (the openssl CLI)
 * with or without capturing their output, and reading fixture files from
 * the temporary directory. Static functions only (marked unused, as not
 * every test needs every one); each test includes it once, after defining
 * _GNU_SOURCE. */
#ifndef TESTLIB_H
#define TESTLIB_H
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <openssl/x509.h>
#include "lib/fileio.h"
#include "pki/cert.h"

static int npass, nfail, ntest;
static char tmp[256];

static void __attribute__((format(printf, 2, 3), unused))
check(int ok, const char *fmt, ...)
{
	va_list ap;

	ntest++;
	ok ? npass++ : nfail++;
	printf("%sok %d - ", ok ? "" : "not ", ntest);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
}

/* Run a shell command, return its stdout (malloc'd) and exit status. */
static __attribute__((format(printf, 2, 3), unused)) char *
run(int *status, const char *fmt, ...)
{
	char cmd[8192], buf[4096], *out = NULL;
	size_t len = 0, n;
	va_list ap;
	FILE *p;
	int st;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	if ((p = popen(cmd, "r")) == NULL)
		return strdup("");
	while ((n = fread(buf, 1, sizeof(buf), p)) > 0) {
		out = realloc(out, len + n + 1);
		memcpy(out + len, buf, n);
		len += n;
	}
	if (out == NULL)
		out = calloc(1, 1);
	out[len] = '\0';
	st = pclose(p);
	if (status != NULL)
		*status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
	return out;
}

/* Run a shell command via system(); its exit status, -1 if it did not
 * exit. */
static __attribute__((format(printf, 1, 2), unused)) int
sh(const char *fmt, ...)
{
	char cmd[8192];
	va_list ap;
	int st;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	st = system(cmd);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* Make the test's temporary directory /tmp/test_<name>.XXXXXX in tmp[];
 * 0, or -1 on failure. */
static __attribute__((unused)) int
t_mkdtemp(const char *name)
{
	snprintf(tmp, sizeof(tmp), "/tmp/test_%s.XXXXXX", name);
	return mkdtemp(tmp) != NULL ? 0 : -1;
}

/* The closing "N passed, M failed" line; the exit status for main(). */
static __attribute__((unused)) int
t_report(void)
{
	printf("%d passed, %d failed\n", npass, nfail);
	return nfail != 0;
}

/* Remove the temporary directory, then t_report(). */
static __attribute__((unused)) int
t_finish(void)
{
	if (sh("rm -rf %s", tmp) != 0)
		printf("# cleanup failed\n");
	return t_report();
}

/* The contents of tmp/name (malloc'd, NUL-terminated), NULL on failure. */
static __attribute__((unused)) char *
slurp(const char *name, size_t *len)
{
	char path[512];

	snprintf(path, sizeof(path), "%s/%s", tmp, name);
	return file_read(path, 1 << 20, len, NULL);
}

/* The first certificate in tmp/name, NULL on failure. */
static __attribute__((unused)) X509 *
load_cert(const char *name)
{
	size_t len;
	char *t = slurp(name, &len);
	STACK_OF(X509) *sk = t != NULL ? cert_parse_any(t, len, NULL) : NULL;
	X509 *x = sk != NULL ? sk_X509_shift(sk) : NULL;

	sk_X509_pop_free(sk, X509_free);
	free(t);
	return x;
}

#endif
