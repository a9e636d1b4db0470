/* parser/cmd_enroll.c - `crypto pki enroll`: the IOS/ASA dialogs, then
 * self-signed, terminal (print the PKCS#10), SCEP or ACME */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "lib/log.h"
#include "parser/pki_cli.h"
#include "conf/conf.h"
#include "pki/pki.h"

struct dialog {
	struct tp_cfg	 c;
	struct enroll_ctx x;
	char		 pw[128];
	char		 ip[64];
	int		 noconfirm;
};

static void
progress(void *ctx, const char *line)
{
	struct vty *v = ctx;

	vty_out(v, "%s\n", line);
	vty_flush(v);
}

/* ip-address setting or dialog answer -> an address (or "") */
static int
resolve_ip(struct vty *v, const char *want, char *out, size_t len)
{
	struct in_addr a;

	out[0] = '\0';
	if (want[0] == '\0' || strcmp(want, "none") == 0)
		return 0;
	if (inet_pton(AF_INET, want, &a) == 1) {
		snprintf(out, len, "%s", want);
		return 0;
	}
	if (sys_if_addr(want, out, len) < 0) {
		vty_err(v, "Interface %s has no IP address", want);
		return -1;
	}
	return 0;
}

static int
ask_password(struct vty *v, struct dialog *d)
{
	char again[128];

	vty_out(v, "%% Create a challenge password. You will need to verbally "
	    "provide this\n   password to the CA Administrator in order to "
	    "revoke your certificate.\n   For security reasons your password "
	    "will not be saved in the configuration.\n   Please make a note of "
	    "it.\n\n");
	for (;;) {
		if (vty_read_line(v, "Password: ", d->pw, sizeof(d->pw), 0) < 0 ||
		    vty_read_line(v, "Re-enter password: ", again,
		    sizeof(again), 0) < 0)
			return -1;
		if (strcmp(d->pw, again) == 0)
			break;
		vty_out(v, "%% Passwords do not match, try again.\n");
	}
	explicit_bzero(again, sizeof(again));
	vty_out(v, "\n");
	d->x.challenge = d->pw;
	return 0;
}

/* The IP address: configured (printed), or asked for (IOS only). */
static int
ask_ip(struct vty *v, struct dialog *d, int asa)
{
	char ans[64];
	int r;

	if (d->c.ip_address[0]) {
		if (resolve_ip(v, d->c.ip_address, d->ip, sizeof(d->ip)) < 0)
			return -1;
		if (d->ip[0])
			vty_out(v, "%% The IP address in the certificate is "
			    "%s\n\n", d->ip);
	} else if (!asa && !d->noconfirm) {
		if ((r = vty_confirm(v, "% Include an IP address in the subject "
		    "name? [no]: ", 0)) < 0)
			return -1;
		if (r == 1) {
			if (vty_read_line(v, "Enter Interface name or IP "
			    "Address[]: ", ans, sizeof(ans), 1) < 0)
				return -1;
			if (ans[0] == '\0')
				vty_out(v, "%% Skipping IP address\n");
			else if (resolve_ip(v, ans, d->ip, sizeof(d->ip)) < 0)
				return -1;
		}
	}
	d->x.ip = d->ip;
	return 0;
}

/* The FQDN line: what the request carries as hostname= (IOS), the
 * configured fqdn (ASA). */
static void
say_fqdn(struct vty *v, struct dialog *d, int asa)
{
	char buf[192];
	const char *f;

	if (asa) {
		if (d->c.fqdn[0] && strcmp(d->c.fqdn, "none") != 0)
			vty_out(v, "\n%% The fully-qualified domain name in the "
			    "certificate will be: %s\n\n", d->c.fqdn);
	} else if ((f = enroll_fqdn(&d->c, buf, sizeof(buf))) != NULL)
		vty_out(v, "%% The subject name in the certificate will "
		    "include: %s\n", f);
	else
		vty_out(v, "%% The fully-qualified domain name will not be "
		    "included in the certificate\n");
}

