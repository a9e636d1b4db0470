/* pkish - ISC license, see LICENSE */
/*
 * DOC: lib/http - the one HTTP client wrapper. Requests for http:// and
 * https:// URLs go to the built-in HTTP/1.1 client (lib/http_plain.c
 * over lib/http_conn.c, TLS with libssl in lib/http_tls.c), which keeps
 * one connection per client for the next request to the same origin.
 * libcurl (lib/http_curl.c, loaded with dlopen the first time it is
 * needed, with the thirty libraries it pulls in) serves only requests
 * an environment proxy may apply to (http_proxy for http://,
 * https_proxy for https://, all_proxy for both; libcurl also reads
 * no_proxy, so it decides) and URLs the built-in client does not take
 * (userinfo, IPv6 zones). Both clients report a transport failure the
 * same way: E_NET, E_TIMEOUT or E_CRYPTO with curl's error code in
 * e->detail (7 refused, 28 timeout, 60 certificate ...).
 * A client is used by one thread at a time; it owns its kept connection
 * and its libcurl easy handle (each created on first use).
 */
#define _GNU_SOURCE
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "http.h"
#include "http_int.h"

struct http_client {
	struct http_conn	*conn;	/* kept connection, or NULL */
	void			*curl;	/* libcurl easy handle, or NULL */
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
	http_conn_free(h->conn);
	http_curl_handle_free(h->curl);
	free(h);
}

static int
env_set(const char *name)
{
	const char *v = getenv(name);

	return v != NULL && v[0] != '\0';
}

/* 1 if an environment proxy could apply to a URL of that scheme
 * (libcurl's variables: no upper-case HTTP_PROXY, as libcurl ignores it;
 * it also reads no_proxy, so libcurl decides). */
static int
proxy_set(int tls)
{
	if (env_set("all_proxy") || env_set("ALL_PROXY"))
		return 1;
	return tls ? env_set("https_proxy") || env_set("HTTPS_PROXY") :
	    env_set("http_proxy");
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
	if (http_url_parse(q->url, &u) == 0 && !proxy_set(u.tls))
		return http_plain_do(&h->conn, &u, q, r, e);
	return http_curl_do(&h->curl, q, r, e);
}

/* Drop the cached TLS contexts and trust stores (connections keep their
 * own references). Safe at any time. */
void
http_cleanup(void)
{
	http_tls_cleanup();
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
