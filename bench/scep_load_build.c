/* SPDX-License-Identifier: ISC */
/*
 * bench/scep_load_build.c - what the load client prepares before the
 * clock starts: the CA (GetCACaps, GetCACert), requester identities
 * (RSA-2048 key + transient self-signed certificate, RFC 8894 section
 * 2.3) and PKCSReq messages (CSR with challengePassword, enveloped to the
 * CA or RA, signed by the requester; RFC 8894 section 3.3.1).
 */
#include <stdlib.h>
#include <string.h>
#include <openssl/err.h>
#include <openssl/rand.h>
#include "bench/scep_load.h"
#include "pki/signer.h"

int
target_load(struct target *t, const char *url, struct err *e)
{
	unsigned char *body = NULL;
	size_t len = 0;
	X509 *ra_enc = NULL, *ra_sign = NULL;
	long st;

	memset(t, 0, sizeof(*t));
	t->url = url;
	t->timeout_ms = 30000;
	if ((st = net_get(url, "GetCACaps", &body, &len, e)) < 0)
		return err_ctx(e, "GetCACaps");
	if (st == 200)
		scep_caps_parse((const char *)body, len, &t->caps);
	free(body);
	if ((st = net_get(url, "GetCACert", &body, &len, e)) < 0)
		return err_ctx(e, "GetCACert");
	if (st != 200) {
		free(body);
		return err_set(e, E_PROTO, "GetCACert: HTTP %ld", st);
	}
	st = scep_ca_parse(body, len, &t->certs, &t->ca, &ra_enc, &ra_sign, e);
	free(body);
	if (st == -1)
		return -1;
	t->rcpt = ra_enc ? ra_enc : t->ca;
	t->rep_signer = ra_sign ? ra_sign : t->ca;
	return 0;
}

void
target_free(struct target *t)
{
	sk_X509_pop_free(t->certs, X509_free);
	t->certs = NULL;
}

static X509_NAME *
name_cn(const char *cn)
{
	X509_NAME *n = X509_NAME_new();

	if (n == NULL || !X509_NAME_add_entry_by_txt(n, "O", MBSTRING_ASC,
	    (const unsigned char *)"pkish bench", -1, -1, 0) ||
	    !X509_NAME_add_entry_by_txt(n, "CN", MBSTRING_ASC,
	    (const unsigned char *)cn, -1, -1, 0)) {
		X509_NAME_free(n);
		return NULL;
	}
	return n;
}

int
ident_make(struct ident *id, const char *cn, struct err *e)
{
	X509_NAME *n;

	memset(id, 0, sizeof(*id));
	if ((id->key = EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)2048)) ==
	    NULL)
		return err_ssl(e, "RSA key generation");
	if (pki_signer_pkey(id->key, &id->sg, e) == -1)
		return -1;
	if ((n = name_cn(cn)) == NULL)
		return err_ssl(e, "subject");
	id->cert = scep_transient_cert(&id->sg, n, e);
	X509_NAME_free(n);
	return id->cert ? 0 : -1;
}

void
ident_free(struct ident *id)
{
	pki_signer_close(&id->sg);
	EVP_PKEY_free(id->key);
	X509_free(id->cert);
	memset(id, 0, sizeof(*id));
}

/* PKCS#10 for key, CN=cn, challengePassword; DER in *der (OPENSSL_free). */
static int
csr_der(EVP_PKEY *key, const char *cn, const char *challenge,
    unsigned char **der, int *len, struct err *e)
{
	X509_REQ *rq = X509_REQ_new();
	X509_NAME *n = name_cn(cn);
	int rc = -1;

	*der = NULL;
	if (rq == NULL || n == NULL || !X509_REQ_set_version(rq, 0) ||
	    !X509_REQ_set_subject_name(rq, n) || !X509_REQ_set_pubkey(rq, key))
		goto out;
	if (challenge != NULL && !X509_REQ_add1_attr_by_NID(rq,
	    NID_pkcs9_challengePassword, MBSTRING_ASC,
	    (const unsigned char *)challenge, -1))
		goto out;
	if (X509_REQ_sign(rq, key, EVP_sha256()) <= 0 ||
	    (*len = i2d_X509_REQ(rq, der)) <= 0)
		goto out;
	rc = 0;
 out:
	if (rc == -1)
		err_ssl(e, "CSR");
	X509_NAME_free(n);
	X509_REQ_free(rq);
	return rc;
}

static void
random_tid(char *out, size_t outlen)
{
	static const char hex[] = "0123456789ABCDEF";
	unsigned char r[16];
	size_t i;

	RAND_bytes(r, sizeof(r));
	for (i = 0; i < sizeof(r) && 2 * i + 2 < outlen; i++) {
		out[2 * i] = hex[r[i] >> 4];
		out[2 * i + 1] = hex[r[i] & 15];
	}
	out[2 * i] = '\0';
}

int
req_build(struct req *r, const struct target *t, const struct ident *signer,
    EVP_PKEY *csr_key, const char *cn, const char *challenge,
    const char *tid, struct err *e)
{
	unsigned char *der = NULL;
	int len = 0, rc;

	memset(r, 0, sizeof(*r));
	snprintf(r->cn, sizeof(r->cn), "%s", cn);
	r->csr_key = csr_key;
	r->tx.type = SCEP_MT_PKCSREQ;
	if (tid != NULL)
		snprintf(r->tx.transaction_id, sizeof(r->tx.transaction_id),
		    "%s", tid);
	else
		random_tid(r->tx.transaction_id, sizeof(r->tx.transaction_id));
	if (RAND_bytes(r->tx.sender_nonce, SCEP_NONCE_LEN) != 1)
		return err_ssl(e, "nonce");
	r->tx.md = scep_caps_md(&t->caps);
	r->tx.cipher = scep_caps_cipher(&t->caps);
	r->tx.recipient = t->rcpt;
	r->tx.signer_cert = signer->cert;
	r->tx.signer = &signer->sg;
	r->sign_key = signer->key;
	if (csr_der(csr_key, cn, challenge, &der, &len, e) == -1)
		return -1;
	rc = scep_msg_build(&r->tx, der, (size_t)len, &r->msg, &r->msg_len, e);
	OPENSSL_free(der);
	return rc;
}

void
req_free(struct req *r)
{
	free(r->msg);
	free(r->rep);
	X509_free(r->cert);
	memset(r, 0, sizeof(*r));
}
