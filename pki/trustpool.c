/* pkish - BSD-2-Clause */
/*
 * DOC: trustpool
 * The IOS PKI trustpool (`crypto pki trustpool import`, `show crypto pki
 * trustpool`): a set of CA certificates, independent of any trustpoint,
 * that ACME and SCEP add to the system bundle when they verify HTTPS
 * servers. The pool lives in memory behind one mutex and in
 * <state>/trustpool.pem, rewritten atomically (temp + fsync + rename) on
 * every change before the in-memory copy changes, so a failed write
 * changes nothing. Only CA certificates are admitted; duplicates are
 * dropped. Callers get up-referenced copies, never the pool itself.
 */
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/pkcs7.h>
#include "lib/fileio.h"
#include "pki/cert.h"
#include "pki/trustpool.h"

#define POOL_FILE_MAX	(8 * 1024 * 1024)	/* bundles are < 1 MB */

static pthread_mutex_t	 tpl_mu = PTHREAD_MUTEX_INITIALIZER;
static STACK_OF(X509)	*tpl_pool;		/* owned; NULL until init */
static char		 tpl_path[PATH_MAX];	/* "" until init */

static void
certs_free(STACK_OF(X509) *sk)
{
	sk_X509_pop_free(sk, X509_free);
}

/* Certificates of a signed PKCS#7 (Cisco's ios.p7b bundles). */
static STACK_OF(X509) *
p7_certs(PKCS7 *p7, struct err *e)
{
	STACK_OF(X509) *in = NULL, *out;

	if (PKCS7_type_is_signed(p7))
		in = p7->d.sign->cert;
	if (in == NULL || sk_X509_num(in) == 0)
		return err_set(e, E_INVAL, "PKCS7 bundle holds no "
		    "certificate"), NULL;
	if ((out = X509_chain_up_ref(in)) == NULL)
		err_ssl(e, "out of memory");
	return out;
}

/* A PKCS#7 bag in PEM or DER, or NULL (nothing set) if text is not one. */
static STACK_OF(X509) *
parse_p7(const char *text, size_t len, int *is_p7, struct err *e)
{
	const unsigned char *p = (const unsigned char *)text;
	STACK_OF(X509) *sk = NULL;
	PKCS7 *p7 = NULL;
	BIO *bio;

	*is_p7 = 0;
	if (memmem(text, len, "-----BEGIN PKCS7-----", 21) != NULL) {
		*is_p7 = 1;
		if ((bio = BIO_new_mem_buf(text, (int)len)) != NULL) {
			p7 = PEM_read_bio_PKCS7(bio, NULL, NULL, NULL);
			BIO_free(bio);
		}
		if (p7 == NULL) {
			ERR_clear_error();
			return err_set(e, E_INVAL, "truncated or corrupt PKCS7 "
			    "PEM"), NULL;
		}
	} else if (len > 0 && p[0] == 0x30 &&
	    (p7 = d2i_PKCS7(NULL, &p, (long)len)) != NULL)
		*is_p7 = 1;
	ERR_clear_error();
	if (p7 != NULL)
		sk = p7_certs(p7, e);
	PKCS7_free(p7);
	return sk;
}

/*
 * Parse what an administrator imports into the trustpool: PEM blocks,
 * base64 or DER certificates, or a PKCS#7 certificate bag. Returns a new
 * stack holding at least one certificate, or NULL with E_INVAL.
 */
STACK_OF(X509) *
trustpool_parse(const char *text, size_t len, struct err *e)
{
	STACK_OF(X509) *sk;
	int is_p7;

	if (text == NULL || len == 0)
		return err_set(e, E_INVAL, "no certificate in input"), NULL;
	sk = parse_p7(text, len, &is_p7, e);
	if (is_p7)
		return sk;
	return cert_parse_any(text, len, e);
}

/* Serialize pool to the file; called with tpl_mu held. */
static int
save_locked(STACK_OF(X509) *pool, struct err *e)
{
	char *pem;
	int rc;

	if (tpl_path[0] == '\0')
		return err_set(e, E_IO, "trustpool: no state directory");
	if (sk_X509_num(pool) == 0)
		pem = strdup("");
	else
		pem = certs_to_pem(pool);
	if (pem == NULL)
		return err_set(e, E_NOMEM, "trustpool: out of memory");
	rc = file_write_atomic(tpl_path, pem, strlen(pem), 0644, e);
	free(pem);
	return rc;
}

/*
 * Load the pool from <state_dir>/trustpool.pem. A missing or empty file
 * gives an empty pool. Returns 0, or -1 when the file cannot be read or
 * parsed (the pool is then empty).
 */
int
trustpool_init(const char *state_dir, struct err *e)
{
	STACK_OF(X509) *sk = NULL;
	struct err e2 = { 0 };
	char *text;
	size_t len = 0;
	int rc = 0;

	pthread_mutex_lock(&tpl_mu);
	certs_free(tpl_pool);
	if ((tpl_pool = sk_X509_new_null()) == NULL) {
		pthread_mutex_unlock(&tpl_mu);
		return err_set(e, E_NOMEM, "trustpool: out of memory");
	}
	if ((size_t)snprintf(tpl_path, sizeof(tpl_path), "%s/trustpool.pem",
	    state_dir) >= sizeof(tpl_path)) {
		tpl_path[0] = '\0';
		pthread_mutex_unlock(&tpl_mu);
		return err_set(e, E_INVAL, "trustpool: state path too long");
	}
	if ((text = file_read(tpl_path, POOL_FILE_MAX, &len, &e2)) == NULL)
		rc = e2.code == E_NOTFOUND ? 0 : err_set(e, e2.code,
		    "%s", e2.msg);
	else if (len > 0 && strspn(text, " \t\r\n") != len) {
		if ((sk = cert_parse_any(text, len, e)) == NULL)
			rc = err_ctx(e, "%s", tpl_path);
		else {
			certs_free(tpl_pool);
			tpl_pool = sk;
		}
	}
	free(text);
	pthread_mutex_unlock(&tpl_mu);
	return rc;
}

