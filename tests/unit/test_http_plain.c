/* pkish - ISC license, see LICENSE */
/*
 * DOC: unit tests for lib/http's built-in HTTP/1.1 client (http:// URLs)
 * against a scripted server thread on loopback: the request it sends
 * (request line, Host, Content-Length, body), status codes, header
 * parsing (repeated, padded, folded, interim 1xx dropped), body framing
 * (Content-Length, chunked across reads, until close, none for HEAD and
 * 204, no wait for the close when the length is known), the body cap
 * (1 MiB by default), malformed replies, truncation, timeouts,
 * connection refused (E_NET, detail 7 as with libcurl), IPv6 and
 * hostnames. Then the libcurl half: not loaded by any of the above nor
 * by an https:// request, the loader's errors, and loaded for an
 * environment proxy (http_proxy, https_proxy). TLS and keep-alive are
 * in test_http_tls.c.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include "lib/http.h"
#include "lib/http_int.h"
#include "tests/unit/testlib.h"


/* What the server does once it has read the request. */
enum srv_end {
	END_HOLD,	/* keep the connection until the client closes */
	END_CLOSE,	/* close right after the last part */
	END_SILENT,	/* send nothing, hold until the client closes */
	END_EMPTY,	/* read the request, close without a byte */
};

#define MAXPARTS 8

/* A one-connection scripted server. */
struct srv {
	int		 lfd;		/* listening socket */
	int		 port;
	pthread_t	 th;
	const char	*part[MAXPARTS];/* borrowed; sent in order */
	size_t		 plen[MAXPARTS];/* 0 = strlen(part) */
	int		 nparts;
	int		 gap_ms;	/* pause between parts */
	enum srv_end	 end;
	char		 req[65536];	/* the request as received */
	size_t		 req_len;
};

static long
ms_since(const struct timespec *t0)
{
	struct timespec t1;

	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (t1.tv_sec - t0->tv_sec) * 1000 +
	    (t1.tv_nsec - t0->tv_nsec) / 1000000;
}

/* Listen on 127.0.0.1 (or ::1), ephemeral port. 0 or -1. */
static int
srv_listen(struct srv *s, int v6)
{
	struct sockaddr_storage	ss;
	struct sockaddr_in	*sin = (struct sockaddr_in *)&ss;
	struct sockaddr_in6	*sin6 = (struct sockaddr_in6 *)&ss;
	socklen_t		 sl;

	memset(&ss, 0, sizeof(ss));
	if (v6) {
		sin6->sin6_family = AF_INET6;
		sin6->sin6_addr = in6addr_loopback;
		sl = sizeof(*sin6);
	} else {
		sin->sin_family = AF_INET;
		sin->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		sl = sizeof(*sin);
	}
	if ((s->lfd = socket(ss.ss_family, SOCK_STREAM, 0)) < 0)
		return -1;
	if (bind(s->lfd, (struct sockaddr *)&ss, sl) < 0 ||
	    listen(s->lfd, 8) < 0 ||
	    getsockname(s->lfd, (struct sockaddr *)&ss, &sl) < 0) {
		close(s->lfd);
		return -1;
	}
	s->port = ntohs(v6 ? sin6->sin6_port : sin->sin_port);
	return 0;
}

/* Read the request head and its Content-Length body (5 s at most). */
static void
srv_read_request(struct srv *s, int fd)
{
	struct pollfd	 pf = { fd, POLLIN, 0 };
	const char	*he, *cl;
	size_t		 need = 0;
	ssize_t		 n;

	while (s->req_len < sizeof(s->req) - 1 && poll(&pf, 1, 5000) == 1) {
		n = read(fd, s->req + s->req_len, sizeof(s->req) - 1 -
		    s->req_len);
		if (n <= 0)
			break;
		s->req_len += (size_t)n;
		s->req[s->req_len] = '\0';
		if ((he = memmem(s->req, s->req_len, "\r\n\r\n", 4)) == NULL)
			continue;
		if (need == 0 && (cl = strcasestr(s->req, "Content-Length: "))
		    != NULL && cl < he)
			need = strtoul(cl + 16, NULL, 10);
		if (s->req_len >= (size_t)(he + 4 - s->req) + need)
			break;
	}
}

