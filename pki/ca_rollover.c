/* pkish - ISC license, see LICENSE */
/*
 * DOC: pki/ca_rollover - the certificate server rolls its own CA
 * certificate over (ios-pki.md section 10). `auto-rollover DAYS` arms
 * CS SHADOW CERT GENERATION at the active CA certificate's notAfter minus
 * the overlap; `crypto pki server CS rollover` does it at once. Then a
 * key "<CS>#" the size of the active key is generated (unless it exists),
 * and a self-signed rollover CA certificate with the next serial, the
 * same subject, notBefore = the active notAfter and the CA lifetime is
 * made, archived per `database archive` as <CS>_00001.p12 (numbered) and
 * kept in the server trustpoint's rollover slot (shown as "CA Certificate
 * (Rollover)", saved as "certificate ca rollover NN"). GetNextCACert
 * returns it; requests encrypted to it are issued with its key
 * (ca_rollover_ref), starting at the switch. At CS CERT EXPIRE the
 * rollover certificate and key become the active ones (the old key kept
 * as "<CS>.old-<serial>"). The scheduler calls ca_rollover_tick(). The CA
 * mutex is never held across a key operation.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <openssl/pkcs7.h>
#include "lib/clock.h"
#include "lib/fileio.h"
#include "lib/log.h"
#include "pki/ca_int.h"
#include "pki/cert.h"
#include "pki/ca_rollover.h"
#include "pki/key.h"
#include "pki/p12.h"
#include "pki/signer.h"
#include "pki/tp.h"
#include "scep/scep.h"

time_t
ca_time(const ASN1_TIME *t)
{
	struct tm tm;

	if (t == NULL || ASN1_TIME_to_tm(t, &tm) != 1)
		return 0;
	return timegm(&tm);
}

static void
shadow_label(const char *name, char *buf, size_t len)
{
	snprintf(buf, len, "%s#", name);
}

int
ca_rollover_times(struct ca_rollover_times *t)
{
	memset(t, 0, sizeof(*t));
	pthread_mutex_lock(&ca_g.mu);
	if (ca_g.enabled && ca_g.cacert != NULL) {
		t->expire = ca_time(X509_get0_notAfter(ca_g.cacert));
		if (ca_g.cfg.rollover_set && ca_g.rollover == NULL)
			t->generate = t->expire - ca_g.cfg.rollover_min * 60;
		if (ca_g.rollover != NULL)
			t->rollover_end = ca_time(X509_get0_notAfter(
			    ca_g.rollover));
		if (ca_g.crl != NULL)
			t->crl_update = ca_time(X509_CRL_get0_nextUpdate(
			    ca_g.crl));
		t->valid = 1;
	}
	pthread_mutex_unlock(&ca_g.mu);
	return t->valid ? 0 : -1;
}

/* The rollover key "<CS>#": generated like the active key when missing. */
static EVP_PKEY *
rollover_key(const char *name, EVP_PKEY *active, struct err *e)
{
	char label[CA_NAME_MAX + 2];
	int ec = EVP_PKEY_is_a(active, "EC");

	shadow_label(name, label, sizeof(label));
	if (!key_exists(label)) {
		if (key_generate(label, ec ? KEY_EC : KEY_RSA,
		    EVP_PKEY_get_bits(active), 0, e) < 0)
			return NULL;
		log_dbg(DBG_PKI_CA, 1, "CRYPTO_CS: key '%s' does not exist; "
		    "generated automatically", label);
	}
	return key_get1(label, e);
}

