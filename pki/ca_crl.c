/* pkish - ISC license, see LICENSE */
/*
 * pki/ca_crl.c - the certificate server's CRL: every revoked serial of
 * the database, thisUpdate now, nextUpdate after `lifetime crl`, a CRL
 * number counted by the database. Issued at enable, on revoke and
 * unrevoke, and again when served after its nextUpdate; stored as
 * <dir>/<name>.crl (DER), served from memory (the cdp-url path, GetCRL).
 * A revocation takes its CRL number before it is recorded, so one the
 * database holds is in the CRL served even on a full disk (the file
 * write may fail: the CRL is served all the same).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <openssl/x509v3.h>
#include "lib/clock.h"
#include "lib/fileio.h"
#include "pki/ca_int.h"

static pthread_mutex_t crl_mu = PTHREAD_MUTEX_INITIALIZER; /* one issue */

static int
add_revoked(X509_CRL *crl, const struct ca_cert_rec *c)
{
	X509_REVOKED *rv = X509_REVOKED_new();
	ASN1_INTEGER *sn = ASN1_INTEGER_new();
	ASN1_TIME *t = ASN1_TIME_set(NULL, c->revoked);
	int ok = rv && sn && t && ASN1_INTEGER_set_uint64(sn, c->serial) &&
	    X509_REVOKED_set_serialNumber(rv, sn) &&
	    X509_REVOKED_set_revocationDate(rv, t) && X509_CRL_add0_revoked(crl,
	    rv);

	if (!ok)
		X509_REVOKED_free(rv);
	ASN1_INTEGER_free(sn);
	ASN1_TIME_free(t);
	return ok;
}

static int
crl_fill(struct ca_ref *r, X509_CRL *crl, uint64_t num, struct err *e)
{
	struct ca_cert_rec *cs = NULL;
	size_t n = 0;
	ASN1_INTEGER *ai = NULL;
	time_t now = clock_now();
	long life = r->cfg.life_crl ? r->cfg.life_crl : CA_LIFE_CRL;
	ASN1_TIME *t1 = ASN1_TIME_set(NULL, now);
	ASN1_TIME *t2 = ASN1_TIME_set(NULL, now + life * 60);
	int ok;

	if (ca_db_revoked(r->db, &cs, &n, e) == -1) {
		ASN1_TIME_free(t1);
		ASN1_TIME_free(t2);
		return -1;
	}
	ok = t1 && t2 && X509_CRL_set_version(crl, 1) &&
	    X509_CRL_set_issuer_name(crl, X509_get_subject_name(r->cacert)) &&
	    X509_CRL_set1_lastUpdate(crl, t1) &&
	    X509_CRL_set1_nextUpdate(crl, t2);
	for (size_t i = 0; ok && i < n; i++)
		if (cs[i].revoked)
			ok = add_revoked(crl, &cs[i]);
	ok = ok && (ai = ASN1_INTEGER_new()) != NULL &&
	    ASN1_INTEGER_set_uint64(ai, num) &&
	    X509_CRL_add1_ext_i2d(crl, NID_crl_number, ai, 0, 0);
	ASN1_INTEGER_free(ai);
	ca_db_certs_free(cs, n);
	ASN1_TIME_free(t1);
	ASN1_TIME_free(t2);
	return ok ? 0 : err_ssl(e, "CRL");
}

/* Build, sign, publish and store CRL number num; crl_mu held. */
static int
crl_issue_num(struct ca_ref *r, uint64_t num, struct err *e)
{
	X509_CRL *crl = X509_CRL_new();
	unsigned char *der = NULL;
	char dir[1024], path[1100];
	X509V3_CTX ctx;
	X509_EXTENSION *aki;
	int len, rc;

	if (crl == NULL || crl_fill(r, crl, num, e) == -1) {
		X509_CRL_free(crl);
		return -1;
	}
	X509V3_set_ctx(&ctx, r->cacert, NULL, NULL, crl, 0);
	if ((aki = X509V3_EXT_conf_nid(NULL, &ctx,
	    NID_authority_key_identifier, "keyid:always")) != NULL) {
		X509_CRL_add_ext(crl, aki, -1);
		X509_EXTENSION_free(aki);
	}
	X509_CRL_sort(crl);
	if (!X509_CRL_sign(crl, r->key, ca_md(&r->cfg)) ||
	    (len = i2d_X509_CRL(crl, &der)) <= 0) {
		X509_CRL_free(crl);
		return err_ssl(e, "CRL signature");
	}
	ca_db_dir(&r->cfg, dir, sizeof(dir));
	snprintf(path, sizeof(path), "%s/%s.crl", dir, r->cfg.name);
	rc = file_write_atomic(path, der, (size_t)len, 0644, e);
	OPENSSL_free(der);
	pthread_mutex_lock(&ca_g.mu);
	X509_CRL_free(ca_g.crl);
	ca_g.crl = crl;
	pthread_mutex_unlock(&ca_g.mu);
	return rc;
}

int
ca_crl_issue(struct ca_ref *r, struct err *e)
{
	uint64_t num;
	int rc;

	pthread_mutex_lock(&crl_mu);
	rc = ca_db_crl_number(r->db, &num, e) == -1 ? -1 :
	    crl_issue_num(r, num, e);
	pthread_mutex_unlock(&crl_mu);
	return rc;
}

int
ca_crl_revoke(struct ca_ref *r, uint64_t serial, time_t when, int *crl_rc,
    struct err *e)
{
	uint64_t num;
	int rc;

	pthread_mutex_lock(&crl_mu);
	if ((rc = ca_db_crl_number(r->db, &num, e)) == 0 &&
	    (rc = ca_db_revoke(r->db, serial, when, e)) == 0)
		*crl_rc = crl_issue_num(r, num, e);
	pthread_mutex_unlock(&crl_mu);
	return rc;
}

X509_CRL *
ca_crl_current(struct err *e)
{
	struct ca_ref r;
	X509_CRL *c = NULL;
	time_t now = clock_now();
	int stale;

	pthread_mutex_lock(&ca_g.mu);
	stale = ca_g.crl == NULL ||
	    X509_cmp_time(X509_CRL_get0_nextUpdate(ca_g.crl), &now) <= 0;
	pthread_mutex_unlock(&ca_g.mu);
	if (stale) {
		if (ca_ref_get(&r) == -1)
			return err_set(e, E_INVAL, "server disabled"), NULL;
		ca_crl_issue(&r, e);
		ca_ref_put(&r);
	}
	pthread_mutex_lock(&ca_g.mu);
	if ((c = ca_g.crl) != NULL)
		X509_CRL_up_ref(c);
	pthread_mutex_unlock(&ca_g.mu);
	return c;
}
