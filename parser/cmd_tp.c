/* parser/cmd_tp.c - `crypto pki trustpoint` and its sub-mode */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "lib/log.h"
#include "lib/url.h"
#include "parser/commands.h"
#include "parser/vty.h"
#include "pki/pki.h"
#include "parser/pki_cli.h"

#define LETSENCRYPT_URL "https://acme-v02.api.letsencrypt.org/directory"

static struct tp_cfg *
cur(struct vty *v)
{
	struct tp_cfg *c = tp_lock(vty_ctx(v));

	if (c == NULL)
		vty_err(v, "Trustpoint %s no longer exists", vty_ctx(v));
	return c;
}

static int
cmd_trustpoint(struct vty *v, struct args *a)
{
	const char *name = args_get(a, "trustpoint");
	struct err e = { 0 };
	int created;

	if (a->no)
		return tp_delete_dialog(v, name);
	if (tp_create(name, &created, &e) < 0) {
		vty_err(v, "%s", e.msg);
		return -1;
	}
	if (created)
		log_msg(SEV_INFO, "PKI", "TRUSTPOINT_CREATE",
		    "Trustpoint: %s created succesfully", name);
	vty_set_mode(v, MODE_TP, name);
	return 0;
}

static int
set_url(struct vty *v, char *dst, size_t len, const char *url)
{
	struct err e = { 0 };

	if (url_check(url, URL_WEB, NULL, &e) < 0) {
		vty_err(v, "%s", e.msg);
		return -1;
	}
	if (strlen(url) >= len) {
		vty_err(v, "URL too long (at most %zu characters)", len - 1);
		return -1;
	}
	snprintf(dst, len, "%s", url);
	return 0;
}

/* Choose (or, for `no`, clear if current) the enrollment method. */
static void
method(struct tp_cfg *n, enum tp_enroll m, int no)
{
	if (!no)
		n->enroll = m;
	else if (n->enroll == m)
		n->enroll = TP_EN_NONE;
}

/* Edit a copy (the apply step may print % errors without the store
 * lock), then store it if the trustpoint still exists. */
static int
edit(struct vty *v, struct args *a,
    int (*apply)(struct vty *, struct args *, struct tp_cfg *))
{
	struct tp_cfg *c, n;
	int rc;

	if ((c = cur(v)) == NULL)
		return -1;
	n = *c;
	tp_unlock();
	if ((rc = apply(v, a, &n)) == 0 && (c = cur(v)) != NULL) {
		*c = n;
		tp_unlock();
	}
	return rc;
}

static int
apply_enrollment(struct vty *v, struct args *a, struct tp_cfg *n)
{
	if (args_has(a, "url")) {
		if (!a->no && set_url(v, n->url, sizeof(n->url),
		    args_get(a, "url")) < 0)
			return -1;
		method(n, TP_EN_URL, a->no);
	} else if (args_has(a, "terminal")) {
		method(n, TP_EN_TERMINAL, a->no);
		n->terminal_pem = !a->no && args_has(a, "pem");
	} else if (args_has(a, "selfsigned") || args_has(a, "self"))
		method(n, TP_EN_SELFSIGNED, a->no);
	else if (args_has(a, "pkcs12"))
		method(n, TP_EN_PKCS12, a->no);
	else if (args_has(a, "mode"))
		n->mode_ra = !a->no;
	else if (args_has(a, "count"))
		n->retry_count = a->no ? 0 : (int)args_int(a, "count", 0);
	else if (args_has(a, "period"))
		n->retry_period = a->no ? 0 : (int)args_int(a, "period", 0);
	else if (args_has(a, "interface"))
		snprintf(n->enroll_if, sizeof(n->enroll_if), "%s", a->no ? "" :
		    args_get(a, "interface"));
	return 0;
}

static int
apply_protocol(struct vty *v, struct args *a, struct tp_cfg *n)
{
	const char *u;

	if (args_has(a, "scep")) {
		if (!a->no && set_url(v, n->url, sizeof(n->url),
		    args_get(a, "url")) < 0)
			return -1;
		method(n, TP_EN_SCEP, a->no);
	} else if (args_has(a, "http01"))
		snprintf(n->acme_http01_if, sizeof(n->acme_http01_if), "%s",
		    a->no ? "" : args_get(a, "http01"));
	else if (args_has(a, "contact"))
		snprintf(n->acme_contact, sizeof(n->acme_contact), "%s",
		    a->no ? "" : args_get(a, "contact"));
	else if (a->no) {
		method(n, TP_EN_ACME, 1);
		n->acme_url[0] = '\0';
	} else {
		u = args_has(a, "LetsEncrypt") ? LETSENCRYPT_URL :
		    args_get(a, "url");
		if (u && strncmp(u, "https://", 8) != 0 &&
		    strncmp(u, "http://", 7) == 0) {
			vty_err(v, "ACME requires an https:// URL");
			return -1;
		}
		if (u && set_url(v, n->acme_url, sizeof(n->acme_url), u) < 0)
			return -1;
		method(n, TP_EN_ACME, 0);
	}
	return 0;
}