/* <dir>/<CS>_NNNNN.p12, the first number not taken. */
static int
archive(const struct ca_cfg *c, EVP_PKEY *key, X509 *x, struct err *e)
{
	char dir[1024], path[1200];
	FILE *f;

	if (c->archive == CA_ARCH_NONE)
		return 0;
	if (c->archive_pw[0] == '\0') {
		log_msg(SEV_WARN, "PKI", "CS_ROLLOVER_ARCHIVE", "The rollover CA "
		    "key of %s is not archived: no `database archive` password "
		    "is configured", c->name);
		return 0;
	}
	ca_db_dir(c, dir, sizeof(dir));
	for (int n = 1; n < 100000; n++) {
		snprintf(path, sizeof(path), "%s/%s_%05d.p12", dir, c->name, n);
		if ((f = fopen(path, "r")) == NULL)
			break;
		fclose(f);
	}
	log_dbg(DBG_PKI_CA, 1, "CRYPTO_CS: exporting shadow CA key and cert");
	if (p12_export(path, c->archive_pw, key, x, NULL, 0, e) < 0)
		return -1;
	log_dbg(DBG_PKI_CA, 1, "CRYPTO_CS: file opened: %s", path);
	return 0;
}

/* Publish x as the rollover certificate (state and trustpoint). */
static int
publish(const char *name, X509 *x, struct err *e)
{
	pthread_mutex_lock(&ca_g.mu);
	X509_free(ca_g.rollover);
	X509_up_ref(x);
	ca_g.rollover = x;
	pthread_mutex_unlock(&ca_g.mu);
	if (tp_exists(name) && tp_set_cert(name, TP_CA_ROLLOVER, x, e) < 0)
		return -1;
	return 0;
}

int
ca_rollover_create(struct err *e)
{
	struct ca_ref r;
	EVP_PKEY *key = NULL;
	X509 *x = NULL;
	unsigned char *der = NULL;
	struct err ae = { 0 };
	uint64_t serial;
	time_t nb;
	int len, rc = -1;

	if (ca_ref_get(&r) < 0)
		return err_set(e, E_INVAL, "The certificate server is not "
		    "enabled");
	if ((x = ca_rollover_get()) != NULL) {
		X509_free(x);
		ca_ref_put(&r);
		return err_set(e, E_EXISTS, "A rollover CA certificate "
		    "already exists");
	}
	nb = ca_time(X509_get0_notAfter(r.cacert));
	serial = ca_db_serial_take(r.db);
	if ((key = rollover_key(r.cfg.name, r.key, e)) != NULL &&
	    ca_make_cacert_at(&r.cfg, key, serial, nb, &x, e) == 0 &&
	    (len = i2d_X509(x, &der)) > 0 &&
	    ca_db_cert_add(r.db, serial, nb, ca_time(X509_get0_notAfter(x)),
	    der, (size_t)len, e) == 0) {
		log_dbg(DBG_PKI_CA, 1, "CRYPTO_CS: shadow CA successfully "
		    "created.");
		rc = publish(r.cfg.name, x, e);
		if (rc == 0 && archive(&r.cfg, key, x, &ae) < 0)	/* backup */
			log_msg(SEV_ERR, "PKI", "CS_ROLLOVER_ARCHIVE", "The "
			    "rollover CA key of %s was not archived: %s",
			    r.cfg.name, ae.msg);
	}
	OPENSSL_free(der);
	X509_free(x);
	EVP_PKEY_free(key);
	ca_ref_put(&r);
	return rc;
}

X509 *
ca_rollover_get(void)
{
	X509 *x;

	pthread_mutex_lock(&ca_g.mu);
	if ((x = ca_g.rollover) != NULL)
		X509_up_ref(x);
	pthread_mutex_unlock(&ca_g.mu);
	return x;
}

int
ca_rollover_cancel(struct err *e)
{
	struct ca_cfg c;
	char label[CA_NAME_MAX + 2];
	X509 *x;

	if (!ca_cfg_get(&c) || (x = ca_rollover_get()) == NULL)
		return err_set(e, E_NOTFOUND, "There is no rollover CA "
		    "certificate");
	X509_free(x);
	pthread_mutex_lock(&ca_g.mu);
	X509_free(ca_g.rollover);
	ca_g.rollover = NULL;
	pthread_mutex_unlock(&ca_g.mu);
	if (tp_exists(c.name))
		tp_set_cert(c.name, TP_CA_ROLLOVER, NULL, NULL);
	shadow_label(c.name, label, sizeof(label));
	if (key_exists(label))
		key_zeroize(label, NULL);
	log_dbg(DBG_PKI_CA, 1, "CRYPTO_CS: rollover CA certificate and key "
	    "deleted");
	return 0;
}

