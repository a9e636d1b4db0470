/* pkish - ISC license, see LICENSE */
/*
 * DOC: lib/http_plain - the HTTP/1.1 exchange (RFC 9112) of lib/http's
 * built-in client, for http:// and https:// alike, on the connection
 * the client keeps (lib/http_conn.c) so that consecutive requests to one
 * origin share it (persistence, RFC 9112 section 9.3). A request: GET,
 * HEAD or POST (with Content-Length), without "Connection: close". Then
 * the status line and headers of the final response (1xx interim
 * responses are skipped) and the body framed by RFC 9112 section 6.3:
 * none for HEAD, 1xx, 204 and 304, chunked transfer coding (section 7.1;
 * extensions and trailers skipped), Content-Length, or else until the
 * server closes. The body is capped (http_req.max_body, 1 MiB by
 * default) and NUL-terminated. The connection is kept for the next
 * request unless the server said "Connection: close" (or answered
 * HTTP/1.0 without "keep-alive"), the body ran to the close, or the
 * exchange failed. A request on a reused connection that fails before
 * any response byte (the server dropped the idle connection: end of
 * stream, reset, broken pipe) is sent once more on a new connection
 * as libcurl does (RFC 9112 section 9.3.1: no response byte arrived;
 * a POST that was in fact applied is then refused as a replay, ACME's
 * through its single-use nonce, SCEP's through its transaction ID).
 * Timeouts as libcurl applies them: the whole exchange within
 * timeout_ms (30 s by default), the connect within timeout_ms (10 s by
 * default). Failures carry libcurl's codes in e->detail: see
 * lib/http_conn.c and lib/http_tls.c, plus 8 malformed reply, 18 closed
 * before the end of the body, 52 nothing received.
 */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "http.h"
#include "http_int.h"

#define HEAD_MAX	(64 * 1024)	/* status line and headers */
#define CHUNK_LINE_MAX	4096		/* a chunk-size line */

/* How the body of a response is delimited (RFC 9112 section 6.3). */
enum framing { FR_NONE, FR_LENGTH, FR_CHUNKED, FR_CLOSE };

/* What the head of a response says about its body and connection. */
struct head {
	enum framing	 framing;
	size_t		 length;	/* FR_LENGTH: bytes */
	int		 close;		/* the connection ends after it */
};

/* What a header parse has seen so far. */
struct seen {
	int	 te;		/* Transfer-Encoding: 1 other, 2 chunked */
	int	 cl;		/* Content-Length */
	int	 fold_ok;	/* the last line was a kept header */
	int	 conn_close;	/* Connection: close */
	int	 keep_alive;	/* Connection: keep-alive (HTTP/1.0) */
};

/* Offset just past the first "\n" at or after from in the unconsumed
 * bytes, or 0 when there is none yet. */