static void *
srv_main(void *arg)
{
	struct srv	*s = arg;
	struct pollfd	 pf = { s->lfd, POLLIN, 0 };
	char		 junk[4096];
	int		 fd, i;

	if (poll(&pf, 1, 5000) != 1 || (fd = accept(s->lfd, NULL, NULL)) < 0)
		return NULL;
	srv_read_request(s, fd);
	if (s->end == END_EMPTY) {
		close(fd);
		return NULL;
	}
	for (i = 0; i < s->nparts && s->end != END_SILENT; i++) {
		if (i > 0 && s->gap_ms)
			usleep((useconds_t)s->gap_ms * 1000);
		if (send(fd, s->part[i], s->plen[i] ? s->plen[i] :
		    strlen(s->part[i]), MSG_NOSIGNAL) < 0)
			break;
	}
	if (s->end != END_CLOSE) {		/* until the client closes */
		pf.fd = fd;
		while (poll(&pf, 1, 5000) == 1 && read(fd, junk,
		    sizeof(junk)) > 0)
			;
	}
	close(fd);
	return NULL;
}

/* Start a server for one connection with the given parts. */
static struct srv *
srv_start(int v6, enum srv_end end, int gap_ms, ...)
{
	struct srv	*s = calloc(1, sizeof(*s));
	va_list		 ap;
	const char	*p;

	if (s == NULL || srv_listen(s, v6) == -1) {
		free(s);
		return NULL;
	}
	s->end = end;
	s->gap_ms = gap_ms;
	va_start(ap, gap_ms);
	while (s->nparts < MAXPARTS && (p = va_arg(ap, const char *)) != NULL)
		s->part[s->nparts++] = p;
	va_end(ap);
	if (pthread_create(&s->th, NULL, srv_main, s) != 0) {
		close(s->lfd);
		free(s);
		return NULL;
	}
	return s;
}

static void
srv_done(struct srv *s)
{
	if (s == NULL)
		return;
	pthread_join(s->th, NULL);
	close(s->lfd);
	free(s);
}

/* One request to the server's port; fills resp, e and the time taken. */
static int
exchange(struct srv *s, const char *method, const char *path,
    const struct http_req *tmpl, struct http_resp *resp, struct err *e,
    long *ms)
{
	struct http_client	*c = http_client_new();
	struct http_req		 q = { 0 };
	struct timespec		 t0;
	char			 url[256];
	int			 rc;

	if (tmpl != NULL)
		q = *tmpl;
	snprintf(url, sizeof(url), "http://127.0.0.1:%d%s", s ? s->port : 1,
	    path);
	q.method = method;
	q.url = url;
	if (q.timeout_ms == 0)
		q.timeout_ms = 3000;
	memset(e, 0, sizeof(*e));
	clock_gettime(CLOCK_MONOTONIC, &t0);
	rc = http_do(c, &q, resp, e);
	if (ms)
		*ms = ms_since(&t0);
	http_client_free(c);
	srv_done(s);
	return rc;
}

static void
t_url_parse(void)
{
	struct http_url u;

	check(http_url_parse("http://ca.example/scep", &u) == 0 &&
	    strcmp(u.host, "ca.example") == 0 && strcmp(u.port, "80") == 0 &&
	    strcmp(u.hostport, "ca.example") == 0 && u.target_len == 5 &&
	    strncmp(u.target, "/scep", 5) == 0,
	    "url: name, port 80 by default and left out of Host");
	check(http_url_parse("HTTP://[::1]:8080/a?b=c#frag", &u) == 0 &&
	    strcmp(u.host, "::1") == 0 && strcmp(u.port, "8080") == 0 &&
	    strcmp(u.hostport, "[::1]:8080") == 0 && u.target_len == 6,
	    "url: IPv6 literal, port, fragment cut, scheme in any case");
	check(http_url_parse("http://10.0.0.1:80", &u) == 0 &&
	    u.target == NULL && strcmp(u.hostport, "10.0.0.1") == 0,
	    "url: no path");
	check(http_url_parse("https://ca.example/", &u) == 0 && u.tls &&
	    strcmp(u.port, "443") == 0 && strcmp(u.hostport, "ca.example")
	    == 0 && http_url_parse("HTTPS://[::1]:443/d", &u) == 0 &&
	    u.tls && strcmp(u.hostport, "[::1]") == 0 &&
	    http_url_parse("https://ca.example:80/", &u) == 0 &&
	    strcmp(u.hostport, "ca.example:80") == 0 &&
	    http_url_parse("http://ca.example/", &u) == 0 && !u.tls,
	    "url: https, port 443 by default and left out of Host");
	check(http_url_parse("ftp://ca.example/", &u) == -1 &&
	    http_url_parse("https://u@ca.example/", &u) == -1 &&
	    http_url_parse("http://user:pw@ca.example/", &u) == -1 &&
	    http_url_parse("http://[fe80::1%25eth0]/", &u) == -1 &&
	    http_url_parse("http://ca.example:0/", &u) == -1 &&
	    http_url_parse("http://ca.example:65536/", &u) == -1 &&
	    http_url_parse("http://ca.example:8a/", &u) == -1 &&
	    http_url_parse("http://ca.example:/", &u) == -1 &&
	    http_url_parse("http:///path", &u) == -1 &&
	    http_url_parse("http://[::1/", &u) == -1 &&
	    http_url_parse("http://ca.example/a b", &u) == -1,
	    "url: other schemes, userinfo, zone, bad ports, no host, "
	    "spaces: left to libcurl");
}

