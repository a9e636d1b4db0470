/* pkish - ISC license, see LICENSE */
/*
 * DOC: unit tests for lib/http's built-in client over TLS and for its
 * kept connection (http:// and https:// alike), against a scripted
 * HTTP/1.1 server thread on 127.0.0.1 that speaks libssl with throwaway
 * self-signed certificates made here (keys in memory only). TLS: success
 * with the certificate as the extra CA, SNI for a name and none for an
 * address, error 60 without it and for a host name or address mismatch,
 * 35 for a non-TLS peer or a peer below TLS 1.2, 28 for a stalled
 * handshake, 7 refused, SSL_CERT_FILE and SSL_CERT_DIR as system
 * anchors, one cached context per extra PEM. Keep-alive: three requests
 * on one connection, chunked and large bodies on it, Connection: close
 * and HTTP/1.0 honoured, an idle connection the server closed replaced
 * before use, a request on a reused connection the server drops (close,
 * close_notify or reset) retried once on a new one, and never more
 * often, a new connection's empty reply not retried (52), no reuse
 * across origins or trust anchors. libcurl is never loaded.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include "lib/http.h"
#include "lib/http_int.h"
#include "testlib.h"

/* What the server does with one request (in the order received). */
enum act {
	A_OK,		/* 200, Content-Length, "r<req> c<conn> n<body>" */
	A_CHUNKED,	/* 200, chunked, the same text in three chunks */
	A_BIG,		/* 200, Content-Length, BIG_LEN bytes */
	A_CLOSE,	/* 200 with "Connection: close", then close */
	A_HTTP10,	/* HTTP/1.0 200 with Content-Length, then close */
	A_IDLE_CLOSE,	/* 200 (keep-alive), then close at once */
	A_DROP,		/* no reply: close (TLS: close_notify first) */
	A_RESET,	/* no reply: reset the connection */
};

#define MAXACTS	8
#define BIG_LEN	(300 * 1024)

struct tsrv {
	int		 lfd;		/* listening on 127.0.0.1 */
	int		 port;
	SSL_CTX		*ctx;		/* owned; NULL: plain HTTP */
	const char	*raw;		/* borrowed: sent on accept, then
					 * closed (no HTTP) */
	enum act	 acts[MAXACTS];	/* A_OK past nacts */
	int		 nacts;
	pthread_t	 th;
	int		 accepts;	/* connections accepted */
	int		 nreq;		/* requests read */
	int		 bad_hs;	/* failed handshakes */
	char		 sni[256];	/* of the last handshake, "" if none */
	volatile int	 busy;		/* a connection is being served */
	volatile int	 stop;
};

/* One accepted connection on the server side. */
struct sconn {
	int	 fd;
	SSL	*ssl;		/* NULL: plain */
	char	 buf[65536];	/* received, unconsumed */
	size_t	 len;
	int	 head;		/* the last request was a HEAD */
};

static EVP_PKEY	*key1, *key2;	/* throwaway, in memory only */
static X509	*cert1, *cert2;	/* 127.0.0.1+localhost, other.example.test */
static X509	*cert3;		/* 127.0.0.1, with key2 */
static char	*pem1, *pem2, *pem3;

/* -------------------------------------------------- certificates */

static X509 *
make_cert(EVP_PKEY *k, const char *cn, const char *san)
{
	X509		*x = X509_new();
	X509_NAME	*n;
	X509_EXTENSION	*ext;
	X509V3_CTX	 v3;

	if (x == NULL)
		return NULL;
	X509_set_version(x, 2);
	ASN1_INTEGER_set(X509_get_serialNumber(x), 1);
	X509_gmtime_adj(X509_getm_notBefore(x), -3600);
	X509_gmtime_adj(X509_getm_notAfter(x), 86400);
	X509_set_pubkey(x, k);
	n = X509_get_subject_name(x);
	X509_NAME_add_entry_by_txt(n, "CN", MBSTRING_ASC,
	    (const unsigned char *)cn, -1, -1, 0);
	X509_set_issuer_name(x, n);
	X509V3_set_ctx(&v3, x, x, NULL, NULL, 0);
	if ((ext = X509V3_EXT_conf_nid(NULL, &v3, NID_subject_alt_name,
	    san)) != NULL) {
		X509_add_ext(x, ext, -1);
		X509_EXTENSION_free(ext);
	}
	X509_sign(x, k, EVP_sha256());
	return x;
}

