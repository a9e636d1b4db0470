/* pkish - ISC license, see LICENSE */
/*
 * DOC: lib/http_curl - the libcurl half of lib/http: requests through
 * an environment proxy (and URLs the built-in client does not take).
 * libcurl is not linked: the first such request dlopen()s libcurl.so.4
 * (the OpenSSL flavour, which shares our libssl and libcrypto), resolves
 * the few curl_* entry points below and runs curl_global_init(), once
 * per process under pthread_once; a failure is reported to every caller
 * as E_NET with detail 2 (CURLE_FAILED_INIT). The library is never
 * unloaded.
 * An easy handle per client keeps one keep-alive connection; size-capped
 * bodies; every header of the final response; curl's error code in
 * e->detail; TLS verified against the trust store of lib/http_tls.c's
 * cached context for the caller's extra PEM (http_tls_ctx_get1, which
 * loads libssl for our own SSL_* calls: lib/ssl_dl.h).
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <curl/curl.h>
#include <openssl/ssl.h>
#include "http.h"
#include "http_int.h"
#include "ssl_dl.h"

#define CURL_SONAME	"libcurl.so.4"

/* The curl_* entry points used here, resolved with dlsym. */
struct curl_api {
	CURLcode	 (*global_init)(long);
	void		 (*global_cleanup)(void);
	CURL		*(*easy_init)(void);
	void		 (*easy_cleanup)(CURL *);
	void		 (*easy_reset)(CURL *);
	CURLcode	 (*easy_setopt)(CURL *, CURLoption, ...);
	CURLcode	 (*easy_getinfo)(CURL *, CURLINFO, ...);
	CURLcode	 (*easy_perform)(CURL *);
	const char	*(*easy_strerror)(CURLcode);
	struct curl_slist *(*slist_append)(struct curl_slist *, const char *);
	void		 (*slist_free_all)(struct curl_slist *);
};

static pthread_once_t	 cu_once = PTHREAD_ONCE_INIT;
static struct curl_api	 cu;		/* read-only once cu_ok is set */
static int		 cu_ok;		/* 1 once loaded; atomic */
static char		 cu_why[400];	/* why loading failed */

/* Fail like every other transport error: E_NET, curl's code in detail. */
static int
fail(struct err *e, enum err_code code, int detail, const char *msg)
{
	err_set(e, code, "%s", msg);
	if (e)
		e->detail = detail;
	return -1;
}

#define SYM(f, name) \
	((api->f = (__typeof__(api->f))dlsym(dl, name)) != NULL || \
	    (missing = name, 0))

/* dlopen soname into *api; *dlp gets the handle. 0, or -1 and why. */
static int
api_open(const char *soname, struct curl_api *api, void **dlp, char *why,
    size_t whylen)
{
	const char	*missing = NULL, *de;
	void		*dl;

	*dlp = NULL;
	if ((dl = dlopen(soname, RTLD_NOW | RTLD_LOCAL)) == NULL) {
		de = dlerror();
		snprintf(why, whylen, "HTTPS needs libcurl, which cannot be "
		    "loaded: %s", de ? de : soname);
		return -1;
	}
	if (!(SYM(global_init, "curl_global_init") &&
	    SYM(global_cleanup, "curl_global_cleanup") &&
	    SYM(easy_init, "curl_easy_init") &&
	    SYM(easy_cleanup, "curl_easy_cleanup") &&
	    SYM(easy_reset, "curl_easy_reset") &&
	    SYM(easy_setopt, "curl_easy_setopt") &&
	    SYM(easy_getinfo, "curl_easy_getinfo") &&
	    SYM(easy_perform, "curl_easy_perform") &&
	    SYM(easy_strerror, "curl_easy_strerror") &&
	    SYM(slist_append, "curl_slist_append") &&
	    SYM(slist_free_all, "curl_slist_free_all"))) {
		snprintf(why, whylen, "HTTPS needs libcurl: %s has no %s",
		    soname, missing);
		dlclose(dl);
		return -1;
	}
	*dlp = dl;
	return 0;
}

#undef SYM

