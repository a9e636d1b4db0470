/* parser/cmd_cs.c - `crypto pki server CS` and its `(cs-server)#` mode:
 * the settings of reference 7.2. Each handler edits a copy of the
 * server's configuration and stores it through ca_cfg_set(), which refuses
 * CA-defining changes once the CA certificate exists. While the server is
 * enabled its configuration is locked except `grant` and `shutdown`.
 * Enabling (`no shutdown`) is parser/cmd_cs_enable.c. */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "lib/log.h"
#include "lib/type7.h"
#include "lib/url.h"
#include "parser/cs_cli.h"
#include "parser/vty.h"
#include "pki/pki.h"

#define LOCKED_MSG	"Server's configuration is locked  (enter \"shut\" " \
			"to unlock it)"

int
cs_cfg_cur(struct vty *v, struct ca_cfg *c)
{
	if (!ca_cfg_get(c) || strcmp(c->name, vty_ctx(v)) != 0) {
		vty_err(v, "Certificate server %s no longer exists",
		    vty_ctx(v));
		return -1;
	}
	return 0;
}

int
cs_cfg_store(struct vty *v, const struct ca_cfg *c)
{
	struct err e = { 0 };

	if ((vty_noecho(v) ? ca_cfg_replay(c, &e) : ca_cfg_set(c, &e)) == 0)
		return 0;
	if (e.code == E_PERM) {
		vty_out(v, "%%Some server settings cannot be changed after CA "
		    "certificate generation.\n");
		vty_fail(v);
	} else
		vty_err(v, "%s", e.msg);
	return -1;
}

/* Copy, check the lock, apply, store. */
int
cs_edit(struct vty *v, struct args *a, int live,
    int (*apply)(struct vty *, struct args *, struct ca_cfg *))
{
	struct ca_cfg c;

	if (cs_cfg_cur(v, &c) < 0)
		return -1;
	if (!live && (ca_enabled() || ca_sub_enrolling())) {
		vty_err(v, "%s", LOCKED_MSG);
		return -1;
	}
	if (apply(v, a, &c) < 0)
		return -1;
	return cs_cfg_store(v, &c);
}

static int
cmd_server(struct vty *v, struct args *a)
{
	const char *name = args_get(a, "server");
	struct err e = { 0 };
	int created;

	if (a->no)
		return cs_delete_dialog(v, name);
	if (ca_create(name, &created, &e) < 0) {
		vty_err(v, "%s", e.msg);
		return -1;
	}
	vty_set_mode(v, MODE_CS, name);
	return 0;
}

static int
apply_issuer(struct vty *v, struct args *a, struct ca_cfg *c)
{
	const char *dn = args_get(a, "issuer-name");
	struct err e = { 0 };
	X509_NAME *n;

	if (a->no || dn == NULL) {
		c->issuer[0] = '\0';
		return 0;
	}
	if (strlen(dn) >= sizeof(c->issuer) ||
	    (n = csr_parse_dn(dn, &e)) == NULL) {
		vty_err(v, "%s is not a valid issuer name", dn);
		return -1;
	}
	X509_NAME_free(n);
	snprintf(c->issuer, sizeof(c->issuer), "%s", dn);
	return 0;
}

static int
apply_grant(struct vty *v, struct args *a, struct ca_cfg *c)
{
	const char *tp = args_get(a, "trustpoint");

	c->grant_tp[0] = '\0';
	if (a->no)
		c->grant = CA_GRANT_MANUAL;
	else if (tp) {
		if (strlen(tp) > CA_NAME_MAX) {
			vty_err(v, "Trustpoint name too long (at most %d "
			    "characters)", CA_NAME_MAX);
			return -1;
		}
		c->grant = CA_GRANT_MANUAL;
		snprintf(c->grant_tp, sizeof(c->grant_tp), "%s", tp);
	} else if (args_has(a, "none"))
		c->grant = CA_GRANT_NONE;
	else if (args_has(a, "ra-auto"))
		c->grant = CA_GRANT_RA_AUTO;
	else {
		c->grant = CA_GRANT_AUTO;
		log_msg(SEV_INFO, "PKI", "CS_GRANT_AUTO", "All enrollment "
		    "requests will be automatically granted.");
	}
	return 0;
}

