/* pkish - ISC license, see LICENSE */
/*
 * DOC: pki/enroll_acme - enroll (and revoke) a trustpoint through its
 * ACME server (acme/acme.h). The trustpoint settings become acme_params:
 * directory URL, contact, DNS names from fqdn and subject-alt-name, the
 * HTTP-01 responder on the http01 interface's address and `ip http port`,
 * the trustpool as extra TLS anchors. As on the ASA, every enrollment gets
 * a fresh automatic key `Auto.TP` unless a named key is configured; the
 * fresh key lives under a temporary label until the certificate is
 * issued, then replaces the old key in the same step as the certificate
 * (tp_install), so a failed enrollment leaves key and certificate as
 * they were. One ACME account key per (directory URL, contact). Runs in
 * the calling thread; no PKI lock is held across the network exchange.
 * The certificate key and its CSR are made by a second thread while the
 * order is in flight; acme/ asks for the CSR when it finalizes (csr_get),
 * which the thread hands over before it stores the key, so the key
 * store's syncs are off the exchange's path; the key is stored before
 * it is installed.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "acme/acme.h"
#include "lib/clock.h"
#include "lib/log.h"
#include "pki/pki.h"
#include "pki/enroll.h"
#include "pki/key.h"
#include "pki/trustpool.h"

/* One account key per (directory URL, contact): FNV-1a of both. */
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
	struct tp_cfg		 c;		/* copy of the trustpoint */
	struct enroll_csr	 r;		/* names; points into c */
	struct acme_params	 p;		/* points into c, r and below */
	char			 acct[64];	/* account key label */
	char			 key[192];	/* key of this request */
	char			 label[160];	/* the trustpoint's key label */
	char			 addr[64];	/* HTTP-01 bind address */
	char			*pool;		/* trustpool PEM, owned */
	char			*replaces;	/* RFC 9773 certID, owned */
	struct signer		 asig;		/* the account key's signer */
	unsigned char		*csr;		/* CSR DER, owned */
	size_t			 csr_len;
	pthread_t		 kt;		/* makes key and CSR */
	int			 kt_state;	/* 0 none, 1 running, 2 joined */
	pthread_mutex_t		 kt_mu;
	pthread_cond_t		 kt_cv;
	int			 csr_done;	/* kt_mu: CSR made (or failed) */
	int			 csr_rc;	/* kt_mu: its result */
	struct err		 csr_err;	/* kt_mu: its error */
	int			 kt_rc;		/* the key stored (after join) */
	struct err		 kt_err;	/* its error */
	int			 regen;		/* a fresh key for this request */
	enroll_progress_fn	 progress;	/* the caller's, or NULL */
	void			*pctx;		/* its context */
};

/* Engine progress lines in IOS style: "% Order for 2 identifier(s) ..." */
static void
ios_progress(void *ctx, const char *line)
{
	struct acme_job *j = ctx;
	char buf[600];

	snprintf(buf, sizeof(buf), "%% %s", line);
	j->progress(j->pctx, buf);
}

/* The trustpoint settings every ACME call needs. */
static int
job_base(struct acme_job *j, const char *tp, struct err *e)
{
	if (tp_get_cfg(tp, &j->c, e) < 0)
		return -1;
	if (j->c.enroll != TP_EN_ACME || !j->c.acme_url[0])
		return err_set(e, E_INVAL, "Trustpoint %s has no ACME url", tp);
	account_label(&j->c, j->acct, sizeof(j->acct));
	tp_key_label(&j->c, j->label, sizeof(j->label));
	j->pool = trustpool_pem();
	j->p.directory_url = j->c.acme_url;
	j->p.contact = j->c.acme_contact[0] ? j->c.acme_contact : NULL;
	j->p.account_key_label = j->acct;
	j->p.extra_ca_pem = j->pool;
	return 0;
}

static int
job_setup(struct acme_job *j, const char *tp, const struct enroll_ctx *x,
    struct err *e)
{
	struct tp_certs k;

	if (job_base(j, tp, e) < 0)
		return -1;
	if (j->c.acme_http01_if[0] && pki_if_addr(j->c.acme_http01_if,
	    j->addr, sizeof(j->addr)) < 0)
		return err_set(e, E_INVAL, "Interface %s (http01) has no IP "
		    "address", j->c.acme_http01_if);
	enroll_csr_params(&j->c, x, &j->r);
	j->p.dns = j->r.p.dns;
	j->p.ndns = j->r.p.ndns;
	j->p.ips = j->r.p.ips;
	j->p.nips = j->r.p.nips;
	j->p.subject = j->r.p.subject;
	j->p.http_addr = j->addr[0] ? j->addr : NULL;
	j->p.http_port = pki_http_port();
	j->progress = x->progress;
	j->pctx = x->pctx;
	j->p.progress = x->progress ? ios_progress : NULL;
	j->p.progress_ctx = j;
	j->p.trustpoint = tp;
	j->p.automatic = x->automatic;
	/* RFC 9773: a renewal names the certificate it replaces */
	if (tp_get_certs(tp, &k, NULL) == 0) {
		if (k.cert)
			j->replaces = acme_ari_cert_id(k.cert, NULL);
		tp_certs_free(&k);
	}
	j->p.replaces = j->replaces;
	return 0;
}

