/* lib/http_int.h - lib/http internals shared by lib/http*.c (and the unit
 * tests) only. lib/http.c dispatches a request to the built-in client
 * (lib/http_plain.c, http:// URLs) or to libcurl (lib/http_curl.c,
 * https://, loaded with dlopen on first use). */
#ifndef LIB_HTTP_INT_H
#define LIB_HTTP_INT_H
#include <stddef.h>
#include "http.h"

#define HTTP_MAX_BODY		(1024 * 1024)	/* default body cap */
#define HTTP_MAX_HDRS		128		/* more are dropped */
#define HTTP_TIMEOUT_MS		30000L		/* whole request */
#define HTTP_CONNECT_MS		10000L		/* connect, when no timeout */

/* curl's error codes, kept in e->detail by both clients */
#define HTTP_E_UNSUPPORTED	1	/* CURLE_UNSUPPORTED_PROTOCOL */
#define HTTP_E_FAILED_INIT	2	/* CURLE_FAILED_INIT */
#define HTTP_E_URL		3	/* CURLE_URL_MALFORMAT */
#define HTTP_E_RESOLVE		6	/* CURLE_COULDNT_RESOLVE_HOST */
#define HTTP_E_CONNECT		7	/* CURLE_COULDNT_CONNECT */
#define HTTP_E_WEIRD		8	/* CURLE_WEIRD_SERVER_REPLY */
#define HTTP_E_PARTIAL		18	/* CURLE_PARTIAL_FILE */
#define HTTP_E_TIMEOUT		28	/* CURLE_OPERATION_TIMEDOUT */
#define HTTP_E_NOTHING		52	/* CURLE_GOT_NOTHING */
#define HTTP_E_SEND		55	/* CURLE_SEND_ERROR */
#define HTTP_E_RECV		56	/* CURLE_RECV_ERROR */

/* An http:// URL split for the built-in client. */
struct http_url {
	char		 host[256];	/* name or address, no brackets */
	char		 hostport[264];	/* Host header: [v6]:port, :80 left out */
	char		 port[6];	/* decimal, "80" by default */
	const char	*target;	/* borrowed: path and query, or NULL */
	size_t		 target_len;	/* up to the fragment */
};

/* Split an http:// URL. -1 (no message) when the built-in client does
 * not take it: another scheme, userinfo, an IPv6 zone, a bad port, or a
 * byte outside printable ASCII; libcurl then decides. */
int	 http_url_parse(const char *url, struct http_url *);
/* One exchange over a new connection, closed afterwards. Same contract
 * as http_do(); r is zeroed first and freed on failure. */
int	 http_plain_do(const struct http_url *, const struct http_req *,
	    struct http_resp *, struct err *);

/* One exchange through libcurl on *c (an easy handle created on first
 * use, kept for keep-alive; free with http_curl_handle_free). */
int	 http_curl_do(void **c, const struct http_req *, struct http_resp *,
	    struct err *);
void	 http_curl_handle_free(void *);
void	 http_curl_cleanup(void);		/* http_cleanup() */
void	 http_curl_global_cleanup(void);	/* http_global_cleanup() */

/* dlopen soname and resolve every curl_* entry point lib/http_curl.c
 * uses, then close it again: the loader's own check, callable with other
 * names (tests). 0, or -1 with E_NET and detail 2 (CURLE_FAILED_INIT)
 * when the library or a symbol is missing. */
int	 http_curl_probe(const char *soname, struct err *);
/* 1 once this process has loaded libcurl through lib/http. */
int	 http_curl_loaded(void);

/* Response helpers shared by both clients. */
int	 http_hdr_add(struct http_resp *, const char *name, size_t nl,
	    const char *value, size_t vl);
void	 http_hdrs_clear(struct http_resp *);

#endif
