/* lib/http.h - the one HTTP client wrapper: a built-in HTTP/1.1 client
 * for http:// (one connection per request), libcurl for https:// (loaded
 * with dlopen on first use; one easy handle per client, so keep-alive
 * connections are reused across requests).
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
	const char	*extra_ca_pem;	/* trustpool PEM added to system bundle */
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
void	 http_client_free(struct http_client *);
/* 0 when a response arrived (any status), -1 on transport failure:
 * e->code E_NET/E_TIMEOUT/E_CRYPTO, e->detail = curl code (7, 28, 60 ...). */
int	 http_do(struct http_client *, const struct http_req *,
	    struct http_resp *, struct err *);
void	 http_resp_free(struct http_resp *);
/* Free the process-wide cache of trust stores (one per extra_ca_pem,
 * shared by all connections); at shutdown. Safe at any time. */
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