/* The subject/serial/IP questions shared by every method. */
static int
ask_names(struct vty *v, struct dialog *d, int asa)
{
	const char *inc = asa ? "be" : "include";
	int r;

	if (d->c.subject[0])
		vty_out(v, "%% The subject name in the certificate will %s: %s\n",
		    inc, d->c.subject);
	say_fqdn(v, d, asa);
	if (d->c.serial == 0 && !d->noconfirm) {
		r = vty_confirm(v, asa ? "% Include the device serial number in "
		    "the subject name? [yes/no]: " : "% Include the router "
		    "serial number in the subject name? [yes/no]: ", -1);
		if (r < 0)
			return -1;
		d->x.include_serial = r;
	}
	if (d->c.serial == 1 || d->x.include_serial)
		vty_out(v, "%% The serial number in the certificate will be: "
		    "%s\n", enroll_device_serial());
	if (asa)
		vty_out(v, "\n");
	return ask_ip(v, d, asa);
}

static int
print_request(struct vty *v, struct dialog *d)
{
	struct enroll_csr r;
	struct err e = { 0 };
	char label[160], *text;
	int gen;
	X509_REQ *req;

	if (enroll_prepare_key(&d->c, 0, label, sizeof(label), &gen, &e) < 0) {
		vty_err(v, "%s", e.msg);
		return -1;
	}
	enroll_csr_params(&d->c, &d->x, &r);
	if ((req = csr_build(label, &r.p, &e)) == NULL) {
		vty_err(v, "%s", e.msg);
		return -1;
	}
	text = d->c.terminal_pem ? csr_to_pem(req) : csr_to_base64(req);
	X509_REQ_free(req);
	do {
		vty_out(v, "Certificate Request follows:\n\n%s\n---End - This "
		    "line not part of the certificate request---\n\n", text);
	} while (!d->noconfirm && vty_confirm(v, "Redisplay enrollment "
	    "request? [yes/no]: ", 0) == 1);
	free(text);
	tp_set_status(d->c.name, TP_ST_PENDING);
	return 0;
}

static int
do_terminal(struct vty *v, struct dialog *d)
{
	vty_out(v, "%% Start certificate enrollment .. \n\n");
	if (ask_names(v, d, 0) < 0)
		return -1;
	if (!d->noconfirm && vty_confirm(v, "Display Certificate Request to "
	    "terminal? [yes/no]: ", -1) != 1)
		return 0;
	return print_request(v, d);
}

static int
do_selfsigned(struct vty *v, struct dialog *d)
{
	struct enroll_csr r;
	struct err e = { 0 };
	char label[160], subj[600];
	X509_NAME *name;
	X509 *x = NULL;
	int gen, ans, rc = -1;

	if (d->c.serial == 0 && !d->noconfirm) {
		if ((ans = vty_confirm(v, "% Include the router serial number "
		    "in the subject name? [yes/no]: ", -1)) < 0)
			return -1;
		d->x.include_serial = ans;
	}
	if (ask_ip(v, d, 0) < 0)
		return -1;
	if (!d->noconfirm && vty_confirm(v, "Generate Self Signed Router "
	    "Certificate? [yes/no]: ", -1) != 1)
		return 0;
	if (d->c.subject[0])
		snprintf(subj, sizeof(subj), "%s", d->c.subject);
	else
		snprintf(subj, sizeof(subj), "CN=IOS-Self-Signed-Certificate-%s",
		    d->c.name);
	if (enroll_prepare_key(&d->c, 0, label, sizeof(label), &gen, &e) < 0 ||
	    (name = csr_parse_dn(subj, &e)) == NULL)
		goto out;
	enroll_csr_params(&d->c, &d->x, &r);
	x = cert_selfsigned(label, name, &r.p, 3650, &e);
	X509_NAME_free(name);
	if (x == NULL || tp_install(d->c.name, x, NULL, NULL, &e) < 0)
		goto out;
	vty_out(v, "\nRouter Self Signed Certificate successfully created\n");
	log_msg(SEV_WARN, "PKI", "NOCONFIGAUTOSAVE", "Configuration was "
	    "modified.  Issue \"write memory\" to save new IOS PKI "
	    "configuration");
	rc = 0;
out:
	if (rc < 0)
		vty_err(v, "Self-signed certificate generation failed: %s", e.msg);
	X509_free(x);
	return rc;
}

