/* fuzz/fuzz_scep.c - SCEP replies (RFC 8894) as the client parses them.
 * Byte 0 picks: 0 GetCACert (DER certificate or degenerate PKCS#7, CA and
 * RA selection), 1 GetCACaps, 2 CertRep pkiMessage to a fixed request
 * (signature against the fixed CA, transactionID, nonces, pkiStatus, the
 * envelope decrypted with the fixed requester key, our certificate picked
 * from it), 3 GetNextCACert signed by the fixed CA, 4 a pkcsPKIEnvelope
 * alone, 5 the degenerate PKCS#7 inside a SUCCESS alone.
 * With FZ_SCEP_SEEDS=DIR set the target writes CertRep seeds for the
 * fixed keys (made by pkish's own CA code) into DIR and exits. */
#include <openssl/pem.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "pki/signer.h"
#include "scep/scep_int.h"
#include "scep/scep_server.h"
#include "fuzz/fuzz.h"
#include "fuzz/scep_keys.h"

#define FZ_TID	"FUZZ-TRANSACTION-0001"

static X509 *ca, *rq;
static EVP_PKEY *ca_key, *rq_key;
static struct scep_tx tx;

static void *
pem(const char *s, int key)
{
	BIO *b = BIO_new_mem_buf(s, -1);
	void *o = key ? (void *)PEM_read_bio_PrivateKey(b, NULL, NULL, NULL) :
	    (void *)PEM_read_bio_X509(b, NULL, NULL, NULL);

	BIO_free(b);
	if (o == NULL)
		abort();
	return o;
}

static void
wfile(const char *dir, const char *name, int type,
    const unsigned char *d, size_t n)
{
	char path[4096];
	unsigned char t = (unsigned char)type;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if ((f = fopen(path, "wb")) == NULL || fwrite(&t, 1, 1, f) != 1 ||
	    fwrite(d, 1, n, f) != n || fclose(f) != 0)
		abort();
}

/* One CertRep of status st to the fixed request, as pkish's CA makes it. */
static void
seed_certrep(const char *dir, const char *name, enum scep_status st,
    int fail, const struct signer *sg)
{
	struct scep_srv_msg m = { 0 };
	struct scep_srv_rep r = { 0 };
	STACK_OF(X509) *certs = sk_X509_new_null();
	unsigned char *der = NULL, *env = NULL;
	size_t len = 0, elen = 0;
	struct err e = { 0 };

	m.type = SCEP_MT_PKCSREQ;
	snprintf(m.tid, sizeof(m.tid), "%s", tx.transaction_id);
	memcpy(m.nonce, tx.sender_nonce, SCEP_NONCE_LEN);
	m.have_ids = 1;
	m.signer_cert = rq;
	m.md = EVP_sha256();
	m.cipher = EVP_aes_128_cbc();
	r.status = st;
	r.fail_info = fail;
	sk_X509_push(certs, rq);
	sk_X509_push(certs, ca);
	r.certs = certs;
	if (scep_srv_certrep(&m, &r, sg, ca, &der, &len, &e) < 0) {
		fprintf(stderr, "seed %s: %s\n", name, e.msg);
		exit(2);
	}
	wfile(dir, name, 2, der, len);
	if (st == SCEP_SUCCESS && scep_srv_degenerate(certs, NULL, &env,
	    &elen, &e) == 0) {
		wfile(dir, "degenerate-rq-ca", 5, env, elen);
		free(env);
	}
	free(der);
	sk_X509_free(certs);
}

