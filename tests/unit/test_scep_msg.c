/* tests/unit/test_scep_msg.c - the SCEP message layer against a fake CA
 * built with OpenSSL's CMS API: our pkiMessage as the CA reads it, and
 * honest and hostile CertReps (tampered signature, foreign signer, wrong
 * recipientNonce / transactionID / messageType, truncated and garbage
 * DER, DES-CBC envelopes that need the legacy provider). */
#include "tests/unit/test_scep_util.h"

static EVP_PKEY *cakey, *ckey, *evilkey;
static X509 *cacert, *ccert, *evilcert, *issued;
static struct signer csig;	/* over ckey, as pki/ makes it */

static void
mk_tx(struct scep_tx *tx, const struct scep_caps *caps)
{
	struct err e = { 0 };

	memset(tx, 0, sizeof(*tx));
	tx->type = SCEP_MT_PKCSREQ;
	scep_transaction_id(ckey, tx->transaction_id, &e);
	RAND_bytes(tx->sender_nonce, SCEP_NONCE_LEN);
	tx->md = scep_caps_md(caps);
	tx->cipher = scep_caps_cipher(caps);
	tx->recipient = cacert;
	tx->signer_cert = ccert;
	tx->signer = &csig;
}

/* Build a request with tx and decode it as the CA. */
static int
roundtrip(const struct scep_tx *tx, const unsigned char *c, size_t clen,
    struct t_req *q)
{
	struct err e = { 0 };
	unsigned char *der = NULL;
	size_t len = 0;
	int rc;

	if (scep_msg_build(tx, c, clen, &der, &len, &e) == -1) {
		printf("# build: %s\n", e.msg);
		return -1;
	}
	rc = t_ca_decode(der, len, cacert, cakey, q);
	free(der);
	return rc;
}

static void
t_build(void)
{
	struct scep_caps caps;
	struct scep_tx tx;
	struct t_req q;
	const char body[] = "Renewal\nSHA-1\nSHA-256\nAES\nDES3\n";
	const unsigned char content[] = "pretend this is a PKCS#10";

	scep_caps_parse(body, sizeof(body) - 1, &caps);
	mk_tx(&tx, &caps);
	check(roundtrip(&tx, content, sizeof(content), &q) == 0,
	    "PKCSReq verifies and decrypts with the CMS API");
	check(q.type == 19, "messageType 19 (got %d)", q.type);
	check(strcmp(q.tid, tx.transaction_id) == 0 && strlen(q.tid) == 64,
	    "transactionID carried (%s)", q.tid);
	check(q.nonce_len == 16 && memcmp(q.nonce, tx.sender_nonce, 16) == 0,
	    "16-byte senderNonce carried");
	check(q.md_nid == NID_sha256, "SHA-256 chosen (got %s)",
	    OBJ_nid2sn(q.md_nid));
	check(q.cipher_nid == NID_aes_256_cbc, "AES-256-CBC chosen (got %s)",
	    OBJ_nid2sn(q.cipher_nid));
	check(q.content_len == sizeof(content) &&
	    memcmp(q.content, content, sizeof(content)) == 0,
	    "envelope content intact");
	check(q.signer != NULL && X509_cmp(q.signer, ccert) == 0,
	    "signer certificate embedded");
	t_req_free(&q);

	mk_tx(&tx, NULL);
	tx.type = SCEP_MT_CERTPOLL;
	check(roundtrip(&tx, content, sizeof(content), &q) == 0 &&
	    q.type == 20 && q.md_nid == NID_sha1 &&
	    q.cipher_nid == NID_des_ede3_cbc,
	    "no caps: SHA-1 + DES-EDE3-CBC, messageType 20");
	t_req_free(&q);
}

/* Parse a CertRep crafted per s for a fresh request; returns rc. */
static int
reply(const struct t_rep *s, struct scep_certrep *cr, struct err *e)
{
	struct scep_tx tx;
	struct t_req q;
	unsigned char *der = NULL;
	size_t len = 0;
	int rc;

	mk_tx(&tx, NULL);
	if (roundtrip(&tx, (const unsigned char *)"x", 1, &q) == -1)
		return -2;
	t_certrep(&q, s, &der, &len);
	memset(e, 0, sizeof(*e));
	rc = scep_certrep_parse(der, len, &tx, cacert, cr, e);
	if (rc == -1)
		printf("# %s: %s\n", err_code_name(e->code), e->msg);
	free(der);
	t_req_free(&q);
	return rc;
}