static int
in_stack(STACK_OF(X509) *sk, X509 *x)
{
	for (int i = 0; i < sk_X509_num(sk); i++)
		if (X509_cmp(sk_X509_value(sk, i), x) == 0)
			return 1;
	return 0;
}

/* Every certificate must be a CA; names the first that is not. */
static int
check_cas(STACK_OF(X509) *certs, struct err *e)
{
	char *name;

	if (sk_X509_num(certs) <= 0)
		return err_set(e, E_INVAL, "no certificate in input");
	for (int i = 0; i < sk_X509_num(certs); i++) {
		X509 *x = sk_X509_value(certs, i);
		if (cert_is_ca(x))
			continue;
		name = cert_name_oneline_ios(X509_get_subject_name(x));
		err_set(e, E_INVAL, "Certificate %d (%s) is not a CA "
		    "certificate", i + 1, name ? name : "?");
		free(name);
		return -1;
	}
	return 0;
}

/*
 * Add the CA certificates of certs to the pool (replacing it when clean is
 * set). All or nothing: a non-CA certificate or a failed write leaves the
 * pool and its file unchanged. certs stays owned by the caller.
 */
int
trustpool_add(STACK_OF(X509) *certs, int clean, int *added, struct err *e)
{
	STACK_OF(X509) *next = NULL;
	int n = 0, rc = -1;

	if (added)
		*added = 0;
	if (check_cas(certs, e) == -1)
		return -1;
	pthread_mutex_lock(&tpl_mu);
	if (tpl_pool == NULL) {
		err_set(e, E_IO, "trustpool: not initialised");
		goto out;
	}
	next = clean ? sk_X509_new_null() : X509_chain_up_ref(tpl_pool);
	if (next == NULL) {
		err_set(e, E_NOMEM, "trustpool: out of memory");
		goto out;
	}
	for (int i = 0; i < sk_X509_num(certs); i++) {
		X509 *x = sk_X509_value(certs, i);
		if (in_stack(next, x))
			continue;
		if (!sk_X509_push(next, x)) {
			err_set(e, E_NOMEM, "trustpool: out of memory");
			goto out;
		}
		X509_up_ref(x);
		n++;
	}
	if (save_locked(next, e) == -1)
		goto out;
	certs_free(tpl_pool);
	tpl_pool = next;
	next = NULL;
	if (added)
		*added = n;
	rc = 0;
 out:
	pthread_mutex_unlock(&tpl_mu);
	certs_free(next);
	return rc;
}

/* Empty the pool and its file. */
int
trustpool_clean(struct err *e)
{
	STACK_OF(X509) *empty;
	int rc = -1;

	if ((empty = sk_X509_new_null()) == NULL)
		return err_set(e, E_NOMEM, "trustpool: out of memory");
	pthread_mutex_lock(&tpl_mu);
	if (save_locked(empty, e) == 0) {
		certs_free(tpl_pool);
		tpl_pool = empty;
		empty = NULL;
		rc = 0;
	}
	pthread_mutex_unlock(&tpl_mu);
	certs_free(empty);
	return rc;
}

/* Copy of the pool with up-referenced certificates; the caller frees it
 * with sk_X509_pop_free(sk, X509_free). NULL only when out of memory. */
STACK_OF(X509) *
trustpool_get1(void)
{
	STACK_OF(X509) *sk;

	pthread_mutex_lock(&tpl_mu);
	sk = tpl_pool ? X509_chain_up_ref(tpl_pool) : sk_X509_new_null();
	pthread_mutex_unlock(&tpl_mu);
	return sk;
}

size_t
trustpool_count(void)
{
	size_t n;

	pthread_mutex_lock(&tpl_mu);
	n = tpl_pool ? (size_t)sk_X509_num(tpl_pool) : 0;
	pthread_mutex_unlock(&tpl_mu);
	return n;
}

int
trustpool_contains(X509 *x)
{
	int r;

	pthread_mutex_lock(&tpl_mu);
	r = tpl_pool != NULL && in_stack(tpl_pool, x);
	pthread_mutex_unlock(&tpl_mu);
	return r;
}

/* PEM of the whole pool for lib/http (malloc'd), NULL when empty. */
char *
trustpool_pem(void)
{
	char *pem = NULL;

	pthread_mutex_lock(&tpl_mu);
	if (tpl_pool != NULL && sk_X509_num(tpl_pool) > 0)
		pem = certs_to_pem(tpl_pool);
	pthread_mutex_unlock(&tpl_mu);
	return pem;
}

void
trustpool_shutdown(void)
{
	pthread_mutex_lock(&tpl_mu);
	certs_free(tpl_pool);
	tpl_pool = NULL;
	tpl_path[0] = '\0';
	pthread_mutex_unlock(&tpl_mu);
}