/* pthread_once: load libcurl and initialise it, for the process. */
static void
cu_load(void)
{
	void	*dl;
	CURLcode rc;

	if (api_open(CURL_SONAME, &cu, &dl, cu_why, sizeof(cu_why)) == -1)
		return;
	if ((rc = cu.global_init(CURL_GLOBAL_DEFAULT)) != CURLE_OK) {
		snprintf(cu_why, sizeof(cu_why), "curl_global_init: %s",
		    cu.easy_strerror(rc));
		return;				/* dl stays: harmless */
	}
	__atomic_store_n(&cu_ok, 1, __ATOMIC_RELEASE);
}

/* libcurl, loaded and initialised; 0, or -1 with E_NET detail 2. */
static int
cu_get(struct err *e)
{
	pthread_once(&cu_once, cu_load);
	if (http_curl_loaded())
		return 0;
	return fail(e, E_NET, HTTP_E_FAILED_INIT, cu_why);
}

int
http_curl_probe(const char *soname, struct err *e)
{
	struct curl_api	 api;
	char		 why[400];
	void		*dl;

	if (api_open(soname, &api, &dl, why, sizeof(why)) == -1)
		return fail(e, E_NET, HTTP_E_FAILED_INIT, why);
	dlclose(dl);
	return 0;
}

int
http_curl_loaded(void)
{
	return __atomic_load_n(&cu_ok, __ATOMIC_ACQUIRE);
}

struct sink {
	struct http_resp	*r;		/* borrowed */
	size_t			 max;		/* body cap, bytes */
	int			 overflow;	/* the cap was hit */
};

static size_t
on_body(char *p, size_t sz, size_t n, void *arg)
{
	struct sink *s = arg;
	struct http_resp *r = s->r;
	unsigned char *nb;
	size_t len = sz * n;

	if (r->body_len + len > s->max) {
		s->overflow = 1;
		return 0;
	}
	if ((nb = realloc(r->body, r->body_len + len + 1)) == NULL)
		return 0;
	r->body = nb;
	memcpy(r->body + r->body_len, p, len);
	r->body_len += len;
	r->body[r->body_len] = '\0';
	return len;
}

static size_t
on_header(char *p, size_t sz, size_t n, void *arg)
{
	struct sink *s = arg;
	struct http_resp *r = s->r;
	size_t len = sz * n, nl, vl;
	const char *colon, *v;

	if (len >= 5 && strncmp(p, "HTTP/", 5) == 0) {
		http_hdrs_clear(r);	/* a new (e.g. final) response */
		return len;
	}
	if ((colon = memchr(p, ':', len)) == NULL)
		return len;
	nl = (size_t)(colon - p);
	for (v = colon + 1; v < p + len && (*v == ' ' || *v == '\t'); v++)
		;
	vl = (size_t)(p + len - v);
	while (vl > 0 && (v[vl - 1] == '\r' || v[vl - 1] == '\n' ||
	    v[vl - 1] == ' '))
		vl--;
	return http_hdr_add(r, p, nl, v, vl) == -1 ? 0 : len;
}

/* curl_global_cleanup, if libcurl was loaded; at exit, no thread left
 * using it. libcurl stays mapped (and cannot be initialised again). */
void
http_curl_global_cleanup(void)
{
	if (http_curl_loaded())
		cu.global_cleanup();
}

/* libcurl's SSL_CTX hook: swap in the trust store of lib/http_tls.c's
 * shared context for this extra_ca_pem. */
static CURLcode
on_sslctx(CURL *c, void *sslctx, void *arg)
{
	SSL_CTX *ctx;

	(void)c;
	if ((ctx = http_tls_ctx_get1(arg, NULL)) == NULL)
		return CURLE_SSL_CACERT_BADFILE;
	SSL_CTX_set1_cert_store(sslctx, SSL_CTX_get_cert_store(ctx));
	SSL_CTX_free(ctx);		/* sslctx holds the store's ref */
	return CURLE_OK;
}

