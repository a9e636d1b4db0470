/* pki/ca_view.h - what the certificate server's views (pki/ca_show.c,
 * pki/ca_render.c) offer beyond pki/ca.h: one status snapshot for the
 * `show` text and its `| json` document, and hooks through which other
 * parts of the server (rollover) add their lines. */
#ifndef PKI_CA_VIEW_H
#define PKI_CA_VIEW_H
#include <stdint.h>
#include <stdio.h>
#include <time.h>
#include "pki/ca.h"

struct ca_status {
	struct ca_cfg	 cfg;
	int		 enabled;
	int		 has_cert;		/* the CA certificate exists */
	char		 issuer[512];		/* configured or default */
	char		 fingerprint[64];	/* MD5, IOS groups; "" */
	time_t		 ca_expires;		/* 0: no certificate */
	time_t		 crl_next;		/* 0: no CRL */
	uint64_t	 last_serial;
	int		 serial_known;		/* database open or serial set */
	char		 storage[512];		/* "nvram:" or the URL */
	int		 enrolling;		/* sub-CA waiting for its cert */
	char		 upper_fp[64];		/* sub-CA: its issuer's MD5 */
};
/* 0 and the snapshot, or -1 when no server exists. */
int	 ca_status_get(struct ca_status *);
/* The IOS texts of the settings. */
const char *ca_grant_name(const struct ca_cfg *);	/* "manual", ... */
const char *ca_level_text(enum ca_level);	/* "Minimum - no cert ..." */
const char *ca_level_name(enum ca_level);	/* "minimum", ... */

/* Store a configuration read back from startup-config: as ca_cfg_set()
 * but without the lock of CA-defining settings, since the saved
 * configuration is the one that made the CA certificate. */
int	 ca_cfg_replay(const struct ca_cfg *, struct err *);

/* Lines a part adds: to the running-config block (before `no shutdown`,
 * one space indent) and to `show crypto pki server` (after the database
 * level, four spaces). One hook of each; NULL removes it. */
typedef void (*ca_view_fn)(FILE *, const struct ca_cfg *);
void	 ca_view_hooks(ca_view_fn render, ca_view_fn show);
ca_view_fn ca_view_render_hook(void);
ca_view_fn ca_view_show_hook(void);

#endif