static char *
to_pem(X509 *x)
{
	BIO	*b = BIO_new(BIO_s_mem());
	char	*p = NULL, *d;
	long	 n;

	if (b != NULL && PEM_write_bio_X509(b, x) &&
	    (n = BIO_get_mem_data(b, &d)) > 0)
		p = strndup(d, (size_t)n);
	BIO_free(b);
	return p;
}

static int
make_certs(void)
{
	key1 = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
	key2 = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
	if (key1 == NULL || key2 == NULL)
		return -1;
	cert1 = make_cert(key1, "pkish test one",
	    "DNS:localhost,IP:127.0.0.1");
	cert2 = make_cert(key2, "pkish test two", "DNS:other.example.test");
	cert3 = make_cert(key2, "pkish test three", "IP:127.0.0.1");
	if (cert1 == NULL || cert2 == NULL || cert3 == NULL)
		return -1;
	pem1 = to_pem(cert1);
	pem2 = to_pem(cert2);
	pem3 = to_pem(cert3);
	return pem1 && pem2 && pem3 ? 0 : -1;
}

/* A server context with cert and key; TLS up to max_ver (0: any). */
static SSL_CTX *
server_ctx(X509 *x, EVP_PKEY *k, int max_ver)
{
	SSL_CTX *ctx = SSL_CTX_new(TLS_server_method());

	if (ctx == NULL)
		return NULL;
	SSL_CTX_use_certificate(ctx, x);
	SSL_CTX_use_PrivateKey(ctx, k);
	if (max_ver != 0) {
		SSL_CTX_set_security_level(ctx, 0);
		SSL_CTX_set_min_proto_version(ctx, TLS1_VERSION);
		SSL_CTX_set_max_proto_version(ctx, max_ver);
	}
	return ctx;
}

/* ------------------------------------------------------ the server */

static int
s_read(struct sconn *sc, void *p, size_t n)
{
	size_t got = 0;

	if (sc->ssl == NULL)
		return (int)read(sc->fd, p, n);
	if (SSL_read_ex(sc->ssl, p, n, &got))
		return (int)got;
	return SSL_get_error(sc->ssl, 0) == SSL_ERROR_ZERO_RETURN ? 0 : -1;
}

static void
s_write(struct sconn *sc, const void *p, size_t n)
{
	size_t w;

	if (sc->ssl != NULL)
		SSL_write_ex(sc->ssl, p, n, &w);
	else
		(void)send(sc->fd, p, n, MSG_NOSIGNAL);
}

/* Read one request (head and Content-Length body); its body length, or
 * -1 when the client closed or the server is stopping. */
static long
s_request(struct tsrv *s, struct sconn *sc)
{
	struct pollfd	 pf = { sc->fd, POLLIN, 0 };
	char		*he, *cl;
	size_t		 need, hl;
	int		 n;

	for (;;) {
		sc->buf[sc->len] = '\0';
		if ((he = strstr(sc->buf, "\r\n\r\n")) != NULL) {
			hl = (size_t)(he + 4 - sc->buf);
			cl = strcasestr(sc->buf, "\r\nContent-Length: ");
			need = cl && cl < he ? strtoul(cl + 18, NULL, 10) : 0;
			if (sc->len >= hl + need) {
				sc->head = strncmp(sc->buf, "HEAD ", 5) == 0;
				memmove(sc->buf, sc->buf + hl + need,
				    sc->len - hl - need);
				sc->len -= hl + need;
				return (long)need;
			}
		}
		if (sc->ssl == NULL || SSL_pending(sc->ssl) == 0)
			while (poll(&pf, 1, 50) == 0)
				if (s->stop)
					return -1;
		if (sc->len >= sizeof(sc->buf) - 1 ||
		    (n = s_read(sc, sc->buf + sc->len,
		    sizeof(sc->buf) - 1 - sc->len)) <= 0)
			return -1;
		sc->len += (size_t)n;
	}
}

