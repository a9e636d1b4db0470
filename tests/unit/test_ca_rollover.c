/* tests/unit/test_ca_rollover.c - the certificate server's CA rollover
 * (pki/ca_rollover.c, ios-pki.md section 10) on the seed's numbers: CA
 * lifetime 730 days, `auto-rollover 90`: the timers, the rollover key
 * "ROOTCA#" (size of the active key), the rollover CA certificate (next
 * serial, same subject, notBefore = the active notAfter, 730 days),
 * archived as ROOTCA_00001.p12, GetNextCACert signed by the active CA, a
 * shadow certificate issued by the rollover key starting at the switch,
 * cancel, and the switch at CS CERT EXPIRE. The server state is set up
 * directly (ca_g), as enabling would. */
#define _GNU_SOURCE
#include <sys/stat.h>
#include <openssl/x509v3.h>
#include "lib/clock.h"
#include "pki/ca_int.h"
#include "pki/ca_rollover.h"
#include "pki/csr.h"
#include "pki/key.h"
#include "pki/p12.h"
#include "pki/renew.h"
#include "pki/signer.h"
#include "scep/scep.h"
#include "scep/scep_server.h"
#include "tests/unit/testlib.h"

#define DAY	86400L

static time_t t0;

static int
exists(const char *fmt, const char *arg)
{
	char path[600];
	struct stat st;

	snprintf(path, sizeof(path), fmt, tmp, arg);
	return stat(path, &st) == 0;
}

/* A server ROOTCA, enabled, its CA certificate made at t0. */
static int
setup(struct err *e)
{
	struct ca_cfg c;
	int created;
	char dir[400];

	clock_set(t0);
	ca_init(tmp);
	if (ca_create("ROOTCA", &created, e) < 0 || !ca_cfg_get(&c))
		return -1;
	snprintf(c.issuer, sizeof(c.issuer), "CN=RootCA,OU=TAC,O=Cisco");
	c.life_ca = 730L * 24 * 60;
	c.life_cert = 365L * 24 * 60;
	c.rollover_set = 1;
	c.rollover_min = 90L * 24 * 60;
	c.archive = CA_ARCH_PKCS12;
	snprintf(c.archive_pw, sizeof(c.archive_pw), "archive-pw");
	if (ca_cfg_set(&c, e) < 0 ||
	    key_generate("ROOTCA", KEY_RSA, 2048, 0, e) < 0)
		return -1;
	ca_db_dir(&c, dir, sizeof(dir));
	sh("mkdir -p %s", dir);
	pthread_mutex_lock(&ca_g.mu);
	ca_g.key = key_get1("ROOTCA", e);
	ca_g.db = ca_db_open(dir, e);
	ca_g.enabled = ca_g.key && ca_g.db && ca_make_cacert(&ca_g.cfg,
	    ca_g.key, &ca_g.cacert, e) == 0;
	if (ca_g.db)
		ca_db_serial_take(ca_g.db);	/* serial 1: the CA's */
	/* pkish's clock runs on from clock_set(): under load the key
	 * generation above can take seconds, so the CA's start is what its
	 * certificate says, not t0 as set. */
	if (ca_g.enabled)
		t0 = ca_time(X509_get0_notBefore(ca_g.cacert));
	pthread_mutex_unlock(&ca_g.mu);
	return ca_g.enabled ? 0 : -1;
}

/* show crypto pki timers: the CS group, soonest first. */
static void
t_timer_list(void)
{
	struct renew_timer *v;
	size_t n;
	char got[256] = "";
	unsigned id = 0;
	const unsigned char csr[] = { 0x30, 0x00 };

	ca_db_req_add(ca_g.db, "TID-1", csr, sizeof(csr), t0, &id, NULL);
	n = renew_timers(&v);

	for (size_t i = 0; i < n; i++)
		if (strcmp(v[i].group, "CS Timers") == 0)
			snprintf(got + strlen(got), sizeof(got) - strlen(got),
			    "%s|", v[i].name);
	check(strcmp(got, "ER EXPIRE 1|CS SHADOW CERT GENERATION|CS CERT "
	    "EXPIRE|") == 0, "timers: CS Timers group %s", got);
	for (size_t i = 0; i < n; i++)
		if (strcmp(v[i].name, "ER EXPIRE 1") == 0)
			check(v[i].when == t0 + 168 * 3600, "ER EXPIRE after "
			    "lifetime enrollment-request (168 hours)");
	free(v);
}

