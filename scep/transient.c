/* SPDX-License-Identifier: ISC */
/*
 * scep/transient.c - the transient self-signed certificate that signs an
 * initial request (RFC 8894 section 2.3), made over a signer: the key
 * stays in pki/, so the TBSCertificate (RFC 5280 section 4.1) is put
 * together here as DER and its signature comes from signer->sign.
 */
#include <limits.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <openssl/asn1t.h>
#include <openssl/err.h>
#include <openssl/objects.h>
#include <openssl/x509.h>
#include "lib/signer.h"
#include "scep/scep_int.h"

/* A growing DER buffer; ok drops to 0 on the first failure. */
struct dbuf {
	unsigned char	*p;
	size_t		 len, cap;
	int		 ok;
};

static void
put(struct dbuf *b, const void *v, size_t n)
{
	unsigned char *q;

	if (!b->ok || n == 0)
		return;
	if (b->len + n > b->cap) {
		if ((q = realloc(b->p, 2 * (b->len + n))) == NULL) {
			b->ok = 0;
			return;
		}
		b->p = q;
		b->cap = 2 * (b->len + n);
	}
	memcpy(b->p + b->len, v, n);
	b->len += n;
}

/* One DER element from an i2d result (n <= 0: failed); frees der. */
static void
put_i2d(struct dbuf *b, unsigned char *der, int n)
{
	if (n <= 0)
		b->ok = 0;
	else
		put(b, der, (size_t)n);
	OPENSSL_free(der);
}

static void
put_name(struct dbuf *b, const X509_NAME *name)
{
	unsigned char *der = NULL;
	int n = i2d_X509_NAME(name, &der);

	put_i2d(b, der, n);
}

/* Tag + length in front of body (tag 0x30 SEQUENCE, 0x03 BIT STRING). */
static void
wrap(struct dbuf *out, int tag, const struct dbuf *body)
{
	unsigned char hdr[8], *h = hdr;

	if (!body->ok || body->len > INT_MAX / 2) {
		out->ok = 0;
		return;
	}
	ASN1_put_object(&h, tag == 0x30, (int)body->len, tag & 0x1f,
	    V_ASN1_UNIVERSAL);
	put(out, hdr, (size_t)(h - hdr));
	put(out, body->p, body->len);
}

/* AlgorithmIdentifier of SHA-256 with the key's algorithm (RSA or EC),
 * read from the signer's SubjectPublicKeyInfo without decoding the key. */
static int
sig_alg(const struct signer *sg, unsigned char **der)
{
	X509_ALGOR *a;
	int nid, n = -1, kn = scep_spki_nid(sg->pub_der, sg->pub_len);
	int rsa = kn == NID_rsaEncryption;

	if ((!rsa && kn != NID_X9_62_id_ecPublicKey) ||
	    !OBJ_find_sigid_by_algs(&nid, NID_sha256, kn) ||
	    (a = X509_ALGOR_new()) == NULL)
		return -1;
	if (X509_ALGOR_set0(a, OBJ_nid2obj(nid), rsa ? V_ASN1_NULL :
	    V_ASN1_UNDEF, NULL))
		n = i2d_X509_ALGOR(a, der);
	X509_ALGOR_free(a);
	return n;
}

/* notBefore an hour ago, notAfter in a day, on the real clock: the CA
 * checks them against its own time, whatever the virtual clock says. */
static void
validity(struct dbuf *tbs)
{
	struct dbuf v = { .ok = 1 };
	ASN1_TIME *t;
	unsigned char *der = NULL;
	time_t now = time(NULL);

	int n;

	for (int i = 0; i < 2; i++) {
		der = NULL;
		t = ASN1_TIME_adj(NULL, now, i, i ? 0 : -3600);
		n = t ? i2d_ASN1_TIME(t, &der) : -1;
		put_i2d(&v, der, n);
		ASN1_TIME_free(t);
	}
	wrap(tbs, 0x30, &v);
	free(v.p);
}

