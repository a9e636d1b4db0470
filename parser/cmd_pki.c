/* parser/cmd_pki.c - installs every PKI command table */
#include "parser/commands.h"
#include "parser/cs_cli.h"
#include "parser/pki_cli.h"
#include "parser/render.h"
#include "pki/pki.h"

/* The trustpoints and chains in the view `show running-config` asks for. */
static void
render_tps(FILE *f)
{
	if (render_view() == RV_ALL)
		tp_render_defaults(f);
	else
		tp_render(f);
}

static void
render_chains(FILE *f)
{
	if (render_view() == RV_BRIEF)
		tp_render_chains_brief(f);
	else
		tp_render_chains(f);
}

void
cmds_pki_install(void)
{
	render_register(45, ca_render);
	render_register(50, render_tps);
	render_register(60, render_chains);
	cmds_tp_install();
	cmds_chain_install();
	cmds_auth_install();
	cmds_enroll_install();
	cmds_pkishow_install();
	cmds_key_install();
	cmds_xfer_install();
	cmds_trustpool_install();
	cmds_timers_install();
	cmds_acme_install();
	cmds_cs_install();
	cmds_cs_rollover_install();	/* after the mode's own commands */
	cmds_crl_install();
}