/* The key of this request: as on the ASA, a fresh automatic key per
 * enrollment unless one is named (made when missing). Whether one is
 * made (717070) is known before it is: regen, or no key yet. */
static void
job_key_plan(struct acme_job *j, const struct enroll_ctx *x)
{
	j->regen = x->regenerate || (!j->c.rsakeypair[0] &&
	    !j->c.eckeypair[0]);
	j->p.cert_key_label = j->key;
	j->p.regenerated_key = j->regen || !key_exists(j->label) ? j->label :
	    NULL;
}

/* The CSR of key pk (or of the stored key j->key if pk is NULL) as DER
 * in j->csr. */
static int
job_csr_make(struct acme_job *j, EVP_PKEY *pk, struct err *e)
{
	struct csr_params cp = { 0 };
	X509_REQ *req;

	cp.subject = j->p.subject;
	cp.dns = j->p.dns;
	cp.ndns = j->p.ndns;
	cp.ips = j->p.ips;
	cp.nips = j->p.nips;
	req = pk ? csr_build_pkey(pk, &cp, e) : csr_build(j->key, &cp, e);
	if (req == NULL)
		return err_ctx(e, "RFC 8555 section 7.4: CSR");
	j->csr = csr_to_der(req, &j->csr_len);
	X509_REQ_free(req);
	if (j->csr == NULL)
		return err_ssl(e, "RFC 8555 section 7.4: CSR encoding");
	return 0;
}

/* The CSR is made (rc, e): wake a waiting csr_get. */
static void
job_csr_post(struct acme_job *j, int rc, const struct err *e)
{
	pthread_mutex_lock(&j->kt_mu);
	j->csr_done = 1;
	j->csr_rc = rc;
	if (rc < 0)
		j->csr_err = *e;
	pthread_cond_broadcast(&j->kt_cv);
	pthread_mutex_unlock(&j->kt_mu);
}

/*
 * The request's key and its CSR (the key stays in pki/). A new key is
 * made in memory, its CSR posted, and only then stored: the store's
 * syncs do not hold up the finalize that waits for the CSR. 0 once the
 * key is stored, -1 with "e" set.
 */
static int
job_csr(struct acme_job *j, struct err *e)
{
	enum key_type type;
	EVP_PKEY *pk = NULL;
	int bits, rc;

	if (enroll_key_plan(&j->c, j->regen, j->key, sizeof(j->key), &type,
	    &bits) == 0) {
		rc = job_csr_make(j, NULL, e);
		job_csr_post(j, rc, e);
		return rc;
	}
	if ((pk = key_new(type, bits, e)) == NULL) {
		job_csr_post(j, -1, e);
		return -1;
	}
	rc = job_csr_make(j, pk, e);
	job_csr_post(j, rc, e);
	/* as on the ASA, a key made for an ACME trustpoint is exportable */
	if (key_store_new(j->key, pk, 1, e) == -1) {
		j->key[0] = '\0';	/* nothing stored to remove */
		rc = -1;
	}
	EVP_PKEY_free(pk);
	return rc;
}

static void *
job_csr_thread(void *arg)
{
	struct acme_job *j = arg;

	j->kt_rc = job_csr(j, &j->kt_err);
	return NULL;
}

/* Wait for the key thread (if it runs): the key is stored; its result,
 * "e" set on -1. */
static int
job_csr_join(struct acme_job *j, struct err *e)
{
	if (j->kt_state == 1) {
		pthread_join(j->kt, NULL);
		j->kt_state = 2;
	}
	if (j->kt_rc < 0 && e != NULL)
		*e = j->kt_err;
	return j->kt_rc;
}

/* acme_params.csr_get: the CSR as soon as the key thread has made it. */
static int
job_csr_get(void *arg, const unsigned char **der, size_t *len,
    struct err *e)
{
	struct acme_job *j = arg;
	int rc;

	pthread_mutex_lock(&j->kt_mu);
	while (!j->csr_done)
		pthread_cond_wait(&j->kt_cv, &j->kt_mu);
	rc = j->csr_rc;
	if (rc < 0 && e != NULL)
		*e = j->csr_err;
	pthread_mutex_unlock(&j->kt_mu);
	if (rc < 0)
		return -1;
	*der = j->csr;
	*len = j->csr_len;
	return 0;
}

/* The account key acme/ uses without holding it: a signer over it (made
 * as EC P-256 when missing and create is set). */
static int
job_account(struct acme_job *j, int create, struct err *e)
{
	if (!key_exists(j->acct)) {
		if (!create)
			return 0;	/* acme_revoke: no account key */
		if (key_generate(j->acct, KEY_EC, 256, 0, e) == -1)
			return err_ctx(e, "ACME account key %s", j->acct);
		log_dbg(DBG_ACME, 2, "CRYPTO_PKI: ACME: generated account key "
		    "%s (EC P-256)", j->acct);
		j->p.account_new = 1;
	}
	if (pki_signer_open(j->acct, &j->asig, e) == -1)
		return err_ctx(e, "ACME account key %s", j->acct);
	j->p.account_signer = &j->asig;
	return 0;
}

