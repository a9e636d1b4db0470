/* pkish - ISC license, see LICENSE */
/*
 * DOC: unit tests for lib/http (libcurl) against a scripted HTTP/1.1
 * server thread on 127.0.0.1, plain or TLS (libssl, throwaway
 * self-signed certificates made here, keys in memory only). TLS: the
 * extra PEM trusted as a CA blob beside the system directory
 * (SSL_CERT_DIR), untrusted or mismatched certificates 60, a non-TLS
 * peer or one below TLS 1.2 35, a stalled handshake 28, refused 7.
 * Keep-alive: one connection for a session's requests, a dropped kept
 * connection retried, Connection: close honoured, no reuse across trust
 * anchors. https_only refuses http://, also in a redirect; redirects
 * followed by a GET that asks (bounded), never by a POST. The request
 * sent, the final response's headers, the body cap (response too
 * large), bad chunked encoding, truncation, timeouts, the threaded
 * resolver, an environment proxy. The server is tests/unit/http_srv.h.
 */
#define _GNU_SOURCE
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <curl/curl.h>
#include "lib/http.h"
#include "tests/unit/testlib.h"
#include "tests/unit/http_srv.h"


/* ------------------------------------------------------ the client */

#define SRV(ctx, ...)	srv_run(srv_start((ctx), __VA_ARGS__))

static long
ms_since(const struct timespec *t0)
{
	struct timespec t1;

	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (t1.tv_sec - t0->tv_sec) * 1000 +
	    (t1.tv_nsec - t0->tv_nsec) / 1000000;
}

/* q (method and fields set) to scheme://host:port<path>; 3 s unless q
 * says otherwise. http_do()'s result; a failure's text is printed. */
static int
go(struct http_client *c, struct http_req *q, const char *scheme,
    const char *host, int port, const char *path, struct http_resp *r,
    struct err *e)
{
	char	url[256];
	int	rc;

	snprintf(url, sizeof(url), "%s://%s:%d%s", scheme, host, port, path);
	q->url = url;
	if (q->timeout_ms == 0)
		q->timeout_ms = 3000;
	memset(e, 0, sizeof(*e));
	if ((rc = http_do(c, q, r, e)) == -1)
		printf("# error %d: %s\n", e->detail, e->msg);
	q->url = NULL;
	return rc;
}

/* One request; the body text (static; "big N" for A_BIG's N 'b's) or ""
 * on failure, the result in *rc. */
static const char *
req(struct http_client *c, const char *scheme, const char *host,
    const struct tsrv *s, const char *method, const char *pem, int *rc,
    struct err *e)
{
	static char		 text[128];
	struct http_req		 q = { 0 };
	struct http_resp	 r;

	q.method = method;
	q.extra_ca_pem = pem;
	if (strcmp(method, "POST") == 0) {
		q.body = "hello";
		q.body_len = 5;
		q.content_type = "text/plain";
	}
	text[0] = '\0';
	if ((*rc = go(c, &q, scheme, host, s ? s->port : 1, "/x", &r, e)) ==
	    0) {
		snprintf(text, sizeof(text), "%s", (char *)r.body);
		if (r.body_len == BIG_LEN)
			snprintf(text, sizeof(text), "big %zu",
			    strspn((char *)r.body, "b"));
		http_resp_free(&r);
	}
	return text;
}

/* The same GET with the default expectations: 127.0.0.1, pem1. */
static const char *
get(struct http_client *c, const struct tsrv *s, int *rc)
{
	struct err e;

	return req(c, s->ctx ? "https" : "http", "127.0.0.1", s, "GET",
	    pem1, rc, &e);
}

/* The n-th value of the field name, "" when there is none. */
static const char *
hv(const struct http_resp *r, const char *name, size_t n)
{
	const char *v = http_resp_header_n(r, name, n);

	return v ? v : "";
}

/* ------------------------------------------------------- TLS tests */

