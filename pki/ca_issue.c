/* pkish - ISC license, see LICENSE */
/*
 * pki/ca_issue.c - certificates signed by the certificate server: its
 * own self-signed CA certificate, and certificates for requests (subject
 * and key from the PKCS#10, subjectAltName copied from its extension
 * request, the server's lifetime, EKU, CDP and hash; never outliving the
 * CA certificate). The serial is taken from the database and the
 * certificate recorded there, durably, before it is returned.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <openssl/err.h>
#include <openssl/x509v3.h>
#include "lib/clock.h"
#include "lib/fileio.h"
#include "pki/ca_int.h"
#include "pki/csr.h"

const EVP_MD *
ca_md(const struct ca_cfg *c)
{
	const char *h = *c->hash ? c->hash : "sha256";

	if (strcmp(h, "md5") == 0)
		return EVP_md5();
	if (strcmp(h, "sha1") == 0)
		return EVP_sha1();
	if (strcmp(h, "sha384") == 0)
		return EVP_sha384();
	if (strcmp(h, "sha512") == 0)
		return EVP_sha512();
	return EVP_sha256();
}

static int
ext(X509 *x, X509V3_CTX *ctx, int nid, const char *v, struct err *e)
{
	X509_EXTENSION *ex = X509V3_EXT_conf_nid(NULL, ctx, nid, v);
	int ok;

	if (ex == NULL)
		return err_ssl(e, "extension %s", OBJ_nid2sn(nid));
	ok = X509_add_ext(x, ex, -1);
	X509_EXTENSION_free(ex);
	return ok ? 0 : err_ssl(e, "X509_add_ext");
}

static int
set_serial(X509 *x, uint64_t s)
{
	ASN1_INTEGER *a = ASN1_INTEGER_new();
	int ok = a != NULL && ASN1_INTEGER_set_uint64(a, s) &&
	    X509_set_serialNumber(x, a);

	ASN1_INTEGER_free(a);
	return ok;
}

int
ca_make_cacert(const struct ca_cfg *c, EVP_PKEY *key, X509 **out,
    struct err *e)
{
	return ca_make_cacert_at(c, key, 1, clock_now(), out, e);
}

int
ca_make_cacert_at(const struct ca_cfg *c, EVP_PKEY *key, uint64_t serial,
    time_t now, X509 **out, struct err *e)
{
	char dn[600];
	X509_NAME *name;
	X509V3_CTX ctx;
	X509 *x;
	long life = c->life_ca ? c->life_ca : CA_LIFE_CA;

	snprintf(dn, sizeof(dn), "%s", *c->issuer ? c->issuer : "");
	if (*dn == '\0')
		snprintf(dn, sizeof(dn), "CN=%s", c->name);
	if ((name = csr_parse_dn(dn, e)) == NULL)
		return -1;
	if ((x = X509_new()) == NULL || !X509_set_version(x, 2) ||
	    !set_serial(x, serial) || !X509_set_subject_name(x, name) ||
	    !X509_set_issuer_name(x, name) ||
	    !X509_time_adj_ex(X509_getm_notBefore(x), 0, 0, &now) ||
	    !X509_time_adj_ex(X509_getm_notAfter(x), 0, life * 60, &now) ||
	    !X509_set_pubkey(x, key)) {
		X509_NAME_free(name);
		X509_free(x);
		return err_ssl(e, "CA certificate");
	}
	X509_NAME_free(name);
	X509V3_set_ctx(&ctx, x, x, NULL, NULL, 0);
	if (ext(x, &ctx, NID_basic_constraints, "critical,CA:TRUE", e) ||
	    ext(x, &ctx, NID_key_usage, "critical,digitalSignature,"
	    "keyCertSign,cRLSign", e) ||
	    ext(x, &ctx, NID_subject_key_identifier, "hash", e) ||
	    ext(x, &ctx, NID_authority_key_identifier, "keyid:always", e) ||
	    !X509_sign(x, key, ca_md(c))) {
		X509_free(x);
		return err_ssl(e, "CA certificate");
	}
	*out = x;
	return 0;
}

/* subjectAltName from the request's extensions, if any. */
static int
copy_san(X509 *x, X509_REQ *req)
{
	STACK_OF(X509_EXTENSION) *exts = X509_REQ_get_extensions(req);
	int i, ok = 1;

	i = X509v3_get_ext_by_NID(exts, NID_subject_alt_name, -1);
	if (i >= 0)
		ok = X509_add_ext(x, X509v3_get_ext(exts, i), -1);
	sk_X509_EXTENSION_pop_free(exts, X509_EXTENSION_free);
	return ok;
}

