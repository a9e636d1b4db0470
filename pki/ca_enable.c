/* pkish - ISC license, see LICENSE */
/*
 * pki/ca_enable.c - `no shutdown` and `shutdown` of the certificate
 * server, and `no crypto pki server`. Enabling finds or makes what the
 * CA is: the key labelled like the server (generated when missing), the
 * self-signed CA certificate (<dir>/<name>.crt), at its creation the
 * archive of both (<dir>/<name>.p12 or .pem, written atomically before
 * the certificate file, so a CA certificate never exists unarchived),
 * the database, the first CRL, the trustpoint <name> holding the CA
 * certificate, and the SCEP service. A restart finds all of it on disk
 * and asks nothing.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <openssl/pem.h>
#include "lib/fileio.h"
#include "lib/log.h"
#include "pki/ca_int.h"
#include "pki/cert.h"
#include "pki/key.h"
#include "pki/p12.h"
#include "pki/tp.h"

#define CA_KEY_BITS	2048

static void
say(ca_say_fn fn, void *arg, const char *line)
{
	if (fn != NULL)
		fn(arg, line);
}

int
ca_enabled(void)
{
	int on;

	pthread_mutex_lock(&ca_g.mu);
	on = ca_g.enabled;
	pthread_mutex_unlock(&ca_g.mu);
	return on;
}

int
ca_needs_passphrase(void)
{
	struct ca_cfg c;

	return ca_cfg_get(&c) && !ca_has_cert() && c.archive != CA_ARCH_NONE &&
	    c.archive_pw[0] == '\0' && !ca_sub_enrolling();
}

/* The key CS: the one in the keystore, or a new RSA key. */
static EVP_PKEY *
ca_key(const struct ca_cfg *c, int have_cert, ca_say_fn fn, void *arg,
    struct err *e)
{
	char line[128];
	time_t t0;

	if (key_exists(c->name))
		return key_get1(c->name, e);
	if (have_cert)
		return err_set(e, E_NOTFOUND, "The key %s of the certificate "
		    "server is missing", c->name), NULL;
	snprintf(line, sizeof(line), "%% Generating %d bit RSA keys, keys "
	    "will be non-exportable...", CA_KEY_BITS);
	say(fn, arg, line);
	t0 = time(NULL);
	if (key_generate(c->name, KEY_RSA, CA_KEY_BITS, 0, e) == -1)
		return NULL;
	snprintf(line, sizeof(line), "[OK] (elapsed time was %ld seconds)",
	    (long)(time(NULL) - t0));
	say(fn, arg, line);
	log_msg(SEV_INFO, "CRYPTO", "AUTOGEN", "Generated new %d bit key pair",
	    CA_KEY_BITS);
	return key_get1(c->name, e);
}

/* The CA certificate on disk, which must be for key. */
static X509 *
cert_load(const char *path, EVP_PKEY *key, struct err *e)
{
	FILE *f = fopen(path, "r");
	X509 *x = f ? PEM_read_X509(f, NULL, NULL, NULL) : NULL;

	if (f)
		fclose(f);
	if (x == NULL)
		return err_set(e, E_IO, "%s: not a certificate", path), NULL;
	if (!cert_matches_key(x, key)) {
		X509_free(x);
		return err_set(e, E_INVAL, "The CA certificate %s is not for "
		    "the key %s", path, "of the server"), NULL;
	}
	return x;
}

/* <dir>/<name>.p12 or .pem with the key and certificate. */
static int
archive(const struct ca_cfg *c, const char *dir, const char *pass,
    EVP_PKEY *key, X509 *x, struct err *e)
{
	char path[1200], *pem = NULL;
	int rc;

	if (c->archive == CA_ARCH_NONE)
		return 0;
	if (pass == NULL || strlen(pass) < 8)
		return err_set(e, E_INVAL, "The archive passphrase must be "
		    "8 to 200 characters");
	snprintf(path, sizeof(path), "%s/%s.%s", dir, c->name,
	    c->archive == CA_ARCH_PEM ? "pem" : "p12");
	if (c->archive == CA_ARCH_PKCS12)
		return p12_export(path, pass, key, x, NULL, 0, e);
	if (pem_export_bundle(key, pass, x, NULL, &pem, e) == -1)
		return -1;
	rc = file_write_atomic(path, pem, strlen(pem), 0600, e);
	OPENSSL_cleanse(pem, strlen(pem));
	free(pem);
	return rc;
}

