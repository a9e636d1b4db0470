/* pki/tp_render.c - trustpoints and chains in running-config (NVGEN order) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "pki/cert.h"
#include "pki/tp.h"
#include "pki/tp_int.h"

/* dflt: also the retry period left at its default (1 minute). */
static void
render_enroll(FILE *f, const struct tp_cfg *c, int dflt)
{
	if (c->mode_ra)
		fprintf(f, " enrollment mode ra\n");
	if (c->retry_count)
		fprintf(f, " enrollment retry count %d\n", c->retry_count);
	if (c->retry_period || dflt)
		fprintf(f, " enrollment retry period %d\n", c->retry_period ?
		    c->retry_period : 1);
	switch (c->enroll) {
	case TP_EN_URL:
		fprintf(f, " enrollment url %s\n", c->url);
		break;
	case TP_EN_TERMINAL:
		fprintf(f, " enrollment terminal%s\n", c->terminal_pem ?
		    " pem" : "");
		break;
	case TP_EN_SELFSIGNED:
		fprintf(f, " enrollment selfsigned\n");
		break;
	case TP_EN_PKCS12:
		fprintf(f, " enrollment pkcs12\n");
		break;
	default:
		break;
	}
	if (c->enroll_if[0])
		fprintf(f, " enrollment interface %s\n", c->enroll_if);
	if (c->enroll == TP_EN_SCEP)
		fprintf(f, " enrollment protocol scep url %s\n", c->url);
	if (c->acme_http01_if[0])
		fprintf(f, " enrollment protocol acme authentication http01 "
		    "%s\n", c->acme_http01_if);
	if (c->enroll == TP_EN_ACME)
		fprintf(f, " enrollment protocol acme url %s\n", c->acme_url);
	if (c->acme_contact[0])
		fprintf(f, " enrollment protocol acme contact %s\n",
		    c->acme_contact);
}

static void
render_one(FILE *f, const struct tp_cfg *c, int dflt)
{
	fprintf(f, "crypto pki trustpoint %s\n", c->name);
	render_enroll(f, c, dflt);
	if (c->serial)
		fprintf(f, " serial-number%s\n", c->serial == 2 ? " none" : "");
	if (c->fqdn[0])
		fprintf(f, " fqdn %s\n", c->fqdn);
	if (c->ip_address[0])
		fprintf(f, " ip-address %s\n", c->ip_address);
	if (c->password[0])
		fprintf(f, " password %d %s\n", c->password_type, c->password);
	if (c->fingerprint[0])
		fprintf(f, " fingerprint %s\n", c->fingerprint);
	if (c->subject[0])
		fprintf(f, " subject-name %s\n", c->subject);
	for (int i = 0; i < c->nsans; i++)
		fprintf(f, " subject-alt-name %s\n", c->sans[i]);
	fprintf(f, " revocation-check %s\n", c->revocation[0] ? c->revocation :
	    "crl");
	if (c->rsakeypair[0]) {
		fprintf(f, " rsakeypair %s", c->rsakeypair);
		if (c->rsa_bits)
			fprintf(f, " %d", c->rsa_bits);
		if (c->rsa_bits2)
			fprintf(f, " %d", c->rsa_bits2);
		fprintf(f, "\n");
	} else if (c->eckeypair[0])
		fprintf(f, " eckeypair %s\n", c->eckeypair);
	if (c->keypair_modulus)
		fprintf(f, " keypair rsa modulus %d\n", c->keypair_modulus);
	if (c->auto_enroll) {
		fprintf(f, " auto-enroll");
		if (c->auto_pct)
			fprintf(f, " %d", c->auto_pct);
		fprintf(f, "%s\n", c->auto_regen ? " regenerate" : "");
	}
	if (c->usage[0])
		fprintf(f, " usage %s\n", c->usage);
	if (c->hash[0])
		fprintf(f, " hash %s\n", c->hash);
	fprintf(f, "!\n");
}

static void
render_tps(FILE *f, int dflt)
{
	pthread_mutex_lock(&tp_mu);
	for (struct tp *t = tp_list; t; t = t->next)
		render_one(f, &t->cfg, dflt);
	pthread_mutex_unlock(&tp_mu);
}

void
tp_render(FILE *f)
{
	render_tps(f, 0);
}

void
tp_render_defaults(FILE *f)
{
	render_tps(f, 1);
}

/* brief: the certificate line without its hex data and "quit". */
static void
render_cert(FILE *f, const char *kind, X509 *x, int brief)
{
	char *serial, *hex = NULL;

	if (x == NULL)
		return;
	serial = cert_serial_hex(x);
	if (!brief)
		hex = cert_to_ios_hex(x);
	/* a serial of hex "CA" would read back as the keyword `ca`: the
	 * same number with a leading zero byte reads back as a serial */
	fprintf(f, " certificate %s%s%s\n", kind, serial && strcasecmp(serial,
	    "CA") == 0 ? "00" : "", serial ? serial : "00");
	if (!brief)
		fprintf(f, "%s  \tquit\n", hex ? hex : "");
	free(serial);
	free(hex);
}

static void
render_chains(FILE *f, int brief)
{
	pthread_mutex_lock(&tp_mu);
	for (struct tp *t = tp_list; t; t = t->next) {
		X509 *id = t->slot[TP_CERT];
		fprintf(f, "crypto pki certificate chain %s\n", t->cfg.name);
		render_cert(f, id && cert_is_self_signed(id) ? "self-signed " :
		    "", id, brief);
		render_cert(f, "rollover ", t->slot[TP_CERT_ROLLOVER], brief);
		render_cert(f, "ca rollover ", t->slot[TP_CA_ROLLOVER], brief);
		render_cert(f, "ca ", t->slot[TP_CA], brief);
		for (int i = 0; i < sk_X509_num(t->extra); i++)
			render_cert(f, "ca ", sk_X509_value(t->extra, i), brief);
	}
	if (tp_list)
		fprintf(f, "!\n");
	pthread_mutex_unlock(&tp_mu);
}

void
tp_render_chains(FILE *f)
{
	render_chains(f, 0);
}

void
tp_render_chains_brief(FILE *f)
{
	render_chains(f, 1);
}
