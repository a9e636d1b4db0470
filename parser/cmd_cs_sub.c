/* parser/cmd_cs_sub.c - `mode {ra [transparent] | sub-cs}` and
 * `database username U password [0|7] P` of `(cs-server)#` (reference
 * 7.2), and the CA authentication a subordinate server runs at its first
 * `no shutdown` (the IOS dialog of `crypto pki authenticate`). The mode
 * defines the CA certificate: it is locked once that exists. The
 * database credentials are for a remote database URL; pkish keeps its
 * database in a local directory, where they are stored and shown but not
 * needed. */
#include <stdio.h>
#include <string.h>
#include "lib/log.h"
#include "parser/cs_cli.h"
#include "parser/pki_cli.h"
#include "parser/vty.h"
#include "pki/pki.h"

static int
apply_mode(struct vty *v, struct args *a, struct ca_cfg *c)
{
	c->ra_transparent = 0;
	if (a->no)
		c->mode = CA_MODE_ROOT;
	else if (args_has(a, "sub-cs"))
		c->mode = CA_MODE_SUB;
	else {
		c->mode = CA_MODE_RA;
		c->ra_transparent = args_has(a, "transparent");
	}
	return 0;
}

static int
apply_user(struct vty *v, struct args *a, struct ca_cfg *c)
{
	const char *u = args_get(a, "user");
	char pw[sizeof(c->db_pw)];

	if (a->no) {
		c->db_user[0] = '\0';
		explicit_bzero(c->db_pw, sizeof(c->db_pw));
		return 0;
	}
	if (u == NULL || strlen(u) >= sizeof(c->db_user)) {
		vty_err(v, "The username must be 1 to %zu characters long",
		    sizeof(c->db_user) - 1);
		return -1;
	}
	if (cs_password_arg(v, a, pw, sizeof(pw), 1, sizeof(pw) - 1,
	    "password") < 0)
		return -1;
	snprintf(c->db_user, sizeof(c->db_user), "%s", u);
	snprintf(c->db_pw, sizeof(c->db_pw), "%s", pw);
	explicit_bzero(pw, sizeof(pw));
	return 0;
}

static int
cmd_mode(struct vty *v, struct args *a)
{
	return cs_edit(v, a, 0, apply_mode);
}

static int
cmd_user(struct vty *v, struct args *a)
{
	return cs_edit(v, a, 0, apply_user);
}

/* The fingerprint configured on the trustpoint, else the question. */
static int
accept(struct vty *v, const struct tp_cfg *t, X509 *x)
{
	pki_print_fingerprints(v, x);
	if (t->fingerprint[0] == '\0')
		return vty_noecho(v) ? 1 : vty_confirm(v, "% Do you accept this "
		    "certificate? [yes/no]: ", -1) == 1;
	if (!fingerprint_matches(x, t->fingerprint)) {
		vty_err(v, "Error: CA certificate fingerprint does not match "
		    "the configured fingerprint %s; certificate not accepted",
		    t->fingerprint);
		return -1;
	}
	vty_out(v, "Fingerprint matches the configured fingerprint.\n");
	return 1;
}

int
cs_sub_authenticate(struct vty *v, const struct ca_cfg *c)
{
	struct tp_cfg t;
	struct tp_certs k;
	struct err e = { 0 };
	X509 *x = NULL;
	int have, rc;

	if (c->mode == CA_MODE_ROOT || ca_has_cert() || ca_sub_enrolling())
		return 0;	/* nothing to authenticate */
	if (ca_sub_check(c, &e) < 0 || tp_get_cfg(c->name, &t, &e) < 0) {
		vty_err(v, "%s", e.msg);
		return -1;
	}
	if (tp_get_certs(c->name, &k, NULL) < 0)
		return 0;
	have = k.ca != NULL;
	tp_certs_free(&k);
	if (have)
		return 0;
	if (authenticate_scep(c->name, &x, NULL, &e) < 0) {
		vty_err(v, "Cannot authenticate the issuing CA of %s: %s",
		    c->name, e.msg);
		return -1;
	}
	if ((rc = accept(v, &t, x)) == 1 && tp_set_cert(c->name, TP_CA, x,
	    &e) < 0) {
		vty_err(v, "%s", e.msg);
		rc = -1;
	} else if (rc == 1)
		vty_out(v, "Trustpoint CA certificate accepted.\n");
	else if (rc == 0) {
		vty_out(v, "%% Certificate not accepted\n");
		vty_fail(v);
		rc = -1;
	}
	X509_free(x);
	return rc < 0 ? -1 : 0;
}

static const struct cmd_def sub_cmds[] = {
	{ M(MODE_CS), 15, "mode {ra [transparent]|sub-cs}", "mode=Set the "
	    "mode of the server\nra=Registration authority mode\ntransparent="
	    "Forward the original enrollment request unchanged\nsub-cs="
	    "Subordinate certificate server mode", cmd_mode, CMD_NO },
	{ M(MODE_CS), 15, "mode", NULL, cmd_mode, CMD_NOONLY },
	{ M(MODE_CS), 15, "database username WORD$user password [<0-7>$type] "
	    "LINE$pw", "database=Set Certificate Server database location\n"
	    "username=Username for the database URL\nWORD=The username\n"
	    "password=Password for the database URL\n<0-7>=Encryption type "
	    "(0 unencrypted, 7 hidden)\nLINE=The password", cmd_user, CMD_NO },
	{ M(MODE_CS), 15, "database username", NULL, cmd_user, CMD_NOONLY },
	{ 0, 0, NULL, NULL, NULL, 0 }
};

void
cmds_cs_sub_install(void)
{
	cmd_install(sub_cmds);
}