/* A new CA certificate x, archived, then written to path; x is freed
 * on failure. */
static X509 *
cert_keep(const struct ca_cfg *c, const char *dir, const char *path,
    const char *pass, EVP_PKEY *key, X509 *x, ca_say_fn fn, void *arg,
    struct err *e)
{
	char *pem;
	int rc;

	if (c->archive != CA_ARCH_NONE && c->archive_pw[0] != '\0') {
		say(fn, arg, "% Exporting Certificate Server signing "
		    "certificate and keys...");
		pass = c->archive_pw;
	}
	if (archive(c, dir, pass, key, x, e) == -1) {
		X509_free(x);
		return NULL;
	}
	pem = cert_to_pem(x);
	rc = pem ? file_write_atomic(path, pem, strlen(pem), 0644, e) :
	    err_set(e, E_NOMEM, "out of memory");
	free(pem);
	if (rc == -1) {
		X509_free(x);
		return NULL;
	}
	return x;
}

/* The trustpoint <name> holds the CA certificate, as on IOS. */
static void
own_trustpoint(const char *name, X509 *x)
{
	struct err e = { 0 };
	int created;

	if (tp_create(name, &created, &e) == -1 ||
	    tp_set_cert(name, TP_CA, x, &e) == -1)
		log_msg(SEV_WARN, "PKI", "CS_TRUSTPOINT", "Trustpoint %s: %s",
		    name, e.msg);
}

static time_t
asn1_time(const ASN1_TIME *t)
{
	struct tm tm;

	return ASN1_TIME_to_tm(t, &tm) ? timegm(&tm) : 0;
}

/* The CA certificate is the database's first (serial 1, as on IOS); a
 * sub-CA's has a serial of its issuer and is not recorded. */
static int
record_cacert(struct ca_db *db, X509 *x, struct err *e)
{
	struct ca_cert_rec c;
	unsigned char *der;
	size_t len;
	uint64_t serial;
	int rc;

	if (!ASN1_INTEGER_get_uint64(&serial, X509_get0_serialNumber(x)))
		return err_set(e, E_INVAL, "CA certificate serial");
	if (ca_db_cert_get(db, serial, &c, NULL) == 0) {
		free(c.der);
		return 0;
	}
	if ((der = cert_to_der(x, &len)) == NULL)
		return err_set(e, E_NOMEM, "out of memory");
	rc = ca_db_cert_add(db, serial, asn1_time(X509_get0_notBefore(x)),
	    asn1_time(X509_get0_notAfter(x)), der, len, e);
	free(der);
	return rc;
}

/* The CA certificate: on disk, else self-signed, else (sub-CA) from the
 * issuing CA; 1 while that one has the request pending. */
static int
get_cert(const struct ca_cfg *c, const char *dir, const char *pass,
    int port, ca_say_fn fn, void *arg, EVP_PKEY *key, X509 **x,
    STACK_OF(X509) **chain, struct err *e)
{
	char path[1200];
	int rc;

	ca_cert_path(c, path, sizeof(path));
	*chain = NULL;
	if (access(path, F_OK) == 0) {
		if (c->mode != CA_MODE_ROOT)
			*chain = ca_chain_load(c);
		return (*x = cert_load(path, key, e)) ? 0 : -1;
	}
	if (c->mode == CA_MODE_ROOT)
		rc = ca_make_cacert(c, key, x, e);
	else if ((rc = ca_sub_cert(c, dir, pass, key, port, fn, arg, x, chain,
	    e)) != 0)
		return rc;
	if (rc == 0 && (*x = cert_keep(c, dir, path, pass, key, *x, fn, arg,
	    e)) == NULL)
		rc = -1;
	return rc;
}

