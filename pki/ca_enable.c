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
	    c.archive_pw[0] == '\0';
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

/* A new CA certificate, archived, then written to path. */
static X509 *
cert_new(const struct ca_cfg *c, const char *dir, const char *path,
    const char *pass, EVP_PKEY *key, ca_say_fn fn, void *arg,
    struct err *e)
{
	X509 *x = NULL;
	char *pem;
	int rc;

	if (ca_make_cacert(c, key, &x, e) == -1)
		return NULL;
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

/* The CA certificate is the database's first (serial 1, as on IOS). */
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

/* Key, certificate, database: everything but the service. */
static int
open_parts(const struct ca_cfg *c, const char *dir, const char *pass,
    ca_say_fn fn, void *arg, EVP_PKEY **key, X509 **x, struct ca_db **db,
    struct err *e)
{
	char path[1200];
	int have;

	*db = NULL;
	ca_cert_path(c, path, sizeof(path));
	have = access(path, F_OK) == 0;
	if (file_mkdirs(dir, 0700, e) == -1 ||
	    (*key = ca_key(c, have, fn, arg, e)) == NULL)
		return -1;
	*x = have ? cert_load(path, *key, e) :
	    cert_new(c, dir, path, pass, *key, fn, arg, e);
	if (*x == NULL || (*db = ca_db_open(dir, e)) == NULL ||
	    record_cacert(*db, *x, e) == -1) {
		ca_db_close(*db);
		*db = NULL;
		X509_free(*x);
		EVP_PKEY_free(*key);
		*x = NULL;
		*key = NULL;
		return -1;
	}
	if (c->serial_set && c->serial > ca_db_serial_last(*db))
		ca_db_serial_set(*db, c->serial, NULL);
	return 0;
}

/* Publish the parts in ca_g; -1 when another enable won. */
static int
install(const char *dir, EVP_PKEY *key, X509 *x, struct ca_db *db)
{
	pthread_mutex_lock(&ca_g.mu);
	if (ca_g.enabled) {
		pthread_mutex_unlock(&ca_g.mu);
		return -1;
	}
	ca_g.key = key;
	ca_g.cacert = x;
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
	char dir[1024];
	EVP_PKEY *key = NULL;
	X509 *x = NULL;
	struct ca_db *db = NULL;

	if (!ca_cfg_get(&c))
		return err_set(e, E_NOTFOUND, "Certificate server is not known");
	if (ca_enabled())
		return 0;
	if (ca_needs_passphrase() && (pass == NULL || *pass == '\0'))
		return err_set(e, E_INVAL, "Aborted.");
	ca_db_dir(&c, dir, sizeof(dir));
	if (open_parts(&c, dir, pass, fn, arg, &key, &x, &db, e) == -1)
		return -1;
	if (install(dir, key, x, db) == -1) {
		ca_db_close(db);
		X509_free(x);
		EVP_PKEY_free(key);
		return 0;
	}
	if (ca_ref_get(&r) == 0) {
		if (ca_crl_issue(&r, e) == -1)
			log_msg(SEV_WARN, "PKI", "CS_CRL", "CRL: %s", e->msg);
		ca_ref_put(&r);
	}
	own_trustpoint(c.name, x);
	if (ca_scep_start(http_port, e) == -1) {
		ca_disable();
		return -1;
	}
	say(fn, arg, "% Certificate Server enabled.");
	log_msg(SEV_INFO, "PKI", "CS_ENABLED", "Certificate server now enabled.");
	return 0;
}

/* Stop serving and drop the key, certificate, CRL and database. */
void
ca_disable(void)
{
	int was;

	ca_scep_stop();
	pthread_mutex_lock(&ca_g.mu);
	was = ca_g.enabled;
	ca_g.enabled = 0;
	X509_free(ca_g.cacert);
	EVP_PKEY_free(ca_g.key);
	X509_free(ca_g.rollover);
	EVP_PKEY_free(ca_g.rollover_key);
	X509_CRL_free(ca_g.crl);
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
	static const char *const ext[] = { "crt", "crl" };
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
