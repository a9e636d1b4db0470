/* pkish - ISC license, see LICENSE */
/*
 * DOC: lib/http_conn - the connection of lib/http's built-in client.
 * A client keeps one connection to one origin (scheme, host, port,
 * RFC 6454) between requests, HTTP/1.1 persistence (RFC 9112 section
 * 9.3); http_conn_get() hands it out again for the same origin (and, for
 * https, the same trust anchors) while it is still open and idle, or
 * opens a new one: names resolved with getaddrinfo() (blocking, outside
 * the deadline), every address tried in turn, IPv6 and IPv4 alike, on
 * non-blocking sockets; for https:// the TLS handshake of
 * lib/http_tls.c. Sending and receiving go through plain send()/recv()
 * or SSL_write/SSL_read, every wait being a poll() against the request's
 * deadline (WANT_READ and WANT_WRITE alike). A failure that looks like a
 * kept connection the server had already dropped (end of stream, reset
 * or broken pipe before any response byte) marks the connection stale,
 * so that lib/http_plain.c retries the request once on a new one.
 * Failures carry libcurl's codes in e->detail: 6 unresolved, 7 refused
 * or unreachable, 28 timeout (E_TIMEOUT), 55/56 send/receive errors.
 * A connection is used by one thread at a time (its client's).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <netdb.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include "http.h"
#include "http_int.h"

#define READ_SZ		16384		/* bytes per read */

int64_t
http_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int
http_fail(struct err *e, enum err_code code, int detail, const char *fmt,
    ...)
{
	va_list ap;

	if (e == NULL)
		return -1;
	e->code = code;
	e->detail = detail;
	va_start(ap, fmt);
	vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
	va_end(ap);
	return -1;
}

int
http_conn_timed_out(const struct http_conn *c, struct err *e)
{
	return http_fail(e, E_TIMEOUT, HTTP_E_TIMEOUT, "Operation timed out "
	    "after %lld milliseconds with %zu bytes received",
	    (long long)(http_now_ms() - c->start), c->total);
}

/* Wait until fd is ready for ev or the deadline passes. 0 or -1. */
static int
wait_fd(int fd, short ev, int64_t deadline)
{
	struct pollfd	pf = { fd, ev, 0 };
	int64_t		left;
	int		n;

	for (;;) {
		if ((left = deadline - http_now_ms()) <= 0)
			return -1;
		n = poll(&pf, 1, left > INT32_MAX ? INT32_MAX : (int)left);
		if (n > 0)
			return 0;
		if (n < 0 && errno != EINTR)
			return -1;
	}
}

int
http_conn_wait(struct http_conn *c, short ev)
{
	return wait_fd(c->fd, ev, c->deadline);
}

/* Connect to one address before the deadline; the fd, or -1 and errno
 * (ETIMEDOUT when the deadline passed). */
static int
dial_one(const struct addrinfo *ai, int64_t deadline)
{
	socklen_t	sl = sizeof(int);
	int		fd, soerr = 0, one = 1;

	fd = socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK |
	    SOCK_CLOEXEC, ai->ai_protocol);
	if (fd < 0)
		return -1;
	if (connect(fd, ai->ai_addr, ai->ai_addrlen) == -1) {
		if (errno != EINPROGRESS)
			goto bad;
		if (wait_fd(fd, POLLOUT, deadline) == -1) {
			errno = ETIMEDOUT;
			goto bad;
		}
		if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &sl) == -1)
			goto bad;
		if (soerr != 0) {
			errno = soerr;
			goto bad;
		}
	}
	/* a request goes out in one write; no Nagle wait after it */
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	return fd;
 bad:
	soerr = errno;
	close(fd);
	errno = soerr;
	return -1;
}