static void
t_timers(void)
{
	struct ca_rollover_times t;

	check(ca_rollover_times(&t) == 0 && t.expire == t0 + 730 * DAY,
	    "CS CERT EXPIRE at the CA's end (730 days)");
	check(t.generate == t0 + 640 * DAY,
	    "CS SHADOW CERT GENERATION 90 days before (day 640)");
	ca_rollover_tick(t0 + 639 * DAY);
	check(ca_rollover_get() == NULL, "day 639: no rollover yet");
	t_timer_list();
}

static void
t_generate(X509 **roll)
{
	X509 *active = ca_g.cacert, *x;
	EVP_PKEY *k;
	struct ca_rollover_times t;

	clock_set(t0 + 640 * DAY);
	ca_rollover_tick(clock_now());
	*roll = x = ca_rollover_get();
	check(x != NULL, "day 640: the timer made a rollover CA certificate");
	if (x == NULL)
		return;
	check(ASN1_INTEGER_get(X509_get0_serialNumber(x)) == 2,
	    "rollover serial is the next one (2)");
	check(X509_NAME_cmp(X509_get_subject_name(x),
	    X509_get_subject_name(active)) == 0 && cert_is_self_signed(x),
	    "same subject, self-signed");
	check(ASN1_TIME_compare(X509_get0_notBefore(x),
	    X509_get0_notAfter(active)) == 0,
	    "notBefore = the active CA's notAfter");
	check(ca_time(X509_get0_notAfter(x)) == t0 + 1460 * DAY,
	    "lifetime ca-certificate (730 days from the switch)");
	k = key_get1_public("ROOTCA#", NULL);
	check(k && cert_matches_key(x, k) == 1 && EVP_PKEY_get_bits(k) == 2048,
	    "key ROOTCA# (2048 bits, as the active key) is the rollover's");
	EVP_PKEY_free(k);
	check(exists("%s/nvram/%s_00001.p12", "ROOTCA"),
	    "archived as ROOTCA_00001.p12");
	check(ca_rollover_times(&t) == 0 && t.generate == 0 &&
	    t.rollover_end == t0 + 1460 * DAY,
	    "timers: no more SHADOW GENERATION once the rollover exists");
	check(ca_rollover_create(NULL) == -1, "a second rollover is refused");
}

static void
t_archive(X509 *roll)
{
	char path[600];
	EVP_PKEY *k = NULL;
	X509 *c = NULL;
	STACK_OF(X509) *cas = NULL;
	struct err e = { 0 };

	snprintf(path, sizeof(path), "%s/nvram/ROOTCA_00001.p12", tmp);
	check(p12_import(path, "archive-pw", &k, &c, &cas, &e) == 0 && c &&
	    X509_cmp(c, roll) == 0, "the archive holds the rollover key and "
	    "certificate (%s)", e.msg);
	EVP_PKEY_free(k);
	X509_free(c);
	sk_X509_pop_free(cas, X509_free);
}

static void
t_next_reply(X509 *roll)
{
	unsigned char *der = NULL;
	size_t len = 0;
	STACK_OF(X509) *sk = NULL;
	struct err e = { 0 };

	check(ca_rollover_next_reply(&der, &len, &e) == 0 &&
	    scep_next_ca_parse(der, len, ca_g.cacert, &sk, &e) == 0 &&
	    sk_X509_num(sk) == 1 && X509_cmp(sk_X509_value(sk, 0), roll) == 0,
	    "GetNextCACert: signed by the active CA, holds the rollover (%s)",
	    e.msg);
	OPENSSL_free(der);
	sk_X509_pop_free(sk, X509_free);
}

static X509_REQ *
request(struct err *e)
{
	struct csr_params p = { 0 };

	if (!key_exists("client"))
		key_generate("client", KEY_RSA, 2048, 0, e);
	p.subject = "CN=client.example.test";
	return csr_build("client", &p, e);
}

