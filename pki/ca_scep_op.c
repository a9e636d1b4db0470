/* pkish - ISC license, see LICENSE */
/*
 * pki/ca_scep_op.c - one SCEP PKIOperation (RFC 8894 section 3.3) at the
 * certificate server: the pkiMessage is parsed and opened by scep/ with
 * the CA's signer, then PKCSReq and RenewalReq go through the policy
 * (pki/ca_policy.c) to a certificate, the queue (PENDING) or a refusal;
 * CertPoll (GetCertInitial) finds the request by its transactionID;
 * GetCert and GetCRL answer from the database. Every fault of the
 * requester is a CertRep FAILURE with its failInfo (badRequest,
 * badMessageCheck, badCertId, badAlg) when the message names a
 * transaction, else HTTP 400. A senderNonce seen before is a replay
 * (badRequest); a transactionID already answered gets its certificate
 * again if the key is the same and a refusal otherwise, unless the
 * request is signed by that very certificate (a renewal keeping its key)
 * or the certificate is revoked or expired: then it is a new request.
 */
#include <stdlib.h>
#include <string.h>
#include <openssl/err.h>
#include <openssl/x509v3.h>
#include "lib/clock.h"
#include "lib/log.h"
#include "pki/ca_int.h"
#include "scep/scep.h"

/* What a reply holds (owned here); end: the issued certificate's
 * record, durable once ca_db_sync(end) returns (0: nothing to wait). */
struct answer {
	struct scep_srv_rep	 rep;
	X509			*cert;
	off_t			 end;
};

static void
fail(struct answer *a, int info)
{
	a->rep.status = SCEP_FAILURE;
	a->rep.fail_info = info;
}

/* SUCCESS with x (taken). */
static void
success(struct answer *a, X509 *x)
{
	a->cert = x;
	if ((a->rep.certs = sk_X509_new_null()) == NULL ||
	    !sk_X509_push(a->rep.certs, x)) {
		fail(a, SCEP_BAD_REQUEST);
		return;
	}
	a->rep.status = SCEP_SUCCESS;
}

/* The database's certificate by serial; *live (if not NULL): neither
 * revoked nor expired at the CA's clock. */
static X509 *
db_cert(struct ca_ref *r, uint64_t serial, int *live)
{
	struct ca_cert_rec c;
	const unsigned char *p;
	X509 *x;

	if (ca_db_cert_get(r->db, serial, &c, NULL) == -1)
		return NULL;
	p = c.der;
	x = d2i_X509(NULL, &p, (long)c.der_len);
	if (live != NULL)
		*live = c.revoked == 0 && c.not_after > clock_now();
	free(c.der);
	return x;
}

/* The queued request q is for key (NULL: any). */
static int
csr_key_is(const struct ca_req_rec *q, EVP_PKEY *key)
{
	const unsigned char *p = q->csr;
	X509_REQ *req;
	int ok;

	if (key == NULL)
		return 1;
	req = d2i_X509_REQ(NULL, &p, (long)q->csr_len);
	ok = req != NULL && EVP_PKEY_eq(X509_REQ_get0_pubkey(req), key) == 1;
	X509_REQ_free(req);
	return ok;
}

/* The request queued under the transactionID, state PENDING: PENDING for
 * the same key, a refusal for another. 1 answered, 0 none pending. */
static int
pending_tid(struct ca_ref *r, const struct scep_srv_msg *m, EVP_PKEY *key,
    struct answer *a)
{
	struct ca_req_rec q;
	int same;

	if (ca_db_req_get(r->db, 0, m->tid, &q, NULL) == -1)
		return 0;
	same = csr_key_is(&q, key);
	free(q.csr);
	if (q.state != CA_REQ_PENDING)
		return 0;
	if (same)
		a->rep.status = SCEP_PENDING;
	else
		fail(a, SCEP_BAD_REQUEST);	/* another key, same tid */
	return 1;
}

/*
 * Answer from what the transactionID already has: 1 answered, 0 new.
 * renew (PKCSReq, RenewalReq): the message's signer; a request signed by
 * the certificate issued under the transactionID is a renewal, not a
 * resend (clients that derive the transactionID from a kept key reuse
 * it), and a certificate revoked or expired since is not sent again.
 */