static void
t_get_headers(void)
{
	struct http_resp	 r;
	struct err		 e;
	struct srv		*s;
	long			 ms;

	s = srv_start(0, END_HOLD, 0, "HTTP/1.1 200 OK\r\n"
	    "Content-Type: application/x-x509-ca-cert\r\n"
	    "Link: <a>;rel=\"up\"\r\n"
	    "X-Spaces: \t  padded value  \t\r\n"
	    "link: <b>;rel=\"up\"\r\n"
	    "X-Fold: first\r\n"
	    "   second\r\n"
	    "not a header line\r\n"
	    "Content-Length: 5\r\n"
	    "\r\nhello", NULL);
	check(exchange(s, "GET", "/scep?operation=GetCACaps#x", NULL, &r, &e,
	    &ms) == 0 && r.status == 200 && r.body_len == 5 &&
	    memcmp(r.body, "hello", 6) == 0, "GET: status 200 and the body");
	check(ms < 1000, "Content-Length: no wait for the server to close");
	check(r.nhdrs == 6, "six headers kept (the line without a colon "
	    "skipped)");
	check(http_resp_header(&r, "content-type") != NULL &&
	    strcmp(http_resp_header(&r, "content-type"),
	    "application/x-x509-ca-cert") == 0, "lookup is case-insensitive");
	check(http_resp_header_n(&r, "Link", 1) != NULL &&
	    strcmp(http_resp_header_n(&r, "Link", 1), "<b>;rel=\"up\"") == 0 &&
	    http_resp_header_n(&r, "Link", 2) == NULL, "repeated headers");
	check(strcmp(http_resp_header(&r, "X-Spaces"), "padded value") == 0,
	    "value trimmed of spaces and tabs");
	check(strcmp(http_resp_header(&r, "X-Fold"), "first second") == 0,
	    "obs-fold continuation joined with one space");
	http_resp_free(&r);
}

static void
t_request(void)
{
	static const char body[] = "PKI\0message\r\n\0end";
	struct http_req		 q = { 0 };
	struct http_resp	 r;
	struct err		 e;
	struct srv		*s;
	char			 want[256], *hdr_end;

	s = srv_start(0, END_HOLD, 0, "HTTP/1.1 200 OK\r\nContent-Length: 0"
	    "\r\n\r\n", NULL);
	q.content_type = "application/x-pki-message";
	q.body = body;
	q.body_len = sizeof(body);
	/* keep s alive past exchange() to look at the request */
	{
		struct http_client *c = http_client_new();
		char url[128];

		snprintf(url, sizeof(url), "http://127.0.0.1:%d/scep?"
		    "operation=PKIOperation", s->port);
		q.method = "POST";
		q.url = url;
		q.timeout_ms = 3000;
		check(http_do(c, &q, &r, &e) == 0 && r.status == 200 &&
		    r.body != NULL && r.body_len == 0 && r.body[0] == '\0',
		    "POST: 200, empty body is \"\" not NULL");
		http_client_free(c);
		pthread_join(s->th, NULL);
	}
	snprintf(want, sizeof(want), "POST /scep?operation=PKIOperation "
	    "HTTP/1.1\r\nHost: 127.0.0.1:%d\r\n", s->port);
	check(strncmp(s->req, want, strlen(want)) == 0,
	    "POST: request line and Host header");
	check(strcasestr(s->req, "\r\nContent-Type: application/"
	    "x-pki-message\r\n") != NULL && strcasestr(s->req,
	    "\r\nContent-Length: 18\r\n") != NULL && strcasestr(s->req,
	    "\r\nConnection:") == NULL,
	    "POST: Content-Type, Content-Length, no Connection: close");
	hdr_end = memmem(s->req, s->req_len, "\r\n\r\n", 4);
	check(hdr_end != NULL && s->req_len == (size_t)(hdr_end + 4 - s->req) +
	    sizeof(body) && memcmp(hdr_end + 4, body, sizeof(body)) == 0,
	    "POST: body sent byte for byte (NUL and CRLF inside)");
	close(s->lfd);
	free(s);
	http_resp_free(&r);

	s = srv_start(0, END_HOLD, 0, "HTTP/1.1 200 OK\r\nContent-Length: 0"
	    "\r\n\r\n", NULL);
	{
		struct http_client *c = http_client_new();
		char url[128];

		snprintf(url, sizeof(url), "http://127.0.0.1:%d?x=1#f",
		    s->port);
		memset(&q, 0, sizeof(q));
		q.method = "GET";
		q.url = url;
		q.timeout_ms = 3000;
		check(http_do(c, &q, &r, &e) == 0 && r.status == 200,
		    "GET with a bare query");
		http_client_free(c);
		pthread_join(s->th, NULL);
	}
	check(strncmp(s->req, "GET /?x=1 HTTP/1.1\r\n", 20) == 0 &&
	    strcasestr(s->req, "Content-Length") == NULL,
	    "GET: \"/\" before the query, fragment cut, no Content-Length");
	close(s->lfd);
	free(s);
	http_resp_free(&r);
}