static void
t_shadow_issue(X509 *roll)
{
	struct ca_ref r;
	X509_REQ *q;
	X509 *x = NULL;
	struct err e = { 0 };

	q = request(&e);
	check(q && ca_rollover_ref(&r) == 0 && ca_issue(&r, q, &x, &e) == 0,
	    "a shadow certificate issued with the rollover key (%s)", e.msg);
	if (x) {
		check(X509_check_issued(roll, x) == X509_V_OK &&
		    X509_verify(x, X509_get0_pubkey(roll)) == 1,
		    "it is signed by the rollover CA");
		check(ca_time(X509_get0_notBefore(x)) == t0 + 730 * DAY,
		    "it starts at the switch");
		check(ca_time(X509_get0_notAfter(x)) == t0 + 1095 * DAY,
		    "lifetime certificate (365 days) from then");
		ca_ref_put(&r);
	}
	X509_free(x);
	X509_REQ_free(q);
}

/* The client's signer (message() reopens it). */
static struct signer csg;

/* A pkiMessage from "client" to recipient; *tx filled, *der malloc'd. */
static int
message(X509 *recipient, struct scep_tx *tx, X509 **tc, EVP_PKEY **k,
    unsigned char **der, size_t *len, struct err *e)
{
	X509_REQ *q = request(e);
	unsigned char *c = NULL;
	int cl = q ? i2d_X509_REQ(q, &c) : 0;

	*k = key_get1("client", e);
	pki_signer_close(&csg);
	*tc = *k && q && pki_signer_pkey(*k, &csg, e) == 0 ?
	    scep_transient_cert(&csg, X509_REQ_get_subject_name(q), e) : NULL;
	memset(tx, 0, sizeof(*tx));
	tx->type = SCEP_MT_PKCSREQ;
	snprintf(tx->transaction_id, sizeof(tx->transaction_id), "TID-%p",
	    (void *)recipient);
	memset(tx->sender_nonce, 7, sizeof(tx->sender_nonce));
	tx->md = EVP_sha256();
	tx->cipher = EVP_aes_256_cbc();
	tx->recipient = recipient;
	tx->signer_cert = *tc;
	tx->signer = &csg;
	cl = *tc && cl > 0 ? scep_msg_build(tx, c, (size_t)cl, der, len, e) :
	    -1;
	OPENSSL_free(c);
	X509_REQ_free(q);
	return cl;
}

/* The SCEP path of a shadow request: opened by the rollover key, issued
 * and answered by it; the client's own parser accepts the CertRep. */
static void
t_shadow_scep(X509 *roll)
{
	struct scep_tx tx;
	struct scep_srv_msg m;
	struct scep_srv_rep rep = { 0 };
	struct scep_certrep cr = { 0 };
	struct ca_ref r;
	struct err e = { 0 };
	unsigned char *der = NULL, *rder = NULL;
	const unsigned char *p;
	size_t len = 0, rlen = 0;
	X509 *tc = NULL, *x = NULL, *got = NULL;
	STACK_OF(X509) *extra = NULL;
	X509_REQ *q = NULL;
	EVP_PKEY *k = NULL;
	int isroll = -1, fail;

	if (message(roll, &tx, &tc, &k, &der, &len, &e) < 0 ||
	    ca_ref_get(&r) < 0) {
		check(0, "shadow pkiMessage: %s", e.msg);
		goto out;
	}
	if (ca_rollover_parse(der, len, &r, &isroll, &m, &fail, &e) < 0) {
		check(0, "shadow pkiMessage opened: %s", e.msg);
		ca_ref_put(&r);
		goto out;
	}
	check(isroll == 1 && ca_rollover_is(r.cacert), "a request encrypted "
	    "to the rollover CA is a shadow request");
	p = m.content;
	q = d2i_X509_REQ(NULL, &p, (long)m.content_len);
	rep.status = SCEP_SUCCESS;
	rep.certs = sk_X509_new_null();
	if (q && ca_issue(&r, q, &x, &e) == 0)
		sk_X509_push(rep.certs, x);
	check(x && scep_srv_certrep(&m, &rep, &r.signer, r.cacert, &rder,
	    &rlen, &e) == 0 && scep_certrep_parse(rder, rlen, &tx, roll, &cr,
	    &e) == 0 && cr.status == SCEP_SUCCESS && scep_certs_pick(cr.inner,
	    cr.inner_len, k, &got, &extra, &e) == 0, "CertRep signed by the "
	    "rollover CA, accepted by the client (%s)", e.msg);
	check(got && X509_verify(got, X509_get0_pubkey(roll)) == 1 &&
	    ca_time(X509_get0_notBefore(got)) == t0 + 730 * DAY,
	    "the shadow certificate: rollover CA, from the switch");
	ca_ref_put(&r);
	scep_srv_msg_free(&m);
	free(der);
	der = NULL;
	X509_free(tc);
	EVP_PKEY_free(k);
	check(message(ca_g.cacert, &tx, &tc, &k, &der, &len, &e) == 0 &&
	    ca_ref_get(&r) == 0 && ca_rollover_parse(der, len, &r, &isroll,
	    &m, &fail, &e) == 0 && isroll == 0 && !ca_rollover_is(r.cacert),
	    "a request to the active CA is not a shadow one");
	ca_ref_put(&r);
	scep_srv_msg_free(&m);
out:
	sk_X509_free(rep.certs);
	sk_X509_pop_free(extra, X509_free);
	scep_certrep_free(&cr);
	X509_free(got);
	X509_free(x);
	X509_free(tc);
	X509_REQ_free(q);
	EVP_PKEY_free(k);
	free(der);
	free(rder);
}

