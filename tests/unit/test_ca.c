/* tests/unit/test_ca.c - the certificate server engine in a temporary
 * state directory: enable (key, CA certificate, archive, trustpoint),
 * SCEP PKIOperations in process (PKCSReq, RenewalReq, CertPoll, GetCert,
 * GetCRL) built with scep/'s requester side, the policy (grant auto,
 * manual queue and grant, grant none, one-time passwords single use and
 * expiry, a wrong challenge), revocation and the CRL, bad messages and
 * their failInfo, a restart replaying the database (a torn tail cut),
 * and the HTTP service with pkish's own SCEP client. */
#include <pthread.h>
#include <unistd.h>
#include <sys/stat.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509v3.h>
#include "tests/unit/testlib.h"
#include "lib/clock.h"
#include "lib/log.h"
#include "pki/ca_int.h"
#include "pki/key.h"
#include "pki/csr.h"
#include "pki/p12.h"
#include "pki/signer.h"
#include "pki/tp.h"
#include "scep/scep.h"

static X509 *cacert;

/* One requester: key, transient certificate, the last message. */
struct rq {
	EVP_PKEY	*key;
	X509		*self;
	struct scep_tx	 tx;
	X509		*got;		/* certificate of the last SUCCESS */
};

static X509_REQ *
mk_csr(EVP_PKEY *k, const char *cn, const char *pw)
{
	X509_REQ *r = X509_REQ_new();
	X509_NAME *n = X509_REQ_get_subject_name(r);
	STACK_OF(X509_EXTENSION) *exts = sk_X509_EXTENSION_new_null();
	X509_EXTENSION *san;
	char alt[128];

	X509_NAME_add_entry_by_txt(n, "CN", MBSTRING_ASC,
	    (const unsigned char *)cn, -1, -1, 0);
	X509_REQ_set_pubkey(r, k);
	if (pw != NULL)
		X509_REQ_add1_attr_by_NID(r, NID_pkcs9_challengePassword,
		    MBSTRING_ASC, (const unsigned char *)pw, -1);
	snprintf(alt, sizeof(alt), "DNS:%s", cn);
	san = X509V3_EXT_conf_nid(NULL, NULL, NID_subject_alt_name, alt);
	sk_X509_EXTENSION_push(exts, san);
	X509_REQ_add_extensions(r, exts);
	sk_X509_EXTENSION_pop_free(exts, X509_EXTENSION_free);
	X509_REQ_sign(r, k, EVP_sha256());
	return r;
}

static void
rq_init(struct rq *q, const char *cn)
{
	X509_NAME *n = X509_NAME_new();
	struct signer sg;

	memset(q, 0, sizeof(*q));
	q->key = EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)2048);
	X509_NAME_add_entry_by_txt(n, "CN", MBSTRING_ASC,
	    (const unsigned char *)cn, -1, -1, 0);
	if (pki_signer_pkey(q->key, &sg, NULL) == 0)
		q->self = scep_transient_cert(&sg, n, NULL);
	pki_signer_close(&sg);
	X509_NAME_free(n);
}

static void
rq_free(struct rq *q)
{
	EVP_PKEY_free(q->key);
	X509_free(q->self);
	X509_free(q->got);
	memset(q, 0, sizeof(*q));
}

/* Send content as message type t, signed by signer/sk (NULL: the
 * transient certificate); HTTP status, *cr the verified CertRep. */
static int
send_msg(struct rq *q, int t, const unsigned char *c, size_t clen,
    X509 *signer, EVP_PKEY *sk, const char *tid, struct scep_certrep *cr)
{
	unsigned char *msg = NULL, *out = NULL;
	size_t len = 0, olen = 0;
	struct err e = { 0 };
	struct signer sg;
	int st;

	memset(cr, 0, sizeof(*cr));
	if (pki_signer_pkey(sk ? sk : q->key, &sg, &e) == -1)
		return -1;
	q->tx.type = (enum scep_msg_type)t;
	if (tid != NULL)
		snprintf(q->tx.transaction_id, sizeof(q->tx.transaction_id),
		    "%s", tid);
	else
		scep_transaction_id(q->key, q->tx.transaction_id, &e);
	RAND_bytes(q->tx.sender_nonce, SCEP_NONCE_LEN);
	q->tx.md = EVP_sha256();
	q->tx.cipher = EVP_aes_256_cbc();
	q->tx.recipient = cacert;
	q->tx.signer_cert = signer ? signer : q->self;
	q->tx.signer = &sg;
	if (scep_msg_build(&q->tx, c, clen, &msg, &len, &e) == -1) {
		printf("# build: %s\n", e.msg);
		pki_signer_close(&sg);
		return -1;
	}
	st = ca_scep_pkiop(msg, len, "127.0.0.1", &out, &olen);
	if (st == 200 && scep_certrep_parse(out, olen, &q->tx, cacert, cr,
	    &e) == -1) {
		printf("# certrep: %s\n", e.msg);
		st = -2;
	}
	pki_signer_close(&sg);
	q->tx.signer = NULL;
	free(msg);
	free(out);
	return st;
}

