/* pkish - ISC license, see LICENSE */
/*
 * DOC: lib/dl - open a library that pkish does not link.
 * libssl, json-c, libcrypt and libssh are dlopen()ed where they are first
 * needed (lib/ssl_dl.c, lib/json_dl.c, lib/crypt_dl.c, shell/ssh_dl.c), so
 * that a start which never speaks TLS, parses JSON, checks a type 5
 * secret or serves SSH does not map them. Each describes itself with a
 * struct dl_lib (its table and a resolve() made from its X-macro list);
 * this file opens, resolves once under the struct's mutex, words the
 * failures and keeps the answer. Libraries are never unloaded.
 */
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "lib/dl.h"

/* dlerror() text without a leading "soname: ", which we print anyway. */
static const char *
reason(const char *soname)
{
	const char	*de = dlerror();
	size_t		 n = strlen(soname);

	if (de == NULL)
		return "unknown error";
	if (strncmp(de, soname, n) == 0 && de[n] == ':' && de[n + 1] == ' ')
		de += n + 2;
	return de;
}

/* dlopen soname and resolve l's entries into api; *dlp gets the handle.
 * 0, or -1 and why. */
static int
lib_open(const struct dl_lib *l, const char *soname, void *api, void **dlp,
    char *why, size_t whylen)
{
	const char	*missing;
	void		*dl;

	*dlp = NULL;
	if ((dl = dlopen(soname, RTLD_NOW | RTLD_LOCAL)) == NULL) {
		snprintf(why, whylen, "cannot load %s: %s", soname,
		    reason(soname));
		return -1;
	}
	if ((missing = l->resolve(dl, api)) != NULL) {
		snprintf(why, whylen, "cannot load %s: it has no %s", soname,
		    missing);
		memset(api, 0, l->apisize);
		dlclose(dl);
		return -1;
	}
	*dlp = dl;
	return 0;
}

int
dl_lib_load(struct dl_lib *l, struct err *e)
{
	void	*dl;

	if (dl_lib_loaded(l))
		return 0;
	pthread_mutex_lock(&l->mu);
	if (!l->tried) {
		l->tried = 1;
		if (lib_open(l, l->soname, l->api, &dl, l->why,
		    sizeof(l->why)) == 0)
			__atomic_store_n(&l->ok, 1, __ATOMIC_RELEASE);
	}
	pthread_mutex_unlock(&l->mu);
	if (dl_lib_loaded(l))
		return 0;
	return err_set(e, E_NOTFOUND, "%s", l->why);
}

int
dl_lib_loaded(struct dl_lib *l)
{
	return __atomic_load_n(&l->ok, __ATOMIC_ACQUIRE);
}

int
dl_lib_probe(const struct dl_lib *l, const char *soname, struct err *e)
{
	char	 why[400];
	void	*api, *dl;
	int	 rc;

	if ((api = calloc(1, l->apisize)) == NULL)
		return err_set(e, E_NOMEM, "out of memory");
	rc = lib_open(l, soname, api, &dl, why, sizeof(why));
	free(api);
	if (rc == -1)
		return err_set(e, E_NOTFOUND, "%s", why);
	dlclose(dl);
	return 0;
}