static struct t_rep
success(void)
{
	struct t_rep s = { 0 };

	s.status = 0;
	s.signer = cacert;
	s.signer_key = cakey;
	s.issued = issued;
	s.chain = cacert;
	return s;
}

static void
t_success(void)
{
	struct t_rep s = success();
	struct scep_certrep cr;
	struct err e;
	X509 *mine = NULL;
	STACK_OF(X509) *extra = NULL;

	check(reply(&s, &cr, &e) == 0 && cr.status == SCEP_SUCCESS &&
	    cr.inner != NULL, "SUCCESS (AES-256) verified and decrypted");
	check(scep_certs_pick(cr.inner, cr.inner_len, ckey, &mine, &extra,
	    &e) == 0 && X509_cmp(mine, issued) == 0 &&
	    sk_X509_num(extra) == 1 && X509_cmp(sk_X509_value(extra, 0),
	    cacert) == 0, "the certificate for our key picked, CA as extra");
	X509_free(mine);
	sk_X509_pop_free(extra, X509_free);
	check(scep_certs_pick(cr.inner, cr.inner_len, evilkey, &mine, &extra,
	    &e) == -1 && e.code == E_PROTO && mine == NULL && extra == NULL,
	    "no certificate for another key: E_PROTO");
	scep_certrep_free(&cr);

	s.cipher = "DES-CBC";
	s.md = EVP_sha1();
	check(reply(&s, &cr, &e) == 0 && cr.status == SCEP_SUCCESS &&
	    cr.inner != NULL, "SUCCESS with SHA-1 + DES-CBC (legacy provider)");
	scep_certrep_free(&cr);

	s = success();
	s.enc_to = cacert;	/* encrypted to someone else */
	check(reply(&s, &cr, &e) == -1 && e.code == E_CRYPTO &&
	    cr.inner == NULL, "envelope for another recipient: E_CRYPTO");
}

static void
t_status(void)
{
	struct t_rep s = success();
	struct scep_certrep cr;
	struct err e;

	s.status = 3;
	check(reply(&s, &cr, &e) == 0 && cr.status == SCEP_PENDING &&
	    cr.inner == NULL, "PENDING (no content) accepted");
	s.status = 2;
	s.fail_info = 2;
	s.fail_text = "challenge\npassword wrong";
	check(reply(&s, &cr, &e) == 0 && cr.status == SCEP_FAILURE &&
	    cr.fail_info == 2 && strcmp(cr.fail_text,
	    "challenge?password wrong") == 0,
	    "FAILURE badRequest with failInfoText (control chars masked)");
	s.fail_info = -1;
	s.fail_text = NULL;
	check(reply(&s, &cr, &e) == 0 && cr.status == SCEP_FAILURE &&
	    cr.fail_info == -1, "FAILURE without failInfo: fail_info -1");
	s.status = 1;
	check(reply(&s, &cr, &e) == -1 && e.code == E_PROTO &&
	    strstr(e.msg, "pkiStatus") != NULL, "unknown pkiStatus rejected");
}

static void
t_hostile(void)
{
	struct t_rep s = success();
	struct scep_certrep cr;
	struct err e;
	unsigned char nonce[16];
	char tid[SCEP_TID_MAX + 2];

	s.tamper = 1;
	check(reply(&s, &cr, &e) == -1 && e.code == E_PROTO &&
	    strstr(e.msg, "signature") != NULL, "tampered signature rejected");
	s = success();
	s.signer = evilcert;	/* same subject as the CA, embedded */
	s.signer_key = evilkey;
	check(reply(&s, &cr, &e) == -1 && e.code == E_PROTO,
	    "signed by an impostor with the CA's name: rejected");
	s = success();
	RAND_bytes(nonce, sizeof(nonce));
	s.rnonce = nonce;
	s.rnonce_len = 16;
	check(reply(&s, &cr, &e) == -1 && e.code == E_PROTO &&
	    strstr(e.msg, "recipientNonce") != NULL,
	    "wrong recipientNonce rejected");
	s.rnonce_len = 15;
	check(reply(&s, &cr, &e) == -1 && strstr(e.msg, "recipientNonce"),
	    "short recipientNonce rejected");
	s = success();
	s.no_rnonce = 1;
	check(reply(&s, &cr, &e) == -1 && strstr(e.msg, "recipientNonce"),
	    "missing recipientNonce rejected");
	s = success();
	s.tid = "0000";
	check(reply(&s, &cr, &e) == -1 && e.code == E_PROTO &&
	    strstr(e.msg, "transactionID") != NULL,
	    "wrong transactionID rejected");
	/* our ID plus one character: a prefix match is not a match */
	{
		struct err e2 = { 0 };

		scep_transaction_id(ckey, tid, &e2);
	}
	strcat(tid, "0");
	s.tid = tid;
	check(reply(&s, &cr, &e) == -1 && strstr(e.msg, "transactionID"),
	    "transactionID with a trailing extra character rejected");
	s = success();
	s.msg_type = 19;
	check(reply(&s, &cr, &e) == -1 && e.code == E_PROTO &&
	    strstr(e.msg, "messageType") != NULL,
	    "messageType 19 instead of CertRep rejected");
	s.status = 3;
	s.msg_type = 0;
	s.signer = ccert;	/* our own request signer cannot pass as CA */
	s.signer_key = ckey;
	check(reply(&s, &cr, &e) == -1 && e.code == E_PROTO,
	    "CertRep signed by a non-CA certificate rejected");
}

