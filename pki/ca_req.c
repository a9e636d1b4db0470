/* pkish - ISC license, see LICENSE */
/*
 * pki/ca_req.c - the operator's side of the certificate server (EXEC
 * `crypto pki server CS ...`): grant, reject and remove queued requests,
 * revoke and unrevoke (a new CRL each time), sign a pasted PKCS#10
 * (`request pkcs10 terminal`), and the expiry of pending requests
 * (`lifetime enrollment-request`).
 */
#include <stdlib.h>
#include <string.h>
#include "lib/clock.h"
#include "lib/log.h"
#include "pki/ca_int.h"

/* The transactionID of q got its certificate (serial) since q was queued:
 * issued before a crash cut the request's own record short. A certificate
 * older than q is the one a renewal under the same transactionID renews. */
static int
issued_since(struct ca_ref *r, const struct ca_req_rec *q, uint64_t *serial)
{
	struct ca_cert_rec c;

	if (*q->tid == '\0' || ca_db_tid_serial(r->db, q->tid, serial) == -1 ||
	    ca_db_cert_get(r->db, *serial, &c, NULL) == -1)
		return 0;
	free(c.der);
	return c.not_before >= q->created;
}

/* Issue the certificate of one queued request, mark it issued. */
static int
grant_one(struct ca_ref *r, const struct ca_req_rec *q, struct err *e)
{
	const unsigned char *p = q->csr;
	X509_REQ *req = d2i_X509_REQ(NULL, &p, (long)q->csr_len);
	uint64_t serial;
	X509 *x = NULL;
	int rc;

	if (req == NULL)
		return err_set(e, E_INVAL, "Request %u: bad PKCS#10", q->id);
	if (issued_since(r, q, &serial))
		rc = 0;
	else if ((rc = ca_issue_tid(r, req, q->tid, &x, e)) == 0)
		ASN1_INTEGER_get_uint64(&serial, X509_get0_serialNumber(x));
	X509_free(x);
	X509_REQ_free(req);
	if (rc == -1)
		return -1;
	return ca_db_req_set(r->db, q->id, CA_REQ_ISSUED, serial, e);
}

/* Apply op to request id (0: every pending one). */
static int
each_req(unsigned id, enum ca_req_state op, struct err *e)
{
	struct ca_req_rec *qs = NULL;
	struct ca_ref r;
	size_t n = 0;
	int rc = 0, found = 0;

	if (ca_ref_get(&r) == -1)
		return err_set(e, E_INVAL, "Certificate server is disabled");
	ca_req_expire();
	if (ca_db_reqs(r.db, &qs, &n, e) == -1) {
		ca_ref_put(&r);
		return -1;
	}
	for (size_t i = 0; i < n && rc == 0; i++) {
		if (id != 0 && qs[i].id != id)
			continue;
		found = 1;
		if (op != CA_REQ_REMOVED && qs[i].state != CA_REQ_PENDING) {
			if (id != 0)
				rc = err_set(e, E_INVAL, "Request %u is not "
				    "pending", id);
			continue;
		}
		rc = op == CA_REQ_ISSUED ? grant_one(&r, &qs[i], e) :
		    ca_db_req_set(r.db, qs[i].id, op, 0, e);
	}
	ca_db_reqs_free(qs, n);
	ca_ref_put(&r);
	if (rc == 0 && id != 0 && !found)
		rc = err_set(e, E_NOTFOUND, "Request %u not found", id);
	return rc;
}

int
ca_req_grant(unsigned id, struct err *e)
{
	return each_req(id, CA_REQ_ISSUED, e);
}

int
ca_req_reject(unsigned id, struct err *e)
{
	return each_req(id, CA_REQ_REJECTED, e);
}

int
ca_req_remove(unsigned id, struct err *e)
{
	return each_req(id, CA_REQ_REMOVED, e);
}

void
ca_req_expire(void)
{
	struct ca_req_rec *qs = NULL;
	struct ca_ref r;
	size_t n = 0;
	long life;
	time_t now = clock_now();

	if (ca_ref_get(&r) == -1)
		return;
	life = r.cfg.life_req ? r.cfg.life_req : CA_LIFE_REQ;
	if (ca_db_reqs(r.db, &qs, &n, NULL) == 0)
		for (size_t i = 0; i < n; i++)
			if (qs[i].state == CA_REQ_PENDING &&
			    qs[i].created + life * 60 <= now)
				ca_db_req_set(r.db, qs[i].id, CA_REQ_REMOVED, 0,
				    NULL);
	ca_db_reqs_free(qs, n);
	ca_ref_put(&r);
}

int
ca_revoke(uint64_t serial, int unrevoke, struct err *e)
{
	struct ca_ref r;
	uint64_t own = 0;
	int rc, crl = 0;

	if (ca_ref_get(&r) == -1)
		return err_set(e, E_INVAL, "Certificate server is disabled");
	ASN1_INTEGER_get_uint64(&own, X509_get0_serialNumber(r.cacert));
	if (serial == own)
		rc = err_set(e, E_PERM, "The CA certificate cannot be revoked");
	else
		rc = ca_crl_revoke(&r, serial, unrevoke ? 0 : clock_now(), &crl,
		    e);
	if (rc == 0 && crl == -1)
		log_msg(SEV_WARN, "PKI", "CS_CRL", "CRL: %s", e->msg);
	ca_ref_put(&r);
	return rc;
}

int
ca_sign_csr(X509_REQ *req, X509 **cert, struct err *e)
{
	struct ca_ref r;
	int rc;

	*cert = NULL;
	if (ca_ref_get(&r) == -1)
		return err_set(e, E_INVAL, "Certificate server is disabled");
	rc = ca_issue(&r, req, cert, e);
	ca_ref_put(&r);
	return rc;
}
