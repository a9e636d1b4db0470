/* pki/ca_render.c - the `crypto pki server` block of running-config, in
 * the IOS order (database, issuer, grant, lifetimes, storage, then what
 * other parts add, and `no shutdown` last so that a replayed startup-config
 * enables a server with every setting in place). Defaults are left out,
 * except `no database archive` and `no shutdown`. */
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include "lib/type7.h"
#include "pki/ca_int.h"
#include "pki/ca_view.h"

static _Atomic(ca_view_fn) render_hook, show_hook;

void
ca_view_hooks(ca_view_fn render, ca_view_fn show)
{
	atomic_store(&render_hook, render);
	atomic_store(&show_hook, show);
}

ca_view_fn
ca_view_render_hook(void)
{
	return atomic_load(&render_hook);
}

ca_view_fn
ca_view_show_hook(void)
{
	return atomic_load(&show_hook);
}

int
ca_cfg_replay(const struct ca_cfg *n, struct err *e)
{
	int rc = 0;

	pthread_mutex_lock(&ca_g.mu);
	if (!ca_g.exists || strcmp(ca_g.cfg.name, n->name) != 0)
		rc = err_set(e, E_NOTFOUND, "Certificate server %s is not "
		    "known", n->name);
	else
		ca_g.cfg = *n;
	pthread_mutex_unlock(&ca_g.mu);
	return rc;
}

/* " lifetime WHAT D [H [M]]" (days) or " lifetime WHAT H [M]" (hours). */
static void
lifetime(FILE *f, const char *what, long min, int days)
{
	long big = days ? min / (24 * 60) : min / 60;
	long h = (min / 60) % 24, m = min % 60;

	if (min <= 0)
		return;
	fprintf(f, " lifetime %s %ld", what, big);
	if (days && (h || m))
		fprintf(f, " %ld", h);
	if (m)
		fprintf(f, " %ld", m);
	fprintf(f, "\n");
}

static void
archive(FILE *f, const struct ca_cfg *c)
{
	char enc[2 * sizeof(c->archive_pw) + 3];
	const char *kind = c->archive == CA_ARCH_PEM ? "pem" : "pkcs12";

	if (c->archive == CA_ARCH_NONE)
		fprintf(f, " no database archive\n");
	else if (c->archive_pw[0] && type7_encode(c->archive_pw, enc,
	    sizeof(enc)) == 0)
		fprintf(f, " database archive %s password 7 %s\n", kind, enc);
	else if (c->archive == CA_ARCH_PEM)
		fprintf(f, " database archive pem\n");
}

/* " database username U password 7 ENC", the password hidden. */
static void
db_user(FILE *f, const struct ca_cfg *c)
{
	char enc[2 * sizeof(c->db_pw) + 3];

	if (c->db_user[0] && type7_encode(c->db_pw, enc, sizeof(enc)) == 0)
		fprintf(f, " database username %s password 7 %s\n",
		    c->db_user, enc);
}

static void
grant(FILE *f, const struct ca_cfg *c)
{
	if (c->grant == CA_GRANT_NONE)
		fprintf(f, " grant none\n");
	else if (c->grant == CA_GRANT_AUTO)
		fprintf(f, " grant auto\n");
	else if (c->grant == CA_GRANT_RA_AUTO)
		fprintf(f, " grant ra-auto\n");
	if (c->grant_tp[0])
		fprintf(f, " grant auto trustpoint %s\n", c->grant_tp);
}

void
ca_render(FILE *f)
{
	struct ca_cfg c;
	ca_view_fn hook = ca_view_render_hook();

	if (!ca_cfg_get(&c))
		return;
	fprintf(f, "crypto pki server %s\n", c.name);
	if (c.level != CA_LEVEL_MINIMUM)
		fprintf(f, " database level %s\n", ca_level_name(c.level));
	archive(f, &c);
	if (c.issuer[0])
		fprintf(f, " issuer-name %s\n", c.issuer);
	if (c.mode != CA_MODE_ROOT)
		fprintf(f, " mode %s\n", c.mode == CA_MODE_SUB ? "sub-cs" :
		    c.ra_transparent ? "ra transparent" : "ra");
	grant(f, &c);
	if (c.hash[0])
		fprintf(f, " hash %s\n", c.hash);
	lifetime(f, "crl", c.life_crl, 0);
	lifetime(f, "certificate", c.life_cert, 1);
	lifetime(f, "ca-certificate", c.life_ca, 1);
	lifetime(f, "enrollment-request", c.life_req, 0);
	if (c.cdp_url[0])
		fprintf(f, " cdp-url %s\n", c.cdp_url);
	if (c.eku[0])
		fprintf(f, " eku %s\n", c.eku);
	if (c.db_url[0])
		fprintf(f, " database url %s\n", c.db_url);
	db_user(f, &c);
	if (c.serial_set)
		fprintf(f, " serial-number 0x%llX\n",
		    (unsigned long long)c.serial);
	if (hook)
		hook(f, &c);
	if (!c.shutdown)
		fprintf(f, " no shutdown\n");
	fprintf(f, "!\n");
}
