/* parser/cmd_chain.c - `crypto pki certificate chain` and hex entry */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "parser/pki_cli.h"
#include "pki/pki.h"

static int
cmd_chain(struct vty *v, struct args *a)
{
	const char *name = args_get(a, "chain");
	struct tp_certs c;
	struct err e = { 0 };
	char q[256];

	if (!tp_exists(name)) {
		vty_err(v, "Certificate Authority (trustpoint) %s is unknown",
		    name);
		return -1;
	}
	if (!a->no) {
		vty_set_mode(v, MODE_CHAIN, name);
		return 0;
	}
	snprintf(q, sizeof(q), "%% This will remove all certificates for "
	    "trustpoint %s\n%% Are you sure you want to do this? [yes/no]: ",
	    name);
	if (!vty_noecho(v) && vty_confirm(v, q, -1) != 1)
		return 0;
	if (tp_get_certs(name, &c, &e) == 0) {
		for (int s = 0; s < TP_EXTRA; s++)
			tp_set_cert(name, (enum tp_slot)s, NULL, NULL);
		for (int i = 0; c.extra && i < sk_X509_num(c.extra); i++) {
			char *ser = cert_serial_hex(sk_X509_value(c.extra, i));
			if (ser)
				tp_remove_serial(name, ser, NULL);
			free(ser);
		}
		tp_certs_free(&c);
	}
	return 0;
}

static enum tp_slot
slot_of(const struct args *a)
{
	if (args_has(a, "ca"))
		return args_has(a, "rollover") ? TP_CA_ROLLOVER : TP_CA;
	if (args_has(a, "rollover"))
		return TP_CERT_ROLLOVER;
	return TP_CERT;
}

static int
store(struct vty *v, enum tp_slot s, X509 *x)
{
	struct tp_certs c;
	struct err e = { 0 };

	if (s == TP_CA && tp_get_certs(vty_ctx(v), &c, &e) == 0) {
		if (c.ca && X509_cmp(c.ca, x) != 0)
			s = TP_EXTRA;
		tp_certs_free(&c);
	}
	if (tp_set_cert(vty_ctx(v), s, x, &e) < 0) {
		vty_err(v, "%s", e.msg);
		return -1;
	}
	return 0;
}

/* A serial without its leading zeros ("00CA" is the number CA). */
static const char *
hex_digits(const char *s)
{
	while (s[0] == '0' && s[1] != '\0')
		s++;
	return s;
}

static int
cmd_certificate(struct vty *v, struct args *a)
{
	const char *serial = args_get(a, "serial");
	struct err e = { 0 };
	char *hex, *got;
	X509 *x;
	int rc;

	if (a->no) {
		if (tp_remove_serial(vty_ctx(v), serial, &e) < 0) {
			vty_err(v, "%s", e.msg);
			return -1;
		}
		return 0;
	}
	if (!vty_noecho(v))
		vty_out(v, "Enter the certificate in hexidecimal "
		    "representation....\n");
	vty_flush(v);
	if ((hex = vty_read_paste(v, 256 * 1024, 0)) == NULL) {
		vty_err(v, "Certificate entry aborted");
		return -1;
	}
	x = cert_from_ios_hex(hex, &e);
	free(hex);
	if (x == NULL) {
		vty_err(v, "Invalid certificate: %s", e.msg);
		return -1;
	}
	got = cert_serial_hex(x);
	if (got == NULL || strcasecmp(hex_digits(got), hex_digits(serial))) {
		vty_err(v, "Certificate serial number %s does not match %s",
		    got ? got : "?", serial);
		free(got);
		X509_free(x);
		return -1;
	}
	free(got);
	rc = store(v, slot_of(a), x);
	X509_free(x);
	return rc;
}

static const struct cmd_def chain_cmds[] = {
	{ M(MODE_CONFIG), 15, "crypto {pki|ca} certificate chain WORD$chain",
	    "certificate=Actions on certificates\nchain=Certificate chain for "
	    "a trustpoint\nWORD=Trustpoint name", cmd_chain, CMD_NO },
	{ M(MODE_CHAIN), 15, "certificate [{ca [rollover]|rollover|"
	    "self-signed}] WORD$serial", "certificate=Add or remove a "
	    "certificate\nca=a CA certificate\nrollover=a rollover "
	    "certificate\nself-signed=a self-signed certificate\nWORD=Serial "
	    "number (hex)", cmd_certificate, CMD_NO },
	{ 0, 0, NULL, NULL, NULL, 0 }
};

void
cmds_chain_install(void)
{
	cmd_install(chain_cmds);
}
