/* parser/cs_cli.h - part-internal: the certificate server's command files
 * (parser/cmd_cs*.c). Other parts of the server add their commands to the
 * `(cs-server)#` mode and to `crypto pki server CS ...` with their own
 * table (cmd_install with M(MODE_CS) or the EXEC prefix), installed from
 * cmds_cs_install(). */
#ifndef PARSER_CS_CLI_H
#define PARSER_CS_CLI_H
#include "parser/vty.h"
#include "pki/pki.h"

void	cmds_cs_install(void);		/* cmd_cs.c: all of them */
void	cmds_cs_enable_install(void);	/* cmd_cs_enable.c */
void	cmds_cs_exec_install(void);	/* cmd_cs_exec.c */
void	cmds_cs_show_install(void);	/* cmd_cs_show.c */
void	cmds_cs_sub_install(void);	/* cmd_cs_sub.c: mode, username */

/* The configuration of the mode's server (vty_ctx), or -1 after a %
 * error when it is gone. */
int	cs_cfg_cur(struct vty *, struct ca_cfg *);
/* ca_cfg_set with the IOS messages; -1 after printing one. */
int	cs_cfg_store(struct vty *, const struct ca_cfg *);
/* `no crypto pki server NAME` with its question. */
int	cs_delete_dialog(struct vty *, const char *name);
/* EXEC `crypto pki server NAME ...`: the server exists by that name;
 * else "% Certificate server 'NAME' is not known". */
int	cs_need_server(struct vty *, const char *name);

/* Copy the server's configuration, refuse while it is locked (enabled or
 * enrolling) unless live, apply, store (cmd_cs.c). */
int	cs_edit(struct vty *, struct args *, int live,
	    int (*apply)(struct vty *, struct args *, struct ca_cfg *));
/* `password [<0-7>$type] LINE$pw` of length min..max; "" when absent. */
int	cs_password_arg(struct vty *, struct args *, char *pw, size_t len,
	    size_t min, size_t max, const char *what);
/* Before `no shutdown` of a `mode sub-cs` server: the trustpoint of the
 * server's name has its CA certificate, authenticated now if needed
 * (fingerprint, question). -1 after a % message, 0 go on. */
int	cs_sub_authenticate(struct vty *, const struct ca_cfg *);

#endif