static void
t_cancel(void)
{
	X509 *x;

	check(ca_rollover_cancel(NULL) == 0 && ca_rollover_get() == NULL &&
	    !key_exists("ROOTCA#"), "cancel: rollover certificate and key gone");
	check(ca_rollover_cancel(NULL) == -1, "cancel without one: refused");
	x = NULL;
	check(ca_rollover_create(NULL) == 0 && (x = ca_rollover_get()) &&
	    exists("%s/nvram/%s_00002.p12", "ROOTCA"),
	    "manual rollover: a new one, archived as ROOTCA_00002.p12");
	X509_free(x);
}

static void
t_switch(void)
{
	X509 *roll = ca_rollover_get(), *x = NULL;
	X509_CRL *crl;
	EVP_PKEY *k;
	struct ca_ref r;
	X509_REQ *q;
	struct err e = { 0 };

	ca_rollover_tick(t0 + 730 * DAY - 1);
	check(ca_g.cacert != roll, "a second before the CA expires: no switch");
	clock_set(t0 + 730 * DAY);
	ca_rollover_tick(clock_now());
	check(roll && X509_cmp(ca_g.cacert, roll) == 0 &&
	    ca_rollover_get() == NULL, "CS CERT EXPIRE: the rollover is active");
	check(exists("%s/nvram/%s.crt", "ROOTCA"), "the new CA certificate "
	    "is kept as ROOTCA.crt (restart)");
	crl = ca_crl_current(NULL);
	check(crl && X509_CRL_verify(crl, X509_get0_pubkey(roll)) == 1,
	    "the CRL is issued by the new CA");
	X509_CRL_free(crl);
	k = key_get1_public("ROOTCA", NULL);
	check(k && cert_matches_key(roll, k) == 1 && !key_exists("ROOTCA#") &&
	    key_exists("ROOTCA.old-1"), "key ROOTCA# became ROOTCA; the old "
	    "one kept as ROOTCA.old-1");
	EVP_PKEY_free(k);
	q = request(&e);
	check(ca_ref_get(&r) == 0 && ca_issue(&r, q, &x, &e) == 0 &&
	    X509_verify(x, X509_get0_pubkey(roll)) == 1, "issuance continues "
	    "under the new CA (%s)", e.msg);
	ca_ref_put(&r);
	X509_free(x);
	X509_REQ_free(q);
	X509_free(roll);
}

int
main(void)
{
	struct err e = { 0 };
	char keys[300];
	X509 *roll = NULL;

	if (t_mkdtemp("ca_rollover") == -1)
		return 1;
	snprintf(keys, sizeof(keys), "%s/keys", tmp);
	t0 = 1444389256;	/* Oct 9 2015 11:14:16 UTC, the seed's start */
	if (scep_init(&e) < 0 || key_store_init(keys, &e) < 0 ||
	    setup(&e) < 0) {
		printf("not ok 1 - setup: %s\n0 passed, 1 failed\n", e.msg);
		return 1;
	}
	t_timers();
	t_generate(&roll);
	if (roll) {
		t_archive(roll);
		t_next_reply(roll);
		t_shadow_issue(roll);
		t_shadow_scep(roll);
	}
	X509_free(roll);
	t_cancel();
	t_switch();
	ca_disable();
	pki_signer_close(&csg);
	return t_finish();
}