static void
write_seeds(const char *dir)
{
	struct signer sg = { 0 };
	struct err e = { 0 };

	if (pki_signer_pkey(ca_key, &sg, &e) < 0) {
		fprintf(stderr, "seeds: %s\n", e.msg);
		exit(2);
	}
	seed_certrep(dir, "certrep-success", SCEP_SUCCESS, -1, &sg);
	seed_certrep(dir, "certrep-failure-badrequest", SCEP_FAILURE,
	    SCEP_BAD_REQUEST, &sg);
	seed_certrep(dir, "certrep-pending", SCEP_PENDING, -1, &sg);
	pki_signer_close(&sg);
	exit(0);
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	struct err e = { 0 };
	const char *seeds = getenv("FZ_SCEP_SEEDS");

	fz_init(0);
	if (scep_init(&e) < 0)
		abort();
	ca = pem(FZ_CA_CERT, 0);
	rq = pem(FZ_RQ_CERT, 0);
	ca_key = pem(FZ_CA_KEY, 1);
	rq_key = pem(FZ_RQ_KEY, 1);
	tx.type = SCEP_MT_PKCSREQ;
	snprintf(tx.transaction_id, sizeof(tx.transaction_id), FZ_TID);
	memcpy(tx.sender_nonce, "fuzz-nonce-0123", SCEP_NONCE_LEN);
	tx.md = EVP_sha256();
	tx.cipher = EVP_aes_128_cbc();
	tx.recipient = ca;
	tx.signer_cert = rq;
	tx.signer_key = rq_key;
	if (seeds)
		write_seeds(seeds);
	return 0;
}

static void
ca_cert(const uint8_t *d, size_t n)
{
	STACK_OF(X509) *sk = NULL;
	X509 *c, *re, *rs;
	struct err e = { 0 };

	if (scep_ca_parse(d, n, &sk, &c, &re, &rs, &e) == 0 &&
	    (sk == NULL || c == NULL))
		abort();	/* success promises a CA */
	sk_X509_pop_free(sk, X509_free);
}

static void
caps(const uint8_t *d, size_t n)
{
	struct scep_caps c;
	char *s = fz_str(d, n);

	memset(&c, 0, sizeof(c));
	scep_caps_parse(s, n, &c);
	if (strlen(c.raw) >= sizeof(c.raw))
		abort();
	scep_caps_md(&c);
	scep_caps_cipher(&c);
	free(s);
}

static void
pick(const unsigned char *d, size_t n)
{
	X509 *c = NULL;
	STACK_OF(X509) *extra = NULL;
	struct err e = { 0 };

	if (scep_certs_pick(d, n, rq_key, &c, &extra, &e) == 0 && c == NULL)
		abort();
	X509_free(c);
	sk_X509_pop_free(extra, X509_free);
}

static void
certrep(const uint8_t *d, size_t n)
{
	struct scep_certrep r;
	struct err e = { 0 };

	if (scep_certrep_parse(d, n, &tx, ca, &r, &e) == 0 && r.inner)
		pick(r.inner, r.inner_len);
	if (strlen(r.fail_text) >= sizeof(r.fail_text))
		abort();
	scep_fail_info_name(r.fail_info);
	scep_certrep_free(&r);
}

static void
next_ca(const uint8_t *d, size_t n)
{
	STACK_OF(X509) *sk = NULL;
	struct err e = { 0 };

	scep_next_ca_parse(d, n, ca, &sk, &e);
	sk_X509_pop_free(sk, X509_free);
}

static void
envelope(const uint8_t *d, size_t n)
{
	unsigned char *out = NULL;
	size_t len = 0;
	struct err e = { 0 };
	PKCS7 *p7 = scep_p7_decode(d, n, NULL, "pkcsPKIEnvelope", &e);

	if (p7 && scep_envelope_open(p7, rq_key, rq, &out, &len, &e) == 0)
		pick(out, len);
	free(out);
	PKCS7_free(p7);
}

int
LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
	if (n < 1)
		return 0;
	switch (d[0] % 6) {
	case 0: ca_cert(d + 1, n - 1); break;
	case 1: caps(d + 1, n - 1); break;
	case 2: certrep(d + 1, n - 1); break;
	case 3: next_ca(d + 1, n - 1); break;
	case 4: envelope(d + 1, n - 1); break;
	default: pick(d + 1, n - 1); break;
	}
	return 0;
}