static int
do_scep(struct vty *v, struct dialog *d)
{
	struct err e = { 0 };
	struct enroll_pending pend;

	vty_out(v, "%%\n%% Start certificate enrollment ..\n");
	if (!d->c.password[0] && !d->noconfirm && ask_password(v, d) < 0)
		return -1;
	if (ask_names(v, d, 0) < 0)
		return -1;
	if (!d->noconfirm && vty_confirm(v, "Request certificate from CA? "
	    "[yes/no]: ", -1) != 1)
		return 0;
	vty_out(v, "%% Certificate request sent to Certificate Authority\n"
	    "%% The 'show crypto pki certificate verbose %s' commandwill show "
	    "the fingerprint.\n\n", d->c.name);
	vty_flush(v);
	if (enroll_scep(d->c.name, &d->x, &pend, &e) < 0) {
		vty_err(v, "%s", e.msg);
		return -1;
	}
	if (pend.active)
		renew_add_poll(d->c.name, &pend);
	if (pend.active)
		vty_out(v, "%% Certificate request is pending; polling every "
		    "%d minute(s)\n", d->c.retry_period ? d->c.retry_period : 1);
	return 0;
}

static int
do_acme(struct vty *v, struct dialog *d)
{
	struct err e = { 0 };

	vty_out(v, "%% Start certificate enrollment ..\n");
	if (ask_names(v, d, 1) < 0)
		return -1;
	if (!d->noconfirm && vty_confirm(v, "Request certificate from CA? "
	    "[yes/no]: ", -1) != 1)
		return 0;
	vty_flush(v);
	if (enroll_acme(d->c.name, &d->x, &e) < 0) {
		vty_err(v, "%s", e.msg);
		return -1;
	}
	return 0;
}

static int
reenroll_ok(struct vty *v, struct dialog *d, struct tp_certs *certs)
{
	if (certs->cert == NULL || d->noconfirm)
		return 1;
	vty_out(v, "Trustpoint %s has already enrolled and has a router cert "
	    "issued to it.\nIf you successfully re-enroll this trustpoint,the "
	    "existing certificate will be replaced.\n\n", d->c.name);
	return vty_confirm(v, "Do you want to continue with re-enrollment? "
	    "[yes/no]: ", -1) == 1;
}

static int
cmd_enroll(struct vty *v, struct args *a)
{
	struct dialog d;
	struct tp_certs certs;
	int rc = 0;

	memset(&d, 0, sizeof(d));
	if (pki_need_tp(v, args_get(a, "enroll"), &d.c) < 0)
		return -1;
	d.noconfirm = args_has(a, "noconfirm");
	d.x.progress = progress;
	d.x.pctx = v;
	d.x.regenerate = d.c.auto_regen;
	tp_get_certs(d.c.name, &certs, NULL);
	if (certs.ca == NULL && (d.c.enroll == TP_EN_URL ||
	    d.c.enroll == TP_EN_SCEP || d.c.enroll == TP_EN_TERMINAL)) {
		tp_certs_free(&certs);
		vty_err(v, "You must authenticate the Certificate Authority "
		    "before you can enroll with it.");
		return -1;
	}
	if (!reenroll_ok(v, &d, &certs)) {
		tp_certs_free(&certs);
		return 0;
	}
	tp_certs_free(&certs);
	switch (d.c.enroll) {
	case TP_EN_SELFSIGNED: rc = do_selfsigned(v, &d); break;
	case TP_EN_URL:
	case TP_EN_SCEP: rc = do_scep(v, &d); break;
	case TP_EN_ACME: rc = do_acme(v, &d); break;
	case TP_EN_PKCS12:
		vty_err(v, "Trustpoint %s is enrolled by PKCS#12 import: use "
		    "crypto pki import", d.c.name);
		rc = -1;
		break;
	default: rc = do_terminal(v, &d); break;
	}
	explicit_bzero(d.pw, sizeof(d.pw));
	return rc;
}

static const struct cmd_def enroll_cmds[] = {
	{ M(MODE_CONFIG), 15, "crypto {pki|ca} enroll WORD$enroll [noconfirm]",
	    "enroll=Request a certificate from a CA\nWORD=Trustpoint name",
	    cmd_enroll, 0 },
	{ 0, 0, NULL, NULL, NULL, 0 }
};

void
cmds_enroll_install(void)
{
	cmd_install(enroll_cmds);
}