static void
t_status(void)
{
	struct http_resp	 r;
	struct err		 e;
	long			 ms;

	check(exchange(srv_start(0, END_HOLD, 0, "HTTP/1.1 404 Not Found\r\n"
	    "Content-Length: 9\r\n\r\nnot found", NULL), "GET", "/x", NULL,
	    &r, &e, NULL) == 0 && r.status == 404 &&
	    strcmp((char *)r.body, "not found") == 0,
	    "404 is a response (0), body kept");
	http_resp_free(&r);
	check(exchange(srv_start(0, END_HOLD, 0, "HTTP/1.0 500 Internal Server "
	    "Error\r\nContent-Length: 4\r\n\r\noops", NULL), "GET", "/x", NULL,
	    &r, &e, NULL) == 0 && r.status == 500 &&
	    strcmp((char *)r.body, "oops") == 0, "HTTP/1.0 500");
	http_resp_free(&r);
	check(exchange(srv_start(0, END_HOLD, 0, "HTTP/1.1 204 No Content\r\n\r\n",
	    NULL), "GET", "/x", NULL, &r, &e, &ms) == 0 && r.status == 204 &&
	    r.body_len == 0 && ms < 1000, "204: no body, no wait for close");
	http_resp_free(&r);
	check(exchange(srv_start(0, END_HOLD, 0, "HTTP/1.1 200 OK\r\n"
	    "Content-Length: 10\r\n\r\n", NULL), "HEAD", "/x", NULL, &r, &e,
	    &ms) == 0 && r.status == 200 && r.body_len == 0 && ms < 1000 &&
	    strcmp(http_resp_header(&r, "Content-Length"), "10") == 0,
	    "HEAD: Content-Length but no body read");
	http_resp_free(&r);
	check(exchange(srv_start(0, END_HOLD, 20, "HTTP/1.1 100 Continue\r\n"
	    "X-Interim: 1\r\n\r\n", "HTTP/1.1 200 OK\r\nX-Final: 1\r\n"
	    "Content-Length: 2\r\n\r\nok", NULL), "POST", "/x", NULL, &r, &e,
	    NULL) == 0 && r.status == 200 && strcmp((char *)r.body, "ok") == 0 &&
	    http_resp_header(&r, "X-Interim") == NULL &&
	    http_resp_header(&r, "X-Final") != NULL,
	    "100 Continue skipped: status and headers of the final response");
	http_resp_free(&r);
	check(exchange(srv_start(0, END_CLOSE, 0, "HTTP/1.0 200 OK\r\n\r\n",
	    "read until ", "the close", NULL), "GET", "/x", NULL, &r, &e,
	    NULL) == 0 && strcmp((char *)r.body, "read until the close") == 0,
	    "no length: body up to the close");
	http_resp_free(&r);
}

