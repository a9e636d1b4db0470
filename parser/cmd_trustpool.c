/* parser/cmd_trustpool.c - `crypto pki trustpool import|clean` and
 * `show crypto pki trustpool` (ios-pki.md sections 6.5 and 8.5). Thin
 * handlers over pki/trustpool. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "lib/fileio.h"
#include "lib/url.h"
#include "parser/pki_cli.h"
#include "pki/pki.h"

#define PASTE_MAX	(1024 * 1024)
#define URL_FILE_MAX	(8 * 1024 * 1024)

/* Pasted PEM certificates (one or more) up to a line "quit". */
static STACK_OF(X509) *
read_terminal(struct vty *v)
{
	struct err e = { 0 };
	STACK_OF(X509) *sk;
	char *text;

	vty_out(v, "%% Enter PEM-formatted CA certificate(s).\n"
	    "%% End with \"quit\" on a line by itself.\n");
	vty_flush(v);
	if ((text = vty_read_paste(v, PASTE_MAX, 0)) == NULL) {
		if (!vty_failed(v))
			vty_err(v, "Input aborted; trustpool unchanged");
		return NULL;
	}
	if ((sk = trustpool_parse(text, strlen(text), &e)) == NULL)
		vty_err(v, "PEM files import failed: %s", e.msg);
	free(text);
	return sk;
}

/* Certificates from a file: URL (absolute path). */
static STACK_OF(X509) *
read_url(struct vty *v, const char *url)
{
	struct err e = { 0 };
	struct url_parts u;
	STACK_OF(X509) *sk;
	const char *path;
	char *text;
	size_t len;

	if (strncmp(url, "file:", 5) != 0) {
		vty_err(v, "Invalid URL %s: only file:/ABSOLUTE/PATH is "
		    "supported", url);
		return NULL;
	}
	if (url_check(url, URL_FILE, &u, &e) < 0) {
		vty_err(v, "%s", e.msg);
		return NULL;
	}
	path = url + strlen(url) - strlen(u.path);	/* its tail */
	vty_out(v, "Reading file from %s\n", url);
	if ((text = file_read(path, URL_FILE_MAX, &len, &e)) == NULL) {
		vty_err(v, "Error reading %s: %s", url, e.msg);
		return NULL;
	}
	if ((sk = trustpool_parse(text, len, &e)) == NULL)
		vty_err(v, "PEM files import failed: %s", e.msg);
	free(text);
	return sk;
}

static int
cmd_tpool_import(struct vty *v, struct args *a)
{
	struct err e = { 0 };
	STACK_OF(X509) *sk = NULL;
	int clean = args_has(a, "clean"), added, rc = -1;

	if (args_has(a, "url"))
		sk = read_url(v, args_get(a, "url"));
	else if (args_has(a, "terminal"))
		sk = read_terminal(v);
	else {
		if (trustpool_clean(&e) < 0) {
			vty_err(v, "%s", e.msg);
			return -1;
		}
		vty_out(v, "%% Trustpool cleaned: all downloaded CA "
		    "certificates removed.\n");
		return 0;
	}
	if (sk == NULL)
		return -1;
	if (trustpool_add(sk, clean, &added, &e) < 0)
		vty_err(v, "PEM files import failed: %s; trustpool unchanged",
		    e.msg);
	else {
		vty_out(v, "%% PEM files import succeeded.\n");
		vty_out(v, "%% %d CA certificate(s) added, %d already in the "
		    "trustpool.\n", added, sk_X509_num(sk) - added);
		rc = 0;
	}
	sk_X509_pop_free(sk, X509_free);
	return rc;
}

static int
cmd_show_tpool(struct vty *v, struct args *a)
{
	static const char *const tps[] = { "Trustpool" };
	STACK_OF(X509) *sk = trustpool_get1();
	char *out;

	if (sk == NULL) {
		vty_err(v, "out of memory");
		return -1;
	}
	for (int i = 0; i < sk_X509_num(sk); i++) {
		out = cert_show_ios(sk_X509_value(sk, i), "CA Certificate", tps,
		    1, NULL, 0, args_has(a, "verbose"));
		if (out == NULL)
			continue;
		vty_out(v, "%s%s  Trustpool: Downloaded\n", i ? "\n" : "", out);
		free(out);
	}
	sk_X509_pop_free(sk, X509_free);
	return 0;
}

static const struct cmd_def trustpool_cmds[] = {
	{ M(MODE_CONFIG), 15, "crypto pki trustpool import [clean] "
	    "{terminal|url URL$url}", "trustpool=Crypto PKI trustpool\n"
	    "import=Import CA certificates into the trustpool\nclean=Remove "
	    "all downloaded certificates first\nterminal=Paste PEM "
	    "certificates on the terminal\nurl=Read a file\nURL=file:/PATH",
	    cmd_tpool_import, 0 },
	{ M(MODE_CONFIG), 15, "crypto pki trustpool import clean",
	    "clean=Remove all downloaded certificates", cmd_tpool_import, 0 },
	{ M(MODE_CONFIG), 15, "crypto pki trustpool clean", "clean=Remove all "
	    "downloaded certificates", cmd_tpool_import, 0 },
	{ M(MODE_EXEC), 1, "show crypto pki trustpool [verbose]", "trustpool="
	    "Show the trustpool CA certificates\nverbose=Display in verbose "
	    "mode", cmd_show_tpool, 0 },
	{ 0, 0, NULL, NULL, NULL, 0 }
};

void
cmds_trustpool_install(void)
{
	cmd_install(trustpool_cmds);
}
