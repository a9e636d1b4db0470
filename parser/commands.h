/* parser/commands.h - the command tables of each part, and hooks */
#ifndef PARSER_COMMANDS_H
#define PARSER_COMMANDS_H

void	cmds_exec_install(void);	/* cmd_exec.c */
void	cmds_show_install(void);	/* cmd_show.c */
void	cmds_debug_install(void);	/* cmd_debug.c */
void	cmds_version_install(void);	/* cmd_version.c */
void	cmds_sys_install(void);		/* cmd_sys.c */
void	cmds_pki_install(void);		/* cmd_pki*.c */
void	cmds_install_all(void);		/* all of the above */
/* The virtual clock moved: timers recompute (pki/renew). */
void	pki_clock_changed(void);

#endif
