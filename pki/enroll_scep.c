/* SPDX-License-Identifier: ISC */
/*
 * pki/enroll_scep.c - trustpoints meet the SCEP engine (scep/scep.h):
 * `crypto pki authenticate` (GetCACert + GetCACaps), `crypto pki enroll`
 * and automatic renewal (PKCSReq, or RenewalReq signed by the current
 * identity certificate and key, RFC 8894 section 3.3.1), and CertPoll
 * for requests the CA answered PENDING (section 3.3.3).
 *
 * Each call copies the trustpoint's configuration and certificates out
 * of the store, runs the exchange without holding any lock and writes
 * the outcome back (tp_install, tp_set_status, tp_set_caps). With
 * `regenerate` the new key lives under a temporary label until its
 * certificate is installed; it then takes the trustpoint's label in the
 * same step and the old key is destroyed, so the old certificate and key
 * serve until the new pair is in place. An exchange sends GetCACaps, then
 * the request; GetCACert only when the RA certificates that go with the
 * CA are not known yet (after a restart) or a rollover CA waits: a
 * GetCACert answer equal to the stored rollover CA promotes it, any other
 * change is refused. Past the CA certificate's SHADOW time the rollover
 * CA certificate is fetched (pki/scep_rollover.c). An automatic renewal
 * of an identity that ends with its CA is a SHADOW one: encrypted to the
 * rollover CA, answered by it, kept as the rollover identity.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "lib/clock.h"
#include "lib/log.h"
#include "pki/cert.h"
#include "pki/csr.h"
#include "pki/enroll.h"
#include "pki/key.h"
#include "pki/metrics.h"
#include "pki/renew.h"
#include "pki/signer.h"
#include "scep/scep.h"

/*
 * GetCACert answers remembered per trustpoint: the RA certificates that
 * go with the authenticated CA. With them an enrollment sends GetCACaps
 * and then the request, as IOS does, instead of fetching the CA and RA
 * certificates again. Lost at restart (the next exchange refetches).
 */
struct ra_entry {
	char		 tp[TP_NAME_MAX + 1];
	char		 url[512];
	X509		*ca;		/* the CA the RA certificates go with */
	X509		*enc, *sign;	/* RA certificates or NULL */
	struct ra_entry	*next;
};
static pthread_mutex_t ra_mu = PTHREAD_MUTEX_INITIALIZER;
static struct ra_entry *ra_list;	/* guarded by ra_mu */

static X509 *
up(X509 *x)
{
	if (x != NULL)
		X509_up_ref(x);
	return x;
}

static void
ra_put(const char *tp, const char *url, X509 *ca, X509 *enc, X509 *sign)
{
	struct ra_entry *r;

	pthread_mutex_lock(&ra_mu);
	for (r = ra_list; r && strcmp(r->tp, tp) != 0; r = r->next)
		;
	if (r == NULL && (r = calloc(1, sizeof(*r))) != NULL) {
		snprintf(r->tp, sizeof(r->tp), "%s", tp);
		r->next = ra_list;
		ra_list = r;
	}
	if (r != NULL) {
		snprintf(r->url, sizeof(r->url), "%s", url);
		X509_free(r->ca);
		X509_free(r->enc);
		X509_free(r->sign);
		r->ca = up(ca);
		r->enc = up(enc);
		r->sign = up(sign);
	}
	pthread_mutex_unlock(&ra_mu);
}

/* 1 and the RA certificates (pushed, up-ref'd, onto keep) when tp's CA
 * at url was fetched before; 0 otherwise. */
static int
ra_get(const char *tp, const char *url, X509 *ca, STACK_OF(X509) *keep,
    X509 **enc, X509 **sign)
{
	struct ra_entry *r;
	int found = 0;

	pthread_mutex_lock(&ra_mu);
	for (r = ra_list; r && strcmp(r->tp, tp) != 0; r = r->next)
		;
	if (r && strcmp(r->url, url) == 0 && X509_cmp(r->ca, ca) == 0 &&
	    (r->enc == NULL || sk_X509_push(keep, up(r->enc))) &&
	    (r->sign == NULL || sk_X509_push(keep, up(r->sign)))) {
		*enc = r->enc;
		*sign = r->sign;
		found = 1;
	}
	pthread_mutex_unlock(&ra_mu);
	return found;
}