static void
t_verify(void)
{
	struct http_client	*c = http_client_new();
	struct tsrv		*s = SRV(server_ctx(cert1, key1, 0), -1);
	struct err		 e;
	int			 rc;

	check(s != NULL && strcmp(req(c, "https", "127.0.0.1", s, "GET",
	    pem1, &rc, &e), "r0 c1 n0") == 0 && rc == 0,
	    "https to 127.0.0.1: verified with the certificate as a CA blob");
	check(s != NULL && s->sni[0] == '\0', "no SNI for an address");
	check(s != NULL && strcmp(req(c, "https", "localhost", s, "GET",
	    pem1, &rc, &e), "r1 c2 n0") == 0 && rc == 0,
	    "https to localhost: verified by name");
	check(s != NULL && strcmp(s->sni, "localhost") == 0, "SNI: localhost");
	req(c, "https", "127.0.0.1", s, "GET", NULL, &rc, &e);
	check(rc == -1 && e.code == E_CRYPTO &&
	    e.detail == CURLE_PEER_FAILED_VERIFICATION &&
	    strstr(e.msg, "SSL certificate problem") != NULL,
	    "untrusted: E_CRYPTO 60, SSL certificate problem");
	req(c, "https", "127.0.0.1", s, "GET", pem2, &rc, &e);
	check(rc == -1 && e.detail == 60, "another CA blob: 60");
	srv_settle(s, 4);
	check(s != NULL && s->bad_hs == 2 && s->nreq == 2,
	    "no request sent over an unverified connection");
	http_client_free(c);
	srv_stop(s);
}

static void
t_mismatch(void)
{
	struct http_client	*c = http_client_new();
	struct tsrv		*s = SRV(server_ctx(cert2, key2, 0), -1);
	struct err		 e;
	int			 rc;

	req(c, "https", "127.0.0.1", s, "GET", pem2, &rc, &e);
	check(rc == -1 && e.code == E_CRYPTO && e.detail == 60,
	    "trusted, but not for 127.0.0.1: 60");
	req(c, "https", "localhost", s, "GET", pem2, &rc, &e);
	check(rc == -1 && e.code == E_CRYPTO && e.detail == 60,
	    "trusted, but not for localhost: 60");
	srv_settle(s, 2);
	check(s != NULL && s->nreq == 0, "no request sent");
	http_client_free(c);
	srv_stop(s);
}

static void
t_handshake_errors(void)
{
	struct http_client	*c = http_client_new();
	struct http_req		 q = { 0 };
	struct http_resp	 r;
	struct tsrv		*s;
	struct err		 e;
	struct timespec		 t0;
	int			 rc, fd, port;

	if ((s = srv_start(NULL, -1)) != NULL)
		s->raw = "HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n";
	s = srv_run(s);
	req(c, "https", "127.0.0.1", s, "GET", pem1, &rc, &e);
	check(rc == -1 && e.code == E_CRYPTO &&
	    e.detail == CURLE_SSL_CONNECT_ERROR,
	    "https to a plain HTTP server: E_CRYPTO 35");
	srv_stop(s);
	s = SRV(server_ctx(cert1, key1, TLS1_1_VERSION), -1);
	req(c, "https", "127.0.0.1", s, "GET", pem1, &rc, &e);
	check(rc == -1 && e.code == E_CRYPTO && e.detail == 35,
	    "a server capped at TLS 1.1: 35 (TLS 1.2 at least)");
	srv_stop(s);
	s = SRV(server_ctx(cert1, key1, TLS1_2_VERSION), -1);
	check(s != NULL && strcmp(get(c, s, &rc), "r0 c1 n0") == 0,
	    "a server capped at TLS 1.2: accepted");
	srv_stop(s);
	if (listen_lo(&fd, &port) == -1)
		return;
	q.method = "GET";		/* listens, never accepts */
	q.extra_ca_pem = pem1;
	q.timeout_ms = 300;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	rc = go(c, &q, "https", "127.0.0.1", port, "/", &r, &e);
	check(rc == -1 && e.code == E_TIMEOUT &&
	    e.detail == CURLE_OPERATION_TIMEDOUT && ms_since(&t0) < 2000,
	    "stalled handshake: E_TIMEOUT 28 after timeout_ms");
	close(fd);
	req(c, "https", "127.0.0.1", &(struct tsrv){ .port = port }, "GET",
	    pem1, &rc, &e);
	check(rc == -1 && e.code == E_NET &&
	    e.detail == CURLE_COULDNT_CONNECT &&
	    strstr(e.msg, "127.0.0.1 port") != NULL &&
	    strstr(e.msg, "Connection refused") != NULL,
	    "refused: E_NET 7, libcurl's text and the reason");
	http_client_free(c);
}

