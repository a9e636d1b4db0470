/* lib/httpd.h - the process's HTTP listener, built on libmicrohttpd. It
 * answers `GET /.well-known/acme-challenge/<token>` for registered ACME
 * HTTP-01 tokens (RFC 8555 section 8.3: 200, text/plain, the key
 * authorization) and hands every request under a registered ROUTE prefix
 * to that route's handler (SCEP, CRLs, metrics); anything else gets 404.
 * A pool of threads (one per core, at least two) serves the connections;
 * the library caps the connection count (in all and per client address),
 * the request head (its memory limit) and the idle time per connection;
 * a whole request must also arrive within a deadline, so a client that
 * trickles its head is cut off. Keep-alive is served. All functions are
 * thread-safe. */
#ifndef LIB_HTTPD_H
#define LIB_HTTPD_H
#include <stddef.h>
#include "err.h"

#define HTTPD_MAX_REQ		8192	/* bytes of request head, about */
#define HTTPD_TIMEOUT_MS	5000	/* idle time per connection, default */
#define HTTPD_REQ_MS		10000	/* a whole request must arrive in */
#define HTTPD_MAX_CONN		256	/* concurrent connections */
#define HTTPD_MAX_CONN_IP	32	/* of them from one client address */
#define HTTPD_MAX_BODY		65536	/* a route's usual body cap */

struct httpd;

struct httpd_request {
	const char		*method;	/* "GET", "POST", ... */
	const char		*path;		/* URL path, no query, not decoded */
	const char		*content_type;	/* request Content-Type or NULL */
	const unsigned char	*body;		/* POST body (NUL after it), or NULL */
	size_t			 body_len;
	const char		*peer;		/* numeric peer address */
	void			*impl;		/* the library's, for httpd_req_arg */
};

struct httpd_response {
	int		 status;		/* 200, 400, 404, ... */
	const char	*content_type;		/* static string, or NULL */
	unsigned char	*body;			/* malloc'd; the listener frees it */
	size_t		 body_len;
};

/* A route handler runs on one of the listener's pool threads (several at
 * once). It fills *resp and returns 0; -1 means "500 Internal Server
 * Error". It must not delete its own route. */
typedef int (*httpd_handler)(void *arg, const struct httpd_request *,
    struct httpd_response *);

struct httpd	*httpd_new(struct err *);
/* Stops if running, drops all tokens and routes. NULL is fine. */
void	 httpd_free(struct httpd *);
/* Bind addr:port (numeric; NULL = any: IPv6 and IPv4 where the host has
 * IPv6, else IPv4; port 0 = ephemeral) and start the pool. -1 with E_INVAL
 * (bad address or port), E_PERM (privileged port), E_IO (in use, other
 * socket errors) or E_EXISTS if already running. */
int	 httpd_start(struct httpd *, const char *addr, int port, struct err *);
/* Close the listener and every connection; waits for the pool. */
void	 httpd_stop(struct httpd *);
int	 httpd_running(struct httpd *);
int	 httpd_port(struct httpd *);	/* bound port, 0 when stopped */
/* Per-connection idle timeout, milliseconds (the library counts whole
 * seconds: rounded up). Takes effect at the next httpd_start. */
void	 httpd_set_timeout(struct httpd *, int ms);
/* Connection caps (in all, per client address) and the whole-request
 * deadline in ms; 0 keeps a value. Takes effect at the next httpd_start. */
void	 httpd_set_limits(struct httpd *, unsigned conns, unsigned per_ip,
	    int req_ms);

/* The shared running listener for addr:port (NULL addr = any), started by
 * the first caller; each caller holds a reference. NULL with "e" set if
 * it cannot listen (port 0: one shared ephemeral listener). */
struct httpd	*httpd_acquire(const char *addr, int port, struct err *);
/* Drop one reference; the last one stops and frees it. NULL is fine. */
void	 httpd_release(struct httpd *);

/* Register (or replace) token -> body; both copied. */
int	 httpd_token_add(struct httpd *, const char *token, const char *body,
	    struct err *);
/* 0 if removed, -1 if it was not registered. */
int	 httpd_token_del(struct httpd *, const char *token);
size_t	 httpd_token_count(struct httpd *);
/* Counters since httpd_new of the answers pkish made (not the library's
 * own 4xx to malformed requests): 200 answers, other answers. */
void	 httpd_stats(struct httpd *, unsigned long *ok, unsigned long *other);

/* Query argument NAME, URL-decoded, or NULL (valid during the handler). */
const char *httpd_req_arg(const struct httpd_request *, const char *name);
/* Serve every request whose path is PREFIX or starts with PREFIX followed
 * by '/' ("/cgi-bin/pkiclient.exe", "/scep", "/crl"; the longest prefix
 * wins); max_body caps a POST body (larger: 413 without calling the
 * handler). Replaces a route of the same prefix. */
int	 httpd_route_add(struct httpd *, const char *prefix, size_t max_body,
	    httpd_handler, void *arg, struct err *);
/* 0 when removed (-1 if there was none); waits until no handler of this
 * route is running. */
int	 httpd_route_del(struct httpd *, const char *prefix);

#endif