/* RA certificates of a GetCACert reply (up-ref'd), or NULL. */
static STACK_OF(X509) *
ra_stack(X509 *re, X509 *rs)
{
	STACK_OF(X509) *sk;

	if (re == NULL || (sk = sk_X509_new_null()) == NULL)
		return NULL;
	sk_X509_push(sk, up(re));
	if (rs != NULL && rs != re)
		sk_X509_push(sk, up(rs));
	return sk;
}

/*
 * GetCACert, then GetCACaps (kept for `show crypto pki trustpoints
 * status`). *ca (and *ra when asked for) belong to the caller.
 */
int
authenticate_scep(const char *tp, X509 **ca, STACK_OF(X509) **ra,
    struct err *e)
{
	struct tp_cfg c;
	struct scep_caps caps;
	STACK_OF(X509) *certs = NULL;
	X509 *x = NULL, *re = NULL, *rs = NULL;

	*ca = NULL;
	if (ra)
		*ra = NULL;
	if (tp_get_cfg(tp, &c, e) < 0)
		return -1;
	if (scep_get_ca(c.url, &certs, &x, &re, &rs, e) < 0) {
		scep_http_release();
		return -1;
	}
	if (x == NULL) {
		sk_X509_pop_free(certs, X509_free);
		return err_set(e, E_PROTO, "RFC 8894 section 4.2: GetCACert "
		    "returned no CA certificate");
	}
	if (c.mode_ra && re == NULL)
		log_msg(SEV_WARN, "PKI", "RA_MISSING", "Trustpoint %s is in RA "
		    "mode but the CA sent no RA certificate", tp);
	if (ra)
		*ra = ra_stack(re, rs);
	ra_put(tp, c.url, x, re, rs);
	*ca = up(x);
	sk_X509_pop_free(certs, X509_free);
	if (scep_get_caps(c.url, &caps, NULL) == 0)
		tp_set_caps(tp, caps.raw);
	scep_http_release();
	return 0;
}

/* One exchange: what it read from the store and what it built. */
struct scep_job {
	struct tp_cfg		 c;		/* copy of the configuration */
	struct tp_certs		 k;		/* up-ref'd certificates */
	struct scep_caps	 caps;		/* GetCACaps of this exchange */
	struct enroll_csr	 r;		/* CSR parameters (borrow c) */
	struct scep_req		 q;		/* borrows everything here */
	STACK_OF(X509)		*cas;		/* GetCACert reply or known RA
						 * certificates; q.ra_* borrow */
	unsigned char		*csr;		/* DER, owned */
	struct signer		 ksig;		/* the key certified */
	struct signer		 isig;		/* renewal: the identity's key */
	X509			*next;		/* SHADOW: the rollover CA */
	char			 key[192];	/* label of the key certified */
	char			 label[160];	/* the trustpoint's key label */
};

static void
job_free(struct scep_job *j)
{
	tp_certs_free(&j->k);
	sk_X509_pop_free(j->cas, X509_free);
	free(j->csr);
	pki_signer_close(&j->ksig);
	pki_signer_close(&j->isig);
	X509_free(j->next);
	free(j);
}

/*
 * GetCACert: the CA must be the authenticated one; the stored rollover CA
 * is promoted when the CA now answers with it.
 */
static int
job_getca(struct scep_job *j, const char *tp, struct err *e)
{
	X509 *ca = NULL;

	if (scep_get_ca(j->c.url, &j->cas, &ca, &j->q.ra_enc, &j->q.ra_sign,
	    e) < 0)
		return -1;
	if (ca == NULL || X509_cmp(ca, j->k.ca) != 0) {
		if (ca == NULL || j->k.ca_rollover == NULL ||
		    X509_cmp(ca, j->k.ca_rollover) != 0)
			return err_set(e, E_PROTO, "The CA certificate of %s "
			    "changed; authenticate the trustpoint again", tp);
		tp_certs_free(&j->k);
		if (scep_rollover_promote(tp, e) < 0 ||
		    tp_get_certs(tp, &j->k, e) < 0)
			return -1;
	}
	ra_put(tp, j->c.url, ca, j->q.ra_enc, j->q.ra_sign);
	return 0;
}

/*
 * GetCACaps, then GetCACert unless the RA certificates for this CA are
 * known and no rollover CA waits (IOS sends GetCACaps before each
 * request). Then the rollover CA certificate is fetched when due
 * (failure only logged: the enrollment does not depend on it).
 */
