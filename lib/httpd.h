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
/* Register (or replace) token -> body; both copied. */
int	 httpd_token_add(struct httpd *, const char *token, const char *body,
	    struct err *);
/* 0 if removed, -1 if it was not registered. */
int	 httpd_token_del(struct httpd *, const char *token);
size_t	 httpd_token_count(struct httpd *);
/* Counters since httpd_new: 200 answers, other answers. */
void	 httpd_stats(struct httpd *, unsigned long *ok, unsigned long *other);

#endif