/* Write pem1 as dir/<subject hash>.0, a hashed directory's link. */
static int
write_anchor(const char *dir)
{
	char	path[512];
	FILE	*f;

	snprintf(path, sizeof(path), "%s/%08lx.0", dir,
	    X509_subject_name_hash(cert1));
	if ((f = fopen(path, "w")) == NULL)
		return -1;
	fputs(pem1, f);
	return fclose(f) == 0 ? 0 : -1;
}

/* The CA blob adds to the system directory, it does not replace it. */
static void
t_system_anchors(void)
{
	struct http_client	*c = http_client_new();
	struct tsrv		*s1 = SRV(server_ctx(cert1, key1, 0), -1);
	struct tsrv		*s3 = SRV(server_ctx(cert3, key2, 0), -1);
	struct err		 e;
	int			 rc;

	if (t_mkdtemp("http") == -1 || write_anchor(tmp) == -1) {
		check(0, "temporary directory");
		return;
	}
	setenv("SSL_CERT_DIR", tmp, 1);
	req(c, "https", "127.0.0.1", s1, "GET", NULL, &rc, &e);
	check(rc == 0, "SSL_CERT_DIR: the anchor found by its hash link");
	req(c, "https", "127.0.0.1", s1, "GET", pem3, &rc, &e);
	check(rc == 0, "with a CA blob: the directory's anchor still trusted");
	req(c, "https", "127.0.0.1", s3, "GET", pem3, &rc, &e);
	check(rc == 0, "and the blob's");
	http_client_free(c);
	c = http_client_new();
	setenv("SSL_CERT_DIR", "/nonexistent", 1);
	req(c, "https", "127.0.0.1", s1, "GET", pem3, &rc, &e);
	check(rc == -1 && e.detail == 60, "neither: 60");
	unsetenv("SSL_CERT_DIR");
	http_client_free(c);
	srv_stop(s1);
	srv_stop(s3);
}

/* ------------------------------------------------ keep-alive tests */

/* A session's requests (GET, POST, HEAD, chunked, large): one
 * connection. */
static void
t_keepalive(SSL_CTX *ctx, const char *what)
{
	struct http_client	*c = http_client_new();
	struct tsrv		*s = SRV(ctx, A_OK, A_OK, A_OK, A_CHUNKED,
	    A_BIG, A_OK, -1);
	const char		*sch = ctx ? "https" : "http";
	struct err		 e;
	int			 rc, ok;

	if (s == NULL)
		return check(0, "server");
	ok = strcmp(req(c, sch, "127.0.0.1", s, "GET", pem1, &rc, &e),
	    "r0 c1 n0") == 0;
	ok &= strcmp(req(c, sch, "127.0.0.1", s, "POST", pem1, &rc, &e),
	    "r1 c1 n5") == 0;
	ok &= strcmp(req(c, sch, "127.0.0.1", s, "HEAD", pem1, &rc, &e),
	    "") == 0 && rc == 0;
	check(ok && s->accepts == 1, "%s: GET, POST, HEAD on one connection",
	    what);
	check(strcmp(req(c, sch, "127.0.0.1", s, "GET", pem1, &rc, &e),
	    "r3 c1 n0") == 0, "%s: chunked body, connection kept", what);
	check(strcmp(req(c, sch, "127.0.0.1", s, "GET", pem1, &rc, &e),
	    "big 307200") == 0, "%s: 300 KiB body, connection kept", what);
	check(strcmp(req(c, sch, "127.0.0.1", s, "GET", pem1, &rc, &e),
	    "r5 c1 n0") == 0 && s->accepts == 1,
	    "%s: six requests, one connection", what);
	http_client_free(c);
	srv_stop(s);
}

