/* pkish - ISC license, see LICENSE */
/*
 * DOC: lib/crypt_dl - libcrypt, loaded when a type 5 secret is first
 * checked (lib/secret.c).
 *
 * libcrypt is not linked: crypt_r for MD5-crypt is all pkish takes from
 * it (types 8 and 9 are libcrypto KDFs), and a start that never checks a
 * type 5 secret should not map it. The first crypt_dl_load() dlopen()s
 * libcrypt.so.1 and resolves crypt_r, once per process
 * (lib/dl.c); a failure is reported to every caller with the same
 * message. The library is never unloaded.
 */
#include <dlfcn.h>
#include "lib/dl.h"
#include "lib/crypt_dl.h"

static struct crypt_dl_api	 tab;		/* read-only once loaded */

const struct crypt_dl_api *const	 crypt_dl_api = &tab;

/* Every entry of the table from dl; NULL, or the first name missing. */
static const char *
resolve(void *dl, void *p)
{
	struct crypt_dl_api	*api = p;

#define CRYPT_DL_SYM(f) \
	if ((api->f = (__typeof__(api->f))dlsym(dl, #f)) == NULL) \
		return #f;
	CRYPT_DL_FUNCS(CRYPT_DL_SYM)
#undef CRYPT_DL_SYM
	return NULL;
}

static struct dl_lib	 lib = DL_LIB(CRYPT_DL_SONAME, resolve, tab);

int
crypt_dl_load(struct err *e)
{
	return dl_lib_load(&lib, e);
}

int
crypt_dl_loaded(void)
{
	return dl_lib_loaded(&lib);
}

int
crypt_dl_probe(const char *soname, struct err *e)
{
	return dl_lib_probe(&lib, soname, e);
}
