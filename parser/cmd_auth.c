/* parser/cmd_auth.c - `crypto pki authenticate`: get the CA certificate
 * (SCEP GetCACert, or pasted), check its fingerprint, accept it */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <openssl/x509v3.h>
#include "lib/log.h"
#include "parser/pki_cli.h"
#include "pki/pki.h"

/* Only the hex digits of s, upper case. */
static void
hex_only(const char *s, char *out, size_t len)
{
	size_t n = 0;

	for (; *s && n + 1 < len; s++)
		if (isxdigit((unsigned char)*s))
			out[n++] = (char)toupper((unsigned char)*s);
	out[n] = '\0';
}

/* Configured fingerprint (hex, any of MD5/SHA1/SHA256; spaces or colons
 * between groups ignored) vs certificate. */
int
fingerprint_matches(X509 *x, const char *want)
{
	static const char *const mds[] = { "md5", "sha1", "sha256" };
	char fp[200], hex[200], w[200];

	hex_only(want, w, sizeof(w));
	for (int i = 0; i < 3; i++) {
		if (cert_fingerprint(x, mds[i], fp, sizeof(fp)) < 0)
			continue;
		hex_only(fp, hex, sizeof(hex));
		if (w[0] && strcmp(hex, w) == 0)
			return 1;
	}
	return 0;
}

/* RA mode: the RA certificates that came with the CA certificate. */
static void
print_ra(struct vty *v, STACK_OF(X509) *ra)
{
	for (int i = 0; i < sk_X509_num(ra); i++) {
		X509 *x = sk_X509_value(ra, i);
		char *sub = cert_name_oneline_ios(X509_get_subject_name(x));
		char *ser = cert_serial_hex(x);
		uint32_t ku = X509_get_key_usage(x);

		vty_out(v, "%% RA %s certificate: %s, serial %s\n",
		    (ku & KU_KEY_ENCIPHERMENT) && (ku & KU_DIGITAL_SIGNATURE) ?
		    "general purpose" : (ku & KU_KEY_ENCIPHERMENT) ?
		    "encryption" : "signature", sub ? sub : "", ser ? ser : "");
		free(sub);
		free(ser);
	}
}

static X509 *
pasted_ca(struct vty *v)
{
	STACK_OF(X509) *sk = pki_read_pasted_certs(v, "CA certificate");
	X509 *x = NULL;

	if (sk == NULL)
		return NULL;
	for (int i = 0; i < sk_X509_num(sk) && x == NULL; i++)
		if (cert_is_ca(sk_X509_value(sk, i)))
			x = sk_X509_value(sk, i);
	if (x == NULL)
		vty_err(v, "Error: the certificate is not a CA certificate; "
		    "nothing stored");
	else
		X509_up_ref(x);
	sk_X509_pop_free(sk, X509_free);
	return x;
}

static int
accept_ca(struct vty *v, const struct tp_cfg *c, X509 *x, int ask)
{
	struct err e = { 0 };

	pki_print_fingerprints(v, x);
	if (c->fingerprint[0]) {
		if (!fingerprint_matches(x, c->fingerprint)) {
			vty_err(v, "Error: CA certificate fingerprint does not "
			    "match the configured fingerprint %s; certificate "
			    "not accepted", c->fingerprint);
			return -1;
		}
		vty_out(v, "Fingerprint matches the configured fingerprint.\n");
	} else if (ask && vty_confirm(v, "% Do you accept this certificate? "
	    "[yes/no]: ", -1) != 1) {
		vty_out(v, "%% Certificate not accepted\n");
		return 0;
	}
	if (!cert_is_self_signed(x))
		vty_out(v, "Trustpoint '%s' is a subordinate CA and holds a non "
		    "self-signed certificate.\n", c->name);
	if (tp_set_cert(c->name, TP_CA, x, &e) < 0) {
		vty_err(v, "%s", e.msg);
		return -1;
	}
	vty_out(v, "Trustpoint CA certificate accepted.\n");
	return 1;
}

static int
cmd_authenticate(struct vty *v, struct args *a)
{
	struct tp_cfg c;
	struct tp_certs certs;
	struct err e = { 0 };
	STACK_OF(X509) *ra = NULL;
	X509 *x = NULL;
	int rc, scep;

	if (pki_need_tp(v, args_get(a, "authenticate"), &c) < 0)
		return -1;
	tp_get_certs(c.name, &certs, NULL);
	rc = certs.ca != NULL;
	tp_certs_free(&certs);
	if (rc) {
		vty_err(v, "Please delete your existing CA certificate first.");
		vty_err(v, "You must use 'no crypto pki trustpoint %s' to delete "
		    "the CA certificate", c.name);
		return -1;
	}
	scep = c.enroll == TP_EN_URL || c.enroll == TP_EN_SCEP;
	if (scep && authenticate_scep(c.name, &x, &ra, &e) < 0) {
		vty_err(v, "Error in receiving Certificate Authority "
		    "certificate: status = FAIL, cert length = 0");
		vty_err(v, "%s", e.msg);
		log_msg(SEV_ERR, "PKI", "SOCKETSEND", "Failed to send out "
		    "message to CA server.");
		return -1;
	}
	if (!scep && (x = pasted_ca(v)) == NULL)
		return -1;
	print_ra(v, ra);
	sk_X509_pop_free(ra, X509_free);
	rc = accept_ca(v, &c, x, !args_has(a, "nointeractive"));
	if (rc == 1 && !scep)
		vty_out(v, "%% Certificate successfully imported\n");
	X509_free(x);
	return rc < 0 ? -1 : 0;
}

static const struct cmd_def auth_cmds[] = {
	{ M(MODE_CONFIG), 15, "crypto {pki|ca} authenticate WORD$authenticate "
	    "[nointeractive]", "authenticate=Get the certificate of the CA\n"
	    "WORD=Trustpoint name\nnointeractive=Do not prompt",
	    cmd_authenticate, 0 },
	{ 0, 0, NULL, NULL, NULL, 0 }
};

void
cmds_auth_install(void)
{
	cmd_install(auth_cmds);
}
