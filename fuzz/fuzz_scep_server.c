/* fuzz/fuzz_scep_server.c - the certificate server's request side: what
 * a SCEP client sends to /cgi-bin/pkiclient.exe. Byte 0 picks how the
 * rest arrives: 0 a POSTed pkiMessage, 1 the base64 GET message=
 * argument (scep_srv_msg_decode), 2 an IssuerAndSerialNumber or
 * IssuerAndSubject (scep_srv_ias); 0 and 1 then go through the whole
 * PKIOperation (scep_srv_parse, the policy, the database, the CertRep)
 * of a CA enabled with `grant auto` in the fuzz state directory.
 * The CA key is the fixed test key below, so that the corpus's
 * pkiMessages (enveloped to this CA) open and reach the policy. It
 * protects nothing: it exists only for this target.
 *   FUZZ_SCEP_SEEDS=DIR build/fuzz_scep_server   writes seed messages
 * (PKCSReq, RenewalReq, CertPoll, GetCert, GetCRL) into DIR and exits. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include "lib/b64.h"
#include "pki/ca_int.h"
#include "pki/key.h"
#include "scep/scep.h"
#include "fuzz/fuzz.h"

static const char test_key[] =
    "-----BEGIN PRIVATE KEY-----\n"
    "MIIEvAIBADANBgkqhkiG9w0BAQEFAASCBKYwggSiAgEAAoIBAQCngrc2IiovB/P+\n"
    "GQZ0FhDMZfnhdgss23aXMq4dkxLlJxQxafomYpoCAEMaLDZBQekAK7M234GOE8Kd\n"
    "qsYVqYWhiR6GYmSVyRuFNfxyQ78sWbdNjLpL8H/NbEFlgNYPXY/4kUewsXHY+5Ow\n"
    "s+m5+vfiIZDLdLRWI2BIzdh7NzYlOJbhH6sfn1823VPx7Lzf6w9gtaef1RhxHEL7\n"
    "vvbYp0g+bLP9YXmS6Whw+M09RPitrGJdbQvjDhz5ZPxowOtqH9TGYSLRd2m1mrPc\n"
    "nfAWsf+6mLJRRtpvKeoZbZJQLeuzIy5fnml5/kQUI8AiIq9IMhPTJPW0ocQNyaJz\n"
    "PyNGr9rhAgMBAAECggEAIYf4QjkRDiSOqh7azJqNJslD/aaKQqK0yLvfoDJsXhwW\n"
    "PfT7mrrynrNsOz096A64RC07POD9N1JLyxFgAP6T7hu7VUW1YkllPaNqovneNxPH\n"
    "blndAe4EuztwFNA3KVC+jNCSE/PVOQzVCdJd1zl+bNDwwdVc8wA2WiSAcNvCtizb\n"
    "4SXMbW67CAmJ3/36eCX2oquarvMueylhEydeo1OsjmaXKT/PqcLkikA0j1LlG4Gs\n"
    "PreznmA+UmYe+TW1HdOb7r1sacU/Ata7bpNX7l/JtKQNx04+Y0sOX9IMpiKFH71h\n"
    "rSix1SIawcfT8cq6jO3Hx+ZFpSQn2WiaT5EIQSR4xQKBgQDsNDNI6ZItlKrRCsWd\n"
    "5/v71CLxfRQMk+/S4js/Wr4bfONjdoBVUjes/XadEPzyZg9Z6qzaKp+zJoAniwdq\n"
    "/CK6whctKkqyPuraFro1ch8tg6abxwQsl3hhw0w8wskG0NVlGOyJeCBrE7zLw3X3\n"
    "4FIUDclnkvZCWZSXilITEdSXFQKBgQC1jLAD9CjEl/S4x9hqqnli7f9JH9Mh4P3G\n"
    "cZ8eWfl4qgnhtu2w3BzkhUa0CeOCTGEOeHCteiAofOvC8N1Heip5/CUEOKsZS7FV\n"
    "VbonfO5rJw0gWABn003NfyU2lHW0jCixEDRP3/3N136CLlXBT5pR8Ov2lQp6E9s0\n"
    "lC33Nd8nnQKBgFaoYBhj+QlX/cNr3Eyui7g8gAVxCiYDMH2CGpKHzC9xhks7cqHa\n"
    "5CpHY3kEfojAAOnQO1JfSPAFNAdN7o7FqkgyZSZg2b7Dbo5MwExTbjTYlAua3GEv\n"
    "wS684/92xyIFBAVvO3jD5cDjIOTw9RrX5cUNudKSDF8TVnyydqIgbIpxAoGAA7v1\n"
    "Et++xuxpODPEG82N2Z8TlSl2akf6cE59+13WZ8j3kxD0KqMcZQbowWNCrrdrd6S6\n"
    "jJbqemq3Xrcdlg7JOOEa0c9olYidCShOP+mt7b5L4tJsj7Yk74kh9tFu6lvHqnyu\n"
    "1sXArq80BvF1ChjdD7po4BWItaIa7CXwHBmbkXECgYBqsEIwAcbvr9lXS9VjI8yV\n"
    "JswhSegf+CBwvbxq0be6N6BDb1QKbgpb/zrBFDB0Wufo5690x0PvqibbUgXEwWrx\n"
    "VrXYe9x3+i7NwcWIRb95/rdTZXCm/h3xjc/FbZm6e3YAVFlIJRklOwjS8LqE5M6l\n"
    "ud1NxK6oMcIxuIDgR7tTHQ==\n"
    "-----END PRIVATE KEY-----\n"
    ;

static X509 *cacert;

static void
ca_up(void)
{
	struct err e = { 0 };
	struct ca_cfg c;
	BIO *b = BIO_new_mem_buf(test_key, -1);
	EVP_PKEY *k = PEM_read_bio_PrivateKey(b, NULL, NULL, NULL);
	int created;

	BIO_free(b);
	ca_init(fz_state());
	if (k == NULL || key_import("CS", k, 0, &e) == -1 ||
	    ca_create("CS", &created, &e) == -1 || !ca_cfg_get(&c)) {
		fprintf(stderr, "fuzz: CA: %s\n", e.msg);
		exit(2);
	}
	EVP_PKEY_free(k);
	c.grant = CA_GRANT_AUTO;
	c.archive = CA_ARCH_NONE;
	if (ca_cfg_set(&c, &e) == -1 || ca_enable(NULL, 0, NULL, NULL,
	    &e) == -1) {
		fprintf(stderr, "fuzz: enable: %s\n", e.msg);
		exit(2);
	}
	pthread_mutex_lock(&ca_g.mu);
	cacert = X509_dup(ca_g.cacert);
	pthread_mutex_unlock(&ca_g.mu);
}

static void
seed(const char *dir, const char *name, int how, const unsigned char *d,
    size_t n)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if ((f = fopen(path, "wb")) == NULL)
		return;
	fputc(how, f);
	fwrite(d, 1, n, f);
	fclose(f);
}

/* One pkiMessage of type t over content, as POST and as GET seeds. */
static void
seed_msg(const char *dir, const char *name, int t, EVP_PKEY *k, X509 *self,
    const unsigned char *c, size_t clen)
{
	struct scep_tx tx = { 0 };
	unsigned char *der = NULL;
	size_t len = 0;
	char *b64, n2[64];

	tx.type = (enum scep_msg_type)t;
	scep_transaction_id(k, tx.transaction_id, NULL);
	RAND_bytes(tx.sender_nonce, SCEP_NONCE_LEN);
	tx.md = EVP_sha256();
	tx.cipher = t == SCEP_MT_GETCRL ? EVP_des_ede3_cbc() :
	    EVP_aes_128_cbc();
	tx.recipient = cacert;
	tx.signer_cert = self;
	tx.signer_key = k;
	if (scep_msg_build(&tx, c, clen, &der, &len, NULL) == -1)
		return;
	seed(dir, name, 0, der, len);
	if ((b64 = b64_encode(der, len, 0)) != NULL) {
		snprintf(n2, sizeof(n2), "%s-get", name);
		seed(dir, n2, 1, (unsigned char *)b64, strlen(b64));
	}
	free(b64);
	free(der);
}