/* The server ends or drops the connection: a new one is opened. */
static void
t_close(SSL_CTX *ctx, const char *what)
{
	struct http_client	*c = http_client_new();
	struct tsrv		*s = SRV(ctx, A_CLOSE, A_OK, A_DROP, A_OK,
	    -1);
	int			 rc;

	if (s == NULL)
		return check(0, "server");
	check(strcmp(get(c, s, &rc), "r0 c1 n0") == 0 &&
	    strcmp(get(c, s, &rc), "r1 c2 n0") == 0,
	    "%s: Connection: close honoured", what);
	check(strcmp(get(c, s, &rc), "r3 c3 n0") == 0 && s->accepts == 3,
	    "%s: a kept connection dropped under a request: retried on a "
	    "new one", what);
	http_client_free(c);
	srv_stop(s);
	c = http_client_new();
	s = SRV(ctx ? server_ctx(cert1, key1, 0) : NULL, A_DROP, -1);
	get(c, s, &rc);
	check(rc == -1 && s != NULL && s->accepts == 1,
	    "%s: an empty reply on a new connection is not retried", what);
	http_client_free(c);
	srv_stop(s);
}

/* No reuse of a connection verified with other trust anchors. */
static void
t_no_reuse(void)
{
	struct http_client	*c = http_client_new();
	struct tsrv		*s = SRV(server_ctx(cert1, key1, 0), -1);
	struct err		 e;
	int			 rc;

	req(c, "https", "127.0.0.1", s, "GET", pem1, &rc, &e);
	req(c, "https", "127.0.0.1", s, "GET", pem2, &rc, &e);
	check(rc == -1 && e.detail == 60 && s != NULL && s->accepts == 2,
	    "another CA blob: a new connection, verified again (60)");
	http_client_free(c);
	srv_stop(s);
}

/* -------------------------------------------- protocols, redirects */

static void
t_https_only(void)
{
	struct http_client	*c = http_client_new();
	struct http_req		 q = { 0 };
	struct http_resp	 r;
	struct tsrv		*s = SRV(NULL, -1), *t;
	struct err		 e;
	char			 loc[128];

	q.method = "GET";
	q.https_only = 1;
	check(go(c, &q, "http", "127.0.0.1", s ? s->port : 1, "/", &r, &e) ==
	    -1 && e.code == E_NET && e.detail == CURLE_UNSUPPORTED_PROTOCOL,
	    "https_only: http:// refused (E_NET 1)");
	srv_settle(s, 0);
	check(s != NULL && s->accepts == 0, "https_only: nothing connected");
	if ((t = srv_start(server_ctx(cert1, key1, 0), A_REDIR, -1)) != NULL) {
		snprintf(loc, sizeof(loc), "http://127.0.0.1:%d/plain",
		    s ? s->port : 1);
		t->location = loc;
	}
	t = srv_run(t);
	q.extra_ca_pem = pem1;
	q.max_redirs = 3;
	check(go(c, &q, "https", "127.0.0.1", t ? t->port : 1, "/", &r, &e) ==
	    -1 && e.detail == CURLE_UNSUPPORTED_PROTOCOL && s != NULL &&
	    s->accepts == 0, "https_only: a redirect to http:// refused");
	http_client_free(c);
	srv_stop(s);
	srv_stop(t);
}

static void
t_redirects(void)
{
	struct http_client	*c = http_client_new();
	struct http_req		 q = { 0 };
	struct http_resp	 r;
	struct tsrv		*s = SRV(NULL, A_REDIR, A_OK, A_REDIR, A_REDIR,
	    A_REDIR, A_REDIR, A_REDIR, A_REDIR, -1);
	struct err		 e;

	if (s == NULL)
		return check(0, "server");
	q.method = "GET";
	q.max_redirs = 3;
	check(go(c, &q, "http", "127.0.0.1", s->port, "/a", &r, &e) == 0 &&
	    r.status == 200 && strcmp((char *)r.body, "r1 c1 n0") == 0 &&
	    strncmp(s->req, "GET /next ", 10) == 0 &&
	    http_resp_header(&r, "X-Hop") == NULL,
	    "GET with max_redirs: followed; the final response only");
	http_resp_free(&r);
	check(go(c, &q, "http", "127.0.0.1", s->port, "/a", &r, &e) == -1 &&
	    e.code == E_NET && e.detail == CURLE_TOO_MANY_REDIRECTS &&
	    s->nreq == 6, "a redirect loop: bounded by max_redirs (47)");
	q.method = "POST";
	q.body = "x";
	q.body_len = 1;
	check(go(c, &q, "http", "127.0.0.1", s->port, "/a", &r, &e) == 0 &&
	    r.status == 302 && strcmp(hv(&r, "Location", 0), "/next") == 0 && s->nreq == 7,
	    "POST: a redirect is the response, never followed");
	http_resp_free(&r);
	q.method = "GET";
	q.max_redirs = 0;
	check(go(c, &q, "http", "127.0.0.1", s->port, "/a", &r, &e) == 0 &&
	    r.status == 302 && strcmp((char *)r.body, "hop") == 0 &&
	    s->nreq == 8, "GET without max_redirs: not followed");
	http_resp_free(&r);
	http_client_free(c);
	srv_stop(s);
}

