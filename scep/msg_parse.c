/* SPDX-License-Identifier: ISC */
/*
 * scep/msg_parse.c - the requester's view of CertRep (RFC 8894 section
 * 3.3.2) and of the GetNextCACert reply (section 4.7).
 *
 * A CertRep is trusted only after: its DER decodes completely; it is a
 * SignedData with exactly one signer; the signature verifies against the
 * CA or RA signing certificate we already hold (embedded certificates
 * are ignored for this); messageType is CertRep; transactionID and
 * recipientNonce equal what we sent, byte for byte (a mismatch is an
 * error, never only a log line); pkiStatus is known. Only then is the
 * pkcsPKIEnvelope of a SUCCESS decrypted (scep/envelope_open.c, which
 * reaches DES-CBC from older CAs through the legacy provider).
 * Inputs are borrowed; struct scep_certrep owns its inner buffer.
 */
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <openssl/asn1t.h>
#include <openssl/err.h>
#include <openssl/pkcs7.h>
#include <openssl/x509v3.h>
#include "lib/clock.h"
#include "lib/log.h"
#include "scep/scep_int.h"

/* d2i a whole PKCS#7 in ctx (NULL = default); trailing bytes rejected. */
PKCS7 *
scep_p7_decode(const unsigned char *der, size_t len, OSSL_LIB_CTX *ctx,
    const char *what, struct err *e)
{
	const unsigned char *p = der;
	PKCS7 *p7;

	if (der == NULL || len == 0 || len > LONG_MAX) {
		err_set(e, E_PROTO, "SCEP %s: empty message", what);
		return NULL;
	}
	if ((p7 = PKCS7_new_ex(ctx, NULL)) == NULL) {
		err_ssl(e, "SCEP %s: out of memory", what);
		return NULL;
	}
	/* On failure d2i frees *p7 and sets it to NULL. */
	if (d2i_PKCS7(&p7, &p, (long)len) == NULL || p != der + len) {
		PKCS7_free(p7);
		err_ssl(e, "SCEP %s: malformed or truncated DER (RFC 8894 "
		    "section 3.1)", what);
		if (e)
			e->code = E_PROTO;	/* the peer's fault */
		return NULL;
	}
	return p7;
}

/* The same for a CertRep, whose certificates are never used (the
 * signature is checked against the CA/RA certificate we hold): they are
 * parsed in scep_nokey_ctx(), their keys undecoded; the SignedData
 * itself stays in the default context for the verification. */
static PKCS7 *
certrep_decode(const unsigned char *der, size_t len, struct err *e)
{
	const unsigned char *p = der;
	PKCS7 *p7;

	if (der == NULL || len == 0 || len > LONG_MAX) {
		err_set(e, E_PROTO, "SCEP CertRep: empty message");
		return NULL;
	}
	if ((p7 = PKCS7_new()) == NULL) {
		err_ssl(e, "SCEP CertRep: out of memory");
		return NULL;
	}
	/* On failure d2i frees *p7 and sets it to NULL. */
	if (ASN1_item_d2i_ex((ASN1_VALUE **)&p7, &p, (long)len,
	    ASN1_ITEM_rptr(PKCS7), scep_nokey_ctx(), NULL) == NULL ||
	    p != der + len) {
		PKCS7_free(p7);
		err_ssl(e, "SCEP CertRep: malformed or truncated DER (RFC 8894 "
		    "section 3.1)");
		if (e)
			e->code = E_PROTO;	/* the peer's fault */
		return NULL;
	}
	return p7;
}

/* Copy a memory BIO's contents into a malloc'd buffer. */
static int
bio_take(BIO *b, unsigned char **out, size_t *outlen, struct err *e)
{
	char *p;
	long n = BIO_get_mem_data(b, &p);

	*out = malloc(n > 0 ? (size_t)n : 1);
	if (*out == NULL)
		return err_set(e, E_NOMEM, "SCEP: out of memory");
	if (n > 0)
		memcpy(*out, p, (size_t)n);
	*outlen = n > 0 ? (size_t)n : 0;
	return 0;
}

