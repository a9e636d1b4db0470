/* pkish - ISC license, see LICENSE */
/*
 * DOC: lib/ssl_dl - libssl, loaded when the first TLS client context is
 * built (lib/http_tls.c http_tls_ctx_get1).
 *
 * libssl is not linked: only the built-in HTTPS client uses it, and a
 * start that never speaks TLS should not map it. libcrypto stays linked
 * (keys, certificates, the BIO and ERR calls of lib/http_tls.c). The
 * first ssl_dl_load() dlopen()s libssl.so.3 and resolves every entry of
 * struct ssl_dl_api, once per process (lib/dl.c); a failure is
 * reported to every caller with the same message. libssl initialises
 * itself in SSL_CTX_new (OPENSSL_init_ssl). When libcurl was loaded
 * first (an https proxy), libssl is already mapped as its dependency and
 * dlopen() returns that same copy. The library is never unloaded.
 */
#include <dlfcn.h>
#include "lib/dl.h"
#include "lib/ssl_dl.h"

static struct ssl_dl_api	 tab;		/* read-only once loaded */

const struct ssl_dl_api *const	 ssl_dl_api = &tab;

/* Every entry of the table from dl; NULL, or the first name missing. */
static const char *
resolve(void *dl, void *p)
{
	struct ssl_dl_api	*api = p;

#define SSL_DL_SYM(f) \
	if ((api->f = (__typeof__(api->f))dlsym(dl, #f)) == NULL) \
		return #f;
	SSL_DL_FUNCS(SSL_DL_SYM)
#undef SSL_DL_SYM
	return NULL;
}

static struct dl_lib	 lib = DL_LIB(SSL_DL_SONAME, resolve, tab);

int
ssl_dl_load(struct err *e)
{
	return dl_lib_load(&lib, e);
}

int
ssl_dl_loaded(void)
{
	return dl_lib_loaded(&lib);
}

int
ssl_dl_probe(const char *soname, struct err *e)
{
	return dl_lib_probe(&lib, soname, e);
}