/* PKCSReq (or RenewalReq when signer is set) for cn with pw. Returns
 * the pkiStatus (-1 on a transport fault); q->got on SUCCESS. */
static int
enroll(struct rq *q, const char *cn, const char *pw, X509 *signer,
    EVP_PKEY *sk, const char *tid, int *fail)
{
	X509_REQ *csr = mk_csr(q->key, cn, pw);
	unsigned char *der = NULL;
	struct scep_certrep cr;
	STACK_OF(X509) *extra = NULL;
	int n = i2d_X509_REQ(csr, &der), st;

	X509_REQ_free(csr);
	st = send_msg(q, signer ? SCEP_MT_RENEWALREQ : SCEP_MT_PKCSREQ, der,
	    (size_t)n, signer, sk, tid, &cr);
	OPENSSL_free(der);
	if (st != 200)
		return -1;
	*fail = cr.fail_info;
	X509_free(q->got);
	q->got = NULL;
	if (cr.status == SCEP_SUCCESS)
		scep_certs_pick(cr.inner, cr.inner_len, q->key, &q->got, &extra,
		    NULL);
	sk_X509_pop_free(extra, X509_free);
	st = cr.status;
	scep_certrep_free(&cr);
	return st;
}

static uint64_t
serial_of(X509 *x)
{
	uint64_t s = 0;

	ASN1_INTEGER_get_uint64(&s, X509_get0_serialNumber(x));
	return s;
}

static void
set_grant(enum ca_grant g, const char *tp)
{
	struct ca_cfg c;

	ca_cfg_get(&c);
	c.grant = g;
	snprintf(c.grant_tp, sizeof(c.grant_tp), "%s", tp ? tp : "");
	pthread_mutex_lock(&ca_g.mu);	/* settings change while enabled */
	ca_g.cfg = c;
	pthread_mutex_unlock(&ca_g.mu);
}

static int nsaid;

static void
say(void *arg, const char *line)
{
	(void)arg;
	nsaid++;
	printf("# say: %s\n", line);
}

static void
t_enable(void)
{
	struct ca_cfg c;
	struct err e = { 0 };
	struct tp_certs tc;
	EVP_PKEY *k = NULL;
	X509 *x = NULL;
	STACK_OF(X509) *cas = NULL;
	char path[512];
	int created;

	check(ca_create("CS", &created, &e) == 0 && created, "ca_create CS");
	check(ca_create("OTHER", &created, &e) == -1 && e.code == E_EXISTS,
	    "only one server (%s)", e.msg);
	ca_cfg_get(&c);
	c.grant = CA_GRANT_AUTO;
	c.archive = CA_ARCH_PKCS12;
	snprintf(c.issuer, sizeof(c.issuer), "CN=Test Root,O=pkish");
	snprintf(c.cdp_url, sizeof(c.cdp_url), "http://127.0.0.1/crl/CS.crl");
	snprintf(c.eku, sizeof(c.eku), "client-auth server-auth");
	c.life_cert = 30 * 24 * 60;
	check(ca_cfg_set(&c, &e) == 0, "configure issuer, grant auto, cdp-url");
	check(ca_needs_passphrase() == 1, "archive pkcs12 without password asks");
	check(ca_enable(NULL, 0, say, NULL, &e) == -1, "no passphrase: refused");
	check(!ca_has_cert() && !key_exists("CS"), "nothing made then");
	check(ca_enable("Archive-Pass-1", 0, say, NULL, &e) == 0 && ca_enabled(),
	    "enable: %s", e.msg);
	check(nsaid >= 3 && key_exists("CS") && ca_has_cert(),
	    "key CS generated, CA certificate written");
	pthread_mutex_lock(&ca_g.mu);
	cacert = X509_dup(ca_g.cacert);
	pthread_mutex_unlock(&ca_g.mu);
	check(cacert && cert_is_ca(cacert) && cert_is_self_signed(cacert) &&
	    serial_of(cacert) == 1, "self-signed CA certificate, serial 1");
	snprintf(path, sizeof(path), "%s/nvram/CS.p12", tmp);
	check(p12_import(path, "Archive-Pass-1", &k, &x, &cas, &e) == 0 &&
	    X509_cmp(x, cacert) == 0, "CS.p12 archive opens: %s", e.msg);
	EVP_PKEY_free(k);
	X509_free(x);
	sk_X509_pop_free(cas, X509_free);
	check(tp_get_certs("CS", &tc, &e) == 0 && tc.ca != NULL &&
	    X509_cmp(tc.ca, cacert) == 0, "trustpoint CS holds the CA");
	tp_certs_free(&tc);
	check(ca_needs_passphrase() == 0, "no passphrase once the CA exists");
	c.life_ca = 10;
	check(ca_cfg_set(&c, &e) == -1 && e.code == E_PERM,
	    "CA settings locked: %s", e.msg);
}

