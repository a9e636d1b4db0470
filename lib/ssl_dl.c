/* pkish - ISC license, see LICENSE */
/*
 * DOC: lib/ssl_dl - libssl, loaded when the first TLS client context is
 * built (lib/http_tls.c http_tls_ctx_get1).
 *
 * libssl is not linked: only the built-in HTTPS client uses it, and a
 * start that never speaks TLS should not map it. libcrypto stays linked
 * (keys, certificates, the BIO and ERR calls of lib/http_tls.c). The
 * first ssl_dl_load() dlopen()s libssl.so.3 and resolves every entry of
 * struct ssl_dl_api, once per process under pthread_once; a failure is
 * reported to every caller with the same message. libssl initialises
 * itself in SSL_CTX_new (OPENSSL_init_ssl). When libcurl was loaded
 * first (an https proxy), libssl is already mapped as its dependency and
 * dlopen() returns that same copy. The library is never unloaded.
 */
#include <dlfcn.h>
#include <pthread.h>
#include <string.h>
#include "lib/dl.h"
#include "lib/ssl_dl.h"

static pthread_once_t		 dl_once = PTHREAD_ONCE_INIT;
static struct ssl_dl_api	 tab;		/* read-only once dl_ok set */
static int			 dl_ok;		/* 1 once loaded; atomic */
static char			 dl_why[400];	/* why loading failed */

const struct ssl_dl_api *const	 ssl_dl_api = &tab;

/* dlopen soname into *api; *dlp gets the handle. 0, or -1 and why. */
static int
api_open(const char *soname, struct ssl_dl_api *api, void **dlp, char *why,
    size_t whylen)
{
	const char	*missing = NULL;
	void		*dl;

	*dlp = NULL;
	if ((dl = dl_open(soname, why, whylen)) == NULL)
		return -1;
#define SSL_DL_SYM(f) \
	if (missing == NULL && \
	    (api->f = (__typeof__(api->f))dlsym(dl, #f)) == NULL) \
		missing = #f;
	SSL_DL_FUNCS(SSL_DL_SYM)
#undef SSL_DL_SYM
	if (missing != NULL) {
		memset(api, 0, sizeof(*api));
		return dl_refuse(dl, soname, missing, why, whylen);
	}
	*dlp = dl;
	return 0;
}

/* pthread_once: load libssl for the process. */
static void
dl_load(void)
{
	void	*dl;

	if (api_open(SSL_DL_SONAME, &tab, &dl, dl_why, sizeof(dl_why)) == 0)
		__atomic_store_n(&dl_ok, 1, __ATOMIC_RELEASE);
}

int
ssl_dl_load(struct err *e)
{
	pthread_once(&dl_once, dl_load);
	if (ssl_dl_loaded())
		return 0;
	return err_set(e, E_NOTFOUND, "%s", dl_why);
}

int
ssl_dl_loaded(void)
{
	return __atomic_load_n(&dl_ok, __ATOMIC_ACQUIRE);
}

int
ssl_dl_probe(const char *soname, struct err *e)
{
	struct ssl_dl_api	 api;
	char			 why[400];
	void			*dl;

	if (api_open(soname, &api, &dl, why, sizeof(why)) == -1)
		return err_set(e, E_NOTFOUND, "%s", why);
	dlclose(dl);
	return 0;
}
