/* tests/unit/test_scep_util.h - shared by the test_scep_*.c programs:
 * checks through tests/unit/testlib.h, signers, throwaway keys and certificates, and a fake SCEP CA
 * built on OpenSSL's CMS API (a code path independent of scep/, which
 * uses the PKCS7 API) that decodes requests and crafts CertReps, honest
 * or hostile. Static functions only; each test includes it once. */
#ifndef TEST_SCEP_UTIL_H
#define TEST_SCEP_UTIL_H
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <openssl/cms.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pkcs7.h>
#include <openssl/provider.h>
#include <openssl/rand.h>
#include <openssl/x509v3.h>
#include "lib/err.h"
#include "pki/signer.h"
#include "scep/scep.h"
#include "tests/unit/testlib.h"

/* Signers over keystore keys, as pki/ hands them to scep/: one per
 * label, kept until t_sig_close_all. NULL when there is no such key. */
static struct {
	char		 label[32];
	struct signer	 s;
} t_sigs[32];

static __attribute__((unused)) const struct signer *
t_sig(const char *label)
{
	struct err e = { 0 };
	size_t i;

	for (i = 0; i < 32 && t_sigs[i].label[0]; i++)
		if (strcmp(t_sigs[i].label, label) == 0)
			return &t_sigs[i].s;
	if (i == 32 || pki_signer_open(label, &t_sigs[i].s, &e) == -1)
		return NULL;
	snprintf(t_sigs[i].label, sizeof(t_sigs[i].label), "%s", label);
	return &t_sigs[i].s;
}

static __attribute__((unused)) void
t_sig_close_all(void)
{
	for (size_t i = 0; i < 32; i++) {
		pki_signer_close(&t_sigs[i].s);
		t_sigs[i].label[0] = '\0';
	}
}

static __attribute__((unused)) EVP_PKEY *
t_rsa(void)
{
	EVP_PKEY *k = EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)2048);

	if (k == NULL) {
		ERR_print_errors_fp(stdout);
		exit(2);
	}
	return k;
}

static __attribute__((unused)) X509_NAME *
t_name(const char *cn)
{
	X509_NAME *n = X509_NAME_new();

	X509_NAME_add_entry_by_txt(n, "O", MBSTRING_ASC,
	    (const unsigned char *)"pkish test", -1, -1, 0);
	X509_NAME_add_entry_by_txt(n, "CN", MBSTRING_ASC,
	    (const unsigned char *)cn, -1, -1, 0);
	return n;
}

static __attribute__((unused)) void
t_ext(X509 *x, X509 *issuer, int nid, const char *val)
{
	X509V3_CTX ctx;
	X509_EXTENSION *ex;

	X509V3_set_ctx(&ctx, issuer ? issuer : x, x, NULL, NULL, 0);
	ex = X509V3_EXT_conf_nid(NULL, &ctx, nid, val);
	if (ex == NULL) {
		ERR_print_errors_fp(stdout);
		exit(2);
	}
	X509_add_ext(x, ex, -1);
	X509_EXTENSION_free(ex);
}

/* Certificate for key named cn, signed by ik (self-signed when issuer is
 * NULL). ca: basicConstraints CA; ku: keyUsage text or NULL. */
static __attribute__((unused)) X509 *
t_cert(EVP_PKEY *key, const char *cn, X509 *issuer, EVP_PKEY *ik, int ca,
    const char *ku, long serial)
{
	X509 *x = X509_new();
	X509_NAME *n = t_name(cn);

	X509_set_version(x, X509_VERSION_3);
	ASN1_INTEGER_set(X509_get_serialNumber(x), serial);
	X509_set_subject_name(x, n);
	X509_set_issuer_name(x, issuer ? X509_get_subject_name(issuer) : n);
	X509_NAME_free(n);
	X509_gmtime_adj(X509_getm_notBefore(x), -60);
	X509_gmtime_adj(X509_getm_notAfter(x), 86400);
	X509_set_pubkey(x, key);
	if (ca)
		t_ext(x, issuer, NID_basic_constraints, "critical,CA:TRUE");
	if (ku)
		t_ext(x, issuer, NID_key_usage, ku);
	if (X509_sign(x, ik ? ik : key, EVP_sha256()) <= 0) {
		ERR_print_errors_fp(stdout);
		exit(2);
	}
	return x;
}

