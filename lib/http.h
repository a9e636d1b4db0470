/* lib/http.h - the one HTTP client: every outgoing request (ACME, SCEP,
 * CA and CRL fetches, through a proxy or not) goes through libcurl here.
 * A client keeps one libcurl easy handle, so the requests of one engine
 * session share its connections (keep-alive) and its DNS cache.
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
	int		 https_only;	/* refuse http://, also in redirects
					 * (ACME) */
	int		 max_redirs;	/* GET/HEAD: follow up to this many
					 * redirects (SCEP); 0 = none, and a
					 * POST never follows one */
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

/* A new client (libcurl initialised for the process on first use); NULL
 * when libcurl cannot be initialised or memory is short. */
struct http_client *http_client_new(void);
/* Closes the client's kept connections. */
void	 http_client_free(struct http_client *);
/* 0 when a response arrived (any status), -1 on transport failure:
 * e->code E_NET/E_TIMEOUT/E_CRYPTO with libcurl's CURLcode in e->detail
 * (7 refused, 28 timeout, 35 TLS handshake, 56 receive, 60 certificate
 * ...), or E_PROTO "response too large" past max_body. */
int	 http_do(struct http_client *, const struct http_req *,
	    struct http_resp *, struct err *);
void	 http_resp_free(struct http_resp *);
/* curl_global_cleanup(); once, at exit, when no thread uses lib/http
 * any more. */
void	 http_global_cleanup(void);
/* First header with that name (case-insensitive), or NULL. */
const char *http_resp_header(const struct http_resp *, const char *);
/* n-th header with that name (for repeated Link headers), or NULL. */
const char *http_resp_header_n(const struct http_resp *, const char *, size_t);

#endif
