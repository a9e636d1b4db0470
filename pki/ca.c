/* pkish - ISC license, see LICENSE */
/*
 * pki/ca.c - the certificate server's state: its configuration, the
 * references handed to request handlers, and the signer (lib/signer.h,
 * pki/signer.c) through which scep/ signs CertReps and opens envelopes
 * with the CA key without ever holding it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "pki/ca_int.h"
#include "pki/key.h"
#include "pki/signer.h"

struct ca_state ca_g = { .mu = PTHREAD_MUTEX_INITIALIZER,
    .unref = PTHREAD_COND_INITIALIZER };
static char state_dir[1024];

void
ca_init(const char *dir)
{
	snprintf(state_dir, sizeof(state_dir), "%s", dir);
}

void
ca_shutdown(void)
{
	ca_disable();
}

/* <state>/nvram, or the configured local directory. */
void
ca_db_dir(const struct ca_cfg *c, char *buf, size_t len)
{
	const char *u = c->db_url;

	if (*u == '\0' || strcmp(u, "nvram:") == 0)
		snprintf(buf, len, "%s/nvram", state_dir);
	else if (strncmp(u, "unix:", 5) == 0 || strncmp(u, "file:", 5) == 0)
		snprintf(buf, len, "%s", u + 5);
	else
		snprintf(buf, len, "%s", u);
	for (size_t n = strlen(buf); n > 1 && buf[n - 1] == '/'; n--)
		buf[n - 1] = '\0';
}

int
ca_cfg_get(struct ca_cfg *c)
{
	int ok;

	pthread_mutex_lock(&ca_g.mu);
	if ((ok = ca_g.exists) && c)
		*c = ca_g.cfg;
	pthread_mutex_unlock(&ca_g.mu);
	return ok;
}

int
ca_create(const char *name, int *created, struct err *e)
{
	int rc = 0;

	*created = 0;
	if (key_label_valid(name, e) == -1 || strlen(name) > CA_NAME_MAX)
		return err_set(e, E_INVAL, "Invalid server name %s", name);
	pthread_mutex_lock(&ca_g.mu);
	if (ca_g.exists && strcmp(ca_g.cfg.name, name) != 0)
		rc = err_set(e, E_EXISTS, "Certificate server %s already "
		    "exists; only one is allowed", ca_g.cfg.name);
	else if (!ca_g.exists) {
		memset(&ca_g.cfg, 0, sizeof(ca_g.cfg));
		snprintf(ca_g.cfg.name, sizeof(ca_g.cfg.name), "%s", name);
		ca_g.cfg.shutdown = 1;
		ca_g.exists = *created = 1;
	}
	pthread_mutex_unlock(&ca_g.mu);
	return rc;
}

/* The CA certificate file of c: <dir>/<name>.crt (PEM). */
void
ca_cert_path(const struct ca_cfg *c, char *buf, size_t len)
{
	char dir[1024];

	ca_db_dir(c, dir, sizeof(dir));
	snprintf(buf, len, "%s/%s.crt", dir, c->name);
}

int
ca_has_cert(void)
{
	struct ca_cfg c;
	char p[1100];
	FILE *f;

	if (!ca_cfg_get(&c))
		return 0;
	ca_cert_path(&c, p, sizeof(p));
	if ((f = fopen(p, "r")) == NULL)
		return 0;
	fclose(f);
	return 1;
}

int
ca_cfg_set(const struct ca_cfg *n, struct err *e)
{
	int locked = ca_has_cert();
	int rc = 0;

	pthread_mutex_lock(&ca_g.mu);
	if (!ca_g.exists)
		rc = err_set(e, E_NOTFOUND, "Certificate server is not known");
	else if (locked && (strcmp(n->issuer, ca_g.cfg.issuer) != 0 ||
	    n->life_ca != ca_g.cfg.life_ca || n->mode != ca_g.cfg.mode ||
	    strcmp(n->db_url, ca_g.cfg.db_url) != 0))
		rc = err_set(e, E_PERM, "Some server settings cannot be "
		    "changed after CA certificate generation.");
	else
		ca_g.cfg = *n;
	pthread_mutex_unlock(&ca_g.mu);
	return rc;
}

int
ca_ref_get(struct ca_ref *r)
{
	int rc;

	memset(r, 0, sizeof(*r));
	pthread_mutex_lock(&ca_g.mu);
	if (!ca_g.enabled || ca_g.cacert == NULL || ca_g.key == NULL) {
		pthread_mutex_unlock(&ca_g.mu);
		return -1;
	}
	X509_up_ref(ca_g.cacert);
	EVP_PKEY_up_ref(ca_g.key);
	r->cacert = ca_g.cacert;
	r->key = ca_g.key;
	r->db = ca_g.db;
	r->cfg = ca_g.cfg;
	ca_g.refs++;
	/* the public key encoded once at enable, not per request */
	rc = ca_g.key_der == NULL ? pki_signer_pkey(r->key, &r->signer, NULL) :
	    pki_signer_pkey_der(r->key, ca_g.key_der, ca_g.key_der_len,
	    &r->signer, NULL);
	pthread_mutex_unlock(&ca_g.mu);
	if (rc == -1)
		ca_ref_put(r);
	return rc;
}

void
ca_ref_put(struct ca_ref *r)
{
	if (r->cacert == NULL)
		return;
	pki_signer_close(&r->signer);
	pthread_mutex_lock(&ca_g.mu);
	if (--ca_g.refs == 0)
		pthread_cond_broadcast(&ca_g.unref);
	pthread_mutex_unlock(&ca_g.mu);
	X509_free(r->cacert);
	EVP_PKEY_free(r->key);
	memset(r, 0, sizeof(*r));
}
