/* pki/enroll_acme.c - enroll a trustpoint through its ACME server */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "acme/acme.h"
#include "lib/log.h"
#include "parser/sys.h"
#include "pki/enroll.h"
#include "pki/key.h"
#include "pki/trustpool.h"

/* One account key per (directory URL, contact). */
static void
account_label(const struct tp_cfg *c, char *buf, size_t len)
{
	unsigned long h = 14695981039346656037UL;

	for (const char *p = c->acme_url; *p; p++)
		h = (h ^ (unsigned char)*p) * 1099511628211UL;
	h = (h ^ '|') * 1099511628211UL;
	for (const char *p = c->acme_contact; *p; p++)
		h = (h ^ (unsigned char)*p) * 1099511628211UL;
	snprintf(buf, len, "acme-account-%016lx", h);
}

struct acme_job {
	struct tp_cfg		 c;
	struct enroll_csr	 r;
	struct acme_params	 p;
	char			 acct[64], key[192], addr[64];
	char			*pool;
};

static int
job_setup(struct acme_job *j, const char *tp, const struct enroll_ctx *x,
    int *generated, struct err *e)
{
	int regen;

	if (tp_get_cfg(tp, &j->c, e) < 0)
		return -1;
	if (j->c.enroll != TP_EN_ACME || !j->c.acme_url[0])
		return err_set(e, E_INVAL, "Trustpoint %s has no ACME url", tp);
	if (j->c.acme_http01_if[0] && sys_if_addr(j->c.acme_http01_if,
	    j->addr, sizeof(j->addr)) < 0)
		return err_set(e, E_INVAL, "Interface %s (http01) has no IP "
		    "address", j->c.acme_http01_if);
	/* ASA: an automatic key per enrollment unless one is named */
	regen = x->regenerate || (!j->c.rsakeypair[0] && !j->c.eckeypair[0]);
	if (enroll_prepare_key(&j->c, regen, j->key, sizeof(j->key), generated,
	    e) < 0)
		return -1;
	enroll_csr_params(&j->c, x, &j->r);
	account_label(&j->c, j->acct, sizeof(j->acct));
	j->pool = trustpool_pem();
	j->p.directory_url = j->c.acme_url;
	j->p.contact = j->c.acme_contact[0] ? j->c.acme_contact : NULL;
	j->p.account_key_label = j->acct;
	j->p.dns = j->r.p.dns;
	j->p.ndns = j->r.p.ndns;
	j->p.ips = j->r.p.ips;
	j->p.nips = j->r.p.nips;
	j->p.cert_key_label = j->key;
	j->p.subject = j->r.p.subject;
	j->p.http_addr = j->addr[0] ? j->addr : NULL;
	j->p.http_port = sys_http_port();
	j->p.extra_ca_pem = j->pool;
	j->p.progress = x->progress;
	j->p.progress_ctx = x->pctx;
	j->p.trustpoint = tp;
	j->p.automatic = x->automatic;
	return 0;
}

int
enroll_acme(const char *tp, const struct enroll_ctx *x, struct err *e)
{
	struct acme_job *j = calloc(1, sizeof(*j));
	struct acme_result res = { 0 };
	char label[160];
	int generated = 0, rc = -1;
	X509 *leaf;

	if (j == NULL)
		return err_set(e, E_NOMEM, "out of memory");
	if (job_setup(j, tp, x, &generated, e) < 0)
		goto out;
	tp_key_label(&j->c, label, sizeof(label));
	if (generated)
		acme_log_key_regenerated(label, tp, x->automatic);
	if (acme_enroll(&j->p, &res, e) < 0) {
		tp_set_status(tp, TP_ST_FAILED);
		if (strcmp(j->key, label) != 0)
			key_zeroize(j->key, NULL);	/* old key stays */
		goto out;
	}
	leaf = sk_X509_value(res.chain, 0);
	if (tp_install(tp, leaf, res.chain, strcmp(j->key, label) ? j->key :
	    NULL, e) < 0)
		goto out;
	enroll_log_install(tp, leaf);
	rc = 0;
out:
	acme_result_free(&res);
	free(j->pool);
	free(j);
	return rc;
}

int
revoke_acme(const char *tp, int reason, struct err *e)
{
	struct acme_job *j = calloc(1, sizeof(*j));
	struct tp_certs certs = { 0 };
	int rc = -1;

	if (j == NULL)
		return err_set(e, E_NOMEM, "out of memory");
	if (tp_get_cfg(tp, &j->c, e) < 0 || tp_get_certs(tp, &certs, e) < 0)
		goto out;
	if (j->c.enroll != TP_EN_ACME || certs.cert == NULL) {
		err_set(e, E_INVAL, "Trustpoint %s has no ACME certificate", tp);
		goto out;
	}
	account_label(&j->c, j->acct, sizeof(j->acct));
	j->pool = trustpool_pem();
	j->p.directory_url = j->c.acme_url;
	j->p.contact = j->c.acme_contact[0] ? j->c.acme_contact : NULL;
	j->p.account_key_label = j->acct;
	j->p.extra_ca_pem = j->pool;
	rc = acme_revoke(&j->p, certs.cert, reason, e);
out:
	tp_certs_free(&certs);
	free(j->pool);
	free(j);
	return rc;
}