static void
t_issue(struct rq *a)
{
	int fail = -1, st;
	X509 *x;
	GENERAL_NAMES *san;
	time_t ends;

	rq_init(a, "r1.example.test");
	st = enroll(a, "r1.example.test", NULL, NULL, NULL, NULL, &fail);
	x = a->got;
	check(st == SCEP_SUCCESS && x != NULL, "grant auto: PKCSReq SUCCESS");
	if (x == NULL)
		return;
	check(X509_verify(x, X509_get0_pubkey(cacert)) == 1 &&
	    X509_NAME_cmp(X509_get_issuer_name(x),
	    X509_get_subject_name(cacert)) == 0, "signed by the CA");
	check(serial_of(x) == 2, "first serial after the CA's is 2");
	san = X509_get_ext_d2i(x, NID_subject_alt_name, NULL, NULL);
	check(san != NULL, "subjectAltName copied from the CSR");
	GENERAL_NAMES_free(san);
	check(X509_get_ext_by_NID(x, NID_crl_distribution_points, -1) >= 0 &&
	    X509_get_ext_by_NID(x, NID_ext_key_usage, -1) >= 0,
	    "CDP and EKU present");
	ends = clock_now() + 31L * 86400;
	check(X509_cmp_time(X509_get0_notAfter(x), &ends) < 0,
	    "lifetime certificate 30 days");
	/* the same transactionID, the same key: the same certificate */
	st = enroll(a, "r1.example.test", NULL, NULL, NULL, NULL, &fail);
	check(st == SCEP_SUCCESS && a->got && serial_of(a->got) == 2,
	    "repeated PKCSReq under its transactionID: the certificate again");
}

static void
t_renew(struct rq *a)
{
	struct rq b;
	X509 *old = a->got ? X509_dup(a->got) : NULL;
	int fail = -1, st;

	rq_init(&b, "r1.example.test");
	set_grant(CA_GRANT_MANUAL, "CS");
	st = old ? enroll(&b, "r1.example.test", NULL, old, a->key, "renew-1",
	    &fail) : -1;
	check(st == SCEP_SUCCESS && b.got && serial_of(b.got) > 2,
	    "grant auto trustpoint CS: RenewalReq by a CS certificate granted");
	rq_free(&b);
	rq_init(&b, "stranger");
	st = enroll(&b, "stranger", NULL, NULL, NULL, NULL, &fail);
	check(st == SCEP_PENDING, "grant auto trustpoint: a PKCSReq is queued");
	rq_free(&b);
	set_grant(CA_GRANT_AUTO, NULL);
	X509_free(old);
}

/* Renewal keeping the key (the transactionID derived from it again): a
 * RenewalReq signed by the certificate issued under that transactionID
 * gets a new certificate; a resend of it gets that one again; a revoked
 * certificate is never sent again; a queued renewal polls PENDING. */
static int poll_req(struct rq *, int *);

static void
t_samekey(struct rq *a)
{
	struct err e = { 0 };
	X509 *old = a->got ? X509_dup(a->got) : NULL, *cur;
	uint64_t s1 = 0, s2 = 0;
	time_t now = clock_now();
	int fail = -1, st;

	set_grant(CA_GRANT_MANUAL, "CS");
	st = old ? enroll(a, "r1.example.test", NULL, old, a->key, NULL,
	    &fail) : -1;
	s1 = st == SCEP_SUCCESS && a->got ? serial_of(a->got) : 0;
	check(s1 > 2 && s1 != serial_of(old), "same-key RenewalReq signed by "
	    "the transactionID's certificate: a new serial (%llx)",
	    (unsigned long long)s1);
	st = enroll(a, "r1.example.test", NULL, old, a->key, NULL, &fail);
	check(st == SCEP_SUCCESS && a->got && serial_of(a->got) == s1,
	    "the renewal resent (signed by the old one): the new one again");
	check(ca_revoke(s1, 0, &e) == 0, "revoke %llx: %s",
	    (unsigned long long)s1, e.msg);
	set_grant(CA_GRANT_AUTO, NULL);
	st = enroll(a, "r1.example.test", NULL, NULL, NULL, NULL, &fail);
	s2 = st == SCEP_SUCCESS && a->got ? serial_of(a->got) : 0;
	check(s2 > s1, "PKCSReq under a revoked certificate's transactionID: "
	    "a new certificate, not the revoked one (%llx)",
	    (unsigned long long)s2);
	set_grant(CA_GRANT_MANUAL, NULL);
	clock_set(now + 10);
	cur = a->got ? X509_dup(a->got) : NULL;
	st = cur ? enroll(a, "r1.example.test", NULL, cur, a->key, NULL,
	    &fail) : -1;
	check(st == SCEP_PENDING, "same-key renewal under grant manual: "
	    "PENDING");
	check(poll_req(a, &fail) == SCEP_PENDING && a->got == NULL,
	    "its CertPoll: PENDING, not the certificate it renews");
	check(ca_req_grant(0, &e) == 0, "grant: %s", e.msg);
	st = poll_req(a, &fail);
	check(st == SCEP_SUCCESS && a->got && serial_of(a->got) > s2,
	    "granted: CertPoll gets a new certificate");
	clock_set(now);
	set_grant(CA_GRANT_AUTO, NULL);
	ca_revoke(s1, 1, &e);	/* t_revoke wants an empty CRL after */
	X509_free(cur);
	X509_free(old);
}