/* Key, certificate, database: everything but the service; 1 while a
 * sub-CA waits for its certificate. */
static int
open_parts(const struct ca_cfg *c, const char *dir, const char *pass,
    int port, ca_say_fn fn, void *arg, EVP_PKEY **key, X509 **x,
    STACK_OF(X509) **chain, struct ca_db **db, struct err *e)
{
	char path[1200];
	int rc = -1;

	*db = NULL;
	*x = NULL;
	*chain = NULL;
	ca_cert_path(c, path, sizeof(path));
	if (file_mkdirs(dir, 0700, e) == -1 || (*key = ca_key(c,
	    access(path, F_OK) == 0, fn, arg, e)) == NULL)
		return -1;
	if ((rc = get_cert(c, dir, pass, port, fn, arg, *key, x, chain,
	    e)) != 0 || (*db = ca_db_open(dir, e)) == NULL ||
	    (c->mode == CA_MODE_ROOT && record_cacert(*db, *x, e) == -1)) {
		ca_db_close(*db);
		*db = NULL;
		X509_free(*x);
		EVP_PKEY_free(*key);
		sk_X509_pop_free(*chain, X509_free);
		*x = NULL;
		*key = NULL;
		*chain = NULL;
		return rc == 1 ? 1 : -1;
	}
	if (c->serial_set && c->serial > ca_db_serial_last(*db))
		ca_db_serial_set(*db, c->serial, NULL);
	return 0;
}

/* Publish the parts in ca_g; -1 when another enable won. */
static int
install(const char *dir, EVP_PKEY *key, X509 *x, STACK_OF(X509) *chain,
    struct ca_db *db)
{
	unsigned char *der = NULL;
	int n = i2d_PUBKEY(key, &der);	/* <= 0: encoded per request */

	pthread_mutex_lock(&ca_g.mu);
	if (ca_g.enabled) {
		pthread_mutex_unlock(&ca_g.mu);
		OPENSSL_free(der);
		return -1;
	}
	ca_g.key = key;
	ca_g.key_der = n > 0 ? der : NULL;
	ca_g.key_der_len = n > 0 ? (size_t)n : 0;
	ca_g.cacert = x;
	ca_g.chain = chain;
	ca_g.db = db;
	ca_g.enabled = 1;
	ca_g.cfg.shutdown = 0;
	snprintf(ca_g.dir, sizeof(ca_g.dir), "%s", dir);
	pthread_mutex_unlock(&ca_g.mu);
	return 0;
}

int
ca_enable(const char *pass, int http_port, ca_say_fn fn, void *arg,
    struct err *e)
{
	struct ca_cfg c;
	struct ca_ref r;
	char dir[1024], kept[208];
	EVP_PKEY *key = NULL;
	X509 *x = NULL;
	STACK_OF(X509) *chain = NULL;
	struct ca_db *db = NULL;
	int rc;

