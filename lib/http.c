/* pkish - ISC license, see LICENSE */
/*
 * DOC: lib/http - the one HTTP client wrapper. A request for an http://
 * URL goes to the built-in HTTP/1.1 client (lib/http_plain.c), so SCEP
 * (plain HTTP, RFC 8894 section 4.1) never loads libcurl; https:// goes
 * to libcurl (lib/http_curl.c), which is loaded with dlopen the first
 * time one is made, so a process that never speaks TLS never maps
 * libcurl and the thirty libraries it pulls in. libcurl keeps http://
 * when a proxy is configured in the environment (http_proxy, all_proxy),
 * since only libcurl applies proxies and no_proxy. Both clients report
 * a transport failure the same way: E_NET, E_TIMEOUT or E_CRYPTO with
 * curl's error code in e->detail (7 refused, 28 timeout ...).
 * A client is used by one thread at a time; it owns its libcurl easy
 * handle (created on first use, kept for keep-alive).
 */
#define _GNU_SOURCE
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "http.h"
#include "http_int.h"

struct http_client {
	void	*curl;		/* libcurl easy handle, NULL until https */
};

/*
 * A new client; nothing is loaded or connected yet. NULL only when out
 * of memory. Free with http_client_free().
 */
struct http_client *
http_client_new(void)
{
	return calloc(1, sizeof(struct http_client));
}

void
http_client_free(struct http_client *h)
{
	if (h == NULL)
		return;
	http_curl_handle_free(h->curl);
	free(h);
}

/* 1 if an environment proxy could apply to an http:// URL (libcurl's
 * variables; it also reads no_proxy, so libcurl decides). */
static int
proxy_set(void)
{
	static const char *const vars[] = { "http_proxy", "all_proxy",
	    "ALL_PROXY" };
	const char *v;

	for (size_t i = 0; i < sizeof(vars) / sizeof(vars[0]); i++)
		if ((v = getenv(vars[i])) != NULL && v[0] != '\0')
			return 1;
	return 0;
}

/*
 * Perform one request. Returns 0 when a response arrived (any status;
 * *r is the caller's, free with http_resp_free), -1 on a transport
 * failure (nothing to free): e->code E_NET, E_TIMEOUT or E_CRYPTO with
 * curl's code in e->detail, or E_PROTO when the body exceeds the cap.
 */
int
http_do(struct http_client *h, const struct http_req *q, struct http_resp *r,
    struct err *e)
{
	struct http_url	u;

	memset(r, 0, sizeof(*r));
	if (q->https_only && strncasecmp(q->url, "https://", 8) != 0) {
		err_set(e, E_NET, "Protocol not allowed: %s (https only)",
		    q->url);
		if (e)
			e->detail = HTTP_E_UNSUPPORTED;
		return -1;
	}
	if (!q->https_only && !proxy_set() &&
	    http_url_parse(q->url, &u) == 0)
		return http_plain_do(&u, q, r, e);
	return http_curl_do(&h->curl, q, r, e);
}

/* Drop the libcurl trust store cache (connections keep their own
 * references). Safe at any time, also when libcurl was never loaded. */
void
http_cleanup(void)
{
	http_curl_cleanup();
}

/* curl_global_cleanup() once libcurl was loaded; at exit only. */
void
http_global_cleanup(void)
{
	http_curl_global_cleanup();
}

/* Append one header (copied) to r; past HTTP_MAX_HDRS they are
 * dropped. 0, or -1 when out of memory. */
int
http_hdr_add(struct http_resp *r, const char *name, size_t nl,
    const char *value, size_t vl)
{
	struct http_hdr	*nh;
	char		*n, *v;

	if (r->nhdrs >= HTTP_MAX_HDRS)
		return 0;
	if ((nh = realloc(r->hdrs, (r->nhdrs + 1) * sizeof(*nh))) == NULL)
		return -1;
	r->hdrs = nh;
	if ((n = strndup(name, nl)) == NULL || (v = strndup(value, vl)) ==
	    NULL) {
		free(n);
		return -1;
	}
	nh[r->nhdrs].name = n;
	nh[r->nhdrs].value = v;
	r->nhdrs++;
	return 0;
}

void
http_hdrs_clear(struct http_resp *r)
{
	for (size_t i = 0; i < r->nhdrs; i++) {
		free(r->hdrs[i].name);
		free(r->hdrs[i].value);
	}
	free(r->hdrs);
	r->hdrs = NULL;
	r->nhdrs = 0;
}

void
http_resp_free(struct http_resp *r)
{
	if (r == NULL)
		return;
	http_hdrs_clear(r);
	free(r->body);
	r->body = NULL;
	r->body_len = 0;
}

const char *
http_resp_header_n(const struct http_resp *r, const char *name, size_t n)
{
	for (size_t i = 0; i < r->nhdrs; i++)
		if (strcasecmp(r->hdrs[i].name, name) == 0 && n-- == 0)
			return r->hdrs[i].value;
	return NULL;
}

const char *
http_resp_header(const struct http_resp *r, const char *name)
{
	return http_resp_header_n(r, name, 0);
}