/* Truncations, trailing bytes, garbage, bit flips: errors, no crashes. */
static void
t_malformed(void)
{
	struct t_rep s = success();
	struct scep_tx tx;
	struct t_req q;
	struct scep_certrep cr;
	struct err e;
	unsigned char *der = NULL, *buf, junk[600];
	size_t len = 0, i;
	int bad = 0, flips_ok = 1, rc;

	mk_tx(&tx, NULL);
	roundtrip(&tx, (const unsigned char *)"x", 1, &q);
	t_certrep(&q, &s, &der, &len);
	check(scep_certrep_parse(der, len, &tx, cacert, &cr, &e) == 0,
	    "baseline CertRep parses (%zu bytes)", len);
	scep_certrep_free(&cr);
	for (i = 0; i < len; i++) {
		buf = malloc(i ? i : 1);
		memcpy(buf, der, i);
		memset(&e, 0, sizeof(e));
		if (scep_certrep_parse(buf, i, &tx, cacert, &cr, &e) != -1 ||
		    e.code != E_PROTO || e.msg[0] == '\0' || cr.inner != NULL)
			bad++;
		free(buf);
	}
	check(bad == 0, "all %zu truncations rejected: E_PROTO with a message",
	    len);
	buf = malloc(len + 1);
	memcpy(buf, der, len);
	buf[len] = 0;
	check(scep_certrep_parse(buf, len + 1, &tx, cacert, &cr, &e) == -1 &&
	    strstr(e.msg, "DER") != NULL, "trailing byte rejected");
	for (i = 0; i < 200; i++) {
		size_t pos = (size_t)rand() % len;

		memcpy(buf, der, len);
		buf[pos] ^= (unsigned char)(1u << (rand() % 8));
		memset(&e, 0, sizeof(e));
		rc = scep_certrep_parse(buf, len, &tx, cacert, &cr, &e);
		if ((rc == -1 && (e.msg[0] == '\0' || cr.inner != NULL)) ||
		    (rc == 0 && cr.status != SCEP_SUCCESS))
			flips_ok = 0;
		scep_certrep_free(&cr);
	}
	check(flips_ok, "200 single-bit flips: clean error or the same result");
	free(buf);
	RAND_bytes(junk, sizeof(junk));
	junk[0] = 0x30;
	junk[1] = 0x82;
	check(scep_certrep_parse(junk, sizeof(junk), &tx, cacert, &cr, &e) == -1,
	    "random bytes rejected");
	check(scep_certrep_parse(NULL, 0, &tx, cacert, &cr, &e) == -1 &&
	    e.code == E_PROTO, "empty reply rejected");
	free(der);
	t_req_free(&q);
}

/* The transient certificate over an EC key: ecdsa-with-SHA256. */
static void
t_transient_ec(const X509_NAME *subject)
{
	struct err e = { 0 };
	struct signer es;
	EVP_PKEY *ek = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
	X509 *t = NULL;

	if (ek != NULL && pki_signer_pkey(ek, &es, &e) == 0) {
		t = scep_transient_cert(&es, subject, &e);
		pki_signer_close(&es);
	}
	check(t != NULL && X509_verify(t, ek) == 1 &&
	    X509_get_signature_nid(t) == NID_ecdsa_with_SHA256,
	    "transient certificate over an EC key: ecdsa-with-SHA256 (%s)",
	    e.msg);
	X509_free(t);
	EVP_PKEY_free(ek);
}

