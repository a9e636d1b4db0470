/* pki/enroll_scep.c - authenticate and enroll a trustpoint over SCEP */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "lib/clock.h"
#include "lib/log.h"
#include "pki/cert.h"
#include "pki/csr.h"
#include "pki/enroll.h"
#include "pki/key.h"
#include "pki/renew.h"
#include "scep/scep.h"

int
authenticate_scep(const char *tp, X509 **ca, struct err *e)
{
	struct tp_cfg c;
	struct scep_caps caps;
	STACK_OF(X509) *certs = NULL;
	X509 *x = NULL, *re = NULL, *rs = NULL;

	if (tp_get_cfg(tp, &c, e) < 0)
		return -1;
	if (scep_get_ca(c.url, &certs, &x, &re, &rs, e) < 0)
		return -1;
	if (x == NULL) {
		sk_X509_pop_free(certs, X509_free);
		return err_set(e, E_PROTO, "RFC 8894 section 4.2: GetCACert "
		    "returned no CA certificate");
	}
	if (c.mode_ra && re == NULL)
		log_msg(SEV_WARN, "PKI", "RA_MISSING", "Trustpoint %s is in RA "
		    "mode but the CA sent no RA certificate", tp);
	X509_up_ref(x);
	*ca = x;
	sk_X509_pop_free(certs, X509_free);
	if (scep_get_caps(c.url, &caps, NULL) == 0)
		tp_set_caps(tp, caps.raw);
	return 0;
}

struct scep_job {
	struct tp_cfg		 c;
	struct tp_certs		 k;
	struct scep_caps	 caps;
	struct enroll_csr	 r;
	struct scep_req		 q;
	STACK_OF(X509)		*cas;
	X509_REQ		*csr;
	char			 key[192], label[160];
};

static int
job_setup(struct scep_job *j, const char *tp, const struct enroll_ctx *x,
    struct err *e)
{
	X509 *ca = NULL, *re = NULL, *rs = NULL;
	int gen, renew;

	if (tp_get_cfg(tp, &j->c, e) < 0 || tp_get_certs(tp, &j->k, e) < 0)
		return -1;
	if (j->k.ca == NULL)
		return err_set(e, E_INVAL, "You must authenticate the "
		    "Certificate Authority before you can enroll with it.");
	if (scep_get_caps(j->c.url, &j->caps, e) < 0)
		return -1;
	tp_set_caps(tp, j->caps.raw);
	if (scep_get_ca(j->c.url, &j->cas, &ca, &re, &rs, e) < 0)
		return -1;
	if (ca == NULL || X509_cmp(ca, j->k.ca) != 0)
		return err_set(e, E_PROTO, "The CA certificate of %s changed; "
		    "authenticate the trustpoint again", tp);
	renew = j->k.cert && cert_not_after(j->k.cert) > clock_now();
	tp_key_label(&j->c, j->label, sizeof(j->label));
	if (enroll_prepare_key(&j->c, x->regenerate && renew, j->key,
	    sizeof(j->key), &gen, e) < 0)
		return -1;
	enroll_csr_params(&j->c, x, &j->r);
	if ((j->csr = csr_build(j->key, &j->r.p, e)) == NULL)
		return -1;
	j->q.url = j->c.url;
	j->q.caps = &j->caps;
	j->q.ca = j->k.ca;
	j->q.ra_enc = re;
	j->q.ra_sign = rs;
	j->q.key_label = j->key;
	j->q.csr = j->csr;
	if (renew) {
		j->q.signer_cert = j->k.cert;
		j->q.signer_key_label = j->label;
		j->q.renewal = 1;
	}
	return 0;
}

static void
job_free(struct scep_job *j)
{
	tp_certs_free(&j->k);
	sk_X509_pop_free(j->cas, X509_free);
	X509_REQ_free(j->csr);
	free(j);
}

static int
outcome(const char *tp, struct scep_job *j, struct scep_resp *rs,
    struct enroll_pending *pend, struct err *e)
{
	if (rs->status == SCEP_PENDING) {
		pend->active = 1;
		snprintf(pend->tid, sizeof(pend->tid), "%s", rs->transaction_id);
		snprintf(pend->key, sizeof(pend->key), "%s", j->key);
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
	if (tp_install(tp, rs->cert, NULL, strcmp(j->key, j->label) ? j->key :
	    NULL, e) < 0)
		return -1;
	log_msg(SEV_INFO, "PKI", "CERTRET", "Certificate received from "
	    "Certificate Authority");
	enroll_log_install(tp, rs->cert);
	return 0;
}

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
	if (job_setup(j, tp, x, e) == 0) {
		if (scep_enroll(&j->q, &rs, e) == 0)
			rc = outcome(tp, j, &rs, pend, e);
		else
			tp_set_status(tp, TP_ST_FAILED);
	}
	if (rc < 0 && strcmp(j->key, j->label) != 0 && j->key[0])
		key_zeroize(j->key, NULL);	/* the old key stays */
	scep_resp_free(&rs);
	job_free(j);
	return rc;
}

int
poll_scep(const char *tp, const struct enroll_pending *p, int *granted,
    struct err *e)
{
	struct scep_job *j = calloc(1, sizeof(*j));
	struct enroll_ctx x = { 0 };
	struct enroll_pending again;
	struct scep_resp rs;
	X509 *ca = NULL, *re = NULL, *rsg = NULL;
	int rc = -1;

	memset(&rs, 0, sizeof(rs));
	*granted = 0;
	if (j == NULL)
		return err_set(e, E_NOMEM, "out of memory");
	if (tp_get_cfg(tp, &j->c, e) < 0 || tp_get_certs(tp, &j->k, e) < 0 ||
	    scep_get_caps(j->c.url, &j->caps, e) < 0 ||
	    scep_get_ca(j->c.url, &j->cas, &ca, &re, &rsg, e) < 0)
		goto out;
	tp_key_label(&j->c, j->label, sizeof(j->label));
	snprintf(j->key, sizeof(j->key), "%s", p->key);
	enroll_csr_params(&j->c, &x, &j->r);
	if ((j->csr = csr_build(j->key, &j->r.p, e)) == NULL)
		goto out;
	j->q.url = j->c.url;
	j->q.caps = &j->caps;
	j->q.ca = ca ? ca : j->k.ca;
	j->q.ra_enc = re;
	j->q.ra_sign = rsg;
	j->q.key_label = j->key;
	j->q.csr = j->csr;
	if (scep_poll(&j->q, p->tid, &rs, e) == 0 &&
	    (rc = outcome(tp, j, &rs, &again, e)) == 0)
		*granted = rs.status == SCEP_SUCCESS;
out:
	scep_resp_free(&rs);
	job_free(j);
	return rc;
}