static void
setup(CURL *c, const struct http_req *q, struct sink *s, char *errbuf,
    struct curl_slist *hl)
{
	cu.easy_reset(c);
	cu.easy_setopt(c, CURLOPT_URL, q->url);
	cu.easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	cu.easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
	cu.easy_setopt(c, CURLOPT_TIMEOUT_MS, q->timeout_ms ? q->timeout_ms :
	    HTTP_TIMEOUT_MS);
	cu.easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, q->timeout_ms ?
	    q->timeout_ms : HTTP_CONNECT_MS);
	cu.easy_setopt(c, CURLOPT_PROTOCOLS_STR, q->https_only ? "https" :
	    "http,https");
	cu.easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
	cu.easy_setopt(c, CURLOPT_WRITEDATA, s);
	cu.easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
	cu.easy_setopt(c, CURLOPT_HEADERDATA, s);
	cu.easy_setopt(c, CURLOPT_USERAGENT, "pkish");
	/* one request at a time on one connection: HTTP/1.1 keep-alive costs
	 * less per request than HTTP/2 framing (0.13 vs 0.19 ms measured) */
	cu.easy_setopt(c, CURLOPT_HTTP_VERSION, (long)CURL_HTTP_VERSION_1_1);
	/* no CA file or path: on_sslctx installs the cached store */
	cu.easy_setopt(c, CURLOPT_CAINFO, NULL);
	cu.easy_setopt(c, CURLOPT_CAPATH, NULL);
	cu.easy_setopt(c, CURLOPT_SSL_CTX_FUNCTION, on_sslctx);
	cu.easy_setopt(c, CURLOPT_SSL_CTX_DATA, (void *)q->extra_ca_pem);
	if (hl)
		cu.easy_setopt(c, CURLOPT_HTTPHEADER, hl);
	if (q->method && strcmp(q->method, "POST") == 0) {
		cu.easy_setopt(c, CURLOPT_POST, 1L);
		cu.easy_setopt(c, CURLOPT_POSTFIELDS, q->body ? q->body : "");
		cu.easy_setopt(c, CURLOPT_POSTFIELDSIZE, (long)q->body_len);
	} else if (q->method && strcmp(q->method, "HEAD") == 0)
		cu.easy_setopt(c, CURLOPT_NOBODY, 1L);
	else
		cu.easy_setopt(c, CURLOPT_HTTPGET, 1L);
}

static int
map_error(CURLcode rc, const char *errbuf, int overflow, struct err *e)
{
	enum err_code code = E_NET;

	if (overflow)
		return fail(e, E_PROTO, 0, "response body too large");
	if (rc == CURLE_OPERATION_TIMEDOUT)
		code = E_TIMEOUT;
	else if (rc == CURLE_PEER_FAILED_VERIFICATION ||
	    rc == CURLE_SSL_CACERT_BADFILE)
		code = E_CRYPTO;
	return fail(e, code, (int)rc, errbuf[0] ? errbuf :
	    cu.easy_strerror(rc));
}

/* Free an easy handle from http_curl_do (NULL: nothing to do). */
void
http_curl_handle_free(void *c)
{
	if (c != NULL)
		cu.easy_cleanup(c);	/* c exists, so libcurl is loaded */
}

/*
 * One exchange through libcurl on the client's easy handle *cp (created
 * here on first use). 0 when a response arrived, -1 otherwise with *r
 * freed; see http_do().
 */
int
http_curl_do(void **cp, const struct http_req *q, struct http_resp *r,
    struct err *e)
{
	char errbuf[CURL_ERROR_SIZE] = "", ct[256];
	struct curl_slist *hl = NULL, *nl;
	struct sink s = { r, q->max_body ? q->max_body : HTTP_MAX_BODY, 0 };
	CURLcode rc;

	memset(r, 0, sizeof(*r));
	if (cu_get(e) == -1)
		return -1;
	if (*cp == NULL && (*cp = cu.easy_init()) == NULL)
		return fail(e, E_NET, HTTP_E_FAILED_INIT, "curl_easy_init "
		    "failed");
	if (q->content_type) {
		snprintf(ct, sizeof(ct), "Content-Type: %s", q->content_type);
		if ((nl = cu.slist_append(hl, ct)) != NULL)
			hl = nl;
	}
	if ((nl = cu.slist_append(hl, "Expect:")) != NULL)
		hl = nl;
	setup(*cp, q, &s, errbuf, hl);
	rc = cu.easy_perform(*cp);
	cu.slist_free_all(hl);
	if (rc != CURLE_OK) {
		map_error(rc, errbuf, s.overflow, e);
		http_resp_free(r);
		return -1;
	}
	cu.easy_getinfo(*cp, CURLINFO_RESPONSE_CODE, &r->status);
	if (r->body == NULL && (r->body = calloc(1, 1)) == NULL) {
		http_resp_free(r);
		return err_set(e, E_NOMEM, "out of memory");
	}
	return 0;
}