/*
 * Verify the single signer of p7 against signer only and return the
 * signed content (possibly empty: FAILURE and PENDING carry none).
 */
static int
verify_signed(PKCS7 *p7, X509 *signer, unsigned char **content,
    size_t *clen, struct err *e)
{
	STACK_OF(X509) *sk = NULL;
	BIO *in = NULL, *out = NULL;
	int rc = -1;

	*content = NULL;
	if (!PKCS7_type_is_signed(p7) || p7->d.sign == NULL ||
	    sk_PKCS7_SIGNER_INFO_num(PKCS7_get_signer_info(p7)) != 1)
		return err_set(e, E_PROTO, "SCEP CertRep: not a SignedData "
		    "with one signer (RFC 8894 section 3.1)");
	if ((sk = sk_X509_new_null()) == NULL || !sk_X509_push(sk, signer) ||
	    (out = BIO_new(BIO_s_mem())) == NULL ||
	    (PKCS7_get_detached(p7) && (in = BIO_new_mem_buf("", 0)) == NULL)) {
		err_ssl(e, "SCEP: out of memory");
		goto out;
	}
	if (PKCS7_verify(p7, sk, NULL, in, out, PKCS7_NOVERIFY |
	    PKCS7_NOINTERN | PKCS7_BINARY) != 1) {
		err_ssl(e, "SCEP CertRep: signature does not verify against "
		    "the CA/RA certificate (RFC 8894 section 3.3.2)");
		if (e)
			e->code = E_PROTO;
		goto out;
	}
	rc = bio_take(out, content, clen, e);
 out:
	BIO_free(in);
	BIO_free(out);
	sk_X509_free(sk);
	return rc;
}

/* A signed attribute as a string of the expected kind, or NULL. */
const ASN1_STRING *
scep_attr_get(PKCS7_SIGNER_INFO *si, enum scep_attr a, int octets)
{
	ASN1_TYPE *t = PKCS7_get_signed_attribute(si, scep_nid(a));

	if (t == NULL)
		return NULL;
	if (octets)
		return t->type == V_ASN1_OCTET_STRING ? t->value.octet_string :
		    NULL;
	if (t->type == V_ASN1_PRINTABLESTRING || t->type == V_ASN1_UTF8STRING ||
	    t->type == V_ASN1_IA5STRING)
		return t->value.asn1_string;
	return NULL;
}

/* A decimal attribute value of 1-3 digits, or -1. */
int
scep_attr_num(const ASN1_STRING *s)
{
	const unsigned char *p;
	int n, v = 0;

	if (s == NULL || (n = ASN1_STRING_length(s)) < 1 || n > 3)
		return -1;
	p = ASN1_STRING_get0_data(s);
	for (int i = 0; i < n; i++) {
		if (p[i] < '0' || p[i] > '9')
			return -1;
		v = v * 10 + (p[i] - '0');
	}
	return v;
}

