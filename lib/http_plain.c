/* pkish - ISC license, see LICENSE */
/*
 * DOC: lib/http_plain - the built-in HTTP/1.1 client (RFC 9112) that
 * lib/http uses for http:// URLs, so plain-HTTP exchanges such as SCEP
 * (RFC 8894 section 4.1) run without libcurl. One request per
 * connection: GET, HEAD or POST (with Content-Length) and
 * "Connection: close", then the status line and headers of the final
 * response (1xx interim responses are skipped) and the body framed by
 * RFC 9112 section 6.3: none for HEAD, 1xx, 204 and 304, chunked
 * transfer coding (section 7.1; extensions and trailers skipped),
 * Content-Length, or else until the server closes. The body is capped
 * (http_req.max_body, 1 MiB by default) and NUL-terminated.
 * Timeouts as libcurl applies them in lib/http_curl.c: the whole
 * exchange within timeout_ms (30 s by default), the connect within
 * timeout_ms (10 s by default); every wait is a poll() against that
 * deadline. Names are resolved with getaddrinfo() (blocking, outside the
 * deadline) and every address is tried in turn, IPv6 and IPv4 alike.
 * Failures carry libcurl's codes in e->detail: 6 unresolved, 7 connect
 * refused or unreachable, 28 timeout (E_TIMEOUT), 8 malformed reply,
 * 18 closed before the end of the body, 52 nothing received, 55/56
 * send/receive errors. No state outlives a call; any thread may call.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <netdb.h>
#include <poll.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include "http.h"
#include "http_int.h"

#define HEAD_MAX	(64 * 1024)	/* status line and headers */
#define CHUNK_LINE_MAX	4096		/* a chunk-size line */
#define READ_SZ		16384		/* bytes per recv() */

/* One connection and what has been received on it. */
struct conn {
	int		 fd;		/* owned; -1 when closed */
	int64_t		 deadline;	/* CLOCK_MONOTONIC ms, whole exchange */
	int64_t		 start;		/* CLOCK_MONOTONIC ms, for messages */
	unsigned char	*buf;		/* owned: received, not yet consumed */
	size_t		 off;		/* first unconsumed byte in buf */
	size_t		 len;		/* bytes in buf */
	size_t		 cap;		/* allocated size of buf */
	size_t		 total;		/* bytes received, for messages */
	int		 eof;		/* the server closed its side */
};

/* How the body of a response is delimited (RFC 9112 section 6.3). */
enum framing { FR_NONE, FR_LENGTH, FR_CHUNKED, FR_CLOSE };

struct head {
	enum framing	 framing;
	size_t		 length;	/* FR_LENGTH: bytes */
};

static int64_t
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Set e: code, curl's number in detail, printf message. Returns -1. */
static int __attribute__((format(printf, 4, 5)))
fail(struct err *e, enum err_code code, int detail, const char *fmt, ...)
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

static int
timed_out(const struct conn *c, struct err *e)
{
	return fail(e, E_TIMEOUT, HTTP_E_TIMEOUT, "Operation timed out after "
	    "%lld milliseconds with %zu bytes received",
	    (long long)(now_ms() - c->start), c->total);
}

/* Wait until fd is ready for ev or the deadline passes. 0 or -1. */
static int
wait_fd(int fd, short ev, int64_t deadline)
{
	struct pollfd	pf = { fd, ev, 0 };
	int64_t		left;
	int		n;

	for (;;) {
		if ((left = deadline - now_ms()) <= 0)
			return -1;
		n = poll(&pf, 1, left > INT32_MAX ? INT32_MAX : (int)left);
		if (n > 0)
			return 0;
		if (n < 0 && errno != EINTR)
			return -1;
	}
}

/*
 * Split an http:// URL into host, port, Host header and request target.
 * Anything the built-in client does not take (see http_int.h) is -1.
 */
