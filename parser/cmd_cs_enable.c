/* parser/cmd_cs_enable.c - `shutdown` / `no shutdown` of the certificate
 * server with the passphrase dialog of reference 7.3, and
 * `no crypto pki server CS` (7.5). A replayed startup-config enables a
 * server without a dialog: its key and CA certificate exist by then. */
#include <stdio.h>
#include <string.h>
#include "conf/conf.h"
#include "parser/cs_cli.h"
#include "parser/vty.h"
#include "pki/pki.h"

#define PASS_MIN	8
#define PASS_MAX	200

static void
say(void *arg, const char *line)
{
	struct vty *v = arg;

	vty_out(v, "%s\n", line);
	vty_flush(v);
}

/* The archive passphrase, asked twice; -1 after "% Aborted." */
static int
ask_passphrase(struct vty *v, char *pw, size_t len)
{
	char again[PASS_MAX + 2];
	int rc = -1;

	vty_out(v, "%% Please enter a passphrase to protect the private key\n"
	    "%% or type Return to exit\n");
	for (;;) {
		vty_out(v, "\n");
		if (vty_read_line(v, "Password: ", pw, len, 0) < 0 ||
		    pw[0] == '\0')
			break;
		vty_out(v, "\n");
		if (strlen(pw) < PASS_MIN || strlen(pw) > PASS_MAX) {
			vty_out(v, "%% The passphrase must be %d to %d "
			    "characters long.\n", PASS_MIN, PASS_MAX);
			continue;
		}
		if (vty_read_line(v, "Re-enter password: ", again,
		    sizeof(again), 0) < 0)
			break;
		vty_out(v, "\n");
		if (strcmp(pw, again) == 0) {
			rc = 0;
			break;
		}
		vty_out(v, "%% Passphrases do not match.\n");
	}
	explicit_bzero(again, sizeof(again));
	if (rc < 0) {
		explicit_bzero(pw, len);
		vty_out(v, "\n");
		vty_err(v, "Aborted.");
	}
	return rc;
}

static void
mark_shutdown(struct vty *v, int shut)
{
	struct ca_cfg c;

	if (cs_cfg_cur(v, &c) == 0 && c.shutdown != shut) {
		c.shutdown = shut;
		cs_cfg_store(v, &c);
	}
}

static int
enable(struct vty *v)
{
	char pw[PASS_MAX + 2] = "";
	int need = ca_needs_passphrase(), rc;
	int port = sys_http_server() ? sys_http_port() : -1;
	struct err e = { 0 };

	struct ca_cfg c;

	if (cs_cfg_cur(v, &c) < 0)
		return -1;
	if (c.mode == CA_MODE_RA && c.ra_transparent) {
		vty_err(v, "mode ra transparent is not available in this "
		    "release; configure \"mode ra\"");
		return -1;
	}
	if (!ca_has_cert() && !ca_sub_enrolling())
		vty_out(v, "%%Some server settings cannot be changed after CA "
		    "certificate generation.\n");
	if (need && vty_noecho(v)) {
		mark_shutdown(v, 0);	/* keep what the configuration says */
		vty_err(v, "Certificate server %s needs an archive passphrase; "
		    "enter \"no shutdown\" to give one", vty_ctx(v));
		return -1;
	}
	if (need && ask_passphrase(v, pw, sizeof(pw)) < 0)
		return -1;
	if (cs_sub_authenticate(v, &c) < 0) {
		explicit_bzero(pw, sizeof(pw));
		return -1;
	}
	rc = ca_enable(need ? pw : NULL, port, say, v, &e);
	explicit_bzero(pw, sizeof(pw));
	if (rc < 0) {
		if (vty_noecho(v))
			mark_shutdown(v, 0);
		vty_err(v, "%s", e.msg);
		return -1;
	}
	mark_shutdown(v, 0);	/* ca_enable said "% Certificate Server enabled." */
	if (port < 0 && ca_enabled())
		vty_out(v, "%% SCEP is not served until \"ip http server\" is "
		    "configured\n");
	return 0;
}

static int
cmd_shutdown(struct vty *v, struct args *a)
{
	struct ca_cfg c;

	if (cs_cfg_cur(v, &c) < 0)
		return -1;
	if (a->no)
		return ca_enabled() ? 0 : enable(v);
	if (ca_enabled() || ca_sub_enrolling())
		ca_disable();	/* logs %PKI-6-CS_DISABLED */
	mark_shutdown(v, 1);
	return 0;
}

int
cs_need_server(struct vty *v, const char *name)
{
	struct ca_cfg c;

	if (!ca_cfg_get(&c) || strcmp(c.name, name) != 0) {
		vty_err(v, "Certificate server '%s' is not known", name);
		return -1;
	}
	return 0;
}

int
cs_delete_dialog(struct vty *v, const char *name)
{
	struct err e = { 0 };
	int r = 1;

	if (cs_need_server(v, name) < 0)
		return -1;
	if (!vty_noecho(v))
		r = vty_confirm(v, "CA certificate, Keypair, CRL and database "
		    "files will be deleted. Do you wish to continue? "
		    "[yes/no]: ", -1);
	if (r != 1)
		return 0;
	if (ca_enabled())
		ca_disable();
	if (ca_delete(&e) < 0) {
		vty_err(v, "%s", e.msg);
		return -1;
	}
	return 0;
}

static const struct cmd_def enable_cmds[] = {
	{ M(MODE_CS), 15, "shutdown", "shutdown=Shutdown Certificate Server",
	    cmd_shutdown, CMD_NO },
	{ 0, 0, NULL, NULL, NULL, 0 }
};

void
cmds_cs_enable_install(void)
{
	cmd_install(enable_cmds);
}