/* `eku client-auth server-auth ...` as OpenSSL names, comma separated. */
static int
eku_list(const char *eku, char *buf, size_t len)
{
	static const char *const map[][2] = {
		{ "client-auth", "clientAuth" }, { "server-auth", "serverAuth" },
		{ "code-signing", "codeSigning" },
		{ "email-protection", "emailProtection" },
		{ "ipsec-end-system", "ipsecEndSystem" },
		{ "ipsec-tunnel", "ipsecTunnel" }, { "ipsec-user", "ipsecUser" },
		{ "time-stamping", "timeStamping" },
		{ "ocsp-signing", "OCSPSigning" },
	};
	const char *p = eku, *name;
	size_t n, used = 0;

	*buf = '\0';
	while (*(p += strspn(p, " ,")) != '\0') {
		n = strcspn(p, " ,");
		name = NULL;
		for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
			if (strlen(map[i][0]) == n && strncmp(p, map[i][0], n) == 0)
				name = map[i][1];
		used += (size_t)snprintf(buf + used, len - used, "%s%.*s",
		    used ? "," : "", name ? (int)strlen(name) : (int)n,
		    name ? name : p);
		if (used >= len)
			return -1;
		p += n;
	}
	return 0;
}

static int
leaf_exts(X509 *x, X509 *ca, X509_REQ *req, const struct ca_cfg *c,
    struct err *e)
{
	X509V3_CTX ctx;
	char buf[600];
	EVP_PKEY *pk = X509_REQ_get0_pubkey(req);	/* x's, decoded */

	if (ca_req_wants_ca(req))	/* a subordinate CA (pki/ca_sub.c) */
		return ca_sub_exts(x, ca, req, c, e);
	X509V3_set_ctx(&ctx, ca, x, NULL, NULL, 0);
	if (ext(x, &ctx, NID_key_usage, pk && EVP_PKEY_is_a(pk, "RSA") ?
	    "critical,digitalSignature,keyEncipherment" :
	    "critical,digitalSignature", e) ||
	    ext(x, &ctx, NID_subject_key_identifier, "hash", e) ||
	    ext(x, &ctx, NID_authority_key_identifier, "keyid:always", e))
		return -1;
	if (*c->eku && (eku_list(c->eku, buf, sizeof(buf)) == -1 ||
	    ext(x, &ctx, NID_ext_key_usage, buf, e)))
		return err_set(e, E_INVAL, "eku %s", c->eku);
	if (*c->cdp_url) {
		snprintf(buf, sizeof(buf), "URI:%s", c->cdp_url);
		if (ext(x, &ctx, NID_crl_distribution_points, buf, e))
			return -1;
	}
	return copy_san(x, req) ? 0 : err_ssl(e, "subjectAltName");
}

/* Write <dir>/<serial>.cer for `database level complete`. */
static void
write_cer(const struct ca_ref *r, uint64_t serial, const unsigned char *der,
    size_t len)
{
	char dir[1024], path[1100];
	struct err e2 = { 0 };

	if (r->cfg.level != CA_LEVEL_COMPLETE)
		return;
	ca_db_dir(&r->cfg, dir, sizeof(dir));
	snprintf(path, sizeof(path), "%s/%llX.cer", dir,
	    (unsigned long long)serial);
	(void)file_write_atomic(path, der, len, 0644, &e2);
}

/* x's SubjectPublicKeyInfo a copy of req's, without the encode and
 * decode round trip of X509_set_pubkey (a tenth of an enrollment). */
static int
copy_pubkey(X509 *x, X509_REQ *req, EVP_PKEY *pk)
{
	X509_PUBKEY *to = X509_get_X509_PUBKEY(x);
	ASN1_OBJECT *alg;
	const ASN1_OBJECT *po;
	const unsigned char *bits;
	const void *pv;
	void *val = NULL;
	unsigned char *b;
	X509_ALGOR *pa;
	int n, t;

	if (to == NULL || !X509_PUBKEY_get0_param(NULL, &bits, &n, &pa,
	    X509_REQ_get_X509_PUBKEY(req)) || n <= 0)
		return X509_set_pubkey(x, pk);
	X509_ALGOR_get0(&po, &t, &pv, pa);
	if (t == V_ASN1_OBJECT)
		val = OBJ_dup(pv);
	else if (t == V_ASN1_SEQUENCE)
		val = ASN1_STRING_dup(pv);
	else if (t != V_ASN1_NULL && t != V_ASN1_UNDEF)
		return X509_set_pubkey(x, pk);
	alg = OBJ_dup(po);
	b = OPENSSL_memdup(bits, (size_t)n);
	if ((val == NULL && pv != NULL && t != V_ASN1_NULL) || alg == NULL ||
	    b == NULL) {
		ASN1_OBJECT_free(alg);
		OPENSSL_free(b);
		if (t == V_ASN1_OBJECT)
			ASN1_OBJECT_free(val);
		else
			ASN1_STRING_free(val);
		return 0;
	}
	/* on failure set0 may hold some already: nothing freed here */
	return X509_PUBKEY_set0_param(to, alg, t, val, b, n);
}

