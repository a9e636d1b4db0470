/* tests/unit/http_srv.h - for test_http.c: throwaway certificates (keys
 * in memory only) and a scripted HTTP/1.1 server thread on 127.0.0.1,
 * plain or TLS (libssl), that serves one connection at a time and acts
 * on each request as its script says. Static functions; included once,
 * after testlib.h. */
#ifndef TESTS_UNIT_HTTP_SRV_H
#define TESTS_UNIT_HTTP_SRV_H
#include <poll.h>
#include <pthread.h>
#include <stdarg.h>
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

/* What the server does with one request (in the order received). */
enum act {
	A_OK,		/* 200, Content-Length, "r<req> c<conn> n<body>" */
	A_CHUNKED,	/* 200, chunked, the same text in three chunks */
	A_BIG,		/* 200, Content-Length, BIG_LEN bytes */
	A_CLOSE,	/* 200 with "Connection: close", then close */
	A_DROP,		/* no reply: close (TLS: close_notify first) */
	A_SILENT,	/* no reply: hold until the client closes */
	A_REPLY,	/* send s->reply, then hold the connection */
	A_REPLY_CLOSE,	/* send s->reply, then close */
	A_REDIR,	/* 302 to s->location (default /next) */
};

#define MAXACTS	8
#define BIG_LEN	(300 * 1024)

struct tsrv {
	int		 lfd;		/* listening on 127.0.0.1 */
	int		 port;
	SSL_CTX		*ctx;		/* owned; NULL: plain HTTP */
	const char	*raw;		/* borrowed: sent on accept, then
					 * closed (no HTTP) */
	const char	*reply;		/* borrowed: A_REPLY's bytes */
	const char	*location;	/* borrowed: A_REDIR's target */
	enum act	 acts[MAXACTS];	/* A_OK past nacts */
	int		 nacts;
	pthread_t	 th;
	int		 accepts;	/* connections accepted */
	int		 nreq;		/* requests read */
	int		 bad_hs;	/* failed handshakes */
	char		 sni[256];	/* of the last handshake, "" if none */
	char		 req[8192];	/* the last request, head and body */
	size_t		 req_len;
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

/* Wait for input on sc (50 ms steps); 0, or -1 when stopping or, with
 * nothing of a request received yet, when another connection waits to
 * be accepted: one connection is served at a time, and the client keeps
 * its idle ones open. */
static int
s_wait(struct tsrv *s, struct sconn *sc)
{
	struct pollfd pf[2] = { { sc->fd, POLLIN, 0 }, { s->lfd, POLLIN, 0 } };

	if (sc->ssl != NULL && SSL_pending(sc->ssl) > 0)
		return 0;
	while (poll(pf, sc->len == 0 ? 2 : 1, 50) == 0 || !pf[0].revents)
		if (s->stop || pf[1].revents)
			return -1;
	return 0;
}

/* Read one request (head and Content-Length body) into s->req; its body
 * length, or -1 when the client closed or the server is stopping. */
static long
s_request(struct tsrv *s, struct sconn *sc)
{
	char	*he, *cl;
	size_t	 need, hl;
	int	 n;

	for (;;) {
		sc->buf[sc->len] = '\0';
		if ((he = strstr(sc->buf, "\r\n\r\n")) != NULL) {
			hl = (size_t)(he + 4 - sc->buf);
			cl = strcasestr(sc->buf, "\r\nContent-Length: ");
			need = cl && cl < he ? strtoul(cl + 18, NULL, 10) : 0;
			if (sc->len >= hl + need) {
				sc->head = strncmp(sc->buf, "HEAD ", 5) == 0;
				s->req_len = hl + need < sizeof(s->req) ?
				    hl + need : sizeof(s->req) - 1;
				memcpy(s->req, sc->buf, s->req_len);
				s->req[s->req_len] = '\0';
				memmove(sc->buf, sc->buf + hl + need,
				    sc->len - hl - need);
				sc->len -= hl + need;
				return (long)need;
			}
		}
		if (s_wait(s, sc) == -1 || sc->len >= sizeof(sc->buf) - 1 ||
		    (n = s_read(sc, sc->buf + sc->len,
		    sizeof(sc->buf) - 1 - sc->len)) <= 0)
			return -1;
		sc->len += (size_t)n;
	}
}

/* Hold the connection until the client closes it or the server stops. */
static void
s_hold(struct tsrv *s, struct sconn *sc)
{
	char junk[4096];

	while (s_wait(s, sc) == 0 && s_read(sc, junk, sizeof(junk)) > 0)
		;
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
	case A_REPLY:
	case A_REPLY_CLOSE:
		s_write(sc, s->reply, strlen(s->reply));
		return a == A_REPLY_CLOSE;
	case A_REDIR:
		n = snprintf(msg, sizeof(msg), "HTTP/1.1 302 Found\r\n"
		    "Location: %s\r\nX-Hop: 1\r\nContent-Length: 3\r\n\r\nhop",
		    s->location ? s->location : "/next");
		break;
	default:
		n = snprintf(msg, sizeof(msg), "HTTP/1.1 200 OK\r\n%s"
		    "Content-Length: %zu\r\n\r\n%s", a == A_CLOSE ?
		    "Connection: close\r\n" : "", strlen(body),
		    sc->head ? "" : body);
	}
	s_write(sc, msg, (size_t)n);
	return a == A_CLOSE;
}

/* Serve requests on one connection until it ends. */
static void
s_serve(struct tsrv *s, struct sconn *sc)
{
	enum act	a;
	long		blen;

	while ((blen = s_request(s, sc)) >= 0) {
		a = s->nreq < s->nacts ? s->acts[s->nreq] : A_OK;
		s->nreq++;
		if (a == A_SILENT)
			s_hold(s, sc);
		if (a == A_DROP || a == A_SILENT)
			break;
		if (s_reply(s, sc, a, blen))
			break;
		if (a == A_REPLY)
			s_hold(s, sc);
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
	return s;
}

/* Run the server set up by srv_start (after its fields are set). */
static struct tsrv *
srv_run(struct tsrv *s)
{
	if (s != NULL && pthread_create(&s->th, NULL, s_main, s) != 0) {
		close(s->lfd);
		SSL_CTX_free(s->ctx);
		free(s);
		return NULL;
	}
	return s;
}

/* Wait (2 s at most) until the server has accepted n connections and
 * finished with them. */
static void
srv_settle(struct tsrv *s, int n)
{
	for (int i = 0; s && i < 200 && (s->accepts < n || s->busy); i++)
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

#endif