/* The rollover key takes the server's label; the old key is kept as
 * "<CS>.old-<serial of the old CA certificate>". */
static int
swap_keys(const char *name, X509 *old, struct err *e)
{
	char label[CA_NAME_MAX + 2], keep[CA_NAME_MAX + 64];
	ASN1_INTEGER *s = X509_get_serialNumber(old);
	uint64_t v = 0;

	ASN1_INTEGER_get_uint64(&v, s);
	shadow_label(name, label, sizeof(label));
	snprintf(keep, sizeof(keep), "%s.old-%llX", name,
	    (unsigned long long)v);
	if (key_exists(keep))
		key_zeroize(keep, NULL);
	if (key_rename(name, keep, e) < 0)
		return -1;
	if (key_rename(label, name, e) < 0) {
		key_rename(keep, name, NULL);
		return -1;
	}
	return 0;
}

/* The active CA certificate as the server keeps it: <dir>/<CS>.crt. */
static int
save_cacert(const struct ca_cfg *c, X509 *x, struct err *e)
{
	char dir[1024], path[1100], *pem = cert_to_pem(x);
	int rc;

	if (pem == NULL)
		return err_set(e, E_NOMEM, "out of memory");
	ca_db_dir(c, dir, sizeof(dir));
	snprintf(path, sizeof(path), "%s/%s.crt", dir, c->name);
	rc = file_write_atomic(path, pem, strlen(pem), 0644, e);
	free(pem);
	return rc;
}

int
ca_rollover_activate(struct err *e)
{
	struct ca_cfg c;
	struct ca_ref r;
	EVP_PKEY *key;
	X509 *x, *old;

	if (!ca_cfg_get(&c) || (x = ca_rollover_get()) == NULL)
		return 0;
	pthread_mutex_lock(&ca_g.mu);
	old = ca_g.cacert;
	X509_up_ref(old);
	pthread_mutex_unlock(&ca_g.mu);
	if (swap_keys(c.name, old, e) < 0 || (key = key_get1(c.name, e)) ==
	    NULL || save_cacert(&c, x, e) < 0) {
		X509_free(old);
		X509_free(x);
		return -1;
	}
	pthread_mutex_lock(&ca_g.mu);
	X509_free(ca_g.cacert);
	EVP_PKEY_free(ca_g.key);
	ca_g.cacert = x;	/* the reference taken above */
	ca_g.key = key;
	X509_free(ca_g.rollover);
	ca_g.rollover = NULL;
	pthread_mutex_unlock(&ca_g.mu);
	if (tp_exists(c.name))
		tp_rollover_activate(c.name, NULL);
	if (ca_ref_get(&r) == 0) {	/* the CRL, from the new CA */
		ca_crl_issue(&r, NULL);
		ca_ref_put(&r);
	}
	log_msg(SEV_INFO, "PKI", "CS_ROLLOVER_ACTIVE", "The rollover CA "
	    "certificate of certificate server %s is now active", c.name);
	X509_free(old);
	return 1;
}

/* After a restart: the rollover certificate from the server trustpoint. */
static void
adopt(const char *name)
{
	struct tp_certs k;

	if (!tp_exists(name) || tp_get_certs(name, &k, NULL) < 0)
		return;
	pthread_mutex_lock(&ca_g.mu);
	if (ca_g.rollover == NULL && k.ca_rollover != NULL) {
		X509_up_ref(k.ca_rollover);
		ca_g.rollover = k.ca_rollover;
	}
	pthread_mutex_unlock(&ca_g.mu);
	tp_certs_free(&k);
}