static int
known_tid(struct ca_ref *r, const struct scep_srv_msg *m, EVP_PKEY *key,
    X509 *renew, struct answer *a)
{
	struct ca_req_rec q;
	uint64_t serial;
	X509 *x = NULL;
	int same, live = 0;

	if (pending_tid(r, m, key, a))
		return 1;
	if (ca_db_tid_serial(r->db, m->tid, &serial) == 0)
		x = db_cert(r, serial, &live);
	else if (ca_db_req_get(r->db, 0, m->tid, &q, NULL) == 0) {
		same = csr_key_is(&q, key);
		free(q.csr);
		if (!same || q.state != CA_REQ_ISSUED) {
			fail(a, SCEP_BAD_REQUEST);	/* rejected, removed */
			return 1;
		}
		x = db_cert(r, q.serial, &live);
	} else
		return 0;
	if (x != NULL && renew != NULL && (!live || X509_cmp(x, renew) == 0)) {
		X509_free(x);
		return 0;
	}
	if (x == NULL)
		fail(a, SCEP_BAD_CERT_ID);
	else if (key != NULL && EVP_PKEY_eq(X509_get0_pubkey(x), key) != 1) {
		X509_free(x);
		fail(a, SCEP_BAD_REQUEST);	/* another key, same tid */
	} else
		success(a, x);
	return 1;
}

/* Queue the request; PENDING. */
static void
queue(struct ca_ref *r, const struct scep_srv_msg *m, struct answer *a)
{
	struct err e = { 0 };
	unsigned id;

	if (ca_db_req_add(r->db, m->tid, m->content, m->content_len,
	    clock_now(), &id, &e) == -1) {
		log_msg(SEV_ERR, "PKI", "CS_DATABASE", "Request not stored: %s",
		    e.msg);
		fail(a, SCEP_BAD_REQUEST);
		return;
	}
	log_dbg(DBG_PKI_CA, 1, "CRYPTO_CS: request %u queued (transaction "
	    "%.64s)", id, m->tid);
	a->rep.status = SCEP_PENDING;
}

/* req's signature verified by enroll(); the record's sync runs while
 * the CertRep is signed (durable(), below). */
static void
issue(struct ca_ref *r, X509_REQ *req, const struct scep_srv_msg *m,
    struct answer *a)
{
	struct err e = { 0 };
	X509 *x = NULL;

	if (ca_issue_verified(r, req, m->tid, &a->end, &x, &e) == -1) {
		log_msg(SEV_ERR, "PKI", "CS_ISSUE", "Certificate not issued: "
		    "%s", e.msg);
		fail(a, SCEP_BAD_REQUEST);
	} else
		success(a, x);
}

/* PKCSReq (19) and RenewalReq (17). */
static void
enroll(struct ca_ref *r, const struct scep_srv_msg *m, const char *peer,
    struct answer *a)
{
	const unsigned char *p = m->content;
	X509_REQ *req = d2i_X509_REQ(NULL, &p, (long)m->content_len);
	EVP_PKEY *key = req ? X509_REQ_get0_pubkey(req) : NULL;
	X509 *s = m->signer_cert;

	if (req == NULL || key == NULL || p != m->content + m->content_len)
		fail(a, SCEP_BAD_REQUEST);
	else if (X509_REQ_verify(req, key) != 1 ||
	    (X509_check_issued(s, s) == X509_V_OK &&
	    EVP_PKEY_eq(X509_get0_pubkey(s), key) != 1))
		fail(a, SCEP_BAD_MESSAGE_CHECK);
	else if (!known_tid(r, m, key, s, a)) {
		/* grant auto rollover ca-cert: shadow requests (the rollover
		 * CA opened them, pki/ca_rollover.c) are granted */
		switch (r->cfg.grant_rollover && ca_rollover_is(r->cacert) ?
		    CA_V_ISSUE : ca_policy(r, req, s)) {
		case CA_V_ISSUE:
			issue(r, req, m, a);
			break;
		case CA_V_QUEUE:
			queue(r, m, a);
			break;
		case CA_V_BADPW:
			log_msg(SEV_WARN, "PKI", "CS_BAD_PASSWORD", "Enrollment "
			    "request from %s refused: invalid challenge "
			    "password", peer && *peer ? peer : "a client");
			fail(a, SCEP_BAD_REQUEST);
			break;
		default:
			fail(a, SCEP_BAD_REQUEST);
		}
	}
	ERR_clear_error();
	X509_REQ_free(req);
}

