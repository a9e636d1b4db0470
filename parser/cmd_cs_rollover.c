/* pkish - ISC license, see LICENSE */
/*
 * DOC: parser/cmd_cs_rollover - the certificate server's rollover
 * commands (ios-pki.md sections 10.1, 10.3): in `(cs-server)#`
 * `auto-rollover [DAYS [HOURS [MINUTES]]]` (bare: 30 days) and `grant
 * auto rollover ca-cert`; in EXEC `crypto pki server CS rollover` (make
 * the rollover CA certificate now) and `... rollover cancel`. The work is
 * pki/ca_rollover.c.
 */
#include <stdio.h>
#include <string.h>
#include "parser/pki_cli.h"
#include "parser/vty.h"
#include "pki/pki.h"

/* The mode's server configuration, changed by apply and stored. */
static int
edit(struct vty *v, struct args *a,
    void (*apply)(const struct args *, struct ca_cfg *))
{
	struct ca_cfg c;
	struct err e = { 0 };

	if (!ca_cfg_get(&c) || strcmp(c.name, vty_ctx(v)) != 0) {
		vty_err(v, "Certificate server %s no longer exists",
		    vty_ctx(v));
		return -1;
	}
	apply(a, &c);
	if (ca_cfg_set(&c, &e) < 0) {
		vty_err(v, "%s", e.msg);
		return -1;
	}
	return 0;
}

static void
set_rollover(const struct args *a, struct ca_cfg *c)
{
	c->rollover_set = !a->no;
	c->rollover_min = a->no ? 0 : args_get(a, "days") == NULL ?
	    30L * 24 * 60 : args_int(a, "days", 0) * 24 * 60 +
	    args_int(a, "hours", 0) * 60 + args_int(a, "minutes", 0);
}

static int
cmd_auto_rollover(struct vty *v, struct args *a)
{
	return edit(v, a, set_rollover);
}

static void
set_grant(const struct args *a, struct ca_cfg *c)
{
	c->grant_rollover = !a->no;
}

static int
cmd_grant_rollover(struct vty *v, struct args *a)
{
	return edit(v, a, set_grant);
}

static int
cmd_rollover(struct vty *v, struct args *a)
{
	const char *name = args_get(a, "server");
	int cancel = args_has(a, "cancel");
	struct ca_cfg c;
	struct err e = { 0 };

	if (!ca_cfg_get(&c) || strcmp(c.name, name) != 0) {
		vty_err(v, "Certificate server '%s' is not known", name);
		return -1;
	}
	if ((cancel ? ca_rollover_cancel(&e) : ca_rollover_create(&e)) < 0) {
		vty_err(v, "%s", e.msg);
		return -1;
	}
	if (!cancel)
		vty_out(v, "%% Rollover CA certificate of %s generated; it "
		    "becomes active when the CA certificate expires\n", name);
	return 0;
}

static const struct cmd_def rollover_cmds[] = {
	{ M(MODE_CS), 15, "auto-rollover [<0-1825>$days [<0-23>$hours "
	    "[<0-59>$minutes]]]", "auto-rollover=Enable the automatic "
	    "rollover of the CA certificate\n<0-1825>=Days before the CA "
	    "certificate expires (default 30)\n<0-23>=Hours\n<0-59>=Minutes",
	    cmd_auto_rollover, CMD_NO },
	{ M(MODE_CS), 15, "grant auto rollover ca-cert", "rollover=Grant "
	    "rollover (shadow) requests\nca-cert=Requests for certificates "
	    "from the rollover CA certificate", cmd_grant_rollover, CMD_NO },
	{ M(MODE_EXEC), 15, "crypto pki server WORD$server rollover [cancel]",
	    "rollover=Generate the rollover CA certificate now\ncancel="
	    "Delete the rollover CA certificate and key", cmd_rollover, 0 },
	{ 0, 0, NULL, NULL, NULL, 0 }
};

void
cmds_cs_rollover_install(void)
{
	cmd_install(rollover_cmds);
	ca_view_hooks(ca_rollover_render, ca_rollover_show);
}