static void
t_chunked(void)
{
	struct http_req		 q = { 0 };
	struct http_resp	 r;
	struct err		 e;
	long			 ms;

	check(exchange(srv_start(0, END_HOLD, 20, "HTTP/1.1 200 OK\r\n"
	    "Transfer-Encoding: chunked\r\nX-A: 1\r\n\r\n5\r\nhel", "lo\r\n",
	    "6;name=val\r\n wor", "ld\r\n1A\r\nabcdefghijklmnopqrstuvwxyz"
	    "\r\n0\r\nX-Trailer: t\r\n", "\r\n", NULL), "GET", "/c", NULL, &r,
	    &e, &ms) == 0 && r.status == 200 &&
	    strcmp((char *)r.body, "hello worldabcdefghijklmnopqrstuvwxyz") == 0
	    && r.body_len == 37 && ms < 1000 && http_resp_header(&r,
	    "X-Trailer") == NULL,
	    "chunked across reads: extensions, hex sizes, trailers skipped, "
	    "no wait for close");
	http_resp_free(&r);
	check(exchange(srv_start(0, END_HOLD, 0, "HTTP/1.1 200 OK\r\n"
	    "Transfer-Encoding: gzip, chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n",
	    NULL), "GET", "/c", NULL, &r, &e, NULL) == 0 &&
	    strcmp((char *)r.body, "abc") == 0,
	    "chunked as the last coding");
	http_resp_free(&r);
	check(exchange(srv_start(0, END_HOLD, 0, "HTTP/1.1 200 OK\r\n"
	    "Transfer-Encoding: chunked\r\nContent-Length: 100\r\n\r\n"
	    "2\r\nab\r\n0\r\n\r\n", NULL), "GET", "/c", NULL, &r, &e,
	    NULL) == 0 && strcmp((char *)r.body, "ab") == 0,
	    "Transfer-Encoding wins over Content-Length");
	http_resp_free(&r);
	check(exchange(srv_start(0, END_HOLD, 0, "HTTP/1.1 200 OK\r\n"
	    "Transfer-Encoding: chunked\r\n\r\nzz\r\nab\r\n0\r\n\r\n", NULL),
	    "GET", "/c", NULL, &r, &e, NULL) == -1 && e.code == E_NET &&
	    e.detail == 56 && strstr(e.msg, "chunked") != NULL &&
	    r.body == NULL && r.nhdrs == 0,
	    "bad chunk size: E_NET 56, nothing left in the response");
	check(exchange(srv_start(0, END_HOLD, 0, "HTTP/1.1 200 OK\r\n"
	    "Transfer-Encoding: chunked\r\n\r\n2\r\nabX\r\n0\r\n\r\n", NULL),
	    "GET", "/c", NULL, &r, &e, NULL) == -1 && e.code == E_NET &&
	    e.detail == 56, "chunk data longer than its size: E_NET 56");
	check(exchange(srv_start(0, END_CLOSE, 0, "HTTP/1.1 200 OK\r\n"
	    "Transfer-Encoding: chunked\r\n\r\n5\r\nab", NULL), "GET", "/c",
	    NULL, &r, &e, NULL) == -1 && e.code == E_NET && e.detail == 18,
	    "chunked body cut by the close: E_NET 18");
	q.max_body = 10;
	check(exchange(srv_start(0, END_HOLD, 0, "HTTP/1.1 200 OK\r\n"
	    "Transfer-Encoding: chunked\r\n\r\n6\r\nabcdef\r\n5\r\nghijk\r\n"
	    "0\r\n\r\n", NULL), "GET", "/c", &q, &r, &e, NULL) == -1 &&
	    e.code == E_PROTO && strstr(e.msg, "too large") != NULL,
	    "chunks over max_body: E_PROTO too large");
	q.max_body = 11;
	check(exchange(srv_start(0, END_HOLD, 0, "HTTP/1.1 200 OK\r\n"
	    "Transfer-Encoding: chunked\r\n\r\n6\r\nabcdef\r\n5\r\nghijk\r\n"
	    "0\r\n\r\n", NULL), "GET", "/c", &q, &r, &e, NULL) == 0 &&
	    r.body_len == 11, "chunks exactly at max_body accepted");
	http_resp_free(&r);
}