/* GetCert (21), GetCRL (22): IssuerAndSerialNumber of this CA. */
static void
lookup(struct ca_ref *r, const struct scep_srv_msg *m, struct answer *a)
{
	X509_NAME *iss = NULL;
	ASN1_INTEGER *sn = NULL;
	uint64_t serial;
	X509 *x;

	if (scep_srv_ias(m->content, m->content_len, &iss, &sn, NULL,
	    NULL) == -1)
		fail(a, SCEP_BAD_REQUEST);
	else if (X509_NAME_cmp(iss, X509_get_subject_name(r->cacert)) != 0 ||
	    !ASN1_INTEGER_get_uint64(&serial, sn))
		fail(a, SCEP_BAD_CERT_ID);
	else if (m->type == SCEP_MT_GETCRL) {
		if ((a->rep.crl = ca_crl_current(NULL)) == NULL)
			fail(a, SCEP_BAD_REQUEST);
		else
			a->rep.status = SCEP_SUCCESS;
	} else if ((x = db_cert(r, serial, NULL)) == NULL)
		fail(a, SCEP_BAD_CERT_ID);
	else
		success(a, x);
	X509_NAME_free(iss);
	ASN1_INTEGER_free(sn);
}

static void
dispatch(struct ca_ref *r, const struct scep_srv_msg *m, const char *peer,
    struct answer *a)
{
	if (ca_nonce_seen(m->nonce)) {
		fail(a, SCEP_BAD_REQUEST);	/* a replayed message */
		return;
	}
	switch (m->type) {
	case SCEP_MT_PKCSREQ:
	case SCEP_MT_RENEWALREQ:
		enroll(r, m, peer, a);
		break;
	case SCEP_MT_CERTPOLL:
		ca_req_expire();
		if (!known_tid(r, m, X509_get0_pubkey(m->signer_cert), NULL,
		    a))
			fail(a, SCEP_BAD_CERT_ID);
		break;
	case SCEP_MT_GETCERT:
	case SCEP_MT_GETCRL:
		lookup(r, m, a);
		break;
	default:
		fail(a, SCEP_BAD_REQUEST);
	}
}

/*
 * The CertRep *out leaves only with what it tells durable in the
 * database: an issued certificate's record (its sync started before the
 * CertRep was signed), or all records applied before the answer was
 * made (a certificate sent again, polled or fetched may be another
 * request's, applied and not yet synced); if the sync failed, the
 * answer becomes a FAILURE. 200 or 500.
 */
static int
durable(struct ca_ref *r, const struct scep_srv_msg *m, struct answer *a,
    unsigned char **out, size_t *outlen)
{
	struct err e = { 0 };

	if (a->end == 0 || ca_db_sync(r->db, a->end, &e) == 0)
		return 200;
	log_msg(SEV_ERR, "PKI", "CS_ISSUE", "Certificate not issued: %s",
	    e.msg);
	free(*out);
	*out = NULL;
	*outlen = 0;
	sk_X509_free(a->rep.certs);
	a->rep.certs = NULL;
	fail(a, SCEP_BAD_REQUEST);
	return scep_srv_certrep(m, &a->rep, &r->signer, r->cacert, out,
	    outlen, &e) == -1 ? 500 : 200;
}

int
ca_scep_pkiop(const unsigned char *msg, size_t len, const char *peer,
    unsigned char **out, size_t *outlen)
{
	struct answer a;
	struct scep_srv_msg m;
	struct ca_ref r;
	struct err e = { 0 };
	int info, st = 200;

	*out = NULL;
	*outlen = 0;
	memset(&a, 0, sizeof(a));
	if (ca_ref_get(&r) == -1)
		return 503;
	if (ca_rollover_parse(msg, len, &r, NULL, &m, &info, &e) == 0)
		dispatch(&r, &m, peer, &a);
	else if (m.have_ids && info >= 0)
		fail(&a, info);
	else
		st = 400;
	if (st == 200 && a.end == 0 && r.db != NULL)
		a.end = ca_db_end(r.db);
	if (m.md == NULL)
		m.md = EVP_sha256();
	log_dbg(DBG_PKI_CA, 2, "CRYPTO_CS: messageType %d from %s: status %d"
	    "%s%s", m.type, peer ? peer : "?", st == 200 ? (int)a.rep.status :
	    st, st == 200 ? "" : " ", st == 200 ? "" : e.msg);
	if (st == 200 && scep_srv_certrep(&m, &a.rep, &r.signer, r.cacert,
	    out, outlen, &e) == -1)
		st = 500;
	if (st == 200)
		st = durable(&r, &m, &a, out, outlen);
	else if (a.end != 0)
		(void)ca_db_sync(r.db, a.end, NULL);	/* not sent anyway */
	sk_X509_free(a.rep.certs);
	X509_free(a.cert);
	X509_CRL_free(a.rep.crl);
	scep_srv_msg_free(&m);
	ca_ref_put(&r);
	return st;
}