/* Resolve and connect, trying every address in order. 0 or -1. */
static int
dial(const struct http_url *u, struct http_conn *c, long cto, struct err *e)
{
	struct addrinfo	 hints, *res = NULL, *ai;
	int64_t		 cdl = c->start + cto;
	int		 rc, last = ECONNREFUSED;

	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_NUMERICSERV;
	if ((rc = getaddrinfo(u->host, u->port, &hints, &res)) != 0)
		return http_fail(e, E_NET, HTTP_E_RESOLVE, "Could not resolve "
		    "host: %s (%s)", u->host, gai_strerror(rc));
	if (cdl > c->deadline)
		cdl = c->deadline;
	for (ai = res; ai != NULL && c->fd < 0; ai = ai->ai_next) {
		if ((c->fd = dial_one(ai, cdl)) < 0)
			last = errno;
		if (last == ETIMEDOUT)
			break;
	}
	freeaddrinfo(res);
	if (c->fd >= 0)
		return 0;
	if (last == ETIMEDOUT)
		return http_fail(e, E_TIMEOUT, HTTP_E_TIMEOUT, "Connection to "
		    "%s port %s timed out after %lld milliseconds", u->host,
		    u->port, (long long)(http_now_ms() - c->start));
	return http_fail(e, E_NET, HTTP_E_CONNECT, "Failed to connect to %s "
	    "port %s after %lld ms: %s", u->host, u->port,
	    (long long)(http_now_ms() - c->start), strerror(last));
}

void
http_conn_free(struct http_conn *c)
{
	if (c == NULL)
		return;
	if (c->ssl != NULL)
		http_tls_close(c);
	if (c->fd >= 0)
		close(c->fd);
	free(c->buf);
	free(c);
}

/* 1 if kept connection c can carry a request for u verified with md. */
static int
reusable(struct http_conn *c, const struct http_url *u,
    const unsigned char *md)
{
	struct pollfd pf = { c->fd, POLLIN, 0 };

	if (c->tls != u->tls || strcasecmp(c->host, u->host) != 0 ||
	    strcmp(c->port, u->port) != 0 || c->eof || c->off != c->len ||
	    (c->tls && memcmp(c->ca_md, md, sizeof(c->ca_md)) != 0))
		return 0;
	/* idle: anything readable is an end of stream, a reset, a TLS
	 * close_notify or stray bytes, none of which leaves it usable
	 * (a TLS session ticket alone is read and the connection kept) */
	if (poll(&pf, 1, 0) == 0)
		return 1;
	return c->tls && http_tls_idle_ok(c);
}

/* Start an exchange on c: clock, counters and buffer. */
static void
begin(struct http_conn *c, int64_t start, int64_t deadline)
{
	c->start = start;
	c->deadline = deadline;
	c->off = c->len = c->total = 0;
	c->stale = c->unclean = c->io_errno = 0;
	c->nreq++;
}

/* A new connection to u, connected and (https) handshaken. */
static struct http_conn *
conn_open(const struct http_url *u, const char *pem,
    const unsigned char *md, int64_t start, int64_t deadline, long cto,
    struct err *e)
{
	struct http_conn *c;

	if ((c = calloc(1, sizeof(*c))) == NULL) {
		http_fail(e, E_NOMEM, 0, "out of memory");
		return NULL;
	}
	c->fd = -1;
	c->tls = u->tls;
	snprintf(c->host, sizeof(c->host), "%s", u->host);
	snprintf(c->port, sizeof(c->port), "%s", u->port);
	memcpy(c->ca_md, md, sizeof(c->ca_md));
	begin(c, start, deadline);
	if (dial(u, c, cto, e) == -1 ||
	    (u->tls && http_tls_connect(c, u, pem, e) == -1)) {
		http_conn_free(c);
		return NULL;
	}
	return c;
}

/*
 * The connection for a request to u: the kept one in *cp when it serves
 * the same origin with the same trust anchors and is idle and open,
 * else a new one, which replaces (and closes) it in *cp. The exchange's
 * clock runs from start to deadline; connecting gets cto ms of it at
 * most. 0, or -1 with e set and *cp NULL.
 */
int
http_conn_get(struct http_conn **cp, const struct http_url *u,
    const char *pem, int64_t start, int64_t deadline, long cto,
    struct err *e)
{
	unsigned char md[32] = { 0 };

	if (u->tls && http_tls_pem_md(pem, md) == -1)
		return http_fail(e, E_CRYPTO, HTTP_E_SSL_CONNECT, "SHA-256 of "
		    "the trusted certificates failed");
	if (*cp != NULL && reusable(*cp, u, md)) {
		begin(*cp, start, deadline);
		return 0;
	}
	http_conn_free(*cp);
	*cp = conn_open(u, pem, md, start, deadline, cto, e);
	return *cp != NULL ? 0 : -1;
}

