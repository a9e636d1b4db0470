/* pkish - ISC license, see LICENSE */
/*
 * DOC: lib/crypt_dl - libcrypt, loaded when a type 5 secret is first
 * checked (lib/secret.c).
 *
 * libcrypt is not linked: crypt_r for MD5-crypt is all pkish takes from
 * it (types 8 and 9 are libcrypto KDFs), and a start that never checks a
 * type 5 secret should not map it. The first crypt_dl_load() dlopen()s
 * libcrypt.so.1 and resolves crypt_r, once per process under
 * pthread_once; a failure is reported to every caller with the same
 * message. The library is never unloaded.
 */
#include <dlfcn.h>
#include <pthread.h>
#include <string.h>
#include "lib/crypt_dl.h"
#include "lib/dl.h"

static pthread_once_t		 dl_once = PTHREAD_ONCE_INIT;
static struct crypt_dl_api	 tab;		/* read-only once dl_ok set */
static int			 dl_ok;		/* 1 once loaded; atomic */
static char			 dl_why[400];	/* why loading failed */

const struct crypt_dl_api *const	 crypt_dl_api = &tab;

/* dlopen soname into *api; *dlp gets the handle. 0, or -1 and why. */
static int
api_open(const char *soname, struct crypt_dl_api *api, void **dlp, char *why,
    size_t whylen)
{
	const char	*missing = NULL;
	void		*dl;

	*dlp = NULL;
	if ((dl = dl_open(soname, why, whylen)) == NULL)
		return -1;
#define CRYPT_DL_SYM(f) \
	if (missing == NULL && \
	    (api->f = (__typeof__(api->f))dlsym(dl, #f)) == NULL) \
		missing = #f;
	CRYPT_DL_FUNCS(CRYPT_DL_SYM)
#undef CRYPT_DL_SYM
	if (missing != NULL) {
		memset(api, 0, sizeof(*api));
		return dl_refuse(dl, soname, missing, why, whylen);
	}
	*dlp = dl;
	return 0;
}

/* pthread_once: load libcrypt for the process. */
static void
dl_load(void)
{
	void	*dl;

	if (api_open(CRYPT_DL_SONAME, &tab, &dl, dl_why, sizeof(dl_why)) == 0)
		__atomic_store_n(&dl_ok, 1, __ATOMIC_RELEASE);
}

int
crypt_dl_load(struct err *e)
{
	pthread_once(&dl_once, dl_load);
	if (crypt_dl_loaded())
		return 0;
	return err_set(e, E_NOTFOUND, "%s", dl_why);
}

int
crypt_dl_loaded(void)
{
	return __atomic_load_n(&dl_ok, __ATOMIC_ACQUIRE);
}

int
crypt_dl_probe(const char *soname, struct err *e)
{
	struct crypt_dl_api	 api;
	char			 why[400];
	void			*dl;

	if (api_open(soname, &api, &dl, why, sizeof(why)) == -1)
		return err_set(e, E_NOTFOUND, "%s", why);
	dlclose(dl);
	return 0;
}