static void
t_limits(void)
{
	struct http_req		 q = { 0 };
	struct http_resp	 r;
	struct err		 e;
	struct srv		*s;
	size_t			 mib = 1024 * 1024;
	char			*big, head[128];
	long			 ms;

	if ((big = malloc(mib + 1)) == NULL)
		return;
	memset(big, 'x', mib + 1);
	snprintf(head, sizeof(head), "HTTP/1.1 200 OK\r\nContent-Length: %zu"
	    "\r\n\r\n", mib);
	s = srv_start(0, END_HOLD, 0, head, "", NULL);
	if (s != NULL) {
		s->part[1] = big;
		s->plen[1] = mib;
	}
	check(exchange(s, "GET", "/big", NULL, &r, &e, NULL) == 0 &&
	    r.body_len == mib && r.body[mib] == '\0' && r.body[mib - 1] == 'x',
	    "1 MiB body accepted by default");
	http_resp_free(&r);
	snprintf(head, sizeof(head), "HTTP/1.1 200 OK\r\nContent-Length: %zu"
	    "\r\n\r\n", mib + 1);
	check(exchange(srv_start(0, END_HOLD, 0, head, NULL), "GET", "/big", NULL,
	    &r, &e, &ms) == -1 && e.code == E_PROTO && e.detail == 0 &&
	    strstr(e.msg, "too large") != NULL && ms < 1000,
	    "Content-Length over the 1 MiB default: E_PROTO at once");
	s = srv_start(0, END_CLOSE, 0, "HTTP/1.0 200 OK\r\n\r\n", "", NULL);
	if (s != NULL) {
		s->part[1] = big;
		s->plen[1] = mib + 1;
	}
	check(exchange(s, "GET", "/big", NULL, &r, &e, NULL) == -1 &&
	    e.code == E_PROTO && r.body == NULL,
	    "body up to the close over 1 MiB: E_PROTO, nothing kept");
	free(big);
	q.max_body = 4;
	check(exchange(srv_start(0, END_HOLD, 0, "HTTP/1.1 200 OK\r\n"
	    "Content-Length: 5\r\n\r\nhello", NULL), "GET", "/", &q, &r, &e,
	    NULL) == -1 && e.code == E_PROTO, "max_body 4, 5 bytes: refused");
	check(exchange(srv_start(0, END_HOLD, 0, "HTTP/1.1 200 OK\r\n"
	    "Content-Length: 12x\r\n\r\nhello", NULL), "GET", "/", NULL, &r,
	    &e, NULL) == -1 && e.code == E_NET && e.detail == 8,
	    "invalid Content-Length: E_NET 8");
	check(exchange(srv_start(0, END_HOLD, 0, "HTTP/1.1 200 OK\r\n"
	    "Content-Length: 5\r\nContent-Length: 6\r\n\r\nhello!", NULL),
	    "GET", "/", NULL, &r, &e, NULL) == -1 && e.code == E_NET &&
	    e.detail == 8, "two different Content-Lengths: E_NET 8");
	check(exchange(srv_start(0, END_HOLD, 0, "ICY 200 OK\r\n\r\n", NULL),
	    "GET", "/", NULL, &r, &e, NULL) == -1 && e.code == E_NET &&
	    e.detail == 8 && strstr(e.msg, "status line") != NULL,
	    "not HTTP/1.x: E_NET 8");
	check(exchange(srv_start(0, END_CLOSE, 0, "HTTP/1.1 200 OK\r\n"
	    "Content-Length: 10\r\n\r\nabc", NULL), "GET", "/", NULL, &r, &e,
	    NULL) == -1 && e.code == E_NET && e.detail == 18 &&
	    strstr(e.msg, "7 bytes remaining") != NULL,
	    "closed 7 bytes short: E_NET 18");
	check(exchange(srv_start(0, END_CLOSE, 0, "HTTP/1.1 200 OK\r\nX-A: ", NULL),
	    "GET", "/", NULL, &r, &e, NULL) == -1 && e.code == E_NET &&
	    e.detail == 8, "closed inside the headers: E_NET 8");
	check(exchange(srv_start(0, END_EMPTY, 0, NULL), "GET", "/", NULL, &r, &e,
	    NULL) == -1 && e.code == E_NET && e.detail == 52,
	    "closed without a byte: E_NET 52 (empty reply)");
}