/* One send() step; see enum http_io. */
static enum http_io
plain_write(struct http_conn *c, const void *p, size_t n, size_t *w,
    struct err *e)
{
	ssize_t r;

	while ((r = send(c->fd, p, n, MSG_NOSIGNAL)) < 0 && errno == EINTR)
		;
	if (r >= 0) {
		*w = (size_t)r;
		return HTTP_IO_OK;
	}
	if (errno == EAGAIN || errno == EWOULDBLOCK)
		return HTTP_IO_WANT_WRITE;
	c->io_errno = errno;
	http_fail(e, E_NET, HTTP_E_SEND, "Send failure: %s", strerror(errno));
	return HTTP_IO_ERR;
}

/* One recv() step; see enum http_io. */
static enum http_io
plain_read(struct http_conn *c, void *p, size_t n, size_t *got,
    struct err *e)
{
	ssize_t r;

	while ((r = recv(c->fd, p, n, 0)) < 0 && errno == EINTR)
		;
	if (r > 0) {
		*got = (size_t)r;
		return HTTP_IO_OK;
	}
	if (r == 0)
		return HTTP_IO_EOF;
	if (errno == EAGAIN || errno == EWOULDBLOCK)
		return HTTP_IO_WANT_READ;
	c->io_errno = errno;
	http_fail(e, E_NET, HTTP_E_RECV, "Recv failure: %s", strerror(errno));
	return HTTP_IO_ERR;
}

/* Wait for what a WANT_READ or WANT_WRITE step needs. 0, or -1 (e
 * set) when the deadline passed. */
static int
want_wait(struct http_conn *c, enum http_io st, struct err *e)
{
	if (http_conn_wait(c, st == HTTP_IO_WANT_READ ? POLLIN : POLLOUT) ==
	    -1)
		return http_conn_timed_out(c, e);
	return 0;
}

/* Send all n bytes before the deadline. 0 or -1. */
int
http_conn_send(struct http_conn *c, const void *p, size_t n, struct err *e)
{
	size_t		w;
	enum http_io	st;

	while (n > 0) {
		w = 0;
		st = c->ssl ? http_tls_write(c, p, n, &w, e) :
		    plain_write(c, p, n, &w, e);
		if (st == HTTP_IO_OK) {
			p = (const char *)p + w;
			n -= w;
		} else if (st == HTTP_IO_ERR || st == HTTP_IO_EOF) {
			c->stale = c->io_errno == EPIPE ||
			    c->io_errno == ECONNRESET;
			return -1;
		} else if (want_wait(c, st, e) == -1)
			return -1;
	}
	return 0;
}

/* Room for READ_SZ more bytes in c->buf (consumed bytes dropped). */
static int
make_room(struct http_conn *c, struct err *e)
{
	unsigned char *nb;

	if (c->off > 0) {
		memmove(c->buf, c->buf + c->off, c->len - c->off);
		c->len -= c->off;
		c->off = 0;
	}
	if (c->cap - c->len >= READ_SZ)
		return 0;
	if ((nb = realloc(c->buf, c->len + READ_SZ)) == NULL)
		return http_fail(e, E_NOMEM, 0, "out of memory");
	c->buf = nb;
	c->cap = c->len + READ_SZ;
	return 0;
}

/*
 * Receive more bytes into c->buf (the consumed part is dropped first).
 * 1 when bytes arrived, 0 at end of stream, -1 on error or timeout.
 */
int
http_conn_fill(struct http_conn *c, struct err *e)
{
	size_t		got;
	enum http_io	st;

	if (c->eof)
		return 0;
	if (make_room(c, e) == -1)
		return -1;
	for (;;) {
		got = 0;
		st = c->ssl ? http_tls_read(c, c->buf + c->len,
		    c->cap - c->len, &got, e) : plain_read(c, c->buf + c->len,
		    c->cap - c->len, &got, e);
		switch (st) {
		case HTTP_IO_OK:
			c->len += got;
			c->total += got;
			return 1;
		case HTTP_IO_EOF:
			c->eof = 1;
			c->stale = c->total == 0;
			return 0;
		case HTTP_IO_WANT_READ:
		case HTTP_IO_WANT_WRITE:
			if (want_wait(c, st, e) == -1)
				return -1;
			break;
		default:
			c->stale = c->total == 0 && c->io_errno == ECONNRESET;
			return -1;
		}
	}
}