/* Only the scheduler thread ticks: after a failure, wait a minute of
 * virtual time (or a clock move back) before the next try. */
static time_t retry_at;

static void
failed(const char *what, const char *name, const struct err *e, time_t now)
{
	log_msg(SEV_ERR, "PKI", "CS_ROLLOVER_FAIL", "%s of certificate server "
	    "%s failed: %s; retrying in 60 seconds", what, name, e->msg);
	retry_at = now + 60;
}

void
ca_rollover_tick(time_t now)
{
	struct ca_rollover_times t;
	struct ca_cfg c;
	struct err e = { 0 };

	if (!ca_cfg_get(&c))
		return;
	adopt(c.name);
	if (ca_rollover_times(&t) < 0 || (now < retry_at && now + 60 >
	    retry_at))
		return;
	if (t.generate && now >= t.generate && now < t.expire) {
		log_dbg(DBG_PKI_CA, 1, "CRYPTO_CS: shadow generation timer "
		    "fired.");
		if (ca_rollover_create(&e) < 0)
			failed("Rollover", c.name, &e, now);
	} else if (t.rollover_end && now >= t.expire &&
	    ca_rollover_activate(&e) < 0)
		failed("Activating the rollover CA certificate", c.name, &e,
		    now);
	else if (t.crl_update && now >= t.crl_update)	/* CS CRL UPDATE */
		X509_CRL_free(ca_crl_current(NULL));
}

int
ca_rollover_ref(struct ca_ref *r)
{
	char label[CA_NAME_MAX + 2];
	X509 *x;
	EVP_PKEY *key;

	if (ca_ref_get(r) < 0)
		return -1;
	shadow_label(r->cfg.name, label, sizeof(label));
	if ((x = ca_rollover_get()) == NULL ||
	    (key = key_get1(label, NULL)) == NULL) {
		X509_free(x);
		ca_ref_put(r);
		return -1;
	}
	X509_free(r->cacert);
	EVP_PKEY_free(r->key);
	r->cacert = x;
	r->key = key;
	/* the signer over the rollover key, made as ca_ref_get made its own:
	 * a pki_signer_pkey() signer (it has the public key) or a bare one */
	if (r->signer.pub_der != NULL) {
		pki_signer_close(&r->signer);
		if (pki_signer_pkey(key, &r->signer, NULL) < 0) {
			ca_ref_put(r);
			return -1;
		}
	} else
		r->signer.arg = key;
	return 0;
}

int
ca_rollover_next_reply(unsigned char **der, size_t *len, struct err *e)
{
	struct ca_ref r;
	X509 *x = ca_rollover_get();
	PKCS7 *deg = NULL, *p7 = NULL;
	unsigned char *inner = NULL;
	BIO *b = NULL;
	int n = 0, rc = -1;

	*der = NULL;
	if (x == NULL)
		return err_set(e, E_NOTFOUND, "no rollover CA certificate");
	if (ca_ref_get(&r) < 0) {
		X509_free(x);
		return err_set(e, E_INVAL, "the certificate server is disabled");
	}
	if ((deg = PKCS7_new()) != NULL && PKCS7_set_type(deg,
	    NID_pkcs7_signed) && PKCS7_content_new(deg, NID_pkcs7_data) &&
	    PKCS7_add_certificate(deg, x) && (n = i2d_PKCS7(deg, &inner)) > 0 &&
	    (b = BIO_new_mem_buf(inner, n)) != NULL &&
	    (p7 = PKCS7_sign(r.cacert, r.key, NULL, b, PKCS7_BINARY)) != NULL &&
	    (n = i2d_PKCS7(p7, der)) > 0) {
		*len = (size_t)n;
		rc = 0;
	} else
		err_ssl(e, "GetNextCACert reply");
	OPENSSL_free(inner);
	BIO_free(b);
	PKCS7_free(deg);
	PKCS7_free(p7);
	X509_free(x);
	ca_ref_put(&r);
	return rc;
}