/* The minutes of `lifetime WHAT BIG [A [B]]`: days (certificates) or
 * hours (crl, enrollment-request). */
static int
apply_lifetime(struct vty *v, struct args *a, struct ca_cfg *c)
{
	int days = args_has(a, "certificate") || args_has(a, "ca-certificate");
	long big = args_int(a, "big", 0), x = args_int(a, "x", 0);
	long y = args_int(a, "y", 0), min;
	long *dst = args_has(a, "certificate") ? &c->life_cert :
	    args_has(a, "ca-certificate") ? &c->life_ca :
	    args_has(a, "crl") ? &c->life_crl : &c->life_req;

	if (days)
		min = big * 24 * 60 + x * 60 + y;
	else
		min = big * 60 + x;
	if (!a->no && min == 0) {
		vty_err(v, "The lifetime must be at least one minute");
		return -1;
	}
	*dst = a->no ? 0 : min;
	return 0;
}

static int
apply_level(struct vty *v, struct args *a, struct ca_cfg *c)
{
	c->level = a->no ? CA_LEVEL_MINIMUM : args_has(a, "complete") ?
	    CA_LEVEL_COMPLETE : args_has(a, "names") ? CA_LEVEL_NAMES :
	    CA_LEVEL_MINIMUM;
	return 0;
}

/* A local directory: nvram:, unix:/DIR, file:/DIR or /DIR. */
static int
apply_db_url(struct vty *v, struct args *a, struct ca_cfg *c)
{
	const char *u = args_get(a, "url");
	const char *p = u;

	if (a->no || u == NULL) {
		c->db_url[0] = '\0';
		return 0;
	}
	if (strncmp(u, "unix:", 5) == 0 || strncmp(u, "file:", 5) == 0)
		p = u + 5;
	if (strcmp(u, "nvram:") != 0 && p[0] != '/') {
		vty_err(v, "Database URL %s: only a local directory (nvram:, "
		    "unix:/DIR, file:/DIR or /DIR) is supported", u);
		return -1;
	}
	if (strlen(u) >= sizeof(c->db_url)) {
		vty_err(v, "Database URL too long");
		return -1;
	}
	snprintf(c->db_url, sizeof(c->db_url), "%s", strcmp(u, "nvram:") ?
	    u : "");
	return 0;
}

/* The password of `... password [<0-7>$type] LINE$pw` into pw ("" when
 * not given): type 7 is decoded; min..max characters. */
int
cs_password_arg(struct vty *v, struct args *a, char *pw, size_t len,
    size_t min, size_t max, const char *what)
{
	const char *p = args_get(a, "pw");
	long type = args_int(a, "type", 0);

	pw[0] = '\0';
	if (p == NULL)
		return 0;
	if (type == 7 && type7_decode(p, pw, len) < 0) {
		vty_err(v, "Invalid encrypted password");
		return -1;
	} else if (type != 7 && type != 0) {
		vty_err(v, "Encryption type %ld is not supported (0 or 7)",
		    type);
		return -1;
	} else if (type == 0)
		snprintf(pw, len, "%s", strlen(p) < len ? p : "");
	if (strlen(pw) < min || strlen(pw) > max) {
		explicit_bzero(pw, len);
		vty_err(v, "The %s must be %zu to %zu characters long", what,
		    min, max);
		return -1;
	}
	return 0;
}

static int
apply_archive(struct vty *v, struct args *a, struct ca_cfg *c)
{
	char pw[sizeof(c->archive_pw)];

	if (a->no) {
		c->archive = CA_ARCH_NONE;
		c->archive_pw[0] = '\0';
		return 0;
	}
	if (cs_password_arg(v, a, pw, sizeof(pw), 8, 200, "passphrase") < 0)
		return -1;
	c->archive = args_has(a, "pem") ? CA_ARCH_PEM : CA_ARCH_PKCS12;
	snprintf(c->archive_pw, sizeof(c->archive_pw), "%s", pw);
	explicit_bzero(pw, sizeof(pw));
	return 0;
}