static void
write_seeds(const char *dir)
{
	EVP_PKEY *k = EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)2048);
	X509_NAME *n = X509_NAME_new();
	X509_REQ *r = X509_REQ_new();
	X509 *self;
	unsigned char *der = NULL, *ias = NULL;
	size_t ilen = 0;
	int len;

	X509_NAME_add_entry_by_txt(n, "CN", MBSTRING_ASC,
	    (const unsigned char *)"fuzz.example.test", -1, -1, 0);
	self = scep_transient_cert(k, n, NULL);
	X509_REQ_set_subject_name(r, n);
	X509_REQ_set_pubkey(r, k);
	X509_REQ_add1_attr_by_NID(r, NID_pkcs9_challengePassword,
	    MBSTRING_ASC, (const unsigned char *)"not-a-password", -1);
	X509_REQ_sign(r, k, EVP_sha256());
	len = i2d_X509_REQ(r, &der);
	seed_msg(dir, "pkcsreq", SCEP_MT_PKCSREQ, k, self, der, (size_t)len);
	seed_msg(dir, "renewalreq", SCEP_MT_RENEWALREQ, k, self, der,
	    (size_t)len);
	scep_issuer_and_subject(X509_get_subject_name(cacert), n, &ias, &ilen,
	    NULL);
	seed_msg(dir, "certpoll", SCEP_MT_CERTPOLL, k, self, ias, ilen);
	seed(dir, "ias-subject", 2, ias, ilen);
	free(ias);
	ias = NULL;
	{
		PKCS7_ISSUER_AND_SERIAL *is = PKCS7_ISSUER_AND_SERIAL_new();
		int il;

		X509_NAME_set(&is->issuer, X509_get_subject_name(cacert));
		ASN1_INTEGER_set(is->serial, 2);
		il = i2d_PKCS7_ISSUER_AND_SERIAL(is, &ias);
		seed_msg(dir, "getcert", SCEP_MT_GETCERT, k, self, ias,
		    (size_t)il);
		seed_msg(dir, "getcrl", SCEP_MT_GETCRL, k, self, ias,
		    (size_t)il);
		seed(dir, "ias-serial", 2, ias, (size_t)il);
		OPENSSL_free(ias);
		PKCS7_ISSUER_AND_SERIAL_free(is);
	}
	OPENSSL_free(der);
	X509_REQ_free(r);
	X509_NAME_free(n);
	X509_free(self);
	EVP_PKEY_free(k);
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char *seeds = getenv("FUZZ_SCEP_SEEDS");
	char keys[256];
	struct err e = { 0 };

	fz_init(0);
	snprintf(keys, sizeof(keys), "%s/keys", fz_state());
	if (key_store_init(keys, &e) == -1 || scep_init(&e) == -1) {
		fprintf(stderr, "fuzz: %s\n", e.msg);
		exit(2);
	}
	ca_up();
	if (seeds != NULL) {
		write_seeds(seeds);
		exit(0);
	}
	return 0;
}