/* Poll by CertPoll under q's transactionID. */
static int
poll_req(struct rq *q, int *fail)
{
	unsigned char *der = NULL;
	size_t len = 0;
	struct scep_certrep cr;
	STACK_OF(X509) *extra = NULL;
	char tid[SCEP_TID_MAX + 1];
	int st;

	snprintf(tid, sizeof(tid), "%s", q->tx.transaction_id);
	scep_issuer_and_subject(X509_get_subject_name(cacert),
	    X509_get_subject_name(q->self), &der, &len, NULL);
	st = send_msg(q, SCEP_MT_CERTPOLL, der, len, NULL, NULL, tid, &cr);
	free(der);
	if (st != 200)
		return -1;
	*fail = cr.fail_info;
	if (cr.status == SCEP_SUCCESS) {
		X509_free(q->got);
		q->got = NULL;
		scep_certs_pick(cr.inner, cr.inner_len, q->key, &q->got,
		    &extra, NULL);
	}
	sk_X509_pop_free(extra, X509_free);
	st = cr.status;
	scep_certrep_free(&cr);
	return st;
}

static void
t_queue(void)
{
	struct rq q, r;
	struct err e = { 0 };
	struct ca_req_rec *qs = NULL;
	size_t n = 0;
	int fail = -1, st, pending = 0;
	unsigned id = 0;

	set_grant(CA_GRANT_MANUAL, NULL);
	rq_init(&q, "queued.example.test");
	st = enroll(&q, "queued.example.test", NULL, NULL, NULL, NULL, &fail);
	check(st == SCEP_PENDING, "manual: PKCSReq PENDING");
	check(poll_req(&q, &fail) == SCEP_PENDING, "CertPoll: still PENDING");
	rq_init(&r, "intruder.example.test");
	st = enroll(&r, "intruder.example.test", NULL, NULL, NULL,
	    q.tx.transaction_id, &fail);
	check(st == SCEP_FAILURE && fail == SCEP_BAD_REQUEST, "another key "
	    "under a pending transactionID: FAILURE badRequest");
	rq_free(&r);
	ca_db_reqs(ca_g.db, &qs, &n, &e);
	for (size_t i = 0; i < n; i++)
		if (qs[i].state == CA_REQ_PENDING &&
		    strcmp(qs[i].tid, q.tx.transaction_id) == 0) {
			pending++;
			id = qs[i].id;
		}
	ca_db_reqs_free(qs, n);
	check(pending == 1, "one pending request for it (id %u)", id);
	check(ca_req_grant(9999, &e) == -1 && e.code == E_NOTFOUND,
	    "grant of an unknown id: %s", e.msg);
	check(ca_req_grant(id, &e) == 0, "grant %u: %s", id, e.msg);
	st = poll_req(&q, &fail);
	check(st == SCEP_SUCCESS && q.got != NULL &&
	    X509_verify(q.got, X509_get0_pubkey(cacert)) == 1,
	    "CertPoll after grant: SUCCESS with the certificate");
	rq_init(&r, "rejected.example.test");
	enroll(&r, "rejected.example.test", NULL, NULL, NULL, NULL, &fail);
	check(ca_req_reject(0, &e) == 0, "reject all");
	check(poll_req(&r, &fail) == SCEP_FAILURE && fail == SCEP_BAD_REQUEST,
	    "CertPoll of a rejected request: FAILURE badRequest");
	rq_free(&q);
	rq_free(&r);
	/* lifetime enrollment-request 1 minute: the request expires */
	pthread_mutex_lock(&ca_g.mu);
	ca_g.cfg.life_req = 1;
	pthread_mutex_unlock(&ca_g.mu);
	rq_init(&q, "expiring.example.test");
	st = enroll(&q, "expiring.example.test", NULL, NULL, NULL, NULL,
	    &fail);
	{
		time_t now = clock_now();

		clock_set(now + 120);
		st = st == SCEP_PENDING ? poll_req(&q, &fail) : -1;
		clock_set(now);
	}
	check(st == SCEP_FAILURE && fail == SCEP_BAD_REQUEST,
	    "a pending request past lifetime enrollment-request is gone");
	check(ca_req_grant(0, &e) == 0, "grant all: nothing pending is left");
	rq_free(&q);
	pthread_mutex_lock(&ca_g.mu);
	ca_g.cfg.life_req = 0;
	pthread_mutex_unlock(&ca_g.mu);
	set_grant(CA_GRANT_NONE, NULL);
	rq_init(&q, "refused.example.test");
	st = enroll(&q, "refused.example.test", NULL, NULL, NULL, NULL, &fail);
	check(st == SCEP_FAILURE && fail == SCEP_BAD_REQUEST,
	    "grant none: FAILURE badRequest");
	rq_free(&q);
	set_grant(CA_GRANT_AUTO, NULL);
}

