/* lib/ssl_dl.h - libssl, loaded on first use. Include this after
 * <openssl/ssl.h> wherever libssl is called (lib/http_tls.c,
 * lib/http_curl.c); libcrypto (ERR_*, X509_*, BIO_*, EVP_*) stays linked. */
#ifndef LIB_SSL_DL_H
#define LIB_SSL_DL_H
#include <openssl/ssl.h>
#include "lib/dl.h"
#include "lib/err.h"

/*
 * libssl is not linked: only the built-in HTTPS client uses it, and
 * mapping it cost every start of pkish. ssl_dl_load() dlopen()s
 * SSL_DL_SONAME and fills the table below; the macros further down send
 * each libssl call through it, so callers keep calling libssl by its own
 * names. A libssl function used without an entry here is an undefined
 * reference at link time. Many SSL_* names are macros of <openssl/ssl.h>
 * over SSL_ctrl/SSL_CTX_ctrl (SSL_CTX_set_mode,
 * SSL_CTX_set_min_proto_version, SSL_set_tlsext_host_name): the table
 * holds the function they expand to, which the macro below then
 * redirects.
 */
#define SSL_DL_SONAME	"libssl.so.3"

#define SSL_DL_FUNCS(X) \
	X(SSL_CTX_ctrl) X(SSL_CTX_free) X(SSL_CTX_get_cert_store) \
	X(SSL_CTX_new) X(SSL_CTX_set1_cert_store) X(SSL_CTX_set_verify) \
	X(SSL_CTX_up_ref) X(SSL_connect) X(SSL_ctrl) X(SSL_free) \
	X(SSL_get0_param) X(SSL_get_error) X(SSL_get_verify_result) \
	X(SSL_new) X(SSL_read_ex) X(SSL_set1_host) X(SSL_set_bio) \
	X(SSL_set_hostflags) X(SSL_shutdown) X(SSL_write_ex) \
	X(TLS_client_method)

DL_DECLARE(ssl, SSL_DL_FUNCS)

/*
 * Function-like, so that only calls are redirected: the member names
 * above (not followed by '(') stay as they are. Valid once ssl_dl_load()
 * has returned 0; an SSL_CTX or SSL exists only after that.
 */
#define SSL_DL_CALL(f)	(ssl_dl_api->f)
#define SSL_CTX_ctrl(...)	SSL_DL_CALL(SSL_CTX_ctrl)(__VA_ARGS__)
#define SSL_CTX_free(...)	SSL_DL_CALL(SSL_CTX_free)(__VA_ARGS__)
#define SSL_CTX_get_cert_store(...) \
	SSL_DL_CALL(SSL_CTX_get_cert_store)(__VA_ARGS__)
#define SSL_CTX_new(...)	SSL_DL_CALL(SSL_CTX_new)(__VA_ARGS__)
#define SSL_CTX_set1_cert_store(...) \
	SSL_DL_CALL(SSL_CTX_set1_cert_store)(__VA_ARGS__)
#define SSL_CTX_set_verify(...)	SSL_DL_CALL(SSL_CTX_set_verify)(__VA_ARGS__)
#define SSL_CTX_up_ref(...)	SSL_DL_CALL(SSL_CTX_up_ref)(__VA_ARGS__)
#define SSL_connect(...)	SSL_DL_CALL(SSL_connect)(__VA_ARGS__)
#define SSL_ctrl(...)		SSL_DL_CALL(SSL_ctrl)(__VA_ARGS__)
#define SSL_free(...)		SSL_DL_CALL(SSL_free)(__VA_ARGS__)
#define SSL_get0_param(...)	SSL_DL_CALL(SSL_get0_param)(__VA_ARGS__)
#define SSL_get_error(...)	SSL_DL_CALL(SSL_get_error)(__VA_ARGS__)
#define SSL_get_verify_result(...) \
	SSL_DL_CALL(SSL_get_verify_result)(__VA_ARGS__)
#define SSL_new(...)		SSL_DL_CALL(SSL_new)(__VA_ARGS__)
#define SSL_read_ex(...)	SSL_DL_CALL(SSL_read_ex)(__VA_ARGS__)
#define SSL_set1_host(...)	SSL_DL_CALL(SSL_set1_host)(__VA_ARGS__)
#define SSL_set_bio(...)	SSL_DL_CALL(SSL_set_bio)(__VA_ARGS__)
#define SSL_set_hostflags(...)	SSL_DL_CALL(SSL_set_hostflags)(__VA_ARGS__)
#define SSL_shutdown(...)	SSL_DL_CALL(SSL_shutdown)(__VA_ARGS__)
#define SSL_write_ex(...)	SSL_DL_CALL(SSL_write_ex)(__VA_ARGS__)
#define TLS_client_method(...)	SSL_DL_CALL(TLS_client_method)(__VA_ARGS__)

#endif