static void
ias(const uint8_t *d, size_t n)
{
	X509_NAME *iss = NULL, *subj = NULL;
	ASN1_INTEGER *sn = NULL;

	if (scep_srv_ias(d, n, &iss, &sn, NULL, NULL) == 0) {
		X509_NAME_free(iss);
		ASN1_INTEGER_free(sn);
	}
	if (scep_srv_ias(d, n, &iss, NULL, &subj, NULL) == 0) {
		X509_NAME_free(iss);
		X509_NAME_free(subj);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
	unsigned char *msg = NULL, *out = NULL;
	size_t len = 0, olen = 0;
	char *s;
	int st;

	if (n < 1)
		return 0;
	if (d[0] % 3 == 2) {
		ias(d + 1, n - 1);
		return 0;
	}
	s = fz_str(d + 1, n - 1);
	if (scep_srv_msg_decode(d[0] % 3 ? "GET" : "POST", s, d + 1, n - 1,
	    &msg, &len) == 0) {
		st = ca_scep_pkiop(msg, len, "fuzz", &out, &olen);
		if (st != 200 && st != 400)
			abort();	/* the CA is up: nothing else */
		if ((st == 200) != (out != NULL))
			abort();
	}
	free(out);
	free(msg);
	free(s);
	return 0;
}