int
http_url_parse(const char *url, struct http_url *u)
{
	const char	*p, *h, *he, *pe, *t;
	size_t		 hl;
	unsigned long	 port = 80;
	int		 v6 = 0;

	memset(u, 0, sizeof(*u));
	if (strncasecmp(url, "http://", 7) != 0)
		return -1;
	for (p = url; *p != '\0'; p++)
		if ((unsigned char)*p <= 0x20 || (unsigned char)*p >= 0x7f)
			return -1;
	h = url + 7;
	t = h + strcspn(h, "/?#");
	if (memchr(h, '@', (size_t)(t - h)) != NULL)
		return -1;			/* userinfo: libcurl */
	if (*h == '[') {
		if ((he = memchr(h, ']', (size_t)(t - h))) == NULL)
			return -1;
		v6 = 1;
		h++;
		pe = he + 1;
		if (memchr(h, '%', (size_t)(he - h)) != NULL)
			return -1;		/* zone id: libcurl */
	} else {
		he = memchr(h, ':', (size_t)(t - h));
		if (he == NULL)
			he = t;
		pe = he;
	}
	if ((hl = (size_t)(he - h)) == 0 || hl >= sizeof(u->host))
		return -1;
	if (pe < t) {				/* ":port" */
		if (*pe != ':' || pe + 1 == t || t - pe > 6 ||
		    strspn(pe + 1, "0123456789") != (size_t)(t - pe - 1))
			return -1;
		port = strtoul(pe + 1, NULL, 10);
		if (port == 0 || port > 65535)
			return -1;
	}
	memcpy(u->host, h, hl);
	snprintf(u->port, sizeof(u->port), "%lu", port);
	snprintf(u->hostport, sizeof(u->hostport), "%s%s%s%s%s",
	    v6 ? "[" : "", u->host, v6 ? "]" : "", port == 80 ? "" : ":",
	    port == 80 ? "" : u->port);
	if (*t == '/' || *t == '?') {
		u->target = t;
		u->target_len = strcspn(t, "#");
	}
	return 0;
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
	/* the request goes out in one sendmsg(); no Nagle wait after it */
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
dial(const struct http_url *u, struct conn *c, long cto, struct err *e)
{
	struct addrinfo	 hints, *res = NULL, *ai;
	int64_t		 cdl = c->start + cto;
	int		 rc, last = ECONNREFUSED;

	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_NUMERICSERV;
	if ((rc = getaddrinfo(u->host, u->port, &hints, &res)) != 0)
		return fail(e, E_NET, HTTP_E_RESOLVE, "Could not resolve host: "
		    "%s (%s)", u->host, gai_strerror(rc));
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
		return fail(e, E_TIMEOUT, HTTP_E_TIMEOUT, "Connection to %s port "
		    "%s timed out after %lld milliseconds", u->host, u->port,
		    (long long)(now_ms() - c->start));
	return fail(e, E_NET, HTTP_E_CONNECT, "Failed to connect to %s port "
	    "%s after %lld ms: %s", u->host, u->port,
	    (long long)(now_ms() - c->start), strerror(last));
}

/* Send all iov before the deadline. 0 or -1. */
static int
send_all(struct conn *c, struct iovec *iov, int n, struct err *e)
{
	struct msghdr	mh;
	ssize_t		w;

	while (n > 0) {
		memset(&mh, 0, sizeof(mh));
		mh.msg_iov = iov;
		mh.msg_iovlen = (size_t)n;
		if ((w = sendmsg(c->fd, &mh, MSG_NOSIGNAL)) < 0) {
			if (errno == EINTR)
				continue;
			if (errno != EAGAIN && errno != EWOULDBLOCK)
				return fail(e, E_NET, HTTP_E_SEND,
				    "Send failure: %s", strerror(errno));
			if (wait_fd(c->fd, POLLOUT, c->deadline) == -1)
				return timed_out(c, e);
			continue;
		}
		for (; n > 0 && (size_t)w >= iov->iov_len; iov++, n--)
			w -= (ssize_t)iov->iov_len;
		if (n > 0) {
			iov->iov_base = (char *)iov->iov_base + w;
			iov->iov_len -= (size_t)w;
		}
	}
	return 0;
}

/* The request head and body (RFC 9112 section 3). 0 or -1. */
static int
send_request(struct conn *c, const struct http_url *u,
    const struct http_req *q, const char *method, struct err *e)
{
	struct iovec	 iov[2];
	char		*head = NULL, clen[48] = "";
	int		 n, rc;

	if (q->body != NULL || strcmp(method, "POST") == 0)
		snprintf(clen, sizeof(clen), "Content-Length: %zu\r\n",
		    q->body ? q->body_len : 0);
	/* origin-form (section 3.2.1): "/" before a bare query */
	n = asprintf(&head, "%s %s%.*s HTTP/1.1\r\nHost: %s\r\n"
	    "User-Agent: pkish\r\nAccept: */*\r\nConnection: close\r\n"
	    "%s%s%s%s\r\n", method, u->target == NULL ||
	    u->target[0] == '?' ? "/" : "", (int)u->target_len,
	    u->target ? u->target : "", u->hostport,
	    q->content_type ? "Content-Type: " : "",
	    q->content_type ? q->content_type : "",
	    q->content_type ? "\r\n" : "", clen);
	if (n < 0)
		return fail(e, E_NOMEM, 0, "out of memory");
	iov[0].iov_base = head;
	iov[0].iov_len = (size_t)n;
	iov[1].iov_base = (void *)q->body;
	iov[1].iov_len = q->body ? q->body_len : 0;
	rc = send_all(c, iov, iov[1].iov_len ? 2 : 1, e);
	free(head);
	return rc;
}

/*
 * Receive more bytes into c->buf (the consumed part is dropped first).
 * 1 when bytes arrived, 0 at end of stream, -1 on error or timeout.
 */
static int
fill(struct conn *c, struct err *e)
{
	unsigned char	*nb;
	ssize_t		 n;

	if (c->eof)
		return 0;
	if (c->off > 0) {
		memmove(c->buf, c->buf + c->off, c->len - c->off);
		c->len -= c->off;
		c->off = 0;
	}
	if (c->cap - c->len < READ_SZ) {
		if ((nb = realloc(c->buf, c->len + READ_SZ)) == NULL)
			return fail(e, E_NOMEM, 0, "out of memory");
		c->buf = nb;
		c->cap = c->len + READ_SZ;
	}
	for (;;) {
		n = recv(c->fd, c->buf + c->len, c->cap - c->len, 0);
		if (n > 0) {
			c->len += (size_t)n;
			c->total += (size_t)n;
			return 1;
		}
		if (n == 0) {
			c->eof = 1;
			return 0;
		}
		if (errno == EINTR)
			continue;
		if (errno != EAGAIN && errno != EWOULDBLOCK)
			return fail(e, E_NET, HTTP_E_RECV, "Recv failure: %s",
			    strerror(errno));
		if (wait_fd(c->fd, POLLIN, c->deadline) == -1)
			return timed_out(c, e);
	}
}

/* Offset just past the first "\n" at or after from in the unconsumed
 * bytes, or 0 when there is none yet. */
static size_t
find_nl(const struct conn *c, size_t from)
{
	const unsigned char *p;

	if (from >= c->len)
		return 0;
	p = memchr(c->buf + from, '\n', c->len - from);
	return p ? (size_t)(p - c->buf) + 1 : 0;
}

/* Append n bytes to the body, capped at max. 0 or -1. */
static int
body_add(struct http_resp *r, size_t *cap, const unsigned char *p, size_t n,
    size_t max, struct err *e)
{
	unsigned char	*nb;
	size_t		 want;

	if (n > max - r->body_len)
		return fail(e, E_PROTO, 0, "response body too large");
	if (r->body_len + n + 1 > *cap) {
		want = *cap ? *cap * 2 : 4096;
		if (want < r->body_len + n + 1)
			want = r->body_len + n + 1;
		if (max < SIZE_MAX && want > max + 1)
			want = max + 1;
		if ((nb = realloc(r->body, want)) == NULL)
			return fail(e, E_NOMEM, 0, "out of memory");
		r->body = nb;
		*cap = want;
	}
	memcpy(r->body + r->body_len, p, n);
	r->body_len += n;
	r->body[r->body_len] = '\0';
	return 0;
}

/*
 * Receive until the unconsumed bytes hold a whole head (status line,
 * headers, empty line); *end is the offset just past it. 0 or -1.
 */
static int
read_head(struct conn *c, size_t *end, struct err *e)
{
	size_t	rel = 0, ls, nl;	/* line start, relative to c->off */
	int	rc;

	for (;;) {
		for (ls = c->off + rel; (nl = find_nl(c, ls)) != 0; ls = nl) {
			if (nl - ls == 1 || (nl - ls == 2 && c->buf[ls] == '\r')) {
				*end = nl;
				return 0;
			}
		}
		rel = ls - c->off;
		if (c->len - c->off > HEAD_MAX)
			return fail(e, E_NET, HTTP_E_RECV, "Too large response "
			    "headers (over %d bytes)", HEAD_MAX);
		if ((rc = fill(c, e)) == -1)
			return -1;
		if (rc == 0 && c->total == 0)
			return fail(e, E_NET, HTTP_E_NOTHING,
			    "Empty reply from server");
		if (rc == 0)
			return fail(e, E_NET, HTTP_E_WEIRD, "Connection closed "
			    "in the response headers (%zu bytes received)",
			    c->total);
	}
}

/* Content-Length (RFC 9110 section 8.6): digits; a repeated value must
 * be the same. 0 or -1. */
static int
parse_length(const char *v, size_t vl, struct head *hd, int *seen)
{
	size_t	n = 0, i;

	if (vl == 0)
		return -1;
	for (i = 0; i < vl; i++) {
		if (v[i] < '0' || v[i] > '9' || n > (SIZE_MAX - 9) / 10)
			return -1;
		n = n * 10 + (size_t)(v[i] - '0');
	}
	if (*seen && hd->length != n)
		return -1;
	*seen = 1;
	hd->length = n;
	return 0;
}

/* 1 if the last coding in a Transfer-Encoding value is "chunked". */
static int
te_chunked(const char *v, size_t vl)
{
	const char *last = v;

	for (size_t i = 0; i < vl; i++)
		if (v[i] == ',')
			last = v + i + 1;
	while (last < v + vl && (*last == ' ' || *last == '\t'))
		last++;
	return (size_t)(v + vl - last) == 7 && strncasecmp(last, "chunked",
	    7) == 0;
}

/* Status line (RFC 9112 section 4): "HTTP/1.x NNN[ reason]". */
static int
parse_status(const char *p, size_t n, long *status)
{
	if (n < 12 || strncmp(p, "HTTP/1.", 7) != 0 || p[7] < '0' ||
	    p[7] > '9' || p[8] != ' ' || strspn(p + 9, "0123456789") < 3 ||
	    (n > 12 && p[12] != ' ') || p[9] == '0')
		return -1;
	*status = (p[9] - '0') * 100 + (p[10] - '0') * 10 + (p[11] - '0');
	return 0;
}

/* Append an obs-fold continuation to the last header value. */
static int
fold_add(struct http_resp *r, const char *v, size_t vl)
{
	struct http_hdr	*h = &r->hdrs[r->nhdrs - 1];
	size_t		 ol = strlen(h->value);
	char		*nv;

	if ((nv = realloc(h->value, ol + vl + 2)) == NULL)
		return -1;
	nv[ol] = ' ';
	memcpy(nv + ol + 1, v, vl);
	nv[ol + vl + 1] = '\0';
	h->value = nv;
	return 0;
}

/* One header line (no line end) into r and hd. 0 or -1. */
static int
parse_header(const char *p, size_t n, struct http_resp *r, struct head *hd,
    int *te, int *cl, int *folded_ok, struct err *e)
{
	const char	*colon, *v;
	size_t		 nl, vl;

	v = p;
	if (*p == ' ' || *p == '\t') {		/* obs-fold, section 5.2 */
		while (v < p + n && (*v == ' ' || *v == '\t'))
			v++;
		if (*folded_ok && fold_add(r, v, (size_t)(p + n - v)) == -1)
			return fail(e, E_NOMEM, 0, "out of memory");
		return 0;
	}
	*folded_ok = 0;
	if ((colon = memchr(p, ':', n)) == NULL || colon == p)
		return 0;			/* not a header: skipped */
	nl = (size_t)(colon - p);
	for (v = colon + 1; v < p + n && (*v == ' ' || *v == '\t'); v++)
		;
	vl = (size_t)(p + n - v);
	while (vl > 0 && (v[vl - 1] == ' ' || v[vl - 1] == '\t'))
		vl--;
	if (nl == 14 && strncasecmp(p, "Content-Length", 14) == 0 &&
	    parse_length(v, vl, hd, cl) == -1)
		return fail(e, E_NET, HTTP_E_WEIRD, "Invalid Content-Length: "
		    "%.*s", (int)(vl > 40 ? 40 : vl), v);
	if (nl == 17 && strncasecmp(p, "Transfer-Encoding", 17) == 0)
		*te = te_chunked(v, vl) ? 2 : 1;
	if (r->nhdrs >= HTTP_MAX_HDRS)
		return 0;
	if (http_hdr_add(r, p, nl, v, vl) == -1)
		return fail(e, E_NOMEM, 0, "out of memory");
	*folded_ok = 1;
	return 0;
}

/*
 * Parse the head in c->buf[c->off, end) into r (status, headers) and hd
 * (body framing, RFC 9112 section 6.3). 0 or -1.
 */
static int
parse_head(struct conn *c, size_t end, int is_head, struct http_resp *r,
    struct head *hd, struct err *e)
{
	const char	*p = (const char *)c->buf + c->off;
	const char	*lim = (const char *)c->buf + end, *nl;
	size_t		 n;
	int		 te = 0, cl = 0, fok = 0, first = 1;

	memset(hd, 0, sizeof(*hd));
	for (; p < lim; p = nl + 1) {
		nl = memchr(p, '\n', (size_t)(lim - p));
		n = (size_t)(nl - p);
		if (n > 0 && p[n - 1] == '\r')
			n--;
		if (first) {
			if (parse_status(p, n, &r->status) == -1)
				return fail(e, E_NET, HTTP_E_WEIRD, "Malformed "
				    "HTTP status line: %.*s",
				    (int)(n > 60 ? 60 : n), p);
			first = 0;
		} else if (n > 0 &&
		    parse_header(p, n, r, hd, &te, &cl, &fok, e) == -1)
			return -1;
	}
	if (r->status == 101)
		return fail(e, E_NET, HTTP_E_WEIRD, "Unexpected protocol "
		    "switch (101) from the server");
	if (is_head || r->status < 200 || r->status == 204 ||
	    r->status == 304)
		hd->framing = FR_NONE;
	else if (te)
		hd->framing = te == 2 ? FR_CHUNKED : FR_CLOSE;
	else
		hd->framing = cl ? FR_LENGTH : FR_CLOSE;
	c->off = end;
	return 0;
}

/* Move up to want unconsumed bytes into the body; the count moved. */
static int
take(struct conn *c, struct http_resp *r, size_t *bcap, size_t want,
    size_t max, size_t *moved, struct err *e)
{
	size_t n = c->len - c->off;

	if (n > want)
		n = want;
	*moved = n;
	if (n > 0 && body_add(r, bcap, c->buf + c->off, n, max, e) == -1)
		return -1;
	c->off += n;
	return 0;
}

/* Exactly len body bytes (Content-Length, or one chunk's data). */
static int
read_exact(struct conn *c, struct http_resp *r, size_t *bcap, size_t len,
    size_t max, struct err *e)
{
	size_t	moved;
	int	rc;

	if (len > max - r->body_len)
		return fail(e, E_PROTO, 0, "response body too large");
	while (len > 0) {
		if (take(c, r, bcap, len, max, &moved, e) == -1)
			return -1;
		if ((len -= moved) == 0)
			break;
		if ((rc = fill(c, e)) == -1)
			return -1;
		if (rc == 0)
			return fail(e, E_NET, HTTP_E_PARTIAL, "transfer closed "
			    "with %zu bytes remaining to read", len);
	}
	return 0;
}

/* The body up to the end of the stream. */
static int
read_to_close(struct conn *c, struct http_resp *r, size_t *bcap,
    size_t max, struct err *e)
{
	size_t	moved;
	int	rc;

	do {
		if (take(c, r, bcap, SIZE_MAX, max, &moved, e) == -1)
			return -1;
	} while ((rc = fill(c, e)) == 1);
	return rc;
}

/* One line of the chunked framing into line (NUL-terminated, line end
 * stripped). 0 or -1. */
static int
read_line(struct conn *c, char *line, size_t size, struct err *e)
{
	size_t	nl, n;
	int	rc;

	while ((nl = find_nl(c, c->off)) == 0) {
		if (c->len - c->off >= size)
			return fail(e, E_NET, HTTP_E_RECV, "Chunk line too "
			    "long in chunked-encoding");
		if ((rc = fill(c, e)) == -1)
			return -1;
		if (rc == 0)
			return fail(e, E_NET, HTTP_E_PARTIAL, "transfer closed "
			    "with outstanding read data remaining");
	}
	if ((n = nl - c->off) > size)
		return fail(e, E_NET, HTTP_E_RECV, "Chunk line too long in "
		    "chunked-encoding");
	memcpy(line, c->buf + c->off, n - 1);
	line[n - 1] = '\0';
	if (n >= 2 && line[n - 2] == '\r')
		line[n - 2] = '\0';
	c->off = nl;
	return 0;
}

/* chunk-size [ chunk-ext ] (RFC 9112 section 7.1); -1 if malformed. */
static int
chunk_size(const char *line, size_t *size)
{
	const char	*p = line;
	size_t		 n = 0;
	int		 d;

	for (; *p != '\0'; p++) {
		if (*p >= '0' && *p <= '9')
			d = *p - '0';
		else if ((*p | 0x20) >= 'a' && (*p | 0x20) <= 'f')
			d = (*p | 0x20) - 'a' + 10;
		else
			break;
		if (n > (SIZE_MAX >> 4))
			return -1;
		n = n << 4 | (size_t)d;
	}
	if (p == line || (*p != '\0' && *p != ';' && *p != ' ' &&
	    *p != '\t'))
		return -1;
	*size = n;
	return 0;
}

/* A chunked body: chunks, the last chunk, trailers (skipped). */
static int
read_chunked(struct conn *c, struct http_resp *r, size_t *bcap, size_t max,
    struct err *e)
{
	char	line[CHUNK_LINE_MAX];
	size_t	size;

	for (;;) {
		if (read_line(c, line, sizeof(line), e) == -1)
			return -1;
		if (chunk_size(line, &size) == -1)
			return fail(e, E_NET, HTTP_E_RECV, "Illegal or missing "
			    "hexadecimal sequence in chunked-encoding");
		if (size == 0)
			break;
		if (read_exact(c, r, bcap, size, max, e) == -1 ||
		    read_line(c, line, sizeof(line), e) == -1)
			return -1;
		if (line[0] != '\0')
			return fail(e, E_NET, HTTP_E_RECV, "Malformed "
			    "chunked-encoding: no line end after the data");
	}
	do {					/* trailer section */
		if (read_line(c, line, sizeof(line), e) == -1)
			return -1;
	} while (line[0] != '\0');
	return 0;
}

/* The final response: heads of 1xx responses skipped, then the body. */
static int
read_response(struct conn *c, int is_head, size_t max, struct http_resp *r,
    struct err *e)
{
	struct head	hd;
	size_t		end = 0, bcap = 0;

	do {
		http_hdrs_clear(r);		/* of an interim response */
		if (read_head(c, &end, e) == -1 ||
		    parse_head(c, end, is_head, r, &hd, e) == -1)
			return -1;
	} while (r->status < 200);
	switch (hd.framing) {
	case FR_LENGTH:
		return read_exact(c, r, &bcap, hd.length, max, e);
	case FR_CHUNKED:
		return read_chunked(c, r, &bcap, max, e);
	case FR_CLOSE:
		return read_to_close(c, r, &bcap, max, e);
	default:
		return 0;
	}
}

/*
 * One exchange on a new connection, closed before returning. 0 when a
 * response arrived (any status), -1 with e set and *r freed otherwise;
 * see http_do() in lib/http.c.
 */
int
http_plain_do(const struct http_url *u, const struct http_req *q,
    struct http_resp *r, struct err *e)
{
	struct conn	 c;
	const char	*method = q->method ? q->method : "GET";
	size_t		 max = q->max_body ? q->max_body : HTTP_MAX_BODY;
	int		 rc = -1;

	memset(r, 0, sizeof(*r));
	memset(&c, 0, sizeof(c));
	c.fd = -1;
	c.start = now_ms();
	c.deadline = c.start + (q->timeout_ms ? q->timeout_ms :
	    HTTP_TIMEOUT_MS);
	if (dial(u, &c, q->timeout_ms ? q->timeout_ms : HTTP_CONNECT_MS,
	    e) == -1 || send_request(&c, u, q, method, e) == -1 ||
	    read_response(&c, strcmp(method, "HEAD") == 0, max, r, e) == -1)
		goto out;
	if (r->body == NULL && (r->body = calloc(1, 1)) == NULL) {
		fail(e, E_NOMEM, 0, "out of memory");
		goto out;
	}
	rc = 0;
 out:
	if (c.fd >= 0)
		close(c.fd);
	free(c.buf);
	if (rc == -1)
		http_resp_free(r);
	return rc;
}