/* ------------------------------------------- requests and responses */

/* One request to a plain server replying reply (then holding, or
 * closing); the server is stopped before returning. */
static int
scripted(const char *reply, int close_after, struct http_req *q,
    struct http_resp *r, struct err *e, long *ms)
{
	struct http_client	*c = http_client_new();
	struct tsrv		*s = srv_start(NULL, close_after ? A_REPLY_CLOSE :
	    A_REPLY, -1);
	struct timespec		 t0;
	int			 rc;

	if (s == NULL || c == NULL)
		return -1;
	s->reply = reply;
	srv_run(s);
	if (q->method == NULL)
		q->method = "GET";
	clock_gettime(CLOCK_MONOTONIC, &t0);
	rc = go(c, q, "http", "127.0.0.1", s->port, "/s", r, e);
	if (ms != NULL)
		*ms = ms_since(&t0);
	http_client_free(c);
	srv_stop(s);
	return rc;
}

static void
t_headers(void)
{
	struct http_req		 q = { 0 };
	struct http_resp	 r;
	struct err		 e;

	q.method = "POST";
	check(scripted("HTTP/1.1 100 Continue\r\nX-Interim: 1\r\n\r\n"
	    "HTTP/1.1 201 Created\r\nLink: <a>;rel=\"up\"\r\n"
	    "X-Spaces: \t  padded value  \t\r\nlink: <b>;rel=\"up\"\r\n"
	    "X-Fold: first\r\n   second\r\n"
	    "Content-Length: 5\r\n\r\nhello", 0, &q, &r, &e, NULL) == 0 &&
	    r.status == 201 && r.body_len == 5 &&
	    strcmp((char *)r.body, "hello") == 0,
	    "the final status and body after 100 Continue");
	check(http_resp_header(&r, "X-Interim") == NULL && r.nhdrs == 5,
	    "the final response's fields only (no interim one)");
	check(strcmp(hv(&r, "LINK", 1), "<b>;rel=\"up\"") == 0 &&
	    http_resp_header_n(&r, "Link", 2) == NULL,
	    "repeated fields, looked up case-insensitively");
	check(strcmp(hv(&r, "X-Spaces", 0), "padded value") == 0 &&
	    strcmp(hv(&r, "X-Fold", 0), "first second") == 0,
	    "values trimmed; a folded line joined with one space");
	http_resp_free(&r);
	check(scripted("HTTP/1.1 200 OK\r\nnot a header line\r\n"
	    "Content-Length: 0\r\n\r\n", 0, &q, &r, &e, NULL) == -1 &&
	    e.code == E_NET && e.detail == CURLE_WEIRD_SERVER_REPLY,
	    "a header line without a colon: E_NET 8");
	memset(&q, 0, sizeof(q));
	check(scripted("HTTP/1.1 404 Not Found\r\nContent-Length: 9\r\n\r\n"
	    "not found", 0, &q, &r, &e, NULL) == 0 && r.status == 404 &&
	    strcmp((char *)r.body, "not found") == 0,
	    "404 is a response (0), its body kept");
	http_resp_free(&r);
	check(scripted("HTTP/1.1 204 No Content\r\n\r\n", 0, &q, &r, &e,
	    NULL) == 0 && r.status == 204 && r.body != NULL &&
	    r.body_len == 0 && r.body[0] == '\0',
	    "204: the empty body is \"\", not NULL");
	http_resp_free(&r);
	check(scripted("HTTP/1.0 200 OK\r\n\r\nread until the close", 1, &q,
	    &r, &e, NULL) == 0 && strcmp((char *)r.body,
	    "read until the close") == 0, "no length: the body up to the close");
	http_resp_free(&r);
}