	if (!ca_cfg_get(&c))
		return err_set(e, E_NOTFOUND, "Certificate server is not known");
	if (ca_enabled())
		return 0;
	if (ca_needs_passphrase() && (pass == NULL || *pass == '\0'))
		return err_set(e, E_INVAL, "Aborted.");
	ca_sub_pass(kept, sizeof(kept));
	if (pass == NULL && kept[0])
		pass = kept;	/* given at the first `no shutdown` */
	ca_db_dir(&c, dir, sizeof(dir));
	rc = open_parts(&c, dir, pass, http_port, fn, arg, &key, &x, &chain,
	    &db, e);
	OPENSSL_cleanse(kept, sizeof(kept));
	if (rc != 0)
		return rc == 1 ? 0 : -1;	/* 1: enrolling */
	if (install(dir, key, x, chain, db) == -1) {
		ca_db_close(db);
		X509_free(x);
		sk_X509_pop_free(chain, X509_free);
		EVP_PKEY_free(key);
		return 0;
	}
	if (c.mode != CA_MODE_RA && ca_ref_get(&r) == 0) {	/* RA: no CRL */
		if (ca_crl_issue(&r, e) == -1)
			log_msg(SEV_WARN, "PKI", "CS_CRL", "CRL: %s", e->msg);
		ca_ref_put(&r);
	}
	if (c.mode == CA_MODE_ROOT)	/* a sub-CA's, RA's: the issuer */
		own_trustpoint(c.name, x);
	if (http_port >= 0 && ca_scep_start(http_port, e) == -1) {
		ca_disable();
		return -1;
	}
	say(fn, arg, "% Certificate Server enabled.");
	log_msg(SEV_INFO, "PKI", "CS_ENABLED", "Certificate server now enabled.");
	return 0;
}

int
ca_serve(int port, struct err *e)
{
	static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
	int cur, rc = 0;

	pthread_mutex_lock(&mu);
	cur = ca_scep_port();
	if (!ca_enabled() || (port >= 0 && cur != 0 && (port == 0 ||
	    port == cur)))
		;	/* nothing to serve, or served there already */
	else {
		ca_scep_stop();
		if (port >= 0)
			rc = ca_scep_start(port, e);
	}
	pthread_mutex_unlock(&mu);
	return rc;
}

/* Stop serving and drop the key, certificate, CRL and database. */
void
ca_disable(void)
{
	int was;

	ca_scep_stop();
	ca_sub_cancel();
	pthread_mutex_lock(&ca_g.mu);
	was = ca_g.enabled;
	ca_g.enabled = 0;		/* no new references from here */
	while (ca_g.refs > 0)		/* an EXEC command still at work */
		pthread_cond_wait(&ca_g.unref, &ca_g.mu);
	X509_free(ca_g.cacert);
	EVP_PKEY_free(ca_g.key);
	OPENSSL_free(ca_g.key_der);
	ca_g.key_der = NULL;
	ca_g.key_der_len = 0;
	X509_free(ca_g.rollover);
	EVP_PKEY_free(ca_g.rollover_key);
	X509_CRL_free(ca_g.crl);
	sk_X509_pop_free(ca_g.chain, X509_free);
	ca_g.chain = NULL;
	ca_db_close(ca_g.db);
	ca_g.cacert = ca_g.rollover = NULL;
	ca_g.key = ca_g.rollover_key = NULL;
	ca_g.crl = NULL;
	ca_g.db = NULL;
	pthread_mutex_unlock(&ca_g.mu);
	if (was)
		log_msg(SEV_INFO, "PKI", "CS_DISABLED", "Certificate server "
		    "now disabled.");
}

/* The files of the database directory that are the server's. */
static void
remove_files(const struct ca_cfg *c)
{
	static const char *const ext[] = { "crt", "crl", "chain" };
	char dir[1024], path[1200];

	ca_db_dir(c, dir, sizeof(dir));
	for (size_t i = 0; i < sizeof(ext) / sizeof(ext[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s.%s", dir, c->name, ext[i]);
		unlink(path);
	}
	snprintf(path, sizeof(path), "%s/journal", dir);
	unlink(path);
}

int
ca_delete(struct err *e)
{
	struct ca_cfg c;

	if (!ca_cfg_get(&c))
		return err_set(e, E_NOTFOUND, "Certificate server is not known");
	ca_disable();
	remove_files(&c);
	if (key_exists(c.name))
		key_zeroize(c.name, NULL);
	if (tp_exists(c.name))
		tp_delete(c.name, NULL);
	pthread_mutex_lock(&ca_g.mu);
	ca_g.exists = 0;
	memset(&ca_g.cfg, 0, sizeof(ca_g.cfg));
	memset(ca_g.otp, 0, sizeof(ca_g.otp));
	pthread_mutex_unlock(&ca_g.mu);
	return 0;
}
