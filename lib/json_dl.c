/* pkish - ISC license, see LICENSE */
/*
 * DOC: lib/json_dl - json-c, loaded when the ACME engine starts or JSON
 * is first parsed.
 *
 * json-c is not linked: only acme/ and lib/json.c use it, and a start
 * that never speaks ACME should not map it. The first json_dl_load()
 * dlopen()s libjson-c.so.5 and resolves every entry of struct
 * json_dl_api, once per process (lib/dl.c); a failure is
 * reported to every caller with the same message. json-c keeps no global
 * state that needs initialising. The library is never unloaded.
 */
#include <dlfcn.h>
#include "lib/dl.h"
#include "lib/json_dl.h"

static struct json_dl_api	 tab;		/* read-only once loaded */

const struct json_dl_api *const	 json_dl_api = &tab;

/* Every entry of the table from dl; NULL, or the first name missing. */
static const char *
resolve(void *dl, void *p)
{
	struct json_dl_api	*api = p;

#define JSON_DL_SYM(f) \
	if ((api->f = (__typeof__(api->f))dlsym(dl, #f)) == NULL) \
		return #f;
	JSON_DL_FUNCS(JSON_DL_SYM)
#undef JSON_DL_SYM
	return NULL;
}

static struct dl_lib	 lib = DL_LIB(JSON_DL_SONAME, resolve, tab);

int
json_dl_load(struct err *e)
{
	return dl_lib_load(&lib, e);
}

int
json_dl_loaded(void)
{
	return dl_lib_loaded(&lib);
}

int
json_dl_probe(const char *soname, struct err *e)
{
	return dl_lib_probe(&lib, soname, e);
}
