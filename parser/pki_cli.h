/* parser/pki_cli.h - part-internal: shared helpers of the PKI command files */
#ifndef PARSER_PKI_CLI_H
#define PARSER_PKI_CLI_H
#include <openssl/x509.h>
#include "parser/vty.h"
#include "pki/pki.h"

void	cmds_cs_rollover_install(void);	/* cmd_cs_rollover.c */
void	cmds_tp_install(void);		/* cmd_tp.c */
void	cmds_chain_install(void);	/* cmd_chain.c */
void	cmds_auth_install(void);	/* cmd_auth.c */
void	cmds_enroll_install(void);	/* cmd_enroll.c */
void	cmds_pkishow_install(void);	/* cmd_pkishow.c */
void	cmds_key_install(void);		/* cmd_key.c */
void	cmds_xfer_install(void);	/* cmd_xfer.c: import/export */
void	cmds_trustpool_install(void);	/* cmd_trustpool.c */
void	cmds_timers_install(void);	/* cmd_timers.c */
void	cmds_acme_install(void);	/* cmd_acme.c: acme revoke */
void	cmds_crl_install(void);		/* cmd_crl.c: CRL request, show */

/* cmd_tpshow.c */
int	tp_delete_dialog(struct vty *, const char *name);
void	tp_show_cfg(struct vty *, const struct tp_cfg *);
/* Print IOS fingerprint lines of a CA certificate (authenticate). */
void	pki_print_fingerprints(struct vty *, X509 *);
/* 1 when want (hex MD5, SHA1 or SHA256; spaces, colons ignored) is a
 * fingerprint of x (cmd_auth.c). */
int	fingerprint_matches(X509 *x, const char *want);
/* Read a pasted certificate (PEM/base64) ending in "quit" or a blank
 * line; NULL after printing a % error. */
STACK_OF(X509) *pki_read_pasted_certs(struct vty *, const char *what);
/* "% Certificate Authority (trustpoint) X is unknown" when missing. */
int	pki_need_tp(struct vty *, const char *name, struct tp_cfg *);

#endif
