/* parser/cmd_tpshow.c - trustpoint helpers: sub-mode `show`, delete
 * dialog, fingerprints, pasted certificates */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "lib/log.h"
#include "parser/pki_cli.h"
#include "pki/pki.h"

static const char *const enroll_names[] = { "none", "url", "terminal",
	"selfsigned", "pkcs12", "acme", "scep" };

void
tp_show_cfg(struct vty *v, const struct tp_cfg *c)
{
	char label[160];

	tp_key_label(c, label, sizeof(label));
	vty_out(v, " enrollment method: %s\n", enroll_names[c->enroll]);
	if (c->enroll == TP_EN_URL || c->enroll == TP_EN_SCEP)
		vty_out(v, " enrollment url %s\n", c->url);
	if (c->enroll == TP_EN_ACME)
		vty_out(v, " enrollment protocol acme url %s\n", c->acme_url);
	if (c->acme_http01_if[0])
		vty_out(v, " enrollment protocol acme authentication http01 "
		    "%s\n", c->acme_http01_if);
	vty_out(v, " enrollment retry count %d\n", c->retry_count ?
	    c->retry_count : 999999);
	vty_out(v, " enrollment retry period %d\n", c->retry_period ?
	    c->retry_period : 1);
	vty_out(v, " %senrollment mode ra\n", c->mode_ra ? "" : "no ");
	vty_out(v, " subject-name %s\n", c->subject[0] ? c->subject :
	    "(default)");
	for (int i = 0; i < c->nsans; i++)
		vty_out(v, " subject-alt-name %s\n", c->sans[i]);
	vty_out(v, " fqdn %s\n", c->fqdn[0] ? c->fqdn : "(not set)");
	vty_out(v, " ip-address %s\n", c->ip_address[0] ? c->ip_address :
	    "(ask)");
	vty_out(v, " serial-number %s\n", c->serial == 1 ? "include" :
	    c->serial == 2 ? "none" : "(ask)");
	vty_out(v, " password %s\n", c->password[0] ? "(set)" : "(ask)");
	vty_out(v, " revocation-check %s\n", c->revocation[0] ? c->revocation :
	    "crl");
	vty_out(v, " key label %s\n", label);
	if (c->auto_enroll)
		vty_out(v, " auto-enroll %d%s\n", c->auto_pct, c->auto_regen ?
		    " regenerate" : "");
	else
		vty_out(v, " no auto-enroll\n");
	vty_out(v, " hash %s\n", c->hash[0] ? c->hash : "sha256");
}

int
pki_need_tp(struct vty *v, const char *name, struct tp_cfg *c)
{
	struct err e = { 0 };

	if (tp_get_cfg(name, c, &e) < 0) {
		vty_err(v, "Certificate Authority (trustpoint) %s is unknown",
		    name);
		return -1;
	}
	return 0;
}

int
tp_delete_dialog(struct vty *v, const char *name)
{
	struct tp_certs certs;
	struct tp_cfg c;
	struct err e = { 0 };
	char label[160];
	int has;

	if (tp_get_cfg(name, &c, &e) < 0) {
		vty_err(v, "Can't find policy %s", name);
		return -1;
	}
	tp_get_certs(name, &certs, NULL);
	has = certs.ca || certs.cert;
	tp_certs_free(&certs);
	if (has) {
		vty_out(v, "%% Removing an enrolled trustpoint will destroy all "
		    "certificates\n received from the related Certificate "
		    "Authority.\n\n");
		if (vty_confirm(v, "Are you sure you want to do this? [yes/no]: ",
		    -1) != 1)
			return 0;
		vty_out(v, "%% Be sure to ask the CA administrator to revoke "
		    "your certificates.\n");
	}
	if (tp_delete(name, &e) < 0) {
		vty_err(v, "%s", e.msg);
		return -1;
	}
	/* the key pkish generated for it (not a named key pair) */
	tp_key_label(&c, label, sizeof(label));
	if (!c.rsakeypair[0] && !c.eckeypair[0] && key_exists(label))
		key_zeroize(label, NULL);
	renew_forget(name);
	log_msg(SEV_NOTICE, "PKI", "TRUSTPOINT_DELETE",
	    "Trustpoint: %s deleted succesfully", name);
	return 0;
}

void
pki_print_fingerprints(struct vty *v, X509 *x)
{
	char md5[64], sha1[64];

	cert_fingerprint(x, "md5", md5, sizeof(md5));
	cert_fingerprint(x, "sha1", sha1, sizeof(sha1));
	vty_out(v, "Certificate has the following attributes:\n");
	vty_out(v, "       Fingerprint MD5: %s \n", md5);
	vty_out(v, "      Fingerprint SHA1: %s \n\n", sha1);
}

STACK_OF(X509) *
pki_read_pasted_certs(struct vty *v, const char *what)
{
	struct err e = { 0 };
	STACK_OF(X509) *sk;
	char *text;

	vty_out(v, "\nEnter the base 64 encoded %s.\nEnd with a blank line or "
	    "the word \"quit\" on a line by itself\n\n", what);
	vty_flush(v);
	if ((text = vty_read_paste(v, 256 * 1024, 1)) == NULL) {
		vty_err(v, "Input aborted");
		return NULL;
	}
	if ((sk = cert_parse_any(text, strlen(text), &e)) == NULL)
		vty_err(v, "Error: %s", e.msg);
	free(text);
	return sk;
}