static int
cmd_enrollment(struct vty *v, struct args *a)
{
	return edit(v, a, apply_enrollment);
}

static int
cmd_protocol(struct vty *v, struct args *a)
{
	return edit(v, a, apply_protocol);
}

static int
cmd_auto_enroll(struct vty *v, struct args *a)
{
	struct tp_cfg *c = cur(v);
	long pct = args_int(a, "auto-enroll", 0);

	if (c == NULL)
		return -1;
	c->auto_enroll = !a->no;
	c->auto_pct = a->no ? 0 : (int)pct;
	c->auto_regen = !a->no && args_has(a, "regenerate");
	tp_unlock();
	return 0;
}

static int
check_label(struct vty *v, const char *l)
{
	if (strlen(l) > 127 || l[0] == '.' || strspn(l, "ABCDEFGHIJKLMNOPQRSTUV"
	    "WXYZabcdefghijklmnopqrstuvwxyz0123456789._-") != strlen(l)) {
		vty_err(v, "Invalid key label %s", l);
		return -1;
	}
	return 0;
}

static int
cmd_keypair(struct vty *v, struct args *a)
{
	const char *l = args_get(a, "label");
	struct tp_cfg *c;

	if (!a->no && l && check_label(v, l) < 0)
		return -1;
	if ((c = cur(v)) == NULL)
		return -1;
	if (args_has(a, "modulus"))
		c->keypair_modulus = a->no ? 0 : (int)args_int(a, "modulus", 0);
	else if (args_has(a, "eckeypair")) {
		snprintf(c->eckeypair, sizeof(c->eckeypair), "%s", a->no ? "" :
		    l);
		if (!a->no)
			c->rsakeypair[0] = '\0';
	} else {
		snprintf(c->rsakeypair, sizeof(c->rsakeypair), "%s",
		    a->no ? "" : l);
		c->rsa_bits = a->no ? 0 : (int)args_int(a, "bits", 0);
		c->rsa_bits2 = a->no ? 0 : (int)args_int(a, "bits2", 0);
		if (!a->no)
			c->eckeypair[0] = '\0';
	}
	tp_unlock();
	return 0;
}

static int
cmd_subject(struct vty *v, struct args *a)
{
	const char *s = args_get(a, "subject-name");
	struct err e = { 0 };
	X509_NAME *n;
	struct tp_cfg *c;

	if (!a->no && s) {
		if ((n = csr_parse_dn(s, &e)) == NULL) {
			vty_err(v, "%s is not a valid subject name", s);
			return -1;
		}
		X509_NAME_free(n);
	}
	if ((c = cur(v)) == NULL)
		return -1;
	snprintf(c->subject, sizeof(c->subject), "%s", a->no || !s ? "" : s);
	tp_unlock();
	return 0;
}

static int
cmd_san(struct vty *v, struct args *a)
{
	const char *s = args_get(a, "subject-alt-name");
	struct tp_cfg *c = cur(v);
	int i;

	if (c == NULL)
		return -1;
	for (i = 0; i < c->nsans; i++)
		if (s && strcasecmp(c->sans[i], s) == 0)
			break;
	if (a->no) {
		if (s == NULL)
			c->nsans = 0;
		else if (i < c->nsans) {
			memmove(c->sans[i], c->sans[i + 1], (size_t)(c->nsans -
			    i - 1) * sizeof(c->sans[0]));
			c->nsans--;
		}
	} else if (i == c->nsans) {
		if (c->nsans == TP_MAX_SANS || strlen(s) >= sizeof(c->sans[0]) ||
		    strchr(s, ' ')) {
			tp_unlock();
			vty_err(v, "Invalid or too many subject-alt-name entries");
			return -1;
		}
		snprintf(c->sans[c->nsans++], sizeof(c->sans[0]), "%s", s);
	}
	tp_unlock();
	return 0;
}

