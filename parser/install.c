/* parser/install.c - every command table, in one place */
#include "parser/cmd.h"
#include "parser/commands.h"
#include "parser/render.h"
#include "conf/conf.h"

void
cmds_install_all(void)
{
	render_register(10, sys_render);
	render_register(90, sys_render_lines);
	cmds_exec_install();
	cmds_show_install();
	cmds_debug_install();
	cmds_version_install();
	cmds_sys_install();
	cmds_pki_install();
	cmd_freeze();
}