/* TBSCertificate: v3, random 63-bit serial, issuer = subject = name. */
static void
tbs_build(struct dbuf *out, const X509_NAME *name, const struct signer *sg,
    const unsigned char *alg, int alglen)
{
	static const unsigned char v3[] = { 0xa0, 3, 2, 1, 2 };
	struct dbuf t = { .ok = 1 };
	ASN1_INTEGER *ser = NULL;
	BIGNUM *bn = BN_new();
	unsigned char *der = NULL;
	int n = -1;

	put(&t, v3, sizeof(v3));
	if (bn != NULL && BN_rand(bn, 63, BN_RAND_TOP_ONE, BN_RAND_BOTTOM_ANY) &&
	    (ser = BN_to_ASN1_INTEGER(bn, NULL)) != NULL)
		n = i2d_ASN1_INTEGER(ser, &der);
	put_i2d(&t, der, n);
	put(&t, alg, (size_t)alglen);
	put_name(&t, name);
	validity(&t);
	put_name(&t, name);
	put(&t, sg->pub_der, sg->pub_len);
	wrap(out, 0x30, &t);
	ASN1_INTEGER_free(ser);
	BN_free(bn);
	free(t.p);
}

/* Certificate ::= SEQUENCE { tbs, signatureAlgorithm, signatureValue }. */
static X509 *
cert_sign(const struct dbuf *tbs, const struct signer *sg,
    const unsigned char *alg, int alglen, OSSL_LIB_CTX *ctx, struct err *e)
{
	struct dbuf c = { .ok = 1 }, bits = { .ok = 1 }, out = { .ok = 1 };
	unsigned char *sig = NULL, zero = 0;
	const unsigned char *p;
	size_t siglen = 0;
	X509 *x = NULL;

	if (sg->sign(sg->arg, "SHA256", tbs->p, tbs->len, &sig, &siglen,
	    e) == -1)
		return err_ctx(e, "SCEP: signing the transient certificate"),
		    NULL;
	put(&bits, &zero, 1);		/* no unused bits */
	put(&bits, sig, siglen);
	put(&c, tbs->p, tbs->len);
	put(&c, alg, (size_t)alglen);
	wrap(&c, 0x03, &bits);
	wrap(&out, 0x30, &c);
	p = out.p;
	if (out.ok && out.len <= LONG_MAX)
		x = (X509 *)ASN1_item_d2i_ex(NULL, &p, (long)out.len,
		    ASN1_ITEM_rptr(X509), ctx, NULL);
	free(sig);
	free(bits.p);
	free(c.p);
	free(out.p);
	return x;
}

/*
 * A one-day self-signed certificate over sg's key, subject and issuer =
 * the request subject (CN=pkish-scep when empty), parsed in ctx (NULL:
 * the default context). Returns an owned X509.
 */
X509 *
scep_transient_make(const struct signer *sg, const X509_NAME *subject,
    OSSL_LIB_CTX *ctx, struct err *e)
{
	struct dbuf tbs = { .ok = 1 };
	X509_NAME *n = NULL;
	unsigned char *alg = NULL;
	int alglen;
	X509 *x = NULL;

	if (subject == NULL || X509_NAME_entry_count(subject) == 0) {
		if ((n = X509_NAME_new()) == NULL || !X509_NAME_add_entry_by_txt(
		    n, "CN", MBSTRING_ASC, (const unsigned char *)"pkish-scep",
		    -1, -1, 0))
			goto out;
		subject = n;
	}
	if ((alglen = sig_alg(sg, &alg)) <= 0)
		goto out;
	tbs_build(&tbs, subject, sg, alg, alglen);
	if (tbs.ok && (x = cert_sign(&tbs, sg, alg, alglen, ctx, e)) == NULL)
		goto done;
 out:
	if (x == NULL)
		err_ssl(e, "SCEP: cannot create the transient signer "
		    "certificate");
 done:
	free(tbs.p);
	OPENSSL_free(alg);
	X509_NAME_free(n);
	return x;
}

X509 *
scep_transient_cert(const struct signer *sg, const X509_NAME *subject,
    struct err *e)
{
	return scep_transient_make(sg, subject, NULL, e);
}

