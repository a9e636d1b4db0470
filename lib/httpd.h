/* lib/httpd.h - tiny HTTP/1.1 responder for ACME HTTP-01 (RFC 8555
 * section 8.3). Answers only `GET /.well-known/acme-challenge/<token>` for
 * registered tokens (200, text/plain, the key authorization) and 404 to
 * everything else. One listener thread with a poll loop; requests capped
 * at HTTPD_MAX_REQ bytes and a per-connection read timeout. All functions
 * are thread-safe. */
#ifndef LIB_HTTPD_H
#define LIB_HTTPD_H
#include <stddef.h>
#include "err.h"

#define HTTPD_MAX_REQ		8192	/* bytes of request head */
#define HTTPD_TIMEOUT_MS	5000	/* per connection, default */
#define HTTPD_MAX_CONN		64	/* concurrent connections */
#define HTTPD_MAX_BODY		65536	/* longest request body */

/* Routes (served beside the HTTP-01 tokens). */
struct httpd_request {
	const char		*method;	/* "GET", "POST", ... */
	const char		*path;		/* URL path, no query, not decoded */
	const char		*content_type;	/* request Content-Type or NULL */
	const unsigned char	*body;		/* POST body, or NULL */
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
struct httpd;
/* Fills *resp and returns 0; -1 means "500 Internal Server Error". */
typedef int (*httpd_handler)(void *arg, const struct httpd_request *,
    struct httpd_response *);
/* Query argument NAME, URL-decoded, or NULL (valid during the handler). */
const char *httpd_req_arg(const struct httpd_request *, const char *name);
/* Serve every request whose path is PREFIX or starts with PREFIX + '/';
 * a POST body over max_body gets 413. Replaces a route of that prefix. */
int	 httpd_route_add(struct httpd *, const char *prefix, size_t max_body,
	    httpd_handler, void *arg, struct err *);
/* 0 when removed; waits until no handler of this route is running. */
int	 httpd_route_del(struct httpd *, const char *prefix);

struct httpd;

struct httpd	*httpd_new(struct err *);
/* Stops if running, drops all tokens. NULL is fine. */
void	 httpd_free(struct httpd *);
/* Bind addr:port (numeric; NULL = any IPv4; port 0 = ephemeral) and start
 * the listener thread. -1 with E_IO/E_PERM/E_EXISTS if already running. */
int	 httpd_start(struct httpd *, const char *addr, int port, struct err *);
/* Close the listener and every connection; waits for the thread. */
void	 httpd_stop(struct httpd *);
int	 httpd_running(struct httpd *);
int	 httpd_port(struct httpd *);	/* bound port, 0 when stopped */
/* Per-connection timeout for reading the request, milliseconds. */
void	 httpd_set_timeout(struct httpd *, int ms);

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
/* Counters since httpd_new: 200 answers, other answers. */
void	 httpd_stats(struct httpd *, unsigned long *ok, unsigned long *other);

#endif
