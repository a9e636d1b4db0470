/* parser/cmd_pki.c - installs every PKI command table */
#include "parser/commands.h"
#include "parser/pki_cli.h"
#include "parser/render.h"
#include "pki/pki.h"

void
cmds_pki_install(void)
{
	render_register(50, tp_render);
	render_register(60, tp_render_chains);
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
}