/*
 * Transient certificates made before, one per key and subject, for the
 * requests of a client (parsed in scep_nokey_ctx()). RFC 8894 section
 * 2.3 asks for a self-signed certificate over the key being certified,
 * not a new one per message, so a CertPoll or another request over the
 * same key reuses the one made first while it has most of its day left:
 * no signature. Public data only; the oldest entry makes room.
 */
#define TC_MAX		16
#define TC_REUSE	(12 * 3600)	/* seconds a certificate is reused */

struct tc_ent {
	unsigned char	*id;		/* SubjectPublicKeyInfo || subject */
	size_t		 idlen;
	X509		*x;
	time_t		 made;		/* real clock, as its validity */
};
static pthread_mutex_t	tc_mu = PTHREAD_MUTEX_INITIALIZER;
static struct tc_ent	tc[TC_MAX];	/* guarded by tc_mu */
static unsigned		tc_next;	/* the slot to reuse next */

/* The cache key of sg's key and subject (malloc'd), or NULL. */
static unsigned char *
tc_id(const struct signer *sg, const X509_NAME *subject, size_t *len)
{
	unsigned char *name = NULL, *id = NULL;
	int n = i2d_X509_NAME(subject, &name);

	if (n > 0 && (id = malloc(sg->pub_len + (size_t)n)) != NULL) {
		memcpy(id, sg->pub_der, sg->pub_len);
		memcpy(id + sg->pub_len, name, (size_t)n);
		*len = sg->pub_len + (size_t)n;
	}
	OPENSSL_free(name);
	return id;
}

/* The cached certificate for id (up-ref'd) when still fresh, or NULL. */
static X509 *
tc_find(const unsigned char *id, size_t len, time_t now)
{
	X509 *x = NULL;

	pthread_mutex_lock(&tc_mu);
	for (int i = 0; i < TC_MAX && x == NULL; i++)
		if (tc[i].x != NULL && tc[i].idlen == len &&
		    memcmp(tc[i].id, id, len) == 0 && now >= tc[i].made &&
		    now - tc[i].made < TC_REUSE && X509_up_ref(tc[i].x))
			x = tc[i].x;
	pthread_mutex_unlock(&tc_mu);
	return x;
}

/* Keep x (a reference taken) under id (taken). */
static void
tc_put(unsigned char *id, size_t len, X509 *x, time_t now)
{
	struct tc_ent *t;

	if (!X509_up_ref(x)) {
		free(id);
		return;
	}
	pthread_mutex_lock(&tc_mu);
	for (t = tc; t < tc + TC_MAX; t++)	/* a stale one for the id */
		if (t->x != NULL && t->idlen == len &&
		    memcmp(t->id, id, len) == 0)
			break;
	if (t == tc + TC_MAX)
		t = &tc[tc_next++ % TC_MAX];
	free(t->id);
	X509_free(t->x);
	*t = (struct tc_ent){ id, len, x, now };
	pthread_mutex_unlock(&tc_mu);
}

/*
 * The transient certificate that signs a client's request for sg's key
 * and subject: the one made before when fresh, else a new one (kept).
 */
X509 *
scep_transient_get(const struct signer *sg, const X509_NAME *subject,
    struct err *e)
{
	time_t now = time(NULL);
	unsigned char *id;
	size_t len = 0;
	X509 *x;

	if ((id = tc_id(sg, subject, &len)) != NULL &&
	    (x = tc_find(id, len, now)) != NULL) {
		free(id);
		return x;
	}
	if ((x = scep_transient_make(sg, subject, scep_nokey_ctx(), e)) !=
	    NULL && id != NULL)
		tc_put(id, len, x, now);
	else
		free(id);
	return x;
}

/* At shutdown: the cached certificates go. */
void
scep_transient_flush(void)
{
	pthread_mutex_lock(&tc_mu);
	for (int i = 0; i < TC_MAX; i++) {
		free(tc[i].id);
		X509_free(tc[i].x);
		tc[i] = (struct tc_ent){ 0 };
	}
	pthread_mutex_unlock(&tc_mu);
}