/* messageType, transactionID, recipientNonce (RFC 8894 3.2.1.1-3.2.1.5). */
static int
check_ids(PKCS7_SIGNER_INFO *si, const struct scep_tx *tx, struct err *e)
{
	const ASN1_STRING *s;
	size_t tl = strlen(tx->transaction_id);
	int mt;

	if ((mt = scep_attr_num(scep_attr_get(si, SA_MESSAGE_TYPE, 0))) != SCEP_MT_CERTREP)
		return err_set(e, E_PROTO, "RFC 8894 section 3.2.1.2: "
		    "messageType is %d, expected CertRep (3)", mt);
	s = scep_attr_get(si, SA_TRANSACTION_ID, 0);
	if (s == NULL || (size_t)ASN1_STRING_length(s) != tl ||
	    memcmp(ASN1_STRING_get0_data(s), tx->transaction_id, tl) != 0)
		return err_set(e, E_PROTO, "RFC 8894 section 3.2.1.1: "
		    "transactionID %s", s ? "does not match" : "missing");
	s = scep_attr_get(si, SA_RECIPIENT_NONCE, 1);
	if (s == NULL || ASN1_STRING_length(s) != SCEP_NONCE_LEN ||
	    CRYPTO_memcmp(ASN1_STRING_get0_data(s), tx->sender_nonce,
	    SCEP_NONCE_LEN) != 0)
		return err_set(e, E_PROTO, "RFC 8894 section 3.2.1.5: "
		    "recipientNonce %s", s ? "does not match" : "missing");
	s = scep_attr_get(si, SA_SENDER_NONCE, 1);
	if (s == NULL || ASN1_STRING_length(s) < 1)
		return err_set(e, E_PROTO, "RFC 8894 section 3.2.1.5: "
		    "senderNonce missing");
	return 0;
}

/* pkiStatus, failInfo and failInfoText (RFC 8894 3.2.1.3, 3.2.1.4). */
static int
read_status(PKCS7_SIGNER_INFO *si, struct scep_certrep *r, struct err *e)
{
	const ASN1_STRING *s;
	int st = scep_attr_num(scep_attr_get(si, SA_PKI_STATUS, 0));

	if (st != SCEP_SUCCESS && st != SCEP_FAILURE && st != SCEP_PENDING)
		return err_set(e, E_PROTO, "RFC 8894 section 3.2.1.3: "
		    "pkiStatus missing or unknown (%d)", st);
	r->status = (enum scep_status)st;
	r->fail_info = -1;
	if (st != SCEP_FAILURE)
		return 0;
	r->fail_info = scep_attr_num(scep_attr_get(si, SA_FAIL_INFO, 0));
	if ((s = scep_attr_get(si, SA_FAIL_INFO_TEXT, 0)) != NULL)
		snprintf(r->fail_text, sizeof(r->fail_text), "%.*s",
		    ASN1_STRING_length(s), ASN1_STRING_get0_data(s));
	for (char *c = r->fail_text; *c != '\0'; c++)
		if ((unsigned char)*c < 0x20 || *c == 0x7f)
			*c = '?';	/* it will be printed to a terminal */
	return 0;
}

/* Decrypt the pkcsPKIEnvelope of a SUCCESS (RFC 8894 section 3.3.2). */
static int
open_envelope(const unsigned char *env, size_t len, const struct scep_tx *tx,
    unsigned char **out, size_t *outlen, struct err *e)
{
	PKCS7 *p7;
	int rc;

	if ((p7 = scep_p7_decode(env, len, NULL, "pkcsPKIEnvelope", e)) == NULL)
		return -1;
	rc = scep_envelope_open_signer(p7, tx->signer, tx->signer_cert, out,
	    outlen, e);
	PKCS7_free(p7);
	return rc;
}

/*
 * Parse and check a CertRep for tx; see the file comment for the order.
 * Returns 0 with *r filled (r->inner set on SUCCESS; free with
 * scep_certrep_free) or -1 with e set and *r empty.
 */
int
scep_certrep_parse(const unsigned char *der, size_t len,
    const struct scep_tx *tx, X509 *rep_signer, struct scep_certrep *r,
    struct err *e)
{
	PKCS7 *p7 = NULL;
	PKCS7_SIGNER_INFO *si;
	unsigned char *content = NULL;
	size_t clen = 0;
	int rc = -1;