static void
t_request(void)
{
	static const char body[] = "PKI\0message\r\n\0end";
	struct http_client	*c = http_client_new();
	struct http_req		 q = { 0 };
	struct http_resp	 r;
	struct tsrv		*s = SRV(NULL, -1);
	struct err		 e;
	char			 want[128];
	const char		*he;

	if (s == NULL)
		return check(0, "server");
	q.method = "POST";
	q.content_type = "application/x-pki-message";
	q.body = body;
	q.body_len = sizeof(body);
	check(go(c, &q, "http", "127.0.0.1", s->port,
	    "/scep?operation=PKIOperation", &r, &e) == 0 &&
	    strcmp((char *)r.body, "r0 c1 n18") == 0, "POST answered");
	http_resp_free(&r);
	snprintf(want, sizeof(want), "POST /scep?operation=PKIOperation "
	    "HTTP/1.1\r\nHost: 127.0.0.1:%d\r\n", s->port);
	he = strstr(s->req, "\r\n\r\n");
	check(strncmp(s->req, want, strlen(want)) == 0 &&
	    strcasestr(s->req, "\r\nContent-Type: application/"
	    "x-pki-message\r\n") != NULL && strcasestr(s->req, "\r\nExpect:")
	    == NULL && he != NULL && s->req_len == (size_t)(he + 4 - s->req) +
	    sizeof(body) && memcmp(he + 4, body, sizeof(body)) == 0,
	    "POST: request line, Host, Content-Type, no Expect, the body "
	    "byte for byte");
	http_client_free(c);
	srv_stop(s);
}

static void
t_body_limits(void)
{
	struct http_client	*c = http_client_new();
	struct http_req		 q = { 0 };
	struct http_resp	 r;
	struct tsrv		*s = SRV(NULL, A_BIG, A_BIG, A_CHUNKED, -1);
	struct err		 e;

	if (s == NULL)
		return check(0, "server");
	q.method = "GET";
	check(go(c, &q, "http", "127.0.0.1", s->port, "/", &r, &e) == 0 &&
	    r.body_len == BIG_LEN, "300 KiB under the 1 MiB default cap");
	http_resp_free(&r);
	q.max_body = BIG_LEN - 1;
	check(go(c, &q, "http", "127.0.0.1", s->port, "/", &r, &e) == -1 &&
	    e.code == E_PROTO && e.detail == CURLE_FILESIZE_EXCEEDED &&
	    strstr(e.msg, "response too large") != NULL && r.body == NULL,
	    "Content-Length over max_body: response too large, nothing kept");
	q.max_body = 5;
	check(go(c, &q, "http", "127.0.0.1", s->port, "/", &r, &e) == -1 &&
	    e.code == E_PROTO && e.detail == CURLE_WRITE_ERROR &&
	    strstr(e.msg, "response too large") != NULL,
	    "chunks over max_body: response too large as they arrive");
	http_client_free(c);
	srv_stop(s);
	q.max_body = 5;
	q.method = "HEAD";
	check(scripted("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n", 0,
	    &q, &r, &e, NULL) == 0 && r.body_len == 0,
	    "HEAD: a large Content-Length is no body");
	http_resp_free(&r);
}

static void
t_framing(void)
{
	struct http_req		 q = { 0 };
	struct http_resp	 r;
	struct err		 e;

	check(scripted("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
	    "5;ext=1\r\nhello\r\n0\r\nX-Trailer: t\r\n\r\n", 0, &q, &r, &e,
	    NULL) == 0 && strcmp((char *)r.body, "hello") == 0 &&
	    http_resp_header(&r, "X-Trailer") == NULL && r.nhdrs == 1,
	    "chunked: extension and trailer skipped");
	http_resp_free(&r);
	check(scripted("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
	    "zz\r\nab\r\n0\r\n\r\n", 0, &q, &r, &e, NULL) == -1 &&
	    e.code == E_NET && e.detail == CURLE_RECV_ERROR && r.body == NULL &&
	    r.nhdrs == 0, "bad chunk size: E_NET 56, nothing kept");
	check(scripted("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
	    "5\r\nab", 1, &q, &r, &e, NULL) == -1 && e.code == E_NET &&
	    e.detail == CURLE_PARTIAL_FILE, "chunked body cut by the close: 18");
	check(scripted("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc", 1,
	    &q, &r, &e, NULL) == -1 && e.code == E_NET &&
	    e.detail == CURLE_PARTIAL_FILE, "closed 7 bytes short: 18");
	check(scripted("", 1, &q, &r, &e, NULL) == -1 && e.code == E_NET &&
	    e.detail == CURLE_GOT_NOTHING, "closed without a byte: 52");
}