static void
t_otp(void)
{
	struct rq q;
	struct err e = { 0 };
	char *pw = NULL, *pw2 = NULL;
	int fail = -1, st;
	time_t now = clock_now();

	set_grant(CA_GRANT_MANUAL, NULL);
	check(ca_password_generate(60, &pw, &e) == 0 && strlen(pw) == 16,
	    "password generate: %s", pw ? pw : e.msg);
	rq_init(&q, "otp.example.test");
	st = enroll(&q, "otp.example.test", pw, NULL, NULL, NULL, &fail);
	check(st == SCEP_SUCCESS, "one-time password grants in manual mode");
	rq_free(&q);
	rq_init(&q, "otp2.example.test");
	st = enroll(&q, "otp2.example.test", pw, NULL, NULL, NULL, &fail);
	check(st == SCEP_FAILURE && fail == SCEP_BAD_REQUEST && !q.got,
	    "the used password again: FAILURE badRequest, no certificate");
	rq_free(&q);
	rq_init(&q, "wrong.example.test");
	set_grant(CA_GRANT_AUTO, NULL);
	st = enroll(&q, "wrong.example.test", "wrong-challenge", NULL, NULL,
	    NULL, &fail);
	check(st == SCEP_FAILURE && fail == SCEP_BAD_REQUEST,
	    "a wrong challenge, even under grant auto: FAILURE badRequest");
	rq_free(&q);
	ca_password_generate(1, &pw2, &e);
	clock_set(now + 120);
	rq_init(&q, "late.example.test");
	st = enroll(&q, "late.example.test", pw2, NULL, NULL, NULL, &fail);
	check(st == SCEP_FAILURE && fail == SCEP_BAD_REQUEST,
	    "an expired one-time password: FAILURE badRequest");
	clock_set(now);
	rq_free(&q);
	free(pw);
	free(pw2);
}

static void
t_revoke(struct rq *a)
{
	struct err e = { 0 };
	X509_CRL *crl;
	X509_REVOKED *rv = NULL;
	uint64_t s = a->got ? serial_of(a->got) : 0;

	check(ca_revoke(s, 0, &e) == 0, "revoke %llx: %s",
	    (unsigned long long)s, e.msg);
	check(ca_revoke(s, 0, &e) == -1 && e.code == E_EXISTS,
	    "revoke again: %s", e.msg);
	check(ca_revoke(0x7777, 0, &e) == -1 && e.code == E_NOTFOUND,
	    "revoke unknown: %s", e.msg);
	crl = ca_crl_current(&e);
	check(crl && X509_CRL_verify(crl, X509_get0_pubkey(cacert)) == 1 &&
	    X509_CRL_get0_by_serial(crl, &rv, X509_get0_serialNumber(a->got))
	    == 1, "the CRL is signed by the CA and lists the serial");
	X509_CRL_free(crl);
	check(ca_revoke(s, 1, &e) == 0, "unrevoke: %s", e.msg);
	crl = ca_crl_current(&e);
	check(crl && sk_X509_REVOKED_num(X509_CRL_get_REVOKED(crl)) <= 0,
	    "after unrevoke the CRL is empty");
	X509_CRL_free(crl);
}