	memset(r, 0, sizeof(*r));
	r->fail_info = -1;
	if (scep_nid(SA_MESSAGE_TYPE) == NID_undef)
		return err_set(e, E_INVAL, "SCEP: scep_init() was not called");
	if (rep_signer == NULL)
		return err_set(e, E_INVAL, "SCEP: no CA/RA certificate");
	if ((p7 = certrep_decode(der, len, e)) == NULL ||
	    verify_signed(p7, rep_signer, &content, &clen, e) == -1)
		goto out;
	si = sk_PKCS7_SIGNER_INFO_value(PKCS7_get_signer_info(p7), 0);
	if (check_ids(si, tx, e) == -1 || read_status(si, r, e) == -1)
		goto out;
	if (r->status == SCEP_SUCCESS && (clen == 0 || open_envelope(content,
	    clen, tx, &r->inner, &r->inner_len, e) == -1)) {
		if (clen == 0)
			err_set(e, E_PROTO, "RFC 8894 section 3.3.2: SUCCESS "
			    "without pkcsPKIEnvelope");
		goto out;
	}
	log_dbg(DBG_PKI_MSG, 1, "CRYPTO_PKI: SCEP CertRep: transactionID %s, "
	    "pkiStatus %d, failInfo %s", tx->transaction_id, (int)r->status,
	    r->status == SCEP_FAILURE ? scep_fail_info_name(r->fail_info) :
	    "-");
	rc = 0;
 out:
	if (rc == -1)
		scep_certrep_free(r);
	free(content);
	PKCS7_free(p7);
	return rc;
}

void
scep_certrep_free(struct scep_certrep *r)
{
	if (r == NULL)
		return;
	free(r->inner);
	memset(r, 0, sizeof(*r));
	r->fail_info = -1;
}

/*
 * GetNextCACert reply (RFC 8894 section 4.7): a SignedData by the current
 * CA (or an RA it certified) around a degenerate PKCS#7 with the next CA
 * (and RA) certificates. Returns 0 with *certs owned by the caller.
 */
int
scep_next_ca_parse(const unsigned char *der, size_t len, X509 *current_ca,
    STACK_OF(X509) **certs, struct err *e)
{
	STACK_OF(X509) *sk = NULL;
	X509_STORE *st = NULL;
	PKCS7 *p7 = NULL;
	BIO *out = NULL;
	unsigned char *content = NULL;
	size_t clen = 0;
	int rc = -1;

	*certs = NULL;
	if ((p7 = scep_p7_decode(der, len, NULL, "GetNextCACert", e)) == NULL)
		goto out;
	if (!PKCS7_type_is_signed(p7) || PKCS7_get_detached(p7)) {
		err_set(e, E_PROTO, "SCEP GetNextCACert: not a SignedData "
		    "with content (RFC 8894 section 4.7.1)");
		goto out;
	}
	if ((sk = sk_X509_new_null()) == NULL || !sk_X509_push(sk,
	    current_ca) || (st = X509_STORE_new()) == NULL ||
	    !X509_STORE_add_cert(st, current_ca) ||
	    !X509_STORE_set_flags(st, X509_V_FLAG_PARTIAL_CHAIN) ||
	    !X509_STORE_set_purpose(st, X509_PURPOSE_ANY) ||
	    (out = BIO_new(BIO_s_mem())) == NULL) {
		err_ssl(e, "SCEP: out of memory");
		goto out;
	}
	/* the current CA must be valid now by the device's (virtual) clock */
	X509_VERIFY_PARAM_set_time(X509_STORE_get0_param(st), clock_now());
	if (PKCS7_verify(p7, sk, st, NULL, out, PKCS7_BINARY) != 1) {
		err_ssl(e, "SCEP GetNextCACert: signature does not verify "
		    "against the current CA (RFC 8894 section 4.7.1)");
		if (e)
			e->code = E_PROTO;
		goto out;
	}
	if (bio_take(out, &content, &clen, e) == -1 || (*certs =
	    scep_certs_from_der(content, clen, "GetNextCACert", e)) == NULL)
		goto out;
	rc = 0;
 out:
	free(content);
	BIO_free(out);
	X509_STORE_free(st);
	sk_X509_free(sk);
	PKCS7_free(p7);
	return rc;
}