/* The reply for act; 1 if the connection ends after it. */
static int
s_reply(struct tsrv *s, struct sconn *sc, enum act a, long blen)
{
	static char	 big[BIG_LEN];
	char		 body[64], msg[512];
	int		 n;

	snprintf(body, sizeof(body), "r%d c%d n%ld", s->nreq - 1, s->accepts,
	    blen);
	switch (a) {
	case A_CHUNKED:
		n = snprintf(msg, sizeof(msg), "HTTP/1.1 200 OK\r\n"
		    "Transfer-Encoding: chunked\r\n\r\n1\r\n%c\r\n%zx\r\n%s\r\n"
		    "0\r\n\r\n", body[0], strlen(body) - 1, body + 1);
		break;
	case A_BIG:
		memset(big, 'b', sizeof(big));
		n = snprintf(msg, sizeof(msg), "HTTP/1.1 200 OK\r\n"
		    "Content-Length: %d\r\n\r\n", BIG_LEN);
		s_write(sc, msg, (size_t)n);
		s_write(sc, big, sizeof(big));
		return 0;
	default:
		n = snprintf(msg, sizeof(msg), "HTTP/1.%d 200 OK\r\n%s"
		    "Content-Length: %zu\r\n\r\n%s", a == A_HTTP10 ? 0 : 1,
		    a == A_CLOSE ? "Connection: close\r\n" : "", strlen(body),
		    sc->head ? "" : body);
	}
	s_write(sc, msg, (size_t)n);
	return a == A_CLOSE || a == A_HTTP10 || a == A_IDLE_CLOSE;
}

/* Serve requests on one connection until it ends. */
static void
s_serve(struct tsrv *s, struct sconn *sc)
{
	struct linger	lg = { 1, 0 };
	enum act	a;
	long		blen;

	while ((blen = s_request(s, sc)) >= 0) {
		a = s->nreq < s->nacts ? s->acts[s->nreq] : A_OK;
		s->nreq++;
		if (a == A_RESET) {
			setsockopt(sc->fd, SOL_SOCKET, SO_LINGER, &lg,
			    sizeof(lg));
			return;
		}
		if (a == A_DROP || s_reply(s, sc, a, blen))
			break;
	}
	if (sc->ssl != NULL)
		SSL_shutdown(sc->ssl);
}

/* A TLS handshake on sc; 0 or -1. */
static int
s_handshake(struct tsrv *s, struct sconn *sc)
{
	const char	*sni;
	int		 rc;

	if ((sc->ssl = SSL_new(s->ctx)) == NULL)
		return -1;
	SSL_set_fd(sc->ssl, sc->fd);
	rc = SSL_accept(sc->ssl);
	sni = SSL_get_servername(sc->ssl, TLSEXT_NAMETYPE_host_name);
	snprintf(s->sni, sizeof(s->sni), "%s", sni ? sni : "");
	if (rc == 1)
		return 0;
	s->bad_hs++;
	ERR_clear_error();
	return -1;
}

static void *
s_main(void *arg)
{
	struct tsrv	*s = arg;
	struct pollfd	 pf = { s->lfd, POLLIN, 0 };
	struct sconn	*sc = calloc(1, sizeof(*sc));

	while (sc != NULL && !s->stop) {
		if (poll(&pf, 1, 50) != 1 ||
		    (sc->fd = accept(s->lfd, NULL, NULL)) < 0)
			continue;
		s->busy = 1;
		s->accepts++;
		sc->len = 0;
		if (s->raw != NULL)
			(void)send(sc->fd, s->raw, strlen(s->raw),
			    MSG_NOSIGNAL);
		else if (s->ctx == NULL || s_handshake(s, sc) == 0)
			s_serve(s, sc);
		SSL_free(sc->ssl);
		sc->ssl = NULL;
		close(sc->fd);
		s->busy = 0;
	}
	free(sc);
	return NULL;
}

/* Listen on 127.0.0.1, ephemeral port; 0 or -1. */
static int
listen_lo(int *fd, int *port)
{
	struct sockaddr_in	sin;
	socklen_t		sl = sizeof(sin);

	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if ((*fd = socket(AF_INET, SOCK_STREAM, 0)) < 0)
		return -1;
	if (bind(*fd, (struct sockaddr *)&sin, sl) < 0 ||
	    listen(*fd, 8) < 0 ||
	    getsockname(*fd, (struct sockaddr *)&sin, &sl) < 0) {
		close(*fd);
		return -1;
	}
	*port = ntohs(sin.sin_port);
	return 0;
}

/* Start a server (ctx owned by it; NULL = plain) with the acts given,
 * ending in -1. */