static size_t
find_nl(const struct http_conn *c, size_t from)
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
		return http_fail(e, E_PROTO, 0, "response body too large");
	if (r->body_len + n + 1 > *cap) {
		want = *cap ? *cap * 2 : 4096;
		if (want < r->body_len + n + 1)
			want = r->body_len + n + 1;
		if (max < SIZE_MAX && want > max + 1)
			want = max + 1;
		if ((nb = realloc(r->body, want)) == NULL)
			return http_fail(e, E_NOMEM, 0, "out of memory");
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
read_head(struct http_conn *c, size_t *end, struct err *e)
{
	size_t	rel = 0, ls, nl;	/* line start, relative to c->off */
	int	rc;

	for (;;) {
		for (ls = c->off + rel; (nl = find_nl(c, ls)) != 0; ls = nl) {
			if (nl - ls == 1 ||
			    (nl - ls == 2 && c->buf[ls] == '\r')) {
				*end = nl;
				return 0;
			}
		}
		rel = ls - c->off;
		if (c->len - c->off > HEAD_MAX)
			return http_fail(e, E_NET, HTTP_E_RECV, "Too large "
			    "response headers (over %d bytes)", HEAD_MAX);
		if ((rc = http_conn_fill(c, e)) == -1)
			return -1;
		if (rc == 0 && c->total == 0)
			return http_fail(e, E_NET, HTTP_E_NOTHING,
			    "Empty reply from server");
		if (rc == 0)
			return http_fail(e, E_NET, HTTP_E_WEIRD, "Connection "
			    "closed in the response headers (%zu bytes "
			    "received)", c->total);
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

/* 1 if the list v (RFC 9110 section 5.6.1) holds token t (any case). */
static int
has_token(const char *v, size_t vl, const char *t)
{
	size_t	tl = strlen(t), i = 0, b, end;

	while (i < vl) {
		while (i < vl && (v[i] == ' ' || v[i] == '\t' || v[i] == ','))
			i++;
		for (b = i; i < vl && v[i] != ','; i++)
			;
		for (end = i; end > b && (v[end - 1] == ' ' ||
		    v[end - 1] == '\t'); end--)
			;
		if (end - b == tl && strncasecmp(v + b, t, tl) == 0)
			return 1;
	}
	return 0;
}

/* Status line (RFC 9112 section 4): "HTTP/1.x NNN[ reason]"; *minor
 * gets x. */
static int
parse_status(const char *p, size_t n, long *status, int *minor)
{
	if (n < 12 || strncmp(p, "HTTP/1.", 7) != 0 || p[7] < '0' ||
	    p[7] > '9' || p[8] != ' ' || strspn(p + 9, "0123456789") < 3 ||
	    (n > 12 && p[12] != ' ') || p[9] == '0')
		return -1;
	*status = (p[9] - '0') * 100 + (p[10] - '0') * 10 + (p[11] - '0');
	*minor = p[7] - '0';
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

/* The headers that frame the body or end the connection. 0 or -1. */
static int
note_header(const char *p, size_t nl, const char *v, size_t vl,
    struct head *hd, struct seen *sn, struct err *e)
{
	if (nl == 14 && strncasecmp(p, "Content-Length", 14) == 0 &&
	    parse_length(v, vl, hd, &sn->cl) == -1)
		return http_fail(e, E_NET, HTTP_E_WEIRD, "Invalid "
		    "Content-Length: %.*s", (int)(vl > 40 ? 40 : vl), v);
	if (nl == 17 && strncasecmp(p, "Transfer-Encoding", 17) == 0)
		sn->te = te_chunked(v, vl) ? 2 : 1;
	if (nl == 10 && strncasecmp(p, "Connection", 10) == 0) {
		sn->conn_close |= has_token(v, vl, "close");
		sn->keep_alive |= has_token(v, vl, "keep-alive");
	}
	return 0;
}

/* One header line (no line end) into r, hd and sn. 0 or -1. */
static int
parse_header(const char *p, size_t n, struct http_resp *r, struct head *hd,
    struct seen *sn, struct err *e)
{
	const char	*colon, *v;
	size_t		 nl, vl;

	v = p;
	if (*p == ' ' || *p == '\t') {		/* obs-fold, section 5.2 */
		while (v < p + n && (*v == ' ' || *v == '\t'))
			v++;
		if (sn->fold_ok && fold_add(r, v, (size_t)(p + n - v)) == -1)
			return http_fail(e, E_NOMEM, 0, "out of memory");
		return 0;
	}
	sn->fold_ok = 0;
	if ((colon = memchr(p, ':', n)) == NULL || colon == p)
		return 0;			/* not a header: skipped */
	nl = (size_t)(colon - p);
	for (v = colon + 1; v < p + n && (*v == ' ' || *v == '\t'); v++)
		;
	vl = (size_t)(p + n - v);
	while (vl > 0 && (v[vl - 1] == ' ' || v[vl - 1] == '\t'))
		vl--;
	if (note_header(p, nl, v, vl, hd, sn, e) == -1)
		return -1;
	if (r->nhdrs >= HTTP_MAX_HDRS)
		return 0;
	if (http_hdr_add(r, p, nl, v, vl) == -1)
		return http_fail(e, E_NOMEM, 0, "out of memory");
	sn->fold_ok = 1;
	return 0;
}

/*
 * Parse the head in c->buf[c->off, end) into r (status, headers) and hd
 * (body framing, RFC 9112 section 6.3; persistence, section 9.3). 0 or
 * -1.
 */
static int
parse_head(struct http_conn *c, size_t end, int is_head,
    struct http_resp *r, struct head *hd, struct err *e)
{
	const char	*p = (const char *)c->buf + c->off;
	const char	*lim = (const char *)c->buf + end, *nl;
	struct seen	 sn = { 0 };
	size_t		 n;
	int		 first = 1, minor = 1;

	memset(hd, 0, sizeof(*hd));
	for (; p < lim; p = nl + 1) {
		nl = memchr(p, '\n', (size_t)(lim - p));
		n = (size_t)(nl - p);
		if (n > 0 && p[n - 1] == '\r')
			n--;
		if (first) {
			if (parse_status(p, n, &r->status, &minor) == -1)
				return http_fail(e, E_NET, HTTP_E_WEIRD,
				    "Malformed HTTP status line: %.*s",
				    (int)(n > 60 ? 60 : n), p);
			first = 0;
		} else if (n > 0 && parse_header(p, n, r, hd, &sn, e) == -1)
			return -1;
	}
	if (r->status == 101)
		return http_fail(e, E_NET, HTTP_E_WEIRD, "Unexpected protocol "
		    "switch (101) from the server");
	if (is_head || r->status < 200 || r->status == 204 ||
	    r->status == 304)
		hd->framing = FR_NONE;
	else if (sn.te)
		hd->framing = sn.te == 2 ? FR_CHUNKED : FR_CLOSE;
	else
		hd->framing = sn.cl ? FR_LENGTH : FR_CLOSE;
	hd->close = sn.conn_close || (minor == 0 && !sn.keep_alive) ||
	    hd->framing == FR_CLOSE;
	c->off = end;
	return 0;
}

/* Move up to want unconsumed bytes into the body; the count moved. */
static int
take(struct http_conn *c, struct http_resp *r, size_t *bcap, size_t want,
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
read_exact(struct http_conn *c, struct http_resp *r, size_t *bcap,
    size_t len, size_t max, struct err *e)
{
	size_t	moved;
	int	rc;

	if (len > max - r->body_len)
		return http_fail(e, E_PROTO, 0, "response body too large");
	while (len > 0) {
		if (take(c, r, bcap, len, max, &moved, e) == -1)
			return -1;
		if ((len -= moved) == 0)
			break;
		if ((rc = http_conn_fill(c, e)) == -1)
			return -1;
		if (rc == 0)
			return http_fail(e, E_NET, HTTP_E_PARTIAL, "transfer "
			    "closed with %zu bytes remaining to read", len);
	}
	return 0;
}

/* The body up to the end of the stream; over TLS that end must be a
 * close_notify, else the body may have been cut (RFC 8446 section 6.1). */
static int
read_to_close(struct http_conn *c, struct http_resp *r, size_t *bcap,
    size_t max, struct err *e)
{
	size_t	moved;
	int	rc;

	do {
		if (take(c, r, bcap, SIZE_MAX, max, &moved, e) == -1)
			return -1;
	} while ((rc = http_conn_fill(c, e)) == 1);
	if (rc == 0 && c->unclean)
		return http_fail(e, E_NET, HTTP_E_RECV, "Recv failure: TLS "
		    "connection closed without close_notify (the body may be "
		    "truncated)");
	return rc;
}

/* One line of the chunked framing into line (NUL-terminated, line end
 * stripped). 0 or -1. */
static int
read_line(struct http_conn *c, char *line, size_t size, struct err *e)
{
	size_t	nl, n;
	int	rc;

	while ((nl = find_nl(c, c->off)) == 0) {
		if (c->len - c->off >= size)
			return http_fail(e, E_NET, HTTP_E_RECV, "Chunk line "
			    "too long in chunked-encoding");
		if ((rc = http_conn_fill(c, e)) == -1)
			return -1;
		if (rc == 0)
			return http_fail(e, E_NET, HTTP_E_PARTIAL, "transfer "
			    "closed with outstanding read data remaining");
	}
	if ((n = nl - c->off) > size)
		return http_fail(e, E_NET, HTTP_E_RECV, "Chunk line too long "
		    "in chunked-encoding");
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
read_chunked(struct http_conn *c, struct http_resp *r, size_t *bcap,
    size_t max, struct err *e)
{
	char	line[CHUNK_LINE_MAX];
	size_t	size;

	for (;;) {
		if (read_line(c, line, sizeof(line), e) == -1)
			return -1;
		if (chunk_size(line, &size) == -1)
			return http_fail(e, E_NET, HTTP_E_RECV, "Illegal or "
			    "missing hexadecimal sequence in chunked-encoding");
		if (size == 0)
			break;
		if (read_exact(c, r, bcap, size, max, e) == -1 ||
		    read_line(c, line, sizeof(line), e) == -1)
			return -1;
		if (line[0] != '\0')
			return http_fail(e, E_NET, HTTP_E_RECV, "Malformed "
			    "chunked-encoding: no line end after the data");
	}
	do {					/* trailer section */
		if (read_line(c, line, sizeof(line), e) == -1)
			return -1;
	} while (line[0] != '\0');
	return 0;
}

/* The final response: heads of 1xx responses skipped, then the body.
 * *keep: the connection may carry another request afterwards. */
static int
read_response(struct http_conn *c, int is_head, size_t max,
    struct http_resp *r, int *keep, struct err *e)
{
	struct head	hd;
	size_t		end = 0, bcap = 0;
	int		rc;

	*keep = 0;
	do {
		http_hdrs_clear(r);		/* of an interim response */
		if (read_head(c, &end, e) == -1 ||
		    parse_head(c, end, is_head, r, &hd, e) == -1)
			return -1;
	} while (r->status < 200);
	switch (hd.framing) {
	case FR_LENGTH:
		rc = read_exact(c, r, &bcap, hd.length, max, e);
		break;
	case FR_CHUNKED:
		rc = read_chunked(c, r, &bcap, max, e);
		break;
	case FR_CLOSE:
		return read_to_close(c, r, &bcap, max, e);
	default:
		rc = 0;
	}
	/* nothing may follow the response before the next request */
	*keep = rc == 0 && !hd.close && c->off == c->len && !c->eof;
	return rc;
}

/* The request head and body (RFC 9112 section 3), in one write. */
static int
send_request(struct http_conn *c, const struct http_url *u,
    const struct http_req *q, const char *method, struct err *e)
{
	char	*msg = NULL, *nm, clen[48] = "";
	size_t	 blen = q->body ? q->body_len : 0;
	int	 n, rc;

	if (q->body != NULL || strcmp(method, "POST") == 0)
		snprintf(clen, sizeof(clen), "Content-Length: %zu\r\n", blen);
	/* origin-form (section 3.2.1): "/" before a bare query */
	n = asprintf(&msg, "%s %s%.*s HTTP/1.1\r\nHost: %s\r\n"
	    "User-Agent: pkish\r\nAccept: */*\r\n%s%s%s%s\r\n", method,
	    u->target == NULL || u->target[0] == '?' ? "/" : "",
	    (int)u->target_len, u->target ? u->target : "", u->hostport,
	    q->content_type ? "Content-Type: " : "",
	    q->content_type ? q->content_type : "",
	    q->content_type ? "\r\n" : "", clen);
	if (n < 0)
		return http_fail(e, E_NOMEM, 0, "out of memory");
	if (blen > 0) {
		if ((nm = realloc(msg, (size_t)n + blen)) == NULL) {
			free(msg);
			return http_fail(e, E_NOMEM, 0, "out of memory");
		}
		msg = nm;
		memcpy(msg + n, q->body, blen);
	}
	rc = http_conn_send(c, msg, (size_t)n + blen, e);
	free(msg);
	return rc;
}

/* One exchange on *cp (kept or new); *cp is NULL afterwards unless it
 * may be kept. *retry: it failed as a dead reused connection does. */
static int
exchange(struct http_conn **cp, const struct http_url *u,
    const struct http_req *q, int64_t start, struct http_resp *r,
    int *retry, struct err *e)
{
	const char	*method = q->method ? q->method : "GET";
	size_t		 max = q->max_body ? q->max_body : HTTP_MAX_BODY;
	long		 tmo = q->timeout_ms ? q->timeout_ms : HTTP_TIMEOUT_MS;
	int		 keep = 0, rc;

	*retry = 0;
	if (http_conn_get(cp, u, q->extra_ca_pem, start, start + tmo,
	    q->timeout_ms ? q->timeout_ms : HTTP_CONNECT_MS, e) == -1)
		return -1;
	rc = send_request(*cp, u, q, method, e) == -1 ||
	    read_response(*cp, strcmp(method, "HEAD") == 0, max, r, &keep,
	    e) == -1 ? -1 : 0;
	if (rc == -1)
		*retry = (*cp)->nreq > 1 && (*cp)->stale;
	if (!keep) {
		http_conn_free(*cp);
		*cp = NULL;
	}
	return rc;
}

/*
 * One exchange on the client's kept connection *cp (replaced by a new
 * one when it does not serve u, is closed or dies); *cp stays for the
 * next request when the response allows it. 0 when a response arrived
 * (any status), -1 with e set and *r freed otherwise; see http_do() in
 * lib/http.c.
 */
int
http_plain_do(struct http_conn **cp, const struct http_url *u,
    const struct http_req *q, struct http_resp *r, struct err *e)
{
	int64_t	start = http_now_ms();
	int	retry, rc;

	memset(r, 0, sizeof(*r));
	rc = exchange(cp, u, q, start, r, &retry, e);
	if (rc == -1 && retry) {		/* once, on a new connection */
		http_resp_free(r);
		memset(r, 0, sizeof(*r));
		rc = exchange(cp, u, q, start, r, &retry, e);
	}
	if (rc == 0 && r->body == NULL && (r->body = calloc(1, 1)) == NULL)
		rc = http_fail(e, E_NOMEM, 0, "out of memory");
	if (rc == -1)
		http_resp_free(r);
	return rc;
}