static void
t_timeouts(void)
{
	struct http_req		 q = { 0 };
	struct http_resp	 r;
	struct err		 e;
	struct srv		*s;
	int			 port;
	long			 ms;

	q.timeout_ms = 300;
	check(exchange(srv_start(0, END_SILENT, 0, NULL), "GET", "/", &q, &r, &e,
	    &ms) == -1 && e.code == E_TIMEOUT && e.detail == 28 &&
	    ms >= 250 && ms < 2000 && strstr(e.msg, "timed out") != NULL,
	    "no answer: E_TIMEOUT, detail 28, after timeout_ms");
	check(exchange(srv_start(0, END_HOLD, 0, "HTTP/1.1 200 OK\r\n"
	    "Content-Length: 10\r\n\r\nabc", NULL), "GET", "/", &q, &r, &e,
	    &ms) == -1 && e.code == E_TIMEOUT && e.detail == 28 &&
	    ms >= 250 && ms < 2000, "body stalls: E_TIMEOUT 28");
	/* a port nothing listens on: bound, never listening */
	s = calloc(1, sizeof(*s));
	if (s != NULL && srv_listen(s, 0) == 0) {
		port = s->port;
		close(s->lfd);
		{
			struct http_client *c = http_client_new();
			char url[64];

			snprintf(url, sizeof(url), "http://127.0.0.1:%d/scep",
			    port);
			memset(&q, 0, sizeof(q));
			q.method = "GET";
			q.url = url;
			memset(&e, 0, sizeof(e));
			check(http_do(c, &q, &r, &e) == -1 &&
			    e.code == E_NET && e.detail == 7 &&
			    strstr(e.msg, "Failed to connect to 127.0.0.1") &&
			    strstr(e.msg, "refused") != NULL,
			    "connection refused: E_NET, detail 7");
			printf("# %s\n", e.msg);
			http_client_free(c);
		}
	}
	free(s);
}

static void
t_names(void)
{
	struct http_client	*c;
	struct http_req		 q = { 0 };
	struct http_resp	 r;
	struct err		 e = { 0 };
	struct srv		*s, *s2;
	char			 url[128];

	q.method = "GET";
	q.timeout_ms = 3000;
	if ((s = srv_start(1, END_HOLD, 0, "HTTP/1.1 200 OK\r\n"
	    "Content-Length: 2\r\n\r\nv6", NULL)) == NULL)
		check(1, "# SKIP no IPv6 loopback");
	else {
		c = http_client_new();
		snprintf(url, sizeof(url), "http://[::1]:%d/six", s->port);
		q.method = "GET";
		q.url = url;
		q.timeout_ms = 3000;
		check(http_do(c, &q, &r, &e) == 0 && strcmp((char *)r.body,
		    "v6") == 0, "IPv6 literal [::1]");
		http_resp_free(&r);
		http_client_free(c);
		pthread_join(s->th, NULL);
		snprintf(url, sizeof(url), "Host: [::1]:%d\r\n", s->port);
		check(strstr(s->req, url) != NULL, "Host: [::1]:port");
		close(s->lfd);
		free(s);
	}
	/* localhost may resolve to ::1 first: the next address is tried */
	s = srv_start(0, END_HOLD, 0, "HTTP/1.1 200 OK\r\nContent-Length: 4"
	    "\r\n\r\nname", NULL);
	c = http_client_new();
	snprintf(url, sizeof(url), "http://localhost:%d/", s ? s->port : 1);
	q.url = url;
	check(http_do(c, &q, &r, &e) == 0 && strcmp((char *)r.body, "name") ==
	    0, "host name (localhost), every address tried");
	http_resp_free(&r);
	/* the same client again, another origin: the kept connection to
	 * the first is closed, which ends that server */
	s2 = srv_start(0, END_HOLD, 0, "HTTP/1.1 200 OK\r\nContent-Length: 5"
	    "\r\n\r\nagain", NULL);
	snprintf(url, sizeof(url), "http://127.0.0.1:%d/", s2 ? s2->port : 1);
	check(http_do(c, &q, &r, &e) == 0 && strcmp((char *)r.body, "again")
	    == 0, "a client serves several requests");
	http_resp_free(&r);
	srv_done(s);
	http_client_free(c);
	srv_done(s2);
}

#define PROXY_LINE \
	"GET http://ca.example.test/scep?operation=GetCACaps HTTP/1.1\r\n"

#define CONNECT_LINE "CONNECT ca.example.test:443 HTTP/1.1\r\n"

/* https_proxy set: https:// goes through libcurl, which asks the proxy
 * for a tunnel (refused here: curl's 56). */
