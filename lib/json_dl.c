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

DL_DEFINE(json, JSON_DL_FUNCS, JSON_DL_SONAME)
