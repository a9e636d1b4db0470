/* pkish - ISC license, see LICENSE */
/*
 * DOC: lib/json_dl - json-c, loaded when the ACME engine starts or JSON
 * is first parsed.
 *
 * json-c is not linked: only acme/ and lib/json.c use it, and a start
 * that never speaks ACME should not map it. The first json_dl_load()
 * dlopen()s libjson-c.so.5 and resolves every entry of struct
 * json_dl_api, once per process under pthread_once; a failure is
 * reported to every caller with the same message. json-c keeps no global
 * state that needs initialising. The library is never unloaded.
 */
#include <dlfcn.h>
#include <pthread.h>
#include <string.h>
#include "lib/dl.h"
#include "lib/json_dl.h"

static pthread_once_t		 dl_once = PTHREAD_ONCE_INIT;
static struct json_dl_api	 tab;		/* read-only once dl_ok set */
static int			 dl_ok;		/* 1 once loaded; atomic */
static char			 dl_why[400];	/* why loading failed */

const struct json_dl_api *const	 json_dl_api = &tab;

/* dlopen soname into *api; *dlp gets the handle. 0, or -1 and why. */
static int
api_open(const char *soname, struct json_dl_api *api, void **dlp, char *why,
    size_t whylen)
{
	const char	*missing = NULL;
	void		*dl;

	*dlp = NULL;
	if ((dl = dl_open(soname, why, whylen)) == NULL)
		return -1;
#define JSON_DL_SYM(f) \
	if (missing == NULL && \
	    (api->f = (__typeof__(api->f))dlsym(dl, #f)) == NULL) \
		missing = #f;
	JSON_DL_FUNCS(JSON_DL_SYM)
#undef JSON_DL_SYM
	if (missing != NULL) {
		memset(api, 0, sizeof(*api));
		return dl_refuse(dl, soname, missing, why, whylen);
	}
	*dlp = dl;
	return 0;
}

/* pthread_once: load json-c for the process. */
static void
dl_load(void)
{
	void	*dl;

	if (api_open(JSON_DL_SONAME, &tab, &dl, dl_why, sizeof(dl_why)) == 0)
		__atomic_store_n(&dl_ok, 1, __ATOMIC_RELEASE);
}

int
json_dl_load(struct err *e)
{
	pthread_once(&dl_once, dl_load);
	if (json_dl_loaded())
		return 0;
	return err_set(e, E_NOTFOUND, "%s", dl_why);
}

int
json_dl_loaded(void)
{
	return __atomic_load_n(&dl_ok, __ATOMIC_ACQUIRE);
}

int
json_dl_probe(const char *soname, struct err *e)
{
	struct json_dl_api	 api;
	char			 why[400];
	void			*dl;

	if (api_open(soname, &api, &dl, why, sizeof(why)) == -1)
		return err_set(e, E_NOTFOUND, "%s", why);
	dlclose(dl);
	return 0;
}