static int
apply_cdp(struct vty *v, struct args *a, struct ca_cfg *c)
{
	const char *u = args_get(a, "url");
	struct err e = { 0 };

	if (a->no || u == NULL) {
		c->cdp_url[0] = '\0';
		return 0;
	}
	if (url_check(u, URL_WEB, NULL, &e) < 0) {
		vty_err(v, "%s", e.msg);
		return -1;
	}
	if (strlen(u) >= sizeof(c->cdp_url)) {
		vty_err(v, "URL too long (at most %zu characters)",
		    sizeof(c->cdp_url) - 1);
		return -1;
	}
	snprintf(c->cdp_url, sizeof(c->cdp_url), "%s", u);
	return 0;
}

/* hash and eku: the keywords after the command word. */
static int
apply_words(struct vty *v, struct args *a, struct ca_cfg *c)
{
	int hash = args_has(a, "hash");
	char *dst = hash ? c->hash : c->eku;
	size_t len = hash ? sizeof(c->hash) : sizeof(c->eku), n = 0;

	if (!a->no && a->n < 2) {
		vty_out(v, "%% Incomplete command.\n\n");
		vty_fail(v);
		return -1;
	}
	dst[0] = '\0';
	for (int i = 1; !a->no && i < a->n; i++)
		if (a->a[i].kw && !strstr(dst, a->a[i].kw))
			n += (size_t)snprintf(dst + n, len - n, "%s%s",
			    n ? " " : "", a->a[i].kw);
	return 0;
}

static int
apply_serial(struct vty *v, struct args *a, struct ca_cfg *c)
{
	const char *s = args_get(a, "serial");
	unsigned long long x;
	char *end;

	if (a->no || s == NULL) {
		c->serial_set = 0;
		c->serial = 0;
		return 0;
	}
	if (strncasecmp(s, "0x", 2) == 0)
		s += 2;
	errno = 0;
	x = strtoull(s, &end, 16);
	if (*s == '\0' || *end != '\0' || errno || !isxdigit((unsigned char)
	    *s) || strlen(s) > 16) {
		vty_err(v, "Invalid serial number %s: up to 16 hex digits",
		    args_get(a, "serial"));
		return -1;
	}
	c->serial_set = 1;
	c->serial = x;
	return 0;
}

#define EDIT_FN(name, live, fn) \
	static int name(struct vty *v, struct args *a) \
	{ return cs_edit(v, a, live, fn); }
EDIT_FN(cmd_issuer, 0, apply_issuer)
EDIT_FN(cmd_grant, 1, apply_grant)
EDIT_FN(cmd_lifetime, 0, apply_lifetime)
EDIT_FN(cmd_level, 0, apply_level)
EDIT_FN(cmd_db_url, 0, apply_db_url)
EDIT_FN(cmd_archive, 0, apply_archive)
EDIT_FN(cmd_cdp, 0, apply_cdp)
EDIT_FN(cmd_words, 0, apply_words)
EDIT_FN(cmd_serial, 0, apply_serial)

static int
cmd_cs_show(struct vty *v, struct args *a)
{
	char *s = ca_show_server();

	if (s == NULL) {
		vty_err(v, "Certificate server %s no longer exists",
		    vty_ctx(v));
		return -1;
	}
	vty_out(v, "%s", s);
	free(s);
	return 0;
}

#define LIFE_HELP "lifetime=Set lifetimes\ncertificate=Certificate " \
	"lifetime\nca-certificate=CA certificate lifetime\ncrl=CRL lifetime" \
	"\nenrollment-request=Enrollment request lifetime\n"