void
ca_rollover_render(FILE *f, const struct ca_cfg *c)
{
	long m = c->rollover_min;

	if (c->rollover_set && m == 30L * 24 * 60)
		fprintf(f, " auto-rollover\n");
	else if (c->rollover_set && m % (24 * 60) == 0)
		fprintf(f, " auto-rollover %ld\n", m / (24 * 60));
	else if (c->rollover_set)
		fprintf(f, " auto-rollover %ld %ld %ld\n", m / (24 * 60),
		    m / 60 % 24, m % 60);
	if (c->grant_rollover)
		fprintf(f, " grant auto rollover ca-cert\n");
}

void
ca_rollover_show(FILE *f, const struct ca_cfg *c)
{
	X509 *x = ca_rollover_get();
	char fp[80] = "", when[40];

	if (x != NULL) {
		cert_fingerprint(x, "md5", fp, sizeof(fp));
		fprintf(f, "    Rollover status: available for rollover\n"
		    "    Rollover CA certificate fingerprint: %s\n"
		    "    Rollover CA certificate expiration time: %s\n", fp,
		    clock_fmt_show(ca_time(X509_get0_notAfter(x)), when,
		    sizeof(when)));
		X509_free(x);
	}
	if (c->rollover_set && c->rollover_min % (24 * 60) == 0)
		fprintf(f, "    Auto-Rollover configured, overlap period %ld "
		    "days\n", c->rollover_min / (24 * 60));
	else if (c->rollover_set)
		fprintf(f, "    Auto-Rollover configured, overlap period %ld "
		    "days %ld hours %ld minutes\n", c->rollover_min / (24 * 60),
		    c->rollover_min / 60 % 24, c->rollover_min % 60);
}

void
ca_request_timers(void (*fn)(void *, unsigned id, time_t expires), void *arg)
{
	struct ca_ref r;
	struct ca_req_rec *v;
	size_t n;
	long life;

	if (ca_ref_get(&r) < 0)
		return;
	life = r.cfg.life_req ? r.cfg.life_req : CA_LIFE_REQ;
	if (ca_db_reqs(r.db, &v, &n, NULL) == 0) {
		for (size_t i = 0; i < n; i++)
			if (v[i].state == CA_REQ_PENDING)
				fn(arg, v[i].id, v[i].created + life * 60);
		ca_db_reqs_free(v, n);
	}
	ca_ref_put(&r);
}

int
ca_rollover_parse(const unsigned char *der, size_t len, struct ca_ref *r,
    int *rollover, struct scep_srv_msg *m, int *fail, struct err *e)
{
	struct err e2 = { 0 };
	struct ca_ref next;
	int f2;

	if (rollover)
		*rollover = 0;
	if (scep_srv_parse(der, len, &r->signer, r->cacert, m, fail, e) == 0)
		return 0;
	if (*fail != SCEP_BAD_MESSAGE_CHECK || ca_rollover_ref(&next) < 0)
		return -1;	/* not an envelope matter, or no rollover */
	scep_srv_msg_free(m);
	if (scep_srv_parse(der, len, &next.signer, next.cacert, m, &f2,
	    &e2) == 0) {
		ca_ref_put(r);
		*r = next;
		*fail = -1;
		if (rollover)
			*rollover = 1;
		log_dbg(DBG_PKI_CA, 1, "CRYPTO_CS: request %s is for the "
		    "rollover CA certificate", m->tid);
		return 0;
	}
	ca_ref_put(&next);	/* *fail and e: the active CA's answer */
	return -1;
}

int
ca_rollover_is(X509 *x)
{
	X509 *roll = ca_rollover_get();
	int is = roll != NULL && x != NULL && X509_cmp(roll, x) == 0;

	X509_free(roll);
	return is;
}