static void
t_helpers(void)
{
	struct err e = { 0 };
	char tid[SCEP_TID_MAX + 1], hex[65];
	unsigned char *spki = NULL, md[32], *ias = NULL;
	const unsigned char *p;
	size_t len = 0;
	int n;
	X509 *t;
	X509_NAME *a = t_name("CA"), *b = t_name("router"), *a2, *b2;
	long plen;
	int tag, cls;

	check(scep_transaction_id(ckey, tid, &e) == 0 && strlen(tid) == 64,
	    "transactionID is 64 hex characters");
	n = i2d_X509_PUBKEY(X509_get_X509_PUBKEY(ccert), &spki);
	EVP_Q_digest(NULL, "SHA256", NULL, spki, (size_t)n, md, NULL);
	for (int i = 0; i < 32; i++)
		sprintf(hex + 2 * i, "%02X", md[i]);
	check(strcmp(tid, hex) == 0, "transactionID = SHA-256 of the SPKI");
	OPENSSL_free(spki);

	t = scep_transient_cert(&csig, b, &e);
	check(t != NULL && X509_verify(t, ckey) == 1 &&
	    X509_NAME_cmp(X509_get_subject_name(t), b) == 0 &&
	    X509_NAME_cmp(X509_get_issuer_name(t), b) == 0 &&
	    X509_cmp_current_time(X509_get0_notAfter(t)) > 0,
	    "transient certificate: self-signed, request subject, valid now");
	X509_free(t);
	t = scep_transient_cert(&csig, NULL, &e);
	check(t != NULL && X509_NAME_entry_count(X509_get_subject_name(t)) == 1,
	    "transient certificate with an empty subject gets a CN");
	X509_free(t);
	t_transient_ec(b);

	check(scep_issuer_and_subject(a, b, &ias, &len, &e) == 0,
	    "IssuerAndSubject encoded");
	p = ias;
	ASN1_get_object(&p, &plen, &tag, &cls, (long)len);
	a2 = d2i_X509_NAME(NULL, &p, (long)(len - (size_t)(p - ias)));
	b2 = d2i_X509_NAME(NULL, &p, (long)(len - (size_t)(p - ias)));
	check(tag == V_ASN1_SEQUENCE && a2 && b2 && X509_NAME_cmp(a, a2) == 0 &&
	    X509_NAME_cmp(b, b2) == 0 && p == ias + len,
	    "IssuerAndSubject = SEQUENCE { issuer, subject }");
	free(ias);
	X509_NAME_free(a);
	X509_NAME_free(b);
	X509_NAME_free(a2);
	X509_NAME_free(b2);

	check(strcmp(scep_fail_info_name(0), "badAlg") == 0 &&
	    strcmp(scep_fail_info_name(1), "badMessageCheck") == 0 &&
	    strcmp(scep_fail_info_name(2), "badRequest") == 0 &&
	    strcmp(scep_fail_info_name(3), "badTime") == 0 &&
	    strcmp(scep_fail_info_name(4), "badCertId") == 0 &&
	    strcmp(scep_fail_info_name(5), "unknown") == 0 &&
	    strcmp(scep_fail_info_name(-1), "unknown") == 0,
	    "failInfo names (RFC 8894 3.2.1.4)");
}

int
main(void)
{
	struct err e = { 0 };

	setvbuf(stdout, NULL, _IOLBF, 0);
	srand(8894);
	check(scep_init(&e) == 0 && scep_init(&e) == 0, "scep_init twice");
	cakey = t_rsa();
	ckey = t_rsa();
	evilkey = t_rsa();
	cacert = t_cert(cakey, "SCEP CA", NULL, NULL, 1,
	    "critical,keyCertSign,cRLSign", 1);
	evilcert = t_cert(evilkey, "SCEP CA", NULL, NULL, 1, NULL, 1);
	ccert = t_cert(ckey, "router", NULL, NULL, 0, NULL, 99);
	pki_signer_pkey(ckey, &csig, &e);
	issued = t_cert(ckey, "router", cacert, cakey, 0,
	    "digitalSignature", 2);
	t_build();
	t_success();
	t_status();
	t_hostile();
	t_malformed();
	t_helpers();
	X509_free(cacert);
	X509_free(evilcert);
	X509_free(ccert);
	X509_free(issued);
	EVP_PKEY_free(cakey);
	EVP_PKEY_free(ckey);
	EVP_PKEY_free(evilkey);
	pki_signer_close(&csig);
	/* t_legacy stays: freeing a context with loaded providers leaks */
	return t_report();
}