static const struct cmd_def cs_cmds[] = {
	{ M(MODE_CONFIG), 15, "crypto pki server WORD$server", "server="
	    "Enable IOS Certificate Server\nWORD=Certificate Server Name "
	    "(<= 64 char)", cmd_server, CMD_NO },
	{ M(MODE_CS), 15, "issuer-name LINE", "issuer-name=Set issuer name\n"
	    "LINE=Issuer name (X.500 distinguished name)", cmd_issuer,
	    CMD_NO },
	{ M(MODE_CS), 15, "grant {auto|none|ra-auto}", "grant=Grant "
	    "enrollment requests\nauto=Automatically grant incoming "
	    "enrollment requests\nnone=Automatically reject any enrollment "
	    "request\nra-auto=Automatically grant requests forwarded by an "
	    "RA", cmd_grant,
	    CMD_NO },
	{ M(MODE_CS), 15, "grant", NULL, cmd_grant, CMD_NOONLY },
	{ M(MODE_CS), 15, "grant auto trustpoint WORD$trustpoint",
	    "trustpoint=Automatically grant requests signed by a certificate "
	    "of this trustpoint\nWORD=Trustpoint name", cmd_grant, 0 },
	{ M(MODE_CS), 15, "lifetime {certificate|ca-certificate} "
	    "<0-7305>$big [<0-23>$x [<0-59>$y]]", LIFE_HELP "<0-7305>="
	    "Lifetime in days\n<0-23>=Hours\n<0-59>=Minutes", cmd_lifetime,
	    CMD_NO },
	{ M(MODE_CS), 15, "lifetime crl <0-336>$big [<0-59>$x]", LIFE_HELP
	    "<0-336>=Lifetime in hours\n<0-59>=Minutes", cmd_lifetime,
	    CMD_NO },
	{ M(MODE_CS), 15, "lifetime enrollment-request <0-1000>$big "
	    "[<0-59>$x]", LIFE_HELP "<0-1000>=Lifetime in hours\n<0-59>="
	    "Minutes", cmd_lifetime, CMD_NO },
	{ M(MODE_CS), 15, "database level {minimum|names|complete}",
	    "database=Set Certificate Server database location\nlevel="
	    "Set the database level\nminimum=No certificate data written to "
	    "storage\nnames=Names and serial numbers of issued certificates "
	    "written\ncomplete=All issued certificates written", cmd_level,
	    CMD_NO },
	{ M(MODE_CS), 15, "database level", NULL, cmd_level, CMD_NOONLY },
	{ M(MODE_CS), 15, "database url WORD$url", "url=Set the database URL"
	    "\nWORD=nvram:, unix:/DIR, file:/DIR or /DIR", cmd_db_url,
	    CMD_NO },
	{ M(MODE_CS), 15, "database archive {pkcs12|pem} [password "
	    "[<0-7>$type] LINE$pw]", "archive=Archive the CA key and "
	    "certificate\npkcs12=Archive in PKCS12 format\npem=Archive in PEM "
	    "format\npassword=Password to protect the archive\n<0-7>="
	    "Encryption type (0 unencrypted, 7 hidden)\nLINE=The password (8 "
	    "to 200 characters)", cmd_archive, CMD_NO },
	{ M(MODE_CS), 15, "database archive", NULL, cmd_archive, CMD_NOONLY },
	{ M(MODE_CS), 15, "cdp-url URL$url", "cdp-url=Set CDP location\n"
	    "URL=http:// URL of the CRL", cmd_cdp, CMD_NO },
	{ M(MODE_CS), 15, "hash {md5|sha1|sha256|sha384|sha512}", "hash="
	    "Hash Algorithm\nmd5=MD5\nsha1=SHA1\nsha256=SHA256\nsha384="
	    "SHA384\nsha512=SHA512", cmd_words, CMD_NO },
	{ M(MODE_CS), 15, "eku {* [client-auth] [server-auth] [code-signing] "
	    "[email-protection] [time-stamping] [ocsp-signing] *}", "eku=Set "
	    "Extended Key Usage\nclient-auth=Client authentication\n"
	    "server-auth=Server authentication\ncode-signing=Code signing\n"
	    "email-protection=E-mail protection\ntime-stamping=Time stamping"
	    "\nocsp-signing=OCSP signing", cmd_words, CMD_NO },
	{ M(MODE_CS), 15, "{hash|eku}", NULL, cmd_words, CMD_NOONLY },
	{ M(MODE_CS), 15, "serial-number WORD$serial", "serial-number=Set "
	    "Certificate Serial Number\nWORD=Serial of the last issued "
	    "certificate (hex)", cmd_serial, CMD_NO },
	{ M(MODE_CS), 15, "show", "show=Show certificate server "
	    "configuration", cmd_cs_show, 0 },
	{ 0, 0, NULL, NULL, NULL, 0 }
};

void
cmds_cs_install(void)
{
	cmd_install(cs_cmds);
	cmds_cs_enable_install();
	cmds_cs_exec_install();
	cmds_cs_show_install();
	cmds_cs_sub_install();
}