/* The account key (the order needs it first), then the request's key
 * and CSR on a second thread (inline if none can be started). */
static int
job_keys(struct acme_job *j, const struct enroll_ctx *x, struct err *e)
{
	job_key_plan(j, x);
	if (job_account(j, 1, e) < 0)
		return -1;
	j->p.csr_get = job_csr_get;
	j->p.csr_arg = j;
	if (pthread_create(&j->kt, NULL, job_csr_thread, j) == 0)
		j->kt_state = 1;
	else
		j->kt_rc = job_csr(j, &j->kt_err);
	return 0;
}

static struct acme_job *
job_new(void)
{
	struct acme_job *j = calloc(1, sizeof(*j));

	if (j != NULL) {
		pthread_mutex_init(&j->kt_mu, NULL);
		pthread_cond_init(&j->kt_cv, NULL);
	}
	return j;
}

static void
job_free(struct acme_job *j)
{
	job_csr_join(j, NULL);
	pthread_mutex_destroy(&j->kt_mu);
	pthread_cond_destroy(&j->kt_cv);
	pki_signer_close(&j->asig);
	free(j->csr);
	free(j->pool);
	free(j->replaces);
	free(j);
}

/*
 * Install the issued chain. A key generated under a temporary label
 * replaces the trustpoint's key in the same step: the old key is moved
 * aside and destroyed once the certificate is in place (tp_install).
 */
static int
install(const char *tp, struct acme_job *j, STACK_OF(X509) *chain,
    struct err *e)
{
	return tp_install(tp, sk_X509_value(chain, 0), chain,
	    strcmp(j->key, j->label) ? j->key : NULL, e);
}

/* The seed's error table (ios-pki.md section 11.2) for e->detail. */
static const char *
asa_reason(int code)
{
	switch (code) {
	case 7:
	case 28:
		return "Failed to connect to the server";
	case 60:
		return "Failed to verify the server certificate";
	case ACME_ERR_TIMEOUT:
		return "ACME processing timed out";
	default:
		return "Transfer failed";
	}
}

/* "ACME certificate enrollment failed[, error N (reason)]: ..." */
static void
fail_text(const char *what, struct err *e)
{
	if (e->detail)
		err_ctx(e, "%s, error %d (%s)", what, e->detail,
		    asa_reason(e->detail));
	else
		err_ctx(e, "%s", what);
}

/*
 * Enroll trustpoint "tp" with its ACME server. 0 when the certificate
 * and chain are installed; -1 with "e" set otherwise (e->detail keeps
 * the ASA/curl error code), the trustpoint unchanged but for its status.
 */
int
enroll_acme(const char *tp, const struct enroll_ctx *x, struct err *e)
{
	struct acme_job *j = job_new();
	struct acme_result res = { 0 };
	int rc = -1;

	if (j == NULL)
		return err_set(e, E_NOMEM, "out of memory");
	metrics_enroll_attempt(METRICS_ACME);
	if (job_setup(j, tp, x, e) < 0)
		goto out;
	/* the directory first: an unreachable server leaves no key */
	if (acme_directory_check(&j->p, e) < 0 || job_keys(j, x, e) < 0 ||
	    acme_enroll(&j->p, &res, e) < 0) {
		job_csr_join(j, NULL);
		tp_set_status(tp, TP_ST_FAILED);
		fail_text("ACME certificate enrollment failed", e);
		goto out;
	}
	/* the key is stored before it is installed */
	if (job_csr_join(j, e) < 0) {
		tp_set_status(tp, TP_ST_FAILED);
		fail_text("ACME certificate enrollment failed", e);
		goto out;
	}
	if (install(tp, j, res.chain, e) < 0)
		goto out;
	enroll_log_install(tp, sk_X509_value(res.chain, 0));
	rc = 0;
out:
	metrics_enroll_result(METRICS_ACME, rc == 0);
	if (rc < 0 && j->key[0] && strcmp(j->key, j->label) != 0)
		key_zeroize(j->key, NULL);	/* the old key stays */
	acme_result_free(&res);
	job_free(j);
	return rc;
}

/*
 * Revoke the identity certificate of "tp" (RFC 8555 section 7.6) with
 * RFC 5280 reason code "reason", signed with the trustpoint's account
 * key. The certificate stays installed. 0, or -1 with "e" set.
 */
int
revoke_acme(const char *tp, int reason, struct err *e)
{
	struct acme_job *j = job_new();
	struct tp_certs certs = { 0 };
	int rc = -1;

	if (j == NULL)
		return err_set(e, E_NOMEM, "out of memory");
	if (job_base(j, tp, e) < 0 || tp_get_certs(tp, &certs, e) < 0 ||
	    job_account(j, 0, e) < 0)
		goto out;
	if (certs.cert == NULL) {
		err_set(e, E_INVAL, "Trustpoint %s has no certificate", tp);
		goto out;
	}
	rc = acme_revoke(&j->p, certs.cert, reason, e);
out:
	tp_certs_free(&certs);
	job_free(j);
	return rc;
}
