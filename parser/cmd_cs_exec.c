/* parser/cmd_cs_exec.c - EXEC commands on the certificate server
 * (reference 7.4): `crypto pki server CS grant|reject|remove {all|ID}`,
 * `revoke|unrevoke SERIAL`, `info {crl|requests}`, `password generate
 * [MINUTES]` and `request pkcs10 terminal` with its paste dialog. */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <openssl/x509.h>
#include "lib/b64.h"
#include "parser/cs_cli.h"
#include "parser/vty.h"
#include "pki/pki.h"

#define CSR_PASTE_MAX	(64 * 1024)

static int
fail(struct vty *v, const struct err *e)
{
	vty_err(v, "%s", e->msg);
	return -1;
}

static int
cmd_queue(struct vty *v, struct args *a)
{
	unsigned id = args_has(a, "all") ? 0 : (unsigned)args_int(a, "id", 0);
	struct err e = { 0 };
	int rc;

	if (cs_need_server(v, args_get(a, "server")) < 0)
		return -1;
	if (args_has(a, "grant"))
		rc = ca_req_grant(id, &e);
	else if (args_has(a, "reject"))
		rc = ca_req_reject(id, &e);
	else
		rc = ca_req_remove(id, &e);
	return rc < 0 ? fail(v, &e) : 0;
}

/* Hex, "0x" optional, into *out; -1 after a % error. */
static int
parse_serial(struct vty *v, const char *s, uint64_t *out)
{
	const char *p = strncasecmp(s, "0x", 2) == 0 ? s + 2 : s;
	unsigned long long x;
	char *end;

	errno = 0;
	x = strtoull(p, &end, 16);
	if (!isxdigit((unsigned char)*p) || *end != '\0' || errno ||
	    strlen(p) > 16) {
		vty_err(v, "Invalid serial number %s: up to 16 hex digits", s);
		return -1;
	}
	*out = x;
	return 0;
}

static int
cmd_revoke(struct vty *v, struct args *a)
{
	int un = args_has(a, "unrevoke");
	struct err e = { 0 };
	uint64_t serial;
	char hex[24];

	if (cs_need_server(v, args_get(a, "server")) < 0 ||
	    parse_serial(v, args_get(a, "serial"), &serial) < 0)
		return -1;
	if (ca_revoke(serial, un, &e) < 0)
		return fail(v, &e);
	snprintf(hex, sizeof(hex), "%llX", (unsigned long long)serial);
	vty_out(v, "%% Certificate %s%s succesfully %srevoked.\n",
	    strlen(hex) % 2 ? "0" : "", hex, un ? "un" : "");
	return 0;
}

static int
print_view(struct vty *v, char *text, const struct err *e)
{
	if (text == NULL)
		return fail(v, e);
	vty_out(v, "%s", text);
	free(text);
	return 0;
}

static int
cmd_info(struct vty *v, struct args *a)
{
	struct err e = { 0 };

	if (cs_need_server(v, args_get(a, "server")) < 0)
		return -1;
	if (args_has(a, "crl"))
		return print_view(v, ca_show_crl(&e), &e);
	return print_view(v, ca_show_requests(&e), &e);
}

static int
cmd_password(struct vty *v, struct args *a)
{
	int min = (int)args_int(a, "minutes", 60);
	struct err e = { 0 };
	char *pw = NULL;

	if (cs_need_server(v, args_get(a, "server")) < 0)
		return -1;
	if (ca_password_generate(min, &pw, &e) < 0)
		return fail(v, &e);
	vty_out(v, "%% New one-time enrollment password: %s\n"
	    "%% Valid for %d minute%s\n", pw, min, min == 1 ? "" : "s");
	explicit_bzero(pw, strlen(pw));
	free(pw);
	return 0;
}

/* A pasted request: PEM (the armour lines are skipped) or bare base64. */
static X509_REQ *
csr_from_text(const char *text)
{
	const unsigned char *p;
	unsigned char *der;
	char *b64 = calloc(1, strlen(text) + 1);
	size_t n = 0, len;
	const char *l, *e;
	X509_REQ *r = NULL;

	if (b64 == NULL)
		return NULL;
	for (l = text; *l; l = e + (*e == '\n')) {
		e = l + strcspn(l, "\n");
		if (strncmp(l, "-----", 5) != 0) {
			memcpy(b64 + n, l, (size_t)(e - l));
			n += (size_t)(e - l);
		}
	}
	if ((der = b64_decode(b64, n, &len, 0)) != NULL) {
		p = der;
		r = d2i_X509_REQ(NULL, &p, (long)len);
		if (r && p != der + len) {
			X509_REQ_free(r);
			r = NULL;
		}
	}
	free(der);
	free(b64);
	return r;
}