static int
cmd_string(struct vty *v, struct args *a)
{
	struct tp_cfg *c;
	char *dst;
	size_t len;
	const char *val = NULL;

	if ((c = cur(v)) == NULL)
		return -1;
	if (args_has(a, "fqdn")) {
		dst = c->fqdn, len = sizeof(c->fqdn);
		val = args_has(a, "none") ? "none" : args_get(a, "fqdn");
	} else if (args_has(a, "ip-address")) {
		dst = c->ip_address, len = sizeof(c->ip_address);
		val = args_has(a, "none") ? "none" : args_get(a, "ip-address");
	} else if (args_has(a, "usage")) {
		dst = c->usage, len = sizeof(c->usage);
		val = a->a[a->n - 1].kw;
	} else if (args_has(a, "hash")) {
		dst = c->hash, len = sizeof(c->hash);
		val = a->a[a->n - 1].kw;
	} else {
		dst = c->password, len = sizeof(c->password);
		val = args_get(a, "password");
		c->password_type = (int)args_int(a, "type", 0);
	}
	if (a->no || val == NULL)
		dst[0] = '\0';
	else if (strlen(val) >= len) {
		tp_unlock();
		vty_err(v, "Value too long");
		return -1;
	} else
		snprintf(dst, len, "%s", val);
	tp_unlock();
	return 0;
}

static int
cmd_fingerprint(struct vty *v, struct args *a)
{
	const char *f = args_get(a, "fingerprint");
	char hex[130];
	size_t n = 0;
	struct tp_cfg *c;

	for (const char *p = f; !a->no && p && *p; p++) {
		if (!isxdigit((unsigned char)*p) || n + 1 >= sizeof(hex)) {
			vty_err(v, "Fingerprint must be hexadecimal");
			return -1;
		}
		hex[n++] = (char)toupper((unsigned char)*p);
	}
	hex[n] = '\0';
	if (!a->no && n != 32 && n != 40 && n != 64) {
		vty_err(v, "Fingerprint must be an MD5 (32), SHA1 (40) or "
		    "SHA256 (64 hex digit) hash");
		return -1;
	}
	if ((c = cur(v)) == NULL)
		return -1;
	snprintf(c->fingerprint, sizeof(c->fingerprint), "%s", a->no ? "" :
	    hex);
	tp_unlock();
	return 0;
}

static int
cmd_serial(struct vty *v, struct args *a)
{
	struct tp_cfg *c = cur(v);

	if (c == NULL)
		return -1;
	c->serial = a->no ? 0 : args_has(a, "none") ? 2 : 1;
	tp_unlock();
	return 0;
}

static int
cmd_revocation(struct vty *v, struct args *a)
{
	char buf[64] = "";
	struct tp_cfg *c;
	size_t n = 0;

	for (int i = 1; !a->no && i < a->n; i++)
		n += (size_t)snprintf(buf + n, sizeof(buf) - n, "%s%s",
		    n ? " " : "", a->a[i].kw);
	if (!a->no && n == 0) {
		vty_out(v, "%% Incomplete command.\n\n");
		vty_fail(v);
		return -1;
	}
	if ((c = cur(v)) == NULL)
		return -1;
	snprintf(c->revocation, sizeof(c->revocation), "%s", buf);
	tp_unlock();
	return 0;
}

static int
cmd_tp_show(struct vty *v, struct args *a)
{
	struct tp_cfg c;
	struct err e = { 0 };

	if (tp_get_cfg(vty_ctx(v), &c, &e) < 0) {
		vty_err(v, "%s", e.msg);
		return -1;
	}
	tp_show_cfg(v, &c);
	return 0;
}