static int
job_ca(struct scep_job *j, const char *tp, struct err *e)
{
	struct err re = { 0 };

	if (scep_get_caps(j->c.url, &j->caps, e) < 0)
		return -1;
	tp_set_caps(tp, j->caps.raw);
	if ((j->cas = sk_X509_new_null()) == NULL)
		return err_set(e, E_NOMEM, "out of memory");
	if (j->k.ca_rollover != NULL || !ra_get(tp, j->c.url, j->k.ca,
	    j->cas, &j->q.ra_enc, &j->q.ra_sign)) {
		sk_X509_pop_free(j->cas, X509_free);
		j->cas = NULL;
		if (job_getca(j, tp, e) < 0)
			return -1;
	}
	if (scep_rollover_fetch(tp, j->c.url, j->caps.raw, j->k.ca, 0,
	    &re) < 0)
		log_msg(SEV_WARN, "PKI", "CA_ROLLOVER_FAIL", "%s", re.msg);
	return 0;
}

/*
 * The CSR (DER) and the signer over the key it certifies; the engine
 * request borrows both. A renewal is signed by the identity certificate
 * and its key, when that key is still the trustpoint's.
 */
static int
job_req(struct scep_job *j, int renewal, struct err *e)
{
	EVP_PKEY *pub;

	if (csr_build_der(j->key, &j->r.p, &j->csr, &j->q.csr_len, e) < 0 ||
	    pki_signer_open(j->key, &j->ksig, e) < 0)
		return -1;
	j->q.url = j->c.url;
	j->q.caps = &j->caps;
	j->q.ca = j->next ? j->next : j->k.ca;	/* SHADOW: to the next CA */
	j->q.key = &j->ksig;
	j->q.csr_der = j->csr;
	if (!renewal || j->k.cert == NULL ||
	    (pub = key_get1_public(j->label, NULL)) == NULL)
		return 0;
	if (cert_matches_key(j->k.cert, pub) == 1 &&
	    pki_signer_open(j->label, &j->isig, NULL) == 0) {
		j->q.signer_cert = j->k.cert;
		j->q.signer_key = &j->isig;
		j->q.renewal = 1;
	}
	EVP_PKEY_free(pub);
	return 0;
}

static int
job_setup(struct scep_job *j, const char *tp, const struct enroll_ctx *x,
    struct err *e)
{
	int gen, renew;

	if (tp_get_cfg(tp, &j->c, e) < 0 || tp_get_certs(tp, &j->k, e) < 0)
		return -1;
	if (j->k.ca == NULL)
		return err_set(e, E_INVAL, "You must authenticate the "
		    "Certificate Authority before you can enroll with it.");
	if (job_ca(j, tp, e) < 0)
		return -1;
	renew = j->k.cert && cert_not_after(j->k.cert) > clock_now();
	if (x->automatic && renew && j->k.cert_rollover == NULL &&
	    scep_renew_is_shadow(j->k.ca, j->k.cert) &&
	    (j->next = scep_shadow_ca(tp, j->c.url, j->caps.raw, e)) == NULL)
		return -1;
	tp_key_label(&j->c, j->label, sizeof(j->label));
	if (enroll_prepare_key(&j->c, x->regenerate && renew, j->key,
	    sizeof(j->key), &gen, e) < 0)
		return -1;
	enroll_csr_params(&j->c, x, &j->r);
	return job_req(j, renew, e);
}

/*
 * Install cert. A regenerated key (j->key differs from the trustpoint's
 * label) replaces the old key in the same step; the old key is moved
 * aside and destroyed once the certificate is in place (tp_install).
 */
static int
install(const char *tp, struct scep_job *j, X509 *cert, struct err *e)
{
	return tp_install(tp, cert, NULL, strcmp(j->key, j->label) ? j->key :
	    NULL, e);
}

static int
outcome(const char *tp, struct scep_job *j, struct scep_resp *rs,
    struct enroll_pending *pend, struct err *e)
{
	if (rs->status == SCEP_PENDING) {
		pend->active = 1;
		snprintf(pend->tid, sizeof(pend->tid), "%s", rs->transaction_id);
		snprintf(pend->key, sizeof(pend->key), "%s", j->key);
		pend->renewal = j->q.signer_cert != NULL;
		pend->shadow = j->next != NULL;
		tp_set_status(tp, TP_ST_PENDING);
		log_msg(SEV_INFO, "PKI", "CERTPENDING", "Certificate request "
		    "for trustpoint %s is pending (transaction %s)", tp,
		    rs->transaction_id);
		return 0;
	}
	if (rs->status != SCEP_SUCCESS) {
		tp_set_status(tp, TP_ST_REJECTED);
		log_msg(SEV_ERR, "PKI", "CERTREJECT", "Certificate enrollment "
		    "for trustpoint %s was rejected: %s", tp,
		    scep_fail_info_name(rs->fail_info));
		return err_set(e, E_PROTO, "Certificate enrollment failed: the "
		    "CA rejected the request (failInfo %s%s%s)",
		    scep_fail_info_name(rs->fail_info), rs->fail_text[0] ?
		    ": " : "", rs->fail_text);
	}
	if (j->next != NULL)	/* SHADOW: kept until the CA expires */
		return scep_shadow_install(tp, j->label, j->key, rs->cert,
		    j->next, e);
	if (install(tp, j, rs->cert, e) < 0)
		return -1;
	log_msg(SEV_INFO, "PKI", "CERTRET", "Certificate received from "
	    "Certificate Authority");
	enroll_log_install(tp, rs->cert);
	return 0;
}