static void
t_https_proxy(struct http_client *c)
{
	struct http_req		 q = { 0 };
	struct http_resp	 r;
	struct err		 e = { 0 };
	struct srv		*s;
	char			 url[128];

	s = srv_start(0, END_CLOSE, 0, "HTTP/1.1 403 Forbidden\r\n"
	    "Content-Length: 0\r\n\r\n", NULL);
	snprintf(url, sizeof(url), "http://127.0.0.1:%d", s ? s->port : 1);
	setenv("https_proxy", url, 1);
	q.method = "GET";
	q.url = "https://ca.example.test/dir";
	q.https_only = 1;
	q.timeout_ms = 3000;
	check(http_do(c, &q, &r, &e) == -1 && e.code == E_NET &&
	    e.detail == 56 && http_curl_loaded() &&
	    mapped("libcurl.so.4") == 1,
	    "https_proxy set: libcurl loaded, tunnel refused (curl 56)");
	printf("# %s\n", e.msg);
	unsetenv("https_proxy");
	if (s != NULL)
		pthread_join(s->th, NULL);
	check(s != NULL && strncmp(s->req, CONNECT_LINE,
	    strlen(CONNECT_LINE)) == 0, "the proxy was asked for a tunnel");
	if (s != NULL) {
		close(s->lfd);
		free(s);
	}
}

static void
t_curl_lazy(void)
{
	struct http_client	*c = http_client_new();
	struct http_req		 q = { 0 };
	struct http_resp	 r;
	struct err		 e = { 0 };
	struct srv		*s;
	char			 url[128];

	check(!http_curl_loaded() && mapped("libcurl") == 0,
	    "every http:// request above ran without loading libcurl");
	q.method = "GET";
	q.url = "http://127.0.0.1:1/";
	q.https_only = 1;
	check(http_do(c, &q, &r, &e) == -1 && e.code == E_NET &&
	    e.detail == 1 && mapped("libcurl") == 0,
	    "https_only refuses http:// (detail 1), libcurl still not loaded");
	check(http_curl_probe("libpkish-no-such-library.so.9", &e) == -1 &&
	    e.code == E_NET && e.detail == 2 &&
	    strstr(e.msg, "cannot be loaded") != NULL &&
	    strstr(e.msg, "libpkish-no-such-library") != NULL,
	    "loader: a missing library is E_NET, detail 2, named");
	check(http_curl_probe("libz.so.1", &e) == -1 && e.code == E_NET &&
	    e.detail == 2 && strstr(e.msg, "has no curl_") != NULL,
	    "loader: a library without the curl_* symbols is refused");
	check(http_curl_probe("libcurl.so.4", &e) == 0,
	    "loader: libcurl.so.4 has every symbol lib/http uses");
	/* https to a port nothing listens on: the built-in client's error */
	s = calloc(1, sizeof(*s));
	if (s != NULL && srv_listen(s, 0) == 0) {
		close(s->lfd);
		snprintf(url, sizeof(url), "https://127.0.0.1:%d/", s->port);
		q.url = url;
		q.https_only = 1;
		q.timeout_ms = 3000;
		check(http_do(c, &q, &r, &e) == -1 && e.code == E_NET &&
		    e.detail == 7 && strstr(e.msg, "refused") != NULL &&
		    !http_curl_loaded() && mapped("libcurl") == 0,
		    "https:// refused: curl's 7, libcurl still not loaded");
	}
	free(s);
	unsetenv("no_proxy");
	unsetenv("NO_PROXY");
	t_https_proxy(c);
	/* an environment proxy: http:// goes through libcurl to it */
	s = srv_start(0, END_HOLD, 0, "HTTP/1.1 200 OK\r\nContent-Length: 5"
	    "\r\n\r\nproxy", NULL);
	snprintf(url, sizeof(url), "http://127.0.0.1:%d", s ? s->port : 1);
	setenv("http_proxy", url, 1);
	q.url = "http://ca.example.test/scep?operation=GetCACaps";
	q.https_only = 0;
	check(http_do(c, &q, &r, &e) == 0 && r.status == 200 &&
	    strcmp((char *)r.body, "proxy") == 0,
	    "http_proxy set: the request goes through libcurl to the proxy");
	http_resp_free(&r);
	unsetenv("http_proxy");
	http_client_free(c);		/* closes the kept proxy connection */
	if (s != NULL)
		pthread_join(s->th, NULL);
	check(s != NULL && strncmp(s->req, PROXY_LINE, strlen(PROXY_LINE)) ==
	    0, "the proxy saw the absolute URL");
	if (s != NULL) {
		close(s->lfd);
		free(s);
	}
	http_cleanup();
	http_global_cleanup();
}

int
main(void)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	t_url_parse();
	t_get_headers();
	t_request();
	t_status();
	t_chunked();
	t_limits();
	t_timeouts();
	t_names();
	t_curl_lazy();
	return t_report();
}
