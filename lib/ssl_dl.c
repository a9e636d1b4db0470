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

DL_DEFINE(ssl, SSL_DL_FUNCS, SSL_DL_SONAME)