/*
 * One enrollment (or renewal) of tp. 0: granted and installed, or
 * pending (pend->active set; the caller schedules CertPoll). -1 with e
 * set: transport or protocol error, or FAILURE (e names the failInfo).
 * A key generated for this request is destroyed unless it is pending.
 */
int
enroll_scep(const char *tp, const struct enroll_ctx *x,
    struct enroll_pending *pend, struct err *e)
{
	struct scep_job *j = calloc(1, sizeof(*j));
	struct scep_resp rs;
	int rc = -1;

	memset(&rs, 0, sizeof(rs));
	memset(pend, 0, sizeof(*pend));
	if (j == NULL)
		return err_set(e, E_NOMEM, "out of memory");
	metrics_enroll_attempt(METRICS_SCEP);
	if (job_setup(j, tp, x, e) == 0) {
		pend->include_serial = x->include_serial;
		snprintf(pend->ip, sizeof(pend->ip), "%s", x->ip ? x->ip : "");
		if (scep_enroll(&j->q, &rs, e) == 0)
			rc = outcome(tp, j, &rs, pend, e);
		else
			tp_set_status(tp, TP_ST_FAILED);
	}
	if (rc < 0 || !pend->active)	/* PENDING: the poll tells */
		metrics_enroll_result(METRICS_SCEP, rc == 0);
	if (rc < 0 && j->key[0] && strcmp(j->key, j->label) != 0)
		key_zeroize(j->key, NULL);	/* the old key stays */
	scep_http_release();
	scep_resp_free(&rs);
	job_free(j);
	return rc;
}

/*
 * One CertPoll for the pending request p of tp: the same subject (from
 * the configuration and the dialog answers kept in p), the same key and
 * signer as the request. 0 with *granted 1 (installed) or 0 (still
 * pending); -1 with e set (FAILURE is E_PROTO: stop polling).
 */
int
poll_scep(const char *tp, const struct enroll_pending *p, int *granted,
    struct err *e)
{
	struct scep_job *j = calloc(1, sizeof(*j));
	struct enroll_ctx x = { 0 };
	struct enroll_pending again;
	struct scep_resp rs;
	int rc = -1;

	memset(&rs, 0, sizeof(rs));
	*granted = 0;
	if (j == NULL)
		return err_set(e, E_NOMEM, "out of memory");
	if (tp_get_cfg(tp, &j->c, e) < 0 || tp_get_certs(tp, &j->k, e) < 0)
		goto out;
	if (j->k.ca == NULL) {
		err_set(e, E_INVAL, "Trustpoint %s has no CA certificate", tp);
		goto out;
	}
	if (job_ca(j, tp, e) < 0 || (p->shadow && (j->next = scep_shadow_ca(
	    tp, j->c.url, j->caps.raw, e)) == NULL))
		goto out;
	tp_key_label(&j->c, j->label, sizeof(j->label));
	snprintf(j->key, sizeof(j->key), "%s", p->key);
	x.include_serial = p->include_serial;
	x.ip = p->ip;
	enroll_csr_params(&j->c, &x, &j->r);
	if (job_req(j, p->renewal, e) < 0)
		goto out;
	if (scep_poll(&j->q, p->tid, &rs, e) == 0 &&
	    (rc = outcome(tp, j, &rs, &again, e)) == 0)
		*granted = rs.status == SCEP_SUCCESS;
	if (*granted || (rc < 0 && e && e->code == E_PROTO))	/* final */
		metrics_enroll_result(METRICS_SCEP, *granted);
out:
	scep_http_release();
	scep_resp_free(&rs);
	job_free(j);
	return rc;
}