static const struct cmd_def tp_cmds[] = {
	{ M(MODE_CONFIG), 15, "crypto {pki|ca} trustpoint WORD$trustpoint",
	    "WORD=Trustpoint Name (<65 char)\nca=Certification authority",
	    cmd_trustpoint, CMD_NO },
	{ M(MODE_TP), 15, "enrollment url URL", "url=CA server enrollment URL"
	    "\nURL=http:// or https:// URL", cmd_enrollment, CMD_NO },
	{ M(MODE_TP), 15, "enrollment terminal [pem]", "terminal=Enroll via "
	    "the terminal (cut-and-paste)\npem=Use PEM boundaries",
	    cmd_enrollment, CMD_NO },
	{ M(MODE_TP), 15, "enrollment {selfsigned|self}", "selfsigned="
	    "Generate a Self Signed Certificate\nself=Generate a Self Signed "
	    "Certificate", cmd_enrollment, CMD_NO },
	{ M(MODE_TP), 15, "enrollment pkcs12", "pkcs12=Enroll via PKCS#12 "
	    "import", cmd_enrollment, CMD_NO },
	{ M(MODE_TP), 15, "enrollment mode ra", "mode=Mode supported by the "
	    "Certificate Authority\nra=Registration Authority mode",
	    cmd_enrollment, CMD_NO },
	{ M(MODE_TP), 15, "enrollment retry {count <1-100>|period <1-60>}",
	    "retry=Polling parameters\ncount=How many times the router should "
	    "poll the CA\nperiod=Poll period\n<1-100>=Number of retries\n"
	    "<1-60>=Minutes", cmd_enrollment, CMD_NO },
	{ M(MODE_TP), 15, "enrollment interface WORD", "interface=Interface "
	    "used to reach the CA\nWORD=Interface name", cmd_enrollment,
	    CMD_NO },
	{ M(MODE_TP), 15, "enrollment protocol scep url URL", "scep=Simple "
	    "Certificate Enrollment Protocol\nurl=SCEP server URL",
	    cmd_protocol, CMD_NO },
	{ M(MODE_TP), 15, "enrollment protocol acme url {URL|LetsEncrypt}",
	    "acme=Automatic Certificate Management Environment\nurl=ACME "
	    "directory URL\nURL=< 477 char URL\nLetsEncrypt=Use the Let's "
	    "Encrypt CA", cmd_protocol, CMD_NO },
	{ M(MODE_TP), 15, "enrollment protocol acme authentication http01 "
	    "WORD", "authentication=ACME challenge method\nhttp01=Use the "
	    "HTTP-01 method, which opens port 80 on the specified interface\n"
	    "WORD=Interface name", cmd_protocol, CMD_NO },
	{ M(MODE_TP), 15, "enrollment protocol acme contact WORD",
	    "contact=ACME account contact e-mail\nWORD=E-mail address",
	    cmd_protocol, CMD_NO },
	{ M(MODE_TP), 15, "auto-enroll [<0-100>] [regenerate]", "<0-100>="
	    "percentage of the certificate lifetime\nregenerate=Generate a new "
	    "key pair for each renewal", cmd_auto_enroll, CMD_NO },
	{ M(MODE_TP), 15, "rsakeypair WORD$label [<512-4096>$bits "
	    "[<512-4096>$bits2]]", "WORD=RSA key pair label\n<512-4096>=Size "
	    "of the key", cmd_keypair, CMD_NO },
	{ M(MODE_TP), 15, "eckeypair WORD$label", "eckeypair=Which EC key "
	    "pair to use for this trustpoint\nWORD=EC key pair label",
	    cmd_keypair, CMD_NO },
	{ M(MODE_TP), 15, "keypair rsa modulus <1024-4096>", "rsa=Generate an "
	    "RSA key pair for this trustpoint\nmodulus=Modulus size\n"
	    "<1024-4096>=Bits", cmd_keypair, CMD_NO },
	{ M(MODE_TP), 15, "keypair WORD$label", "WORD=Key pair name",
	    cmd_keypair, 0 },
	{ M(MODE_TP), 15, "subject-name [LINE]", "LINE=X.500 distinguished "
	    "name", cmd_subject, CMD_NO },
	{ M(MODE_TP), 15, "subject-alt-name WORD", "WORD=DNS name",
	    cmd_san, CMD_NO },
	{ M(MODE_TP), 15, "fqdn {none|WORD}", "none=Do not include a fully "
	    "qualified domain name\nWORD=Fully qualified domain name",
	    cmd_string, CMD_NO },
	{ M(MODE_TP), 15, "ip-address {none|A.B.C.D|WORD}", "none=Do not "
	    "include an IP address\nA.B.C.D=IP address\nWORD=Interface name",
	    cmd_string, CMD_NO },
	{ M(MODE_TP), 15, "serial-number [none]", "none=Do not include the "
	    "serial number", cmd_serial, CMD_NO },
	{ M(MODE_TP), 15, "password [<0-7>$type] LINE$password", "<0-7>="
	    "Encryption type\nLINE=Password", cmd_string, CMD_NO },
	{ M(MODE_TP), 15, "fingerprint WORD", "WORD=CA certificate "
	    "fingerprint (hex)", cmd_fingerprint, CMD_NO },
	{ M(MODE_TP), 15, "revocation-check {* [crl] [ocsp] [none] *}",
	    "crl=Revocation check by CRL\nocsp=Revocation check by OCSP\n"
	    "none=Ignore revocation check", cmd_revocation, CMD_NO },
	{ M(MODE_TP), 15, "usage {ike|ssl-client|ssl-server}", "ike=IKE "
	    "usage\nssl-client=SSL client usage\nssl-server=SSL server usage",
	    cmd_string, CMD_NO },
	{ M(MODE_TP), 15, "hash {md5|sha1|sha256|sha384|sha512}", "md5=MD5\n"
	    "sha1=SHA1\nsha256=SHA256\nsha384=SHA384\nsha512=SHA512",
	    cmd_string, CMD_NO },
	{ M(MODE_TP), 15, "{usage|hash}", NULL, cmd_string, CMD_NOONLY },
	{ M(MODE_TP), 15, "show", "show=Show the trustpoint settings",
	    cmd_tp_show, 0 },
	{ 0, 0, NULL, NULL, NULL, 0 }
};

void
cmds_tp_install(void)
{
	cmd_install(tp_cmds);
}
