/* pkish - ISC license, see LICENSE */
/*
 * DOC: shell/ssh_dl - libssh, loaded when the SSH server starts.
 *
 * libssh is not linked (with it come libgssapi_krb5, libkrb5 and half a
 * dozen more, a cost paid by every start). The first ssh_dl_load()
 * dlopen()s libssh.so.4 and resolves every entry of struct ssh_dl_api,
 * once per process under pthread_once; a failure is reported to every
 * caller with the same message. libssh's constructor initialises it on
 * load; ssh_init()/ssh_finalize() stay with the server's start and stop.
 * The library is never unloaded.
 */
#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include "shell/ssh_dl.h"

static pthread_once_t		 dl_once = PTHREAD_ONCE_INIT;
static struct ssh_dl_api	 tab;		/* read-only once dl_ok is set */
static int			 dl_ok;		/* 1 once loaded; atomic */
static char			 dl_why[400];	/* why loading failed */

const struct ssh_dl_api *const	 ssh_dl_api = &tab;

/* dlerror() text without a leading "soname: ", which we print anyway. */
static const char *
dl_reason(const char *soname)
{
	const char	*de = dlerror();
	size_t		 n = strlen(soname);

	if (de == NULL)
		return "unknown error";
	if (strncmp(de, soname, n) == 0 && de[n] == ':' && de[n + 1] == ' ')
		de += n + 2;
	return de;
}

/* dlopen soname into *api; *dlp gets the handle. 0, or -1 and why. */
static int
api_open(const char *soname, struct ssh_dl_api *api, void **dlp, char *why,
    size_t whylen)
{
	const char	*missing = NULL;
	void		*dl;

	*dlp = NULL;
	if ((dl = dlopen(soname, RTLD_NOW | RTLD_LOCAL)) == NULL) {
		snprintf(why, whylen, "cannot load %s: %s", soname,
		    dl_reason(soname));
		return -1;
	}
#define SSH_DL_SYM(f) \
	if (missing == NULL && \
	    (api->f = (__typeof__(api->f))dlsym(dl, #f)) == NULL) \
		missing = #f;
	SSH_DL_FUNCS(SSH_DL_SYM)
#undef SSH_DL_SYM
	if (missing != NULL) {
		snprintf(why, whylen, "cannot load %s: it has no %s", soname,
		    missing);
		memset(api, 0, sizeof(*api));
		dlclose(dl);
		return -1;
	}
	*dlp = dl;
	return 0;
}

/* pthread_once: load libssh for the process. */
static void
dl_load(void)
{
	void	*dl;

	if (api_open(SSH_DL_SONAME, &tab, &dl, dl_why, sizeof(dl_why)) == 0)
		__atomic_store_n(&dl_ok, 1, __ATOMIC_RELEASE);
}

int
ssh_dl_load(struct err *e)
{
	pthread_once(&dl_once, dl_load);
	if (ssh_dl_loaded())
		return 0;
	return err_set(e, E_NOTFOUND, "%s", dl_why);
}

int
ssh_dl_loaded(void)
{
	return __atomic_load_n(&dl_ok, __ATOMIC_ACQUIRE);
}

int
ssh_dl_probe(const char *soname, struct err *e)
{
	struct ssh_dl_api	 api;
	char			 why[400];
	void			*dl;

	if (api_open(soname, &api, &dl, why, sizeof(why)) == -1)
		return err_set(e, E_NOTFOUND, "%s", why);
	dlclose(dl);
	return 0;
}
