/* SPDX-License-Identifier: ISC */
/*
 * scep/client.c - the requester's transactions (RFC 8894 sections 3.3
 * and 2.3): PKCSReq / RenewalReq and CertPoll.
 *
 * One exchange = decode the CSR, pick the signer (a transient
 * self-signed certificate over the requested key for an initial
 * enrollment, the current identity certificate and its key for a
 * renewal), build the pkiMessage, send it (scep/transport.c), verify the
 * CertRep (scep/msg_parse.c) and, on SUCCESS, pick the certificate for
 * the CSR's key. PENDING is returned to the caller, which schedules
 * CertPoll (IOS: retry period doubling up to the retry count); the
 * transactionID is a hash of the public key so a poll after a restart
 * reuses it. Nothing here keeps state between calls; all results are
 * owned by the caller's struct scep_resp. The keys are pki/'s signers
 * (lib/signer.h): no private key is held here.
 */
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <openssl/asn1t.h>
#include <openssl/err.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include "lib/log.h"
#include "scep/scep_int.h"

/* Everything one exchange holds; freed by ex_free. */
struct exchange {
	X509_REQ	*csr;		/* decoded rq->csr_der */
	X509		*sign_cert;	/* transient or up-ref'd identity */
	struct scep_tx	 tx;		/* borrows the above and rq's signer */
};

static void
ex_free(struct exchange *x)
{
	X509_REQ_free(x->csr);
	X509_free(x->sign_cert);
	OPENSSL_cleanse(&x->tx, sizeof(x->tx));
}

static int
req_check(const struct scep_req *rq, struct err *e)
{
	if (rq->url == NULL || rq->ca == NULL || rq->key == NULL ||
	    rq->csr_der == NULL || rq->csr_len == 0 || rq->csr_len > LONG_MAX)
		return err_set(e, E_INVAL, "SCEP: request needs URL, CA "
		    "certificate, key and CSR");
	if (scep_nid(SA_MESSAGE_TYPE) == NID_undef)
		return err_set(e, E_INVAL, "SCEP: scep_init() was not called");
	return 0;
}

/* 1 when pub is the signer's public key (the same DER). */
static int
is_signers(X509_PUBKEY *pub, const struct signer *sg)
{
	return scep_spki_is(pub, sg->pub_der, sg->pub_len);
}

/* The CSR, which must be for rq->key; parsed without decoding its key
 * (scep/spki.c): only its subject and key bytes are used here. */
static int
csr_decode(const struct scep_req *rq, struct exchange *x, struct err *e)
{
	if ((x->csr = scep_d2i_nokey(ASN1_ITEM_rptr(X509_REQ), rq->csr_der,
	    rq->csr_len)) == NULL)
		return err_ssl(e, "SCEP: the CSR does not decode");
	if (!is_signers(X509_REQ_get_X509_PUBKEY(x->csr), rq->key))
		return err_set(e, E_INVAL, "SCEP: the CSR is not for the key "
		    "being certified");
	return 0;
}

/* Signer: the identity cert + its key, or a transient cert over key. */
static int
pick_signer(const struct scep_req *rq, struct exchange *x, struct err *e)
{
	if (rq->signer_cert == NULL) {
		x->sign_cert = scep_transient_get(rq->key,
		    X509_REQ_get_subject_name(x->csr), e);
		x->tx.signer = rq->key;
		return x->sign_cert ? 0 : -1;
	}
	x->tx.signer = rq->signer_key ? rq->signer_key : rq->key;
	if (!is_signers(X509_get_X509_PUBKEY(rq->signer_cert), x->tx.signer))
		return err_set(e, E_INVAL, "SCEP renewal: the signer "
		    "certificate does not match its key");
	if (!X509_up_ref(rq->signer_cert))
		return err_ssl(e, "SCEP: up_ref");
	x->sign_cert = rq->signer_cert;
	return 0;
}

/* CSR, signer, transactionID, fresh senderNonce, algorithms. */
static int
ex_setup(const struct scep_req *rq, enum scep_msg_type type,
    const char *tid, struct exchange *x, struct err *e)
{
	memset(x, 0, sizeof(*x));
	if (req_check(rq, e) == -1 || csr_decode(rq, x, e) == -1 ||
	    pick_signer(rq, x, e) == -1)
		return -1;
	x->tx.type = type;
	if (tid != NULL) {
		if (*tid == '\0' || strlen(tid) > SCEP_TID_MAX)
			return err_set(e, E_INVAL, "SCEP: bad transactionID");
		strcpy(x->tx.transaction_id, tid);
	} else if (scep_transaction_id_der(rq->key->pub_der, rq->key->pub_len,
	    x->tx.transaction_id, e) == -1)	/* = the CSR's key */
		return -1;
	if (RAND_bytes(x->tx.sender_nonce, SCEP_NONCE_LEN) != 1)
		return err_ssl(e, "SCEP: no random senderNonce");
	x->tx.md = scep_caps_md(rq->caps);
	x->tx.cipher = scep_caps_cipher(rq->caps);
	x->tx.recipient = rq->ra_enc ? rq->ra_enc : rq->ca;
	x->tx.signer_cert = x->sign_cert;
	return 0;
}

static const char *
type_name(enum scep_msg_type t)
{
	return t == SCEP_MT_PKCSREQ ? "PKCSReq" : t == SCEP_MT_RENEWALREQ ?
	    "RenewalReq" : t == SCEP_MT_CERTPOLL ? "CertPoll" : "message";
}