static __attribute__((unused)) unsigned char *
t_der_cert(X509 *x, size_t *len)
{
	unsigned char *p = NULL;
	int n = i2d_X509(x, &p);

	*len = n > 0 ? (size_t)n : 0;
	return p;
}

/* Degenerate PKCS#7 with the given certs (DER, OPENSSL_free). */
static __attribute__((unused)) unsigned char *
t_degenerate(X509 **certs, int n, size_t *len)
{
	PKCS7 *p7 = PKCS7_new();
	unsigned char *der = NULL;
	int l;

	PKCS7_set_type(p7, NID_pkcs7_signed);
	PKCS7_content_new(p7, NID_pkcs7_data);
	for (int i = 0; i < n; i++)
		PKCS7_add_certificate(p7, certs[i]);
	l = i2d_PKCS7(p7, &der);
	PKCS7_free(p7);
	*len = l > 0 ? (size_t)l : 0;
	return der;
}

/* A decoded request, as the fake CA sees it. */
struct t_req {
	int		 ok;		/* signature and envelope fine */
	int		 type;		/* messageType */
	char		 tid[SCEP_TID_MAX + 1];
	unsigned char	 nonce[64];
	int		 nonce_len;
	int		 md_nid;	/* digest of the signer info */
	int		 cipher_nid;	/* content encryption */
	X509		*signer;	/* owned */
	unsigned char	*content;	/* decrypted, malloc'd */
	size_t		 content_len;
};

static __attribute__((unused)) void
t_req_free(struct t_req *r)
{
	X509_free(r->signer);
	free(r->content);
	memset(r, 0, sizeof(*r));
}

static __attribute__((unused)) const ASN1_STRING *
t_attr(CMS_SignerInfo *si, const char *oid)
{
	ASN1_OBJECT *o = OBJ_txt2obj(oid, 1);
	int i = CMS_signed_get_attr_by_OBJ(si, o, -1);
	X509_ATTRIBUTE *a;
	ASN1_TYPE *t;

	ASN1_OBJECT_free(o);
	if (i < 0 || (a = CMS_signed_get_attr(si, i)) == NULL ||
	    (t = X509_ATTRIBUTE_get0_type(a, 0)) == NULL)
		return NULL;
	if (t->type != V_ASN1_PRINTABLESTRING && t->type != V_ASN1_OCTET_STRING)
		return NULL;
	return t->value.asn1_string;
}

/* The CA side: verify (any embedded signer) and decrypt with ca/cakey. */
static __attribute__((unused)) int
t_ca_decode(const unsigned char *der, size_t len, X509 *ca, EVP_PKEY *cakey,
    struct t_req *r)
{
	const unsigned char *p = der;
	CMS_ContentInfo *cms = NULL, *env = NULL;
	BIO *out = BIO_new(BIO_s_mem()), *dec = BIO_new(BIO_s_mem());
	STACK_OF(CMS_SignerInfo) *sis;
	CMS_SignerInfo *si;
	STACK_OF(X509) *signers;
	const ASN1_STRING *s;
	X509_ALGOR *dig, *sig;
	char *data;
	long n;