static void
t_bad(struct rq *a)
{
	unsigned char junk[600], *out = NULL, ias[4] = { 0x30, 0x02, 0x05, 0 };
	size_t olen;
	struct scep_certrep cr;
	struct rq b;
	X509_REQ *csr;
	unsigned char *der = NULL;
	int n, st;

	RAND_bytes(junk, sizeof(junk));
	junk[0] = 0x30;
	st = ca_scep_pkiop(junk, sizeof(junk), "peer", &out, &olen);
	check(st == 400 && out == NULL, "garbage: HTTP 400");
	st = ca_scep_pkiop(junk, 0, "peer", &out, &olen);
	check(st == 400, "empty: HTTP 400");
	/* a CSR for another key than the transient certificate's */
	rq_init(&b, "wrongkey");
	csr = mk_csr(a->key, "wrongkey", NULL);
	n = i2d_X509_REQ(csr, &der);
	st = send_msg(&b, SCEP_MT_PKCSREQ, der, (size_t)n, NULL, NULL, NULL,
	    &cr);
	check(st == 200 && cr.status == SCEP_FAILURE &&
	    cr.fail_info == SCEP_BAD_MESSAGE_CHECK,
	    "CSR key is not the signer's: FAILURE badMessageCheck");
	scep_certrep_free(&cr);
	st = send_msg(&b, 99, der, (size_t)n, NULL, NULL, NULL, &cr);
	check(st == 200 && cr.status == SCEP_FAILURE &&
	    cr.fail_info == SCEP_BAD_REQUEST, "messageType 99: badRequest");
	scep_certrep_free(&cr);
	st = send_msg(&b, SCEP_MT_PKCSREQ, junk, 40, NULL, NULL, NULL, &cr);
	check(st == 200 && cr.status == SCEP_FAILURE &&
	    cr.fail_info == SCEP_BAD_REQUEST, "content not a CSR: badRequest");
	scep_certrep_free(&cr);
	st = send_msg(&b, SCEP_MT_GETCERT, ias, sizeof(ias), NULL, NULL, NULL,
	    &cr);
	check(st == 200 && cr.status == SCEP_FAILURE,
	    "GetCert with a broken IssuerAndSerialNumber: FAILURE");
	scep_certrep_free(&cr);
	/* another key under a transactionID that has a certificate */
	OPENSSL_free(der);
	der = NULL;
	X509_REQ_free(csr);
	csr = mk_csr(b.key, "wrongkey", NULL);
	n = i2d_X509_REQ(csr, &der);
	scep_transaction_id(a->key, b.tx.transaction_id, NULL);
	st = send_msg(&b, SCEP_MT_PKCSREQ, der, (size_t)n, NULL, NULL,
	    a->tx.transaction_id, &cr);
	check(st == 200 && cr.status == SCEP_FAILURE &&
	    cr.fail_info == SCEP_BAD_REQUEST,
	    "another key under a used transactionID: badRequest");
	scep_certrep_free(&cr);
	OPENSSL_free(der);
	X509_REQ_free(csr);
	rq_free(&b);
}

static void
t_getcert(struct rq *a)
{
	unsigned char *der = NULL, *p;
	struct scep_certrep cr;
	PKCS7_ISSUER_AND_SERIAL *ias = PKCS7_ISSUER_AND_SERIAL_new();
	int n, st;

	X509_NAME_set(&ias->issuer, X509_get_subject_name(cacert));
	ASN1_INTEGER_free(ias->serial);
	ias->serial = ASN1_INTEGER_dup(X509_get0_serialNumber(a->got));
	n = i2d_PKCS7_ISSUER_AND_SERIAL(ias, &der);
	p = der;
	st = send_msg(a, SCEP_MT_GETCERT, p, (size_t)n, NULL, NULL, "gc-1", &cr);
	check(st == 200 && cr.status == SCEP_SUCCESS, "GetCert SUCCESS");
	scep_certrep_free(&cr);
	st = send_msg(a, SCEP_MT_GETCRL, p, (size_t)n, NULL, NULL, "gc-2", &cr);
	check(st == 200 && cr.status == SCEP_SUCCESS && cr.inner_len > 0,
	    "GetCRL SUCCESS");
	scep_certrep_free(&cr);
	ASN1_INTEGER_set(ias->serial, 0x5555);
	OPENSSL_free(der);
	der = NULL;
	n = i2d_PKCS7_ISSUER_AND_SERIAL(ias, &der);
	st = send_msg(a, SCEP_MT_GETCERT, der, (size_t)n, NULL, NULL, "gc-3",
	    &cr);
	check(st == 200 && cr.status == SCEP_FAILURE &&
	    cr.fail_info == SCEP_BAD_CERT_ID, "GetCert unknown: badCertId");
	scep_certrep_free(&cr);
	OPENSSL_free(der);
	PKCS7_ISSUER_AND_SERIAL_free(ias);
}

#define NTHR	8
#define PER	6

