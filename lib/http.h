/* lib/http.h - the one HTTP client wrapper: a built-in HTTP/1.1 client
 * for http:// and https:// (TLS with libssl), which keeps one connection
 * per client (keep-alive) for the next request to the same origin;
 * libcurl (loaded with dlopen on first use) only for requests through an
 * environment proxy (http_proxy, https_proxy, all_proxy).
 * Not thread-safe per client: one client per thread/exchange. */
#ifndef LIB_HTTP_H
#define LIB_HTTP_H
#include <stddef.h>
#include "err.h"

struct http_req {
	const char	*method;	/* "GET", "POST", "HEAD" */
	const char	*url;
	const char	*content_type;	/* POST only */
	const void	*body;
	size_t		 body_len;
	const char	*extra_ca_pem;	/* trustpool PEM, trusted besides the
					 * system anchors */
	long		 timeout_ms;	/* whole request; 0 = 30 s */
	size_t		 max_body;	/* 0 = 1 MiB; larger responses fail */
	int		 https_only;	/* refuse http:// (ACME) */
};

struct http_hdr {
	char	*name;
	char	*value;
};

struct http_resp {
	long		 status;
	unsigned char	*body;		/* NUL-terminated, body_len bytes */
	size_t		 body_len;
	struct http_hdr	*hdrs;		/* of the final response only */
	size_t		 nhdrs;
};

struct http_client;

struct http_client *http_client_new(void);
/* Closes the client's kept connection. */
void	 http_client_free(struct http_client *);
/* 0 when a response arrived (any status), -1 on transport failure:
 * e->code E_NET/E_TIMEOUT/E_CRYPTO, e->detail = curl code (7 refused,
 * 28 timeout, 35 TLS handshake, 52/55/56, 60 certificate ...), as
 * libcurl would report it. A request on a reused connection that the
 * server had closed is retried once on a new connection. */
int	 http_do(struct http_client *, const struct http_req *,
	    struct http_resp *, struct err *);
void	 http_resp_free(struct http_resp *);
/* Free the process-wide cache of TLS contexts and their trust stores
 * (one per extra_ca_pem, shared by all connections; connections keep
 * their own references); at shutdown. Safe at any time. */
void	 http_cleanup(void);
/* curl_global_cleanup() if libcurl was loaded; once, at exit, when no
 * thread uses lib/http any more. (There is no global init: lib/http
 * initialises libcurl when it loads it.) */
void	 http_global_cleanup(void);
/* First header with that name (case-insensitive), or NULL. */
const char *http_resp_header(const struct http_resp *, const char *);
/* n-th header with that name (for repeated Link headers), or NULL. */
const char *http_resp_header_n(const struct http_resp *, const char *, size_t);

#endif