/* Build and sign; the caller records it. verified: the caller checked
 * req's signature already. */
static X509 *
build(struct ca_ref *r, X509_REQ *req, int verified, uint64_t serial,
    struct err *e)
{
	time_t now = clock_now(), end;
	long life = r->cfg.life_cert ? r->cfg.life_cert : CA_LIFE_CERT;
	EVP_PKEY *pk = X509_REQ_get0_pubkey(req);
	X509 *x;

	/* never before the issuing CA starts: a shadow certificate from the
	 * rollover CA starts at the switch (pki/ca_rollover.c) */
	if (X509_cmp_time(X509_get0_notBefore(r->cacert), &now) > 0)
		now = ca_time(X509_get0_notBefore(r->cacert));
	end = now + life * 60;
	if (X509_cmp_time(X509_get0_notAfter(r->cacert), &end) < 0)
		end = 0;	/* capped at the CA's notAfter below */
	if (pk == NULL || (!verified && X509_REQ_verify(req, pk) != 1)) {
		ERR_clear_error();
		return err_set(e, E_INVAL, "The request signature does not "
		    "verify"), NULL;
	}
	if ((x = X509_new()) == NULL || !X509_set_version(x, 2) ||
	    !set_serial(x, serial) ||
	    !X509_set_subject_name(x, X509_REQ_get_subject_name(req)) ||
	    !X509_set_issuer_name(x, X509_get_subject_name(r->cacert)) ||
	    !X509_time_adj_ex(X509_getm_notBefore(x), 0, 0, &now) ||
	    !(end ? X509_time_adj_ex(X509_getm_notAfter(x), 0, life * 60,
	    &now) != NULL : X509_set1_notAfter(x,
	    X509_get0_notAfter(r->cacert))) || !copy_pubkey(x, req, pk) ||
	    leaf_exts(x, r->cacert, req, &r->cfg, e) == -1 ||
	    !X509_sign(x, r->key, ca_md(&r->cfg))) {
		if (e && e->code == E_OK)
			err_ssl(e, "cannot sign the certificate");
		X509_free(x);
		return NULL;
	}
	return x;
}

int
ca_issue(struct ca_ref *r, X509_REQ *req, X509 **out, struct err *e)
{
	return ca_issue_tid(r, req, NULL, out, e);
}

/* Issue and record; end NULL: durable on return, else the record's
 * sync is started and *end is for ca_db_sync (0: nothing to wait for). */
static int
issue_rec(struct ca_ref *r, X509_REQ *req, int verified, const char *tid,
    off_t *end, X509 **out, struct err *e)
{
	uint64_t serial;
	unsigned char *der = NULL;
	time_t nb, na;
	struct tm tm;
	int len, rc;
	X509 *x;

	if (r->cfg.mode == CA_MODE_RA)	/* the issuing CA's (pki/ca_ra.c) */
		return ca_ra_forward(r, req, tid, out, e);
	serial = ca_db_serial_take(r->db);
	if ((x = build(r, req, verified, serial, e)) == NULL)
		return -1;
	if ((len = i2d_X509(x, &der)) <= 0) {
		X509_free(x);
		return err_ssl(e, "certificate encoding");
	}
	nb = clock_now();
	ASN1_TIME_to_tm(X509_get0_notAfter(x), &tm);
	na = timegm(&tm);
	rc = end != NULL ? ca_db_cert_add_nosync(r->db, serial, nb, na, der,
	    (size_t)len, tid, end, e) : ca_db_cert_add_tid(r->db, serial, nb,
	    na, der, (size_t)len, tid, e);
	if (rc == -1) {
		OPENSSL_free(der);
		X509_free(x);
		return -1;
	}
	write_cer(r, serial, der, (size_t)len);
	OPENSSL_free(der);
	*out = x;
	return 0;
}

int
ca_issue_tid(struct ca_ref *r, X509_REQ *req, const char *tid, X509 **out,
    struct err *e)
{
	return issue_rec(r, req, 0, tid, NULL, out, e);
}

int
ca_issue_verified(struct ca_ref *r, X509_REQ *req, const char *tid,
    off_t *end, X509 **out, struct err *e)
{
	*end = 0;
	return issue_rec(r, req, 1, tid, end, out, e);
}
