/* SPDX-License-Identifier: ISC */
/*
 * bench/scep_load_check.c - what came back, checked after the clock
 * stops: the CertRep's signature, messageType, transactionID and
 * recipientNonce (scep_certrep_parse), the issued certificate's signature
 * by the CA, its key (the one certified) and its CN.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include "bench/scep_load.h"

const char *
outcome_name(enum outcome o)
{
	static const char *const names[] = { "none", "success", "failure",
	    "pending", "http", "net", "bad" };

	return (unsigned)o < sizeof(names) / sizeof(names[0]) ? names[o] :
	    "?";
}

/* The certificate is the CA's, for our key, with our CN. */
static int
cert_ok(const struct target *t, struct req *r, X509 *x)
{
	char cn[sizeof(r->cn)];
	BIGNUM *bn;
	char *hex;

	if (X509_verify(x, X509_get0_pubkey(t->ca)) != 1 ||
	    EVP_PKEY_eq(X509_get0_pubkey(x), r->csr_key) != 1 ||
	    X509_NAME_get_text_by_NID(X509_get_subject_name(x), NID_commonName,
	    cn, sizeof(cn)) < 0 || strcmp(cn, r->cn) != 0)
		return 0;
	if ((bn = ASN1_INTEGER_to_BN(X509_get0_serialNumber(x), NULL)) ==
	    NULL || (hex = BN_bn2hex(bn)) == NULL) {
		BN_free(bn);
		return 0;
	}
	snprintf(r->serial, sizeof(r->serial), "%s", hex);
	OPENSSL_free(hex);
	BN_free(bn);
	return 1;
}

void
req_check(const struct target *t, struct req *r)
{
	struct scep_certrep cr;
	STACK_OF(X509) *extra = NULL;
	X509 *x = NULL;
	struct err e;

	memset(&cr, 0, sizeof(cr));
	r->fail_info = -1;
	if (r->http == 0) {
		r->out = r->net_err ? O_NET : O_NONE;
		return;
	}
	if (r->http != 200) {
		r->out = O_HTTP;
		return;
	}
	r->out = O_BAD;
	if (scep_certrep_parse(r->rep, r->rep_len, &r->tx, t->rep_signer, &cr,
	    &e) == -1) {
		fprintf(stderr, "scep_load: %s: %s\n", r->cn, e.msg);
		return;
	}
	if (cr.status == SCEP_FAILURE) {
		r->out = O_FAILURE;
		r->fail_info = cr.fail_info;
	} else if (cr.status == SCEP_PENDING)
		r->out = O_PENDING;
	else if (scep_certs_pick(cr.inner, cr.inner_len, r->csr_key, &x,
	    &extra, &e) == -1)
		fprintf(stderr, "scep_load: %s: %s\n", r->cn, e.msg);
	else if (!cert_ok(t, r, x)) {
		fprintf(stderr, "scep_load: %s: the issued certificate is not "
		    "the CA's, or not for this key and CN\n", r->cn);
		ERR_clear_error();
	} else {
		r->out = O_SUCCESS;
		r->cert = x;
		x = NULL;
	}
	X509_free(x);
	sk_X509_pop_free(extra, X509_free);
	scep_certrep_free(&cr);
}

/* Write PEM to path through a temporary file. */
static int
pem_out(const char *path, int (*w)(FILE *, const void *), const void *arg,
    struct err *e)
{
	char tmp[4200];
	FILE *f;
	int ok;

	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	if ((f = fopen(tmp, "w")) == NULL)
		return err_set(e, E_IO, "%s: %s", tmp, strerror(errno));
	ok = w(f, arg);
	if (fclose(f) != 0 || !ok || rename(tmp, path) != 0) {
		remove(tmp);
		return err_set(e, E_IO, "%s: cannot write", path);
	}
	return 0;
}

static int
w_cert(FILE *f, const void *x)
{
	return PEM_write_X509(f, (X509 *)x);
}

static int
w_key(FILE *f, const void *k)
{
	return PEM_write_PrivateKey(f, (EVP_PKEY *)k, NULL, NULL, 0, NULL,
	    NULL);
}

static int
w_msg(FILE *f, const void *arg)
{
	const struct req *r = arg;

	return PEM_write(f, "PKCS7", "", r->msg, (long)r->msg_len);
}

int
req_save(const struct req *r, const char *dir, const char *name,
    struct err *e)
{
	char path[4096];

	snprintf(path, sizeof(path), "%s/%s.pem", dir, name);
	return pem_out(path, w_cert, r->cert, e);
}

int
req_dump(const struct req *r, const char *dir, const char *name,
    struct err *e)
{
	char path[4096];

	snprintf(path, sizeof(path), "%s/%s.msg.pem", dir, name);
	if (pem_out(path, w_msg, r, e) == -1)
		return -1;
	snprintf(path, sizeof(path), "%s/%s.key.pem", dir, name);
	if (pem_out(path, w_key, r->sign_key, e) == -1)
		return -1;
	snprintf(path, sizeof(path), "%s/%s.signer.pem", dir, name);
	return pem_out(path, w_cert, r->tx.signer_cert, e);
}