static struct tsrv *
srv_start(SSL_CTX *ctx, ...)
{
	struct tsrv	*s = calloc(1, sizeof(*s));
	va_list		 ap;
	int		 a;

	if (s == NULL || listen_lo(&s->lfd, &s->port) == -1) {
		free(s);
		SSL_CTX_free(ctx);
		return NULL;
	}
	s->ctx = ctx;
	va_start(ap, ctx);
	while (s->nacts < MAXACTS && (a = va_arg(ap, int)) != -1)
		s->acts[s->nacts++] = (enum act)a;
	va_end(ap);
	if (pthread_create(&s->th, NULL, s_main, s) != 0) {
		close(s->lfd);
		SSL_CTX_free(ctx);
		free(s);
		return NULL;
	}
	return s;
}

/* Wait (2 s at most) until the server has accepted n connections and
 * finished with them: what it saw of a failed handshake. */
static void
srv_settle(struct tsrv *s, int n)
{
	for (int i = 0; i < 200 && (s->accepts < n || s->busy); i++)
		usleep(10000);
}

static void
srv_stop(struct tsrv *s)
{
	if (s == NULL)
		return;
	s->stop = 1;
	pthread_join(s->th, NULL);
	close(s->lfd);
	SSL_CTX_free(s->ctx);
	free(s);
}

/* ------------------------------------------------------ the client */

/* One request; body text (static) or "" and the result in *rc. */
static const char *
req(struct http_client *c, const char *scheme, const char *host,
    const struct tsrv *s, const char *method, const char *pem, int *rc,
    struct err *e)
{
	static char		 text[128];
	struct http_req		 q = { 0 };
	struct http_resp	 r;
	char			 url[256];

	snprintf(url, sizeof(url), "%s://%s:%d/x", scheme, host,
	    s ? s->port : 1);
	q.method = method;
	q.url = url;
	q.extra_ca_pem = pem;
	q.timeout_ms = 3000;
	if (strcmp(method, "POST") == 0) {
		q.body = "hello";
		q.body_len = 5;
		q.content_type = "text/plain";
	}
	memset(e, 0, sizeof(*e));
	text[0] = '\0';
	if ((*rc = http_do(c, &q, &r, e)) == 0) {
		snprintf(text, sizeof(text), "%s", r.body_len > 100 ?
		    "big" : (char *)r.body);
		if (r.body_len == BIG_LEN)
			snprintf(text, sizeof(text), "big %zu",
			    strspn((char *)r.body, "b"));
		http_resp_free(&r);
	} else
		printf("# %d %s\n", e->detail, e->msg);
	return text;
}

/* The same GET with the default expectations: https, 127.0.0.1, pem1. */
static const char *
get(struct http_client *c, const struct tsrv *s, int *rc)
{
	struct err e;

	return req(c, s->ctx ? "https" : "http", "127.0.0.1", s, "GET",
	    pem1, rc, &e);
}

/* ---------------------------------------------------------- tests */

