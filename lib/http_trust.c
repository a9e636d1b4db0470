/* pkish - ISC license, see LICENSE */
/*
 * DOC: lib/http_trust - the trust anchors of lib/http's TLS contexts:
 * the caller's extra PEM (the trustpool), parsed into the store, and the
 * system anchors, found per issuer rather than loaded whole. OpenSSL's
 * hashed certificate directory (SSL_CERT_DIR, else
 * X509_get_default_cert_dir()) reads only the file a chain needs; a
 * bundle file (SSL_CERT_FILE, or the default bundle when the default
 * directory has no hash links) sits behind a lookup of our own that
 * parses it on the first issuer neither the store nor the directory
 * has, once per context, so that a process whose chains end in the
 * trustpool or the directory never pays the 30 ms and the memory of the
 * whole bundle. Lookups run in verifying threads: the lazy load is
 * guarded by its own mutex; the loaded store is then read-only.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include "http.h"
#include "http_int.h"

/* A bundle file behind a lookup, parsed on first use. */
struct lazy_file {
	char		*path;		/* owned */
	pthread_mutex_t	 mu;		/* guards st while it is built */
	X509_STORE	*st;		/* owned: the file's certificates */
	int		 tried;		/* the load was attempted */
};

static pthread_once_t		 meth_once = PTHREAD_ONCE_INIT;
static X509_LOOKUP_METHOD	*lazy_meth;	/* never freed */

/* 1 if dir holds OpenSSL hash links ("1a2b3c4d.0"). */
static int
has_hash_links(const char *dir)
{
	DIR		*d;
	struct dirent	*de;
	int		 found = 0;

	if ((d = opendir(dir)) == NULL)
		return 0;
	while (!found && (de = readdir(d)) != NULL)
		found = strlen(de->d_name) == 10 && de->d_name[8] == '.' &&
		    strspn(de->d_name, "0123456789abcdef") == 8 &&
		    de->d_name[9] >= '0' && de->d_name[9] <= '9';
	closedir(d);
	return found;
}

/* The bundle's store, parsed on the first call. NULL if unreadable. */
static X509_STORE *
lazy_store(struct lazy_file *lf)
{
	X509_STORE *st;

	pthread_mutex_lock(&lf->mu);
	if (!lf->tried) {
		lf->tried = 1;
		if ((lf->st = X509_STORE_new()) != NULL &&
		    X509_STORE_load_file(lf->st, lf->path) != 1) {
			X509_STORE_free(lf->st);
			lf->st = NULL;
		}
		ERR_clear_error();
	}
	st = lf->st;
	pthread_mutex_unlock(&lf->mu);
	return st;
}

/*
 * X509_LOOKUP get_by_subject: a certificate of the bundle with that
 * subject, added to the verifying store (as the directory lookup does)
 * and answered as a borrowed pointer, which the caller up-references.
 */
static int
lazy_by_subject(X509_LOOKUP *lu, X509_LOOKUP_TYPE type,
    const X509_NAME *name, X509_OBJECT *ret)
{
	struct lazy_file	*lf = X509_LOOKUP_get_method_data(lu);
	X509_STORE		*st;
	X509_OBJECT		*o;
	X509			*x = NULL;

	if (type != X509_LU_X509 || lf == NULL ||
	    (st = lazy_store(lf)) == NULL)
		return 0;
	if (!X509_STORE_lock(st))
		return 0;
	o = X509_OBJECT_retrieve_by_subject(X509_STORE_get0_objects(st),
	    type, name);
	if (o != NULL && (x = X509_OBJECT_get0_X509(o)) != NULL &&
	    !X509_up_ref(x))
		x = NULL;
	X509_STORE_unlock(st);
	if (x == NULL)
		return 0;
	if (!X509_STORE_add_cert(X509_LOOKUP_get_store(lu), x) ||
	    !X509_OBJECT_set1_X509(ret, x)) {
		X509_free(x);
		ERR_clear_error();
		return 0;
	}
	X509_free(x);		/* twice: ours and set1's; the store keeps x */
	X509_free(x);
	return 1;
}

static void
lazy_free(X509_LOOKUP *lu)
{
	struct lazy_file *lf = X509_LOOKUP_get_method_data(lu);

	if (lf == NULL)
		return;
	X509_STORE_free(lf->st);
	pthread_mutex_destroy(&lf->mu);
	free(lf->path);
	free(lf);
}

static void
meth_make(void)
{
	X509_LOOKUP_METHOD *m = X509_LOOKUP_meth_new("pkish lazy file");

	if (m == NULL || !X509_LOOKUP_meth_set_get_by_subject(m,
	    lazy_by_subject) || !X509_LOOKUP_meth_set_free(m, lazy_free)) {
		X509_LOOKUP_meth_free(m);
		return;
	}
	lazy_meth = m;
}

/* path behind a lazy lookup in st, after the ones already there. */
static void
add_lazy_file(X509_STORE *st, const char *path)
{
	struct lazy_file	*lf;
	X509_LOOKUP		*lu;

	pthread_once(&meth_once, meth_make);
	if (lazy_meth == NULL || (lf = calloc(1, sizeof(*lf))) == NULL)
		return;
	if ((lf->path = strdup(path)) == NULL ||
	    (lu = X509_STORE_add_lookup(st, lazy_meth)) == NULL) {
		free(lf->path);
		free(lf);
		return;
	}
	pthread_mutex_init(&lf->mu, NULL);
	X509_LOOKUP_set_method_data(lu, lf);	/* freed by lazy_free */
}

/* Every certificate in pem (may be NULL) into st. */
static void
add_pem(X509_STORE *st, const char *pem)
{
	BIO	*b;
	X509	*x;

	if (pem == NULL || (b = BIO_new_mem_buf(pem, -1)) == NULL)
		return;
	while ((x = PEM_read_bio_X509(b, NULL, NULL, NULL)) != NULL) {
		X509_STORE_add_cert(st, x);
		X509_free(x);
	}
	BIO_free(b);
	ERR_clear_error();		/* PEM end of input */
}

/*
 * Fill st with the trust anchors for pem: its certificates, then the
 * system anchors as lookups (the hashed directory first, a bundle file
 * last, parsed only when needed). Failures leave fewer anchors (and a
 * verification error later), never an error here.
 */
void
http_trust_fill(X509_STORE *st, const char *pem)
{
	const char *dir = getenv(X509_get_default_cert_dir_env());
	const char *file = getenv(X509_get_default_cert_file_env());

	add_pem(st, pem);
	if (dir == NULL) {
		dir = X509_get_default_cert_dir();
		if (file == NULL && !has_hash_links(dir))
			file = X509_get_default_cert_file();
	}
	X509_STORE_load_path(st, dir);
	if (file != NULL)
		add_lazy_file(st, file);
	ERR_clear_error();		/* a missing path is not an error */
}