/* The certificate as base64 lines (or the PEM block when pem). */
static void
print_cert(struct vty *v, X509 *x, int pem)
{
	char *s = cert_to_pem(x);
	const char *l, *e;

	for (l = s; l && *l; l = e + (*e == '\n')) {
		e = l + strcspn(l, "\n");
		if (pem || strncmp(l, "-----", 5) != 0)
			vty_out(v, "%.*s\n", (int)(e - l), l);
	}
	free(s);
}

static int
cmd_request(struct vty *v, struct args *a)
{
	struct err e = { 0 };
	X509_REQ *req;
	X509 *cert = NULL;
	char *text;

	if (cs_need_server(v, args_get(a, "server")) < 0)
		return -1;
	vty_out(v, "PKCS10 request in base64 or pem\n\n%% Enter Base64 "
	    "encoded or PEM formatted PKCS10 enrollment request.\n%% End "
	    "with a blank line or \"quit\" on a line by itself.\n");
	if ((text = vty_read_paste(v, CSR_PASTE_MAX, 1)) == NULL) {
		vty_err(v, "Aborted.");
		return -1;
	}
	req = csr_from_text(text);
	free(text);
	if (req == NULL) {
		vty_err(v, "Invalid PKCS10 request: not a base64 or PEM "
		    "certificate request");
		return -1;
	}
	if (ca_sign_csr(req, &cert, &e) < 0) {
		X509_REQ_free(req);
		return fail(v, &e);
	}
	X509_REQ_free(req);
	vty_out(v, "\n%% Granted certificate:\n");
	print_cert(v, cert, args_has(a, "pem"));
	X509_free(cert);
	return 0;
}

#define CS_EXEC	"crypto pki server WORD$server "
/* The server's WORD node takes its help from the first command; the
 * others name only their own placeholders. */
#define CS_KW	"crypto=Encryption module\npki=Public Key components\n" \
	"server=Certificate Server\n"
#define CS_HELP	CS_KW "WORD=Certificate Server Name\n"

static const struct cmd_def exec_cmds[] = {
	{ M(MODE_EXEC), 15, CS_EXEC "{grant|reject|remove} {all|"
	    "<1-2147483647>$id}", CS_HELP "grant=Grant enrollment requests\n"
	    "reject=Reject enrollment requests\nremove=Remove enrollment "
	    "requests from the database\nall=All pending requests\n"
	    "<1-2147483647>=Request ID", cmd_queue, 0 },
	{ M(MODE_EXEC), 15, CS_EXEC "{revoke|unrevoke} WORD$serial", CS_KW
	    "revoke=Revoke a certificate\nunrevoke=Unrevoke a certificate\n"
	    "WORD=Certificate serial number (hex)", cmd_revoke, 0 },
	{ M(MODE_EXEC), 15, CS_EXEC "info {crl|requests}", CS_KW "info="
	    "Certificate Server information\ncrl=The certificate revocation "
	    "list\nrequests=The enrollment request database", cmd_info, 0 },
	{ M(MODE_EXEC), 15, CS_EXEC "password generate [<1-1440>$minutes]",
	    CS_KW "password=One-time enrollment passwords\ngenerate="
	    "Generate a one-time enrollment password\n<1-1440>=Validity in "
	    "minutes (default 60)", cmd_password, 0 },
	{ M(MODE_EXEC), 15, CS_EXEC "request pkcs10 terminal [{base64|pem}]",
	    CS_KW "request=Submit a certificate request\npkcs10=PKCS10 "
	    "request\nterminal=Paste the request on the terminal\nbase64="
	    "Print the certificate in base64\npem=Print the certificate in "
	    "PEM", cmd_request, 0 },
	{ 0, 0, NULL, NULL, NULL, 0 }
};

void
cmds_cs_exec_install(void)
{
	cmd_install(exec_cmds);
}