/* Move a verified CertRep into resp; SUCCESS picks our certificate. */
static int
fill_resp(const struct signer *rq_key, struct scep_certrep *cr,
    struct scep_resp *rs, struct err *e)
{
	rs->status = cr->status;
	rs->fail_info = cr->fail_info;
	snprintf(rs->fail_text, sizeof(rs->fail_text), "%s", cr->fail_text);
	if (cr->status == SCEP_SUCCESS && scep_certs_pick_spki(cr->inner,
	    cr->inner_len, rq_key->pub_der, rq_key->pub_len, &rs->cert,
	    &rs->extra, e) == -1)
		return -1;
	log_dbg(DBG_PKI_TRANS, 1, "CRYPTO_PKI: Client received CertRep - %s%s"
	    "%s%s%s", cr->status == SCEP_SUCCESS ? "GRANTED" : cr->status ==
	    SCEP_PENDING ? "PENDING" : "FAILED, failInfo ", cr->status ==
	    SCEP_FAILURE ? scep_fail_info_name(cr->fail_info) : "",
	    cr->fail_text[0] ? " (" : "", cr->fail_text,
	    cr->fail_text[0] ? ")" : "");
	return 0;
}

/* Build, send, verify; fills resp. content is the message body. */
static int
ex_run(const struct scep_req *rq, struct exchange *x,
    const unsigned char *content, size_t clen, struct scep_resp *rs,
    struct err *e)
{
	struct scep_certrep cr = { 0 };
	struct http_resp hr = { 0 };
	unsigned char *der = NULL;
	size_t derlen = 0;
	int rc = -1;

	snprintf(rs->transaction_id, sizeof(rs->transaction_id), "%s",
	    x->tx.transaction_id);
	rs->msg_type = (int)x->tx.type;
	if (scep_msg_build(&x->tx, content, clen, &der, &derlen, e) == -1)
		goto out;
	log_dbg(DBG_PKI_TRANS, 1, "CRYPTO_PKI: Client sending %s",
	    type_name(x->tx.type));
	if (scep_pkiop(rq, der, derlen, &hr, e) == -1)
		goto out;
	log_dbg(DBG_PKI_TRANS, 1, "CRYPTO_PKI: Received pki message (%zu "
	    "bytes)", hr.body_len);
	if (scep_certrep_parse(hr.body, hr.body_len, &x->tx, rq->ra_sign ?
	    rq->ra_sign : rq->ca, &cr, e) == -1 ||
	    fill_resp(rq->key, &cr, rs, e) == -1)
		goto out;
	rc = 0;
 out:
	scep_certrep_free(&cr);
	http_resp_free(&hr);
	free(der);
	return rc;
}

static void
resp_init(struct scep_resp *rs)
{
	memset(rs, 0, sizeof(*rs));
	rs->status = SCEP_FAILURE;
	rs->fail_info = -1;
}

/*
 * PKCSReq, or RenewalReq when rq->renewal is set, a signer certificate is
 * given and the CA advertises Renewal (RFC 8894 section 3.3.1). Returns 0
 * with *rs filled (free with scep_resp_free) or -1 with e set.
 */
int
scep_enroll(const struct scep_req *rq, struct scep_resp *rs, struct err *e)
{
	struct exchange x;
	enum scep_msg_type type = SCEP_MT_PKCSREQ;
	int rc = -1;

	resp_init(rs);
	if (rq->renewal && rq->signer_cert != NULL && rq->caps != NULL &&
	    rq->caps->renewal)
		type = SCEP_MT_RENEWALREQ;
	if (ex_setup(rq, type, NULL, &x, e) == 0)
		rc = ex_run(rq, &x, rq->csr_der, rq->csr_len, rs, e);
	if (rc == -1)
		scep_resp_free(rs);
	ex_free(&x);
	return rc;
}

/*
 * CertPoll (GetCertInitial, RFC 8894 section 3.3.3) for the transaction
 * transaction_id: IssuerAndSubject = CA subject + CSR subject, signed
 * like the original request. Same results as scep_enroll.
 */
int
scep_poll(const struct scep_req *rq, const char *transaction_id,
    struct scep_resp *rs, struct err *e)
{
	struct exchange x;
	unsigned char *ias = NULL;
	size_t len = 0;
	int rc = -1;

	resp_init(rs);
	if (transaction_id == NULL) {
		memset(&x, 0, sizeof(x));
		err_set(e, E_INVAL, "SCEP CertPoll: no transactionID");
		goto out;
	}
	if (ex_setup(rq, SCEP_MT_CERTPOLL, transaction_id, &x, e) == -1 ||
	    scep_issuer_and_subject(X509_get_subject_name(rq->ca),
	    X509_REQ_get_subject_name(x.csr), &ias, &len, e) == -1)
		goto out;
	rc = ex_run(rq, &x, ias, len, rs, e);
 out:
	if (rc == -1)
		scep_resp_free(rs);
	free(ias);
	ex_free(&x);
	return rc;
}

void
scep_resp_free(struct scep_resp *rs)
{
	if (rs == NULL)
		return;
	X509_free(rs->cert);
	sk_X509_pop_free(rs->extra, X509_free);
	resp_init(rs);
}