static uint64_t got_serial[NTHR * PER];

static void *
worker(void *arg)
{
	int t = (int)(long)arg, fail;
	struct rq q;

	for (int i = 0; i < PER; i++) {
		rq_init(&q, "conc.example.test");
		if (enroll(&q, "conc.example.test", NULL, NULL, NULL, NULL,
		    &fail) == SCEP_SUCCESS && q.got)
			got_serial[t * PER + i] = serial_of(q.got);
		rq_free(&q);
	}
	return NULL;
}

static int
cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static void
t_concurrent(void)
{
	pthread_t th[NTHR];
	int ok = 1, dup = 0;

	for (long i = 0; i < NTHR; i++)
		pthread_create(&th[i], NULL, worker, (void *)i);
	for (int i = 0; i < NTHR; i++)
		pthread_join(th[i], NULL);
	qsort(got_serial, NTHR * PER, sizeof(got_serial[0]), cmp_u64);
	for (int i = 0; i < NTHR * PER; i++) {
		ok &= got_serial[i] != 0;
		dup += i > 0 && got_serial[i] == got_serial[i - 1];
	}
	check(ok && dup == 0, "%d concurrent enrollments on %d threads: all "
	    "issued, %d duplicate serials", NTHR * PER, NTHR, dup);
}

static void
t_restart(void)
{
	struct err e = { 0 };
	struct ca_cert_rec *cs = NULL;
	size_t n = 0, n2 = 0;
	uint64_t last;
	char path[512];
	FILE *f;
	X509 *again = NULL;

	ca_db_certs(ca_g.db, &cs, &n, &e);
	ca_db_certs_free(cs, n);
	last = ca_db_serial_last(ca_g.db);
	ca_disable();
	check(!ca_enabled(), "disabled");
	snprintf(path, sizeof(path), "%s/nvram/journal", tmp);
	if ((f = fopen(path, "a")) != NULL) {	/* a torn last record */
		fwrite("\x40\x00\x00\x00\x01\x02\x03\x04torn", 1, 12, f);
		fclose(f);
	}
	check(ca_enable(NULL, 0, NULL, NULL, &e) == 0,
	    "enable again asks nothing: %s", e.msg);
	pthread_mutex_lock(&ca_g.mu);
	again = X509_dup(ca_g.cacert);
	pthread_mutex_unlock(&ca_g.mu);
	check(again && X509_cmp(again, cacert) == 0, "the same CA certificate");
	X509_free(again);
	ca_db_certs(ca_g.db, &cs, &n2, &e);
	ca_db_certs_free(cs, n2);
	check(n2 == n && ca_db_serial_last(ca_g.db) >= last,
	    "database replayed: %zu certificates, last serial %llx", n2,
	    (unsigned long long)ca_db_serial_last(ca_g.db));
}

/* pkish's own SCEP client over HTTP. */
static void
t_http(void)
{
	char url[128], cmd[512];
	struct scep_caps caps;
	STACK_OF(X509) *certs = NULL;
	X509 *ca = NULL;
	struct err e = { 0 };
	struct scep_req r = { 0 };
	struct scep_resp rs = { 0 };
	X509_REQ *csr;
	struct signer hsig = { 0 };
	unsigned char *hcsr;
	char *out;
	int st;

	snprintf(url, sizeof(url), "http://127.0.0.1:%d/cgi-bin/pkiclient.exe",
	    ca_scep_port());
	check(scep_get_caps(url, &caps, &e) == 0 && caps.post && caps.aes &&
	    caps.sha256 && caps.renewal, "HTTP GetCACaps: %s", e.msg);
	check(scep_get_ca(url, &certs, &ca, NULL, NULL, &e) == 0 && ca &&
	    X509_cmp(ca, cacert) == 0, "HTTP GetCACert: %s", e.msg);
	key_generate("H1", KEY_RSA, 2048, 0, &e);
	{
		EVP_PKEY *k = key_get1("H1", &e);

		csr = mk_csr(k, "http.example.test", NULL);
		EVP_PKEY_free(k);
	}
	r.url = url;
	r.caps = &caps;
	r.ca = ca;
	pki_signer_open("H1", &hsig, &e);
	hcsr = csr_to_der(csr, &r.csr_len);
	r.key = &hsig;
	r.csr_der = hcsr;
	check(scep_enroll(&r, &rs, &e) == 0 && rs.status == SCEP_SUCCESS &&
	    rs.cert, "HTTP PKIOperation POST: enrolled (%s)", e.msg);
	caps.post = 0;
	scep_resp_free(&rs);
	check(scep_enroll(&r, &rs, &e) == 0 && rs.status == SCEP_SUCCESS,
	    "HTTP PKIOperation GET: %s", e.msg);
	scep_resp_free(&rs);
	scep_http_release();
	snprintf(cmd, sizeof(cmd), "curl -s -o /dev/null -w '%%{http_code}' "
	    "-H 'Content-Type: application/json' --data-binary x '%s?"
	    "operation=PKIOperation'", url);
	out = run(&st, "%s", cmd);
	check(strncmp(out, "4", 1) == 0, "wrong Content-Type: HTTP %s", out);
	free(out);
	out = run(&st, "curl -s -o /dev/null -w '%%{http_code}' '%s?"
	    "operation=Nope'", url);
	check(strcmp(out, "400") == 0, "unknown operation: HTTP %s", out);
	free(out);
	out = run(&st, "curl -s 'http://127.0.0.1:%d/crl/CS.crl' | openssl "
	    "crl -inform der -noout -issuer 2>&1", ca_scep_port());
	check(strstr(out, "Test Root") != NULL, "CRL at the cdp-url path: %s",
	    out);
	free(out);
	pki_signer_close(&hsig);
	free(hcsr);
	X509_REQ_free(csr);
	sk_X509_pop_free(certs, X509_free);
}