	memset(r, 0, sizeof(*r));
	if ((cms = d2i_CMS_ContentInfo(NULL, &p, (long)len)) == NULL ||
	    CMS_verify(cms, NULL, NULL, NULL, out, CMS_NO_SIGNER_CERT_VERIFY |
	    CMS_BINARY) != 1)
		goto out;
	sis = CMS_get0_SignerInfos(cms);
	si = sk_CMS_SignerInfo_value(sis, 0);
	signers = CMS_get0_signers(cms);
	r->signer = sk_X509_value(signers, 0);
	X509_up_ref(r->signer);
	sk_X509_free(signers);
	CMS_SignerInfo_get0_algs(si, NULL, NULL, &dig, &sig);
	r->md_nid = OBJ_obj2nid(dig->algorithm);
	if ((s = t_attr(si, "2.16.840.1.113733.1.9.2")) != NULL)
		r->type = atoi((const char *)ASN1_STRING_get0_data(s));
	if ((s = t_attr(si, "2.16.840.1.113733.1.9.7")) != NULL)
		snprintf(r->tid, sizeof(r->tid), "%.*s", ASN1_STRING_length(s),
		    ASN1_STRING_get0_data(s));
	if ((s = t_attr(si, "2.16.840.1.113733.1.9.5")) != NULL &&
	    ASN1_STRING_length(s) <= (int)sizeof(r->nonce)) {
		r->nonce_len = ASN1_STRING_length(s);
		memcpy(r->nonce, ASN1_STRING_get0_data(s), (size_t)r->nonce_len);
	}
	n = BIO_get_mem_data(out, &data);
	p = (const unsigned char *)data;
	if ((env = d2i_CMS_ContentInfo(NULL, &p, n)) == NULL ||
	    CMS_decrypt(env, cakey, ca, NULL, dec, CMS_BINARY) != 1)
		goto out;
	{	/* content-encryption algorithm, read with the PKCS7 API */
		const unsigned char *pp = (const unsigned char *)data;
		PKCS7 *e7 = d2i_PKCS7(NULL, &pp, n);

		if (e7 != NULL && PKCS7_type_is_enveloped(e7))
			r->cipher_nid = OBJ_obj2nid(
			    e7->d.enveloped->enc_data->algorithm->algorithm);
		PKCS7_free(e7);
	}
	n = BIO_get_mem_data(dec, &data);
	r->content = malloc((size_t)n + 1);
	memcpy(r->content, data, (size_t)n);
	r->content_len = (size_t)n;
	r->ok = 1;
 out:
	ERR_clear_error();
	CMS_ContentInfo_free(cms);
	CMS_ContentInfo_free(env);
	BIO_free(out);
	BIO_free(dec);
	return r->ok ? 0 : -1;
}

/* How the fake CA answers. */
struct t_rep {
	int		 status;	/* 0, 2, 3 */
	int		 fail_info;	/* FAILURE: -1 = omit */
	const char	*fail_text;	/* or NULL */
	int		 msg_type;	/* 0 = 3 (CertRep) */
	const char	*tid;		/* NULL = the request's */
	const unsigned char *rnonce;	/* NULL = the request's */
	int		 rnonce_len;
	int		 no_rnonce;	/* omit recipientNonce */
	X509		*signer;	/* CertRep signer */
	EVP_PKEY	*signer_key;
	X509		*enc_to;	/* NULL = the request signer */
	X509		*issued;	/* SUCCESS: certificate to return */
	X509		*chain;		/* SUCCESS: extra cert or NULL */
	const char	*cipher;	/* "AES-256-CBC" (default), "DES-CBC" */
	const EVP_MD	*md;		/* NULL = SHA-256 */
	int		 tamper;	/* flip the last signature byte */
};

static OSSL_LIB_CTX *t_legacy;

static __attribute__((unused)) void
t_add_attr(CMS_SignerInfo *si, const char *oid, int type, const void *v,
    int len)
{
	ASN1_OBJECT *o = OBJ_txt2obj(oid, 1);

	if (len < 0)		/* -1 would mean "v is an ASN1_STRING *" */
		len = (int)strlen(v);
	if (!CMS_signed_add1_attr_by_OBJ(si, o, type, v, len)) {
		ERR_print_errors_fp(stdout);
		exit(2);
	}
	ASN1_OBJECT_free(o);
}