static void
t_verify(void)
{
	struct http_client	*c = http_client_new();
	struct tsrv		*s = srv_start(server_ctx(cert1, key1, 0), -1);
	struct err		 e;
	int			 rc;

	check(s != NULL && strcmp(req(c, "https", "127.0.0.1", s, "GET",
	    pem1, &rc, &e), "r0 c1 n0") == 0 && rc == 0,
	    "https to 127.0.0.1: verified with the certificate as extra CA");
	check(s != NULL && s->sni[0] == '\0', "no SNI for an address");
	http_client_free(c);
	c = http_client_new();
	check(s != NULL && strcmp(req(c, "https", "localhost", s, "GET",
	    pem1, &rc, &e), "r1 c2 n0") == 0 && rc == 0,
	    "https to localhost: verified by name");
	check(s != NULL && strcmp(s->sni, "localhost") == 0,
	    "SNI: localhost");
	http_client_free(c);
	c = http_client_new();
	req(c, "https", "127.0.0.1", s, "GET", NULL, &rc, &e);
	check(rc == -1 && e.code == E_CRYPTO && e.detail == 60 &&
	    strncmp(e.msg, "SSL certificate problem: ", 25) == 0 &&
	    strstr(e.msg, "self-signed") != NULL,
	    "not trusted: E_CRYPTO 60, SSL certificate problem");
	req(c, "https", "127.0.0.1", s, "GET", pem2, &rc, &e);
	check(rc == -1 && e.detail == 60, "another extra CA: 60");
	if (s != NULL)
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
	struct tsrv		*s = srv_start(server_ctx(cert2, key2, 0), -1);
	struct err		 e;
	int			 rc;

	req(c, "https", "127.0.0.1", s, "GET", pem2, &rc, &e);
	check(rc == -1 && e.code == E_CRYPTO && e.detail == 60 &&
	    strstr(e.msg, "SSL certificate problem: IP address mismatch"),
	    "trusted, but not for 127.0.0.1: 60, IP address mismatch");
	req(c, "https", "localhost", s, "GET", pem2, &rc, &e);
	check(rc == -1 && e.code == E_CRYPTO && e.detail == 60 &&
	    strstr(e.msg, "SSL certificate problem: hostname mismatch"),
	    "trusted, but not for localhost: 60, hostname mismatch");
	if (s != NULL)
		srv_settle(s, 2);
	check(s != NULL && strcmp(s->sni, "localhost") == 0 &&
	    s->bad_hs == 2 && s->nreq == 0, "no request sent");
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
	char			 url[64];
	int			 rc, fd, port;

	s = srv_start(NULL, -1);
	if (s != NULL)
		s->raw = "HTTP/1.1 400 Bad Request\r\n"
		    "Content-Length: 0\r\n\r\n";
	req(c, "https", "127.0.0.1", s, "GET", pem1, &rc, &e);
	check(rc == -1 && e.code == E_CRYPTO && e.detail == 35 &&
	    strstr(e.msg, "TLS connect error") != NULL,
	    "https to a plain HTTP server: E_CRYPTO 35");
	srv_stop(s);
	s = srv_start(server_ctx(cert1, key1, TLS1_1_VERSION), -1);
	req(c, "https", "127.0.0.1", s, "GET", pem1, &rc, &e);
	check(rc == -1 && e.code == E_CRYPTO && e.detail == 35,
	    "a server capped at TLS 1.1: 35 (TLS 1.2 at least)");
	srv_stop(s);
	s = srv_start(server_ctx(cert1, key1, TLS1_2_VERSION), -1);
	check(strcmp(get(c, s, &rc), "r0 c1 n0") == 0,
	    "a server capped at TLS 1.2: accepted");
	srv_stop(s);
	if (listen_lo(&fd, &port) == 0) {	/* never accepts */
		snprintf(url, sizeof(url), "https://127.0.0.1:%d/", port);
		q.method = "GET";
		q.url = url;
		q.extra_ca_pem = pem1;
		q.timeout_ms = 300;
		check(http_do(c, &q, &r, &e) == -1 && e.code == E_TIMEOUT &&
		    e.detail == 28, "stalled handshake: E_TIMEOUT 28");
		close(fd);
		req(c, "https", "127.0.0.1", &(struct tsrv){ .port = port },
		    "GET", pem1, &rc, &e);
		check(rc == -1 && e.code == E_NET && e.detail == 7 &&
		    strstr(e.msg, "Failed to connect to 127.0.0.1 port") &&
		    strstr(e.msg, "Connection refused"),
		    "https refused: E_NET 7, curl's text");
	}
	http_client_free(c);
}

