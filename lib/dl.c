/* pkish - ISC license, see LICENSE */
/*
 * DOC: lib/dl - open a library that pkish does not link.
 * json-c, libssl and libcrypt are dlopen()ed where they are first needed
 * (lib/json_dl.c, lib/ssl_dl.c, lib/crypt_dl.c), so that a start which
 * never parses JSON, speaks TLS or checks a type 5 secret does not map
 * them. Each of those keeps its own typed table and pthread_once; this
 * file only opens and words the failures. Libraries are never unloaded.
 */
#include <dlfcn.h>
#include <stdio.h>
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

void *
dl_open(const char *soname, char *why, size_t whylen)
{
	void	*dl;

	if ((dl = dlopen(soname, RTLD_NOW | RTLD_LOCAL)) == NULL)
		snprintf(why, whylen, "cannot load %s: %s", soname,
		    reason(soname));
	return dl;
}

int
dl_refuse(void *dl, const char *soname, const char *sym, char *why,
    size_t whylen)
{
	snprintf(why, whylen, "cannot load %s: it has no %s", soname, sym);
	dlclose(dl);
	return -1;
}