static void
t_timeouts(void)
{
	struct http_client	*c = http_client_new();
	struct http_req		 q = { 0 };
	struct http_resp	 r;
	struct tsrv		*s = SRV(NULL, A_SILENT, -1);
	struct timespec		 t0;
	struct err		 e;
	long			 ms;

	q.method = "GET";
	q.timeout_ms = 300;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	check(go(c, &q, "http", "127.0.0.1", s ? s->port : 1, "/", &r, &e) ==
	    -1 && e.code == E_TIMEOUT && e.detail == CURLE_OPERATION_TIMEDOUT
	    && (ms = ms_since(&t0)) >= 250 && ms < 2000,
	    "no answer: E_TIMEOUT 28 after timeout_ms");
	http_client_free(c);
	srv_stop(s);
	q.timeout_ms = 300;
	check(scripted("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc", 0,
	    &q, &r, &e, &ms) == -1 && e.code == E_TIMEOUT && e.detail == 28 &&
	    ms >= 250 && ms < 2000, "the body stalls: E_TIMEOUT 28");
	/* name resolution runs on libcurl's resolver thread, so the
	 * request's timeout covers it */
	check((curl_version_info(CURLVERSION_NOW)->features &
	    CURL_VERSION_ASYNCHDNS) != 0, "libcurl resolves asynchronously");
}

/* http_proxy set: the request goes to the proxy, absolute URL. */
static void
t_proxy(void)
{
	struct http_client	*c = http_client_new();
	struct http_req		 q = { 0 };
	struct http_resp	 r;
	struct tsrv		*s = SRV(NULL, -1);
	struct err		 e = { 0 };
	char			 url[128];

	if (s == NULL)
		return check(0, "server");
	snprintf(url, sizeof(url), "http://127.0.0.1:%d", s->port);
	setenv("http_proxy", url, 1);
	q.method = "GET";
	q.url = "http://ca.example.test/scep?operation=GetCACaps";
	q.timeout_ms = 3000;
	check(http_do(c, &q, &r, &e) == 0 && strcmp((char *)r.body,
	    "r0 c1 n0") == 0 && strncmp(s->req, "GET http://ca.example.test/"
	    "scep?operation=GetCACaps HTTP/1.1\r\n", 56) == 0,
	    "http_proxy: the proxy gets the absolute URL");
	http_resp_free(&r);
	unsetenv("http_proxy");
	http_client_free(c);
	srv_stop(s);
}

int
main(void)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	signal(SIGPIPE, SIG_IGN);		/* the server's writes only */
	unsetenv("https_proxy");
	unsetenv("HTTPS_PROXY");
	unsetenv("http_proxy");
	unsetenv("all_proxy");
	unsetenv("ALL_PROXY");
	unsetenv("SSL_CERT_DIR");
	if (make_certs() == -1) {
		check(0, "throwaway certificates");
		return t_report();
	}
	t_verify();
	t_mismatch();
	t_handshake_errors();
	t_system_anchors();
	t_keepalive(NULL, "http");
	t_keepalive(server_ctx(cert1, key1, 0), "https");
	t_close(NULL, "http");
	t_close(server_ctx(cert1, key1, 0), "https");
	t_no_reuse();
	t_https_only();
	t_redirects();
	t_headers();
	t_request();
	t_body_limits();
	t_framing();
	t_timeouts();
	t_proxy();
	http_global_cleanup();
	X509_free(cert1);
	X509_free(cert2);
	X509_free(cert3);
	EVP_PKEY_free(key1);
	EVP_PKEY_free(key2);
	free(pem1);
	free(pem2);
	free(pem3);
	return t_finish();
}