/* Three requests (GET, POST, HEAD) on one client: one connection. */
static void
t_keepalive(SSL_CTX *ctx, const char *what)
{
	struct http_client	*c = http_client_new();
	struct tsrv		*s = srv_start(ctx, A_OK, A_OK, A_OK, A_CHUNKED,
	    A_BIG, A_OK, -1);
	const char		*sch = ctx ? "https" : "http";
	struct err		 e;
	int			 rc, ok;

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

/* The server ends the connection: the next request opens a new one. */
static void
t_close(SSL_CTX *ctx, const char *what)
{
	struct http_client	*c = http_client_new();
	struct tsrv		*s = srv_start(ctx, A_CLOSE, A_HTTP10,
	    A_IDLE_CLOSE, A_OK, -1);
	int			 rc;

	check(strcmp(get(c, s, &rc), "r0 c1 n0") == 0 &&
	    strcmp(get(c, s, &rc), "r1 c2 n0") == 0,
	    "%s: Connection: close honoured", what);
	check(strcmp(get(c, s, &rc), "r2 c3 n0") == 0,
	    "%s: HTTP/1.0 without keep-alive: not reused", what);
	usleep(100000);			/* the server closes the idle one */
	check(strcmp(get(c, s, &rc), "r3 c4 n0") == 0 && s->nreq == 4,
	    "%s: an idle connection the server closed is not used", what);
	http_client_free(c);
	srv_stop(s);
}

/* A reused connection dropped under a request: retried once. */
static void
t_retry(SSL_CTX *ctx, const char *what)
{
	struct http_client	*c = http_client_new();
	struct tsrv		*s;
	int			 rc;

	s = srv_start(ctx && SSL_CTX_up_ref(ctx) ? ctx : NULL, A_OK, A_DROP,
	    A_OK, A_RESET, A_OK, -1);
	check(strcmp(get(c, s, &rc), "r0 c1 n0") == 0 &&
	    strcmp(get(c, s, &rc), "r2 c2 n0") == 0 && s->accepts == 2,
	    "%s: closed under a request on a kept connection: retried", what);
	check(strcmp(get(c, s, &rc), "r4 c3 n0") == 0 && s->accepts == 3,
	    "%s: reset under a request: retried", what);
	http_client_free(c);
	srv_stop(s);
	c = http_client_new();
	s = srv_start(ctx && SSL_CTX_up_ref(ctx) ? ctx : NULL, A_OK, A_DROP,
	    A_DROP, -1);
	get(c, s, &rc);
	get(c, s, &rc);
	check(rc == -1 && s->accepts == 2 && s->nreq == 3,
	    "%s: retried once only", what);
	http_client_free(c);
	srv_stop(s);
	c = http_client_new();
	s = srv_start(ctx, A_DROP, -1);
	{
		struct err e;

		req(c, ctx ? "https" : "http", "127.0.0.1", s, "GET", pem1,
		    &rc, &e);
		check(rc == -1 && e.code == E_NET && e.detail == 52 &&
		    s->accepts == 1, "%s: empty reply on a new connection: "
		    "52, not retried", what);
	}
	http_client_free(c);
	srv_stop(s);
}

/* No reuse across origins or trust anchors. */
static void
t_no_reuse(void)
{
	struct http_client	*c = http_client_new();
	struct tsrv		*s = srv_start(server_ctx(cert1, key1, 0), -1);
	struct err		 e;
	int			 rc;

	req(c, "https", "127.0.0.1", s, "GET", pem1, &rc, &e);
	req(c, "https", "localhost", s, "GET", pem1, &rc, &e);
	check(rc == 0 && s->accepts == 2, "another host name: another "
	    "connection");
	req(c, "https", "localhost", s, "GET", pem2, &rc, &e);
	check(rc == -1 && e.detail == 60 && s->accepts == 3,
	    "other trust anchors: not the verified connection (60)");
	http_client_free(c);
	srv_stop(s);
}

/* Write text to dir/name. 0 or -1. */
static int
put(const char *dir, const char *name, const char *text)
{
	char	path[512];
	FILE	*f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if ((f = fopen(path, "w")) == NULL)
		return -1;
	fputs(text, f);
	return fclose(f) == 0 ? 0 : -1;
}

/* Write pem1 as dir/<subject hash>.0 and as dir/cert.pem. */
static int
write_anchor(const char *dir)
{
	char	path[512];
	FILE	*f;

	for (int i = 0; i < 2; i++) {
		if (i == 0)
			snprintf(path, sizeof(path), "%s/%08lx.0", dir,
			    X509_subject_name_hash(cert1));
		else
			snprintf(path, sizeof(path), "%s/cert.pem", dir);
		if ((f = fopen(path, "w")) == NULL)
			return -1;
		fputs(pem1, f);
		fclose(f);
	}
	return 0;
}

/* SSL_CERT_FILE is read on the first issuer the trustpool and the
 * directory lack, not when the context is made (the bundle is large). */
static void
t_lazy_file(void)
{
	struct http_client	*c = http_client_new();
	struct tsrv		*s1 = srv_start(server_ctx(cert1, key1, 0), -1);
	struct tsrv		*s3 = srv_start(server_ctx(cert3, key2, 0), -1);
	char			 path[512];
	struct err		 e;
	int			 rc;

	http_cleanup();
	snprintf(path, sizeof(path), "%s/late.pem", tmp);
	setenv("SSL_CERT_FILE", path, 1);	/* no such file yet */
	req(c, "https", "127.0.0.1", s1, "GET", pem1, &rc, &e);
	check(rc == 0, "trustpool anchor: verified, SSL_CERT_FILE not needed");
	put(tmp, "late.pem", pem3);
	req(c, "https", "127.0.0.1", s3, "GET", pem1, &rc, &e);
	check(rc == 0, "another issuer: SSL_CERT_FILE read only now");
	put(tmp, "late.pem", "junk\n");
	http_client_free(c);
	c = http_client_new();
	req(c, "https", "127.0.0.1", s3, "GET", pem1, &rc, &e);
	check(rc == 0, "and kept with the context");
	http_client_free(c);
	srv_stop(s1);
	srv_stop(s3);
}

static void
t_system_anchors(void)
{
	struct http_client	*c = http_client_new();
	struct tsrv		*s = srv_start(server_ctx(cert1, key1, 0), -1);
	char			 path[512];
	struct err		 e;
	int			 rc;

	if (t_mkdtemp("http_tls") == -1 || write_anchor(tmp) == -1) {
		check(0, "temporary directory");
		return;
	}
	http_cleanup();
	snprintf(path, sizeof(path), "%s/cert.pem", tmp);
	setenv("SSL_CERT_FILE", path, 1);
	setenv("SSL_CERT_DIR", "/nonexistent", 1);
	req(c, "https", "127.0.0.1", s, "GET", NULL, &rc, &e);
	check(rc == 0, "SSL_CERT_FILE names a system anchor");
	http_client_free(c);
	c = http_client_new();
	http_cleanup();
	unsetenv("SSL_CERT_FILE");
	setenv("SSL_CERT_DIR", tmp, 1);
	req(c, "https", "127.0.0.1", s, "GET", NULL, &rc, &e);
	check(rc == 0, "SSL_CERT_DIR: the anchor found by its hash link");
	http_client_free(c);
	c = http_client_new();
	http_cleanup();
	setenv("SSL_CERT_DIR", "/nonexistent", 1);
	req(c, "https", "127.0.0.1", s, "GET", NULL, &rc, &e);
	check(rc == -1 && e.detail == 60, "neither: 60");
	http_client_free(c);
	srv_stop(s);
	t_lazy_file();
	unsetenv("SSL_CERT_FILE");
	unsetenv("SSL_CERT_DIR");
	http_cleanup();
}

static void
t_ctx_cache(void)
{
	SSL_CTX	*a = http_tls_ctx_get1(pem1, NULL);
	SSL_CTX	*b = http_tls_ctx_get1(pem1, NULL);
	SSL_CTX	*d = http_tls_ctx_get1(pem2, NULL);

	check(a != NULL && a == b && d != NULL && d != a,
	    "one cached context per extra PEM");
	check(a != NULL && X509_VERIFY_PARAM_get_flags(X509_STORE_get0_param(
	    SSL_CTX_get_cert_store(a))) & X509_V_FLAG_PARTIAL_CHAIN &&
	    SSL_CTX_get_min_proto_version(a) == TLS1_2_VERSION &&
	    SSL_CTX_get_verify_mode(a) == SSL_VERIFY_PEER,
	    "context: TLS 1.2 at least, peer verified, partial chains");
	SSL_CTX_free(a);
	SSL_CTX_free(b);
	SSL_CTX_free(d);
}

int
main(void)
{
	SSL_CTX *ctx;

	setvbuf(stdout, NULL, _IOLBF, 0);
	signal(SIGPIPE, SIG_IGN);		/* the server's writes only */
	unsetenv("https_proxy");
	unsetenv("HTTPS_PROXY");
	unsetenv("http_proxy");
	unsetenv("all_proxy");
	unsetenv("ALL_PROXY");
	if (make_certs() == -1) {
		check(0, "throwaway certificates");
		return t_report();
	}
	t_verify();
	t_mismatch();
	t_handshake_errors();
	t_keepalive(NULL, "http");
	t_keepalive(server_ctx(cert1, key1, 0), "https");
	t_close(NULL, "http");
	t_close(server_ctx(cert1, key1, 0), "https");
	t_retry(NULL, "http");
	ctx = server_ctx(cert1, key1, 0);
	t_retry(ctx, "https");
	t_no_reuse();
	t_ctx_cache();
	t_system_anchors();
	check(!http_curl_loaded() && mapped("libcurl") == 0,
	    "libcurl never loaded");
	http_cleanup();
	X509_free(cert1);
	X509_free(cert2);
	X509_free(cert3);
	free(pem3);
	EVP_PKEY_free(key1);
	EVP_PKEY_free(key2);
	free(pem1);
	free(pem2);
	return t_finish();
}