static void
on_log(void *ctx, int sev, const char *line)
{
	(void)ctx;
	(void)sev;
	printf("# log: %s\n", line);
}

/* A second server: archive pem with a configured password, level
 * complete (a <serial>.cer per certificate), another database url. */
static void
t_pem_archive(void)
{
	struct ca_cfg c;
	struct err e = { 0 };
	char path[512], *pem;
	size_t len;
	EVP_PKEY *k;
	struct rq q;
	int created, fail;

	check(ca_create("PEMCA", &created, &e) == 0 && created, "ca_create "
	    "PEMCA after the delete");
	ca_cfg_get(&c);
	c.archive = CA_ARCH_PEM;
	snprintf(c.archive_pw, sizeof(c.archive_pw), "Pem-Archive-2");
	c.level = CA_LEVEL_COMPLETE;
	c.grant = CA_GRANT_AUTO;
	snprintf(c.db_url, sizeof(c.db_url), "%s/cadb/", tmp);
	ca_cfg_set(&c, &e);
	nsaid = 0;
	check(!ca_needs_passphrase() && ca_enable(NULL, 0, say, NULL, &e) == 0,
	    "archive password configured: enabled without asking (%s)", e.msg);
	snprintf(path, sizeof(path), "%s/cadb/PEMCA.pem", tmp);
	pem = file_read(path, 1 << 20, &len, &e);
	k = pem ? key_pkey_from_pem(pem, len, "Pem-Archive-2", &e) : NULL;
	check(k != NULL && strstr(pem, "BEGIN CERTIFICATE") != NULL,
	    "PEMCA.pem in the database url: key (opens with the password) and "
	    "certificate");
	EVP_PKEY_free(k);
	free(pem);
	pthread_mutex_lock(&ca_g.mu);
	X509_free(cacert);
	cacert = X509_dup(ca_g.cacert);
	pthread_mutex_unlock(&ca_g.mu);
	rq_init(&q, "complete.example.test");
	enroll(&q, "complete.example.test", NULL, NULL, NULL, NULL, &fail);
	snprintf(path, sizeof(path), "%s/cadb/2.cer", tmp);
	check(q.got != NULL && access(path, R_OK) == 0,
	    "database level complete: 2.cer written");
	rq_free(&q);
	ca_disable();
	check(ca_delete(&e) == 0, "delete PEMCA");
}

int
main(void)
{
	struct err e = { 0 };
	char keys[300];
	struct rq a;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (t_mkdtemp("ca") == -1)
		return 2;
	snprintf(keys, sizeof(keys), "%s/keys", tmp);
	if (key_store_init(keys, &e) == -1 || scep_init(&e) == -1) {
		printf("# init: %s\n", e.msg);
		return 2;
	}
	ca_init(tmp);
	if (getenv("CA_DEBUG")) {
		log_sink_add(on_log, NULL, 0);
		log_dbg_set(DBG_PKI_CA, 9);
	}
	t_enable();
	if (!ca_enabled())
		return t_finish();
	t_issue(&a);
	if (a.got == NULL)
		return t_finish();
	t_renew(&a);
	t_queue();
	t_otp();
	t_samekey(&a);
	t_revoke(&a);
	t_bad(&a);
	t_getcert(&a);
	t_concurrent();
	t_restart();
	t_http();
	rq_free(&a);
	ca_disable();
	check(ca_delete(&e) == 0 && !key_exists("CS") && !ca_cfg_get(NULL),
	    "no crypto pki server: key and database gone");
	t_pem_archive();
	X509_free(cacert);
	return t_finish();
}