/* Craft a CertRep answering q per spec; DER malloc'd into *der. */
static __attribute__((unused)) int
t_certrep(const struct t_req *q, const struct t_rep *s, unsigned char **der,
    size_t *len)
{
	CMS_ContentInfo *cms, *env = NULL;
	CMS_SignerInfo *si;
	STACK_OF(X509) *to = sk_X509_new_null();
	BIO *data = NULL;
	unsigned char *envder = NULL, *deg = NULL, *out = NULL;
	size_t deglen = 0;
	int envlen = 0, n;
	char buf[16];
	X509 *certs[2];
	EVP_CIPHER *c;

	if (s->status == 0) {
		certs[0] = s->issued;
		certs[1] = s->chain;
		deg = t_degenerate(certs, s->chain ? 2 : 1, &deglen);
		if (t_legacy == NULL) {
			t_legacy = OSSL_LIB_CTX_new();
			OSSL_PROVIDER_load(t_legacy, "default");
			OSSL_PROVIDER_load(t_legacy, "legacy");
		}
		c = EVP_CIPHER_fetch(t_legacy, s->cipher ? s->cipher :
		    "AES-256-CBC", NULL);
		sk_X509_push(to, s->enc_to ? s->enc_to : q->signer);
		data = BIO_new_mem_buf(deg, (int)deglen);
		env = CMS_encrypt_ex(to, data, c, CMS_BINARY, t_legacy, NULL);
		EVP_CIPHER_free(c);
		BIO_free(data);
		envlen = i2d_CMS_ContentInfo(env, &envder);
	}
	cms = CMS_sign(NULL, NULL, NULL, NULL, CMS_PARTIAL | CMS_BINARY |
	    (s->status == 0 ? 0 : CMS_DETACHED));
	si = CMS_add1_signer(cms, s->signer, s->signer_key, s->md ? s->md :
	    EVP_sha256(), CMS_BINARY | CMS_NOSMIMECAP);
	if (si == NULL) {
		ERR_print_errors_fp(stdout);
		exit(2);
	}
	snprintf(buf, sizeof(buf), "%d", s->msg_type ? s->msg_type : 3);
	t_add_attr(si, "2.16.840.1.113733.1.9.2", V_ASN1_PRINTABLESTRING, buf,
	    -1);
	snprintf(buf, sizeof(buf), "%d", s->status);
	t_add_attr(si, "2.16.840.1.113733.1.9.3", V_ASN1_PRINTABLESTRING, buf,
	    -1);
	if (s->status == 2 && s->fail_info >= 0) {
		snprintf(buf, sizeof(buf), "%d", s->fail_info);
		t_add_attr(si, "2.16.840.1.113733.1.9.4",
		    V_ASN1_PRINTABLESTRING, buf, -1);
	}
	if (s->status == 2 && s->fail_text)
		t_add_attr(si, "1.3.6.1.5.5.7.24.1", V_ASN1_UTF8STRING,
		    s->fail_text, -1);
	t_add_attr(si, "2.16.840.1.113733.1.9.7", V_ASN1_PRINTABLESTRING,
	    s->tid ? s->tid : q->tid, -1);
	RAND_bytes((unsigned char *)buf, 16);
	t_add_attr(si, "2.16.840.1.113733.1.9.5", V_ASN1_OCTET_STRING, buf,
	    16);
	if (!s->no_rnonce)
		t_add_attr(si, "2.16.840.1.113733.1.9.6", V_ASN1_OCTET_STRING,
		    s->rnonce ? s->rnonce : q->nonce, s->rnonce ?
		    s->rnonce_len : q->nonce_len);
	data = BIO_new_mem_buf(envder ? (void *)envder : (void *)"",
	    envlen);
	if (!CMS_final(cms, data, NULL, CMS_BINARY)) {
		ERR_print_errors_fp(stdout);
		exit(2);
	}
	if (s->tamper) {
		ASN1_OCTET_STRING *sig = CMS_SignerInfo_get0_signature(si);
		unsigned char *sp = (unsigned char *)ASN1_STRING_get0_data(sig);

		sp[ASN1_STRING_length(sig) - 1] ^= 0x01;
	}
	n = i2d_CMS_ContentInfo(cms, &out);
	*der = malloc((size_t)n);
	memcpy(*der, out, (size_t)n);
	*len = (size_t)n;
	OPENSSL_free(out);
	OPENSSL_free(envder);
	OPENSSL_free(deg);
	BIO_free(data);
	CMS_ContentInfo_free(cms);
	CMS_ContentInfo_free(env);
	sk_X509_free(to);
	return 0;
}

#endif
