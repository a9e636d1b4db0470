/* pkish - ISC license, see LICENSE */
/*
 * DOC: lib/http_tls - TLS (libssl) for lib/http's built-in client.
 * Client contexts: one SSL_CTX per distinct extra_ca_pem, built once and
 * cached process-wide (ctx_mu; up-referenced to each connection, and to
 * libcurl's context when a proxy sends https through lib/http_curl.c,
 * which takes its trust store). TLS 1.2 at least; the peer is always
 * verified, against the PEM's certificates and the system anchors
 * (lib/http_trust.c: found per issuer, not loaded whole), with
 * X509_V_FLAG_PARTIAL_CHAIN as libcurl does: an extra CA may be an
 * intermediate.
 * Handshake (RFC 8446, RFC 5246): SNI (RFC 6066 section 3) for a host
 * name, not for an address literal; the name checked with SSL_set1_host
 * (RFC 6125 rules, no partial wildcards), an address with
 * X509_VERIFY_PARAM_set1_ip_asc. Each SSL_connect/SSL_read/SSL_write
 * step reports WANT_READ/WANT_WRITE to lib/http_conn.c, which polls.
 * The socket is reached through a BIO of our own that sends with
 * MSG_NOSIGNAL (no SIGPIPE in a library) and records errno.
 * Failures: certificate verification E_CRYPTO detail 60 ("SSL
 * certificate problem: ..."), other handshake failures E_CRYPTO 35,
 * receive/send errors E_NET 56/55, as libcurl reports them.
 * libssl is not linked: the first context built loads it (lib/ssl_dl.c),
 * and an SSL_CTX or SSL exists only after that; a library that cannot
 * be loaded fails every context as E_CRYPTO 35 "TLS: cannot load ...".
 */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <sys/socket.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include "http.h"
#include "http_int.h"
#include "ssl_dl.h"

#define CTX_CACHE_MAX	4	/* distinct extra_ca_pem kept */

struct ctx_entry {
	unsigned char		 md[32];	/* SHA-256 of extra_ca_pem */
	SSL_CTX			*ctx;		/* one reference owned */
	struct ctx_entry	*next;
};

static pthread_mutex_t	 ctx_mu = PTHREAD_MUTEX_INITIALIZER;
static struct ctx_entry	*ctxs;		/* guarded by ctx_mu, MRU first */

static pthread_once_t	 bio_once = PTHREAD_ONCE_INIT;
static BIO_METHOD	*bio_meth;	/* read-only once made; never freed */

/* ------------------------------------------------------------ contexts */

int
http_tls_pem_md(const char *pem, unsigned char md[32])
{
	return EVP_Digest(pem ? pem : "", pem ? strlen(pem) : 0, md, NULL,
	    EVP_sha256(), NULL) ? 0 : -1;
}

static SSL_CTX *
ctx_build(const char *pem)
{
	SSL_CTX		*ctx;
	X509_STORE	*st;

	if ((ctx = SSL_CTX_new(TLS_client_method())) == NULL)
		return NULL;
	if (!SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION)) {
		SSL_CTX_free(ctx);
		return NULL;
	}
	SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, NULL);
	/* idle kept connections hold no record buffers */
	SSL_CTX_set_mode(ctx, SSL_MODE_RELEASE_BUFFERS |
	    SSL_MODE_ENABLE_PARTIAL_WRITE);
	st = SSL_CTX_get_cert_store(ctx);
	X509_STORE_set_flags(st, X509_V_FLAG_PARTIAL_CHAIN);
	http_trust_fill(st, pem);
	return ctx;
}

/* Drop entries past CTX_CACHE_MAX from the list; returns them. */
static struct ctx_entry *
cache_trim(void)
{
	struct ctx_entry **pp, *s, *dead = NULL;
	int n = 0;

	for (pp = &ctxs; (s = *pp) != NULL; )
		if (++n > CTX_CACHE_MAX) {
			*pp = s->next;
			s->next = dead;
			dead = s;
		} else
			pp = &s->next;
	return dead;
}

static void
entries_free(struct ctx_entry *s)
{
	struct ctx_entry *n;

	for (; s != NULL; s = n) {
		n = s->next;
		SSL_CTX_free(s->ctx);
		free(s);
	}
}

/* The cache entry for md, moved to the front; built when missing. */
static struct ctx_entry *
cache_find(const unsigned char *md, const char *pem)
{
	struct ctx_entry **pp, *s;

	for (pp = &ctxs; (s = *pp) != NULL; pp = &s->next)
		if (memcmp(s->md, md, sizeof(s->md)) == 0) {
			*pp = s->next;
			break;
		}
	/* built under the lock: concurrent first connections would
	 * otherwise each build a context */
	if (s == NULL && (s = calloc(1, sizeof(*s))) != NULL) {
		memcpy(s->md, md, sizeof(s->md));
		if ((s->ctx = ctx_build(pem)) == NULL) {
			free(s);
			return NULL;
		}
	}
	if (s != NULL) {
		s->next = ctxs;
		ctxs = s;
	}
	return s;
}

/*
 * The shared client context for pem (NULL: system anchors only); a new
 * reference the caller frees with SSL_CTX_free. NULL with E_CRYPTO
 * (detail 35) when it cannot be built or libssl cannot be loaded.
 */
SSL_CTX *
http_tls_ctx_get1(const char *pem, struct err *e)
{
	struct ctx_entry	*s, *dead;
	struct err		 le;
	unsigned char		 md[32];
	SSL_CTX			*ctx = NULL;

	if (ssl_dl_load(&le) == -1)
		return http_fail(e, E_CRYPTO, HTTP_E_SSL_CONNECT, "TLS: %s",
		    le.msg), NULL;
	if (http_tls_pem_md(pem, md) == -1)
		goto bad;
	pthread_mutex_lock(&ctx_mu);
	if ((s = cache_find(md, pem)) != NULL && SSL_CTX_up_ref(s->ctx))
		ctx = s->ctx;
	dead = cache_trim();
	pthread_mutex_unlock(&ctx_mu);
	entries_free(dead);
	if (ctx != NULL)
		return ctx;
 bad:
	err_ssl(e, "TLS: cannot create the client context");
	if (e != NULL)
		e->detail = HTTP_E_SSL_CONNECT;
	return NULL;
}

/* Drop the cached contexts (connections keep their references). */
void
http_tls_cleanup(void)
{
	struct ctx_entry *s;

	pthread_mutex_lock(&ctx_mu);
	s = ctxs;
	ctxs = NULL;
	pthread_mutex_unlock(&ctx_mu);
	entries_free(s);
}

/* ----------------------------------------------------------------- BIO */

static int
bio_write(BIO *b, const char *p, int n)
{
	struct http_conn	*c = BIO_get_data(b);
	ssize_t			 w;

	BIO_clear_retry_flags(b);
	while ((w = send(c->fd, p, (size_t)n, MSG_NOSIGNAL)) < 0 &&
	    errno == EINTR)
		;
	if (w >= 0)
		return (int)w;
	if (errno == EAGAIN || errno == EWOULDBLOCK)
		BIO_set_retry_write(b);
	else
		c->io_errno = errno;
	return -1;
}

static int
bio_read(BIO *b, char *p, int n)
{
	struct http_conn	*c = BIO_get_data(b);
	ssize_t			 r;

	BIO_clear_retry_flags(b);
	while ((r = recv(c->fd, p, (size_t)n, 0)) < 0 && errno == EINTR)
		;
	if (r >= 0)
		return (int)r;
	if (errno == EAGAIN || errno == EWOULDBLOCK)
		BIO_set_retry_read(b);
	else
		c->io_errno = errno;
	return -1;
}

static long
bio_ctrl(BIO *b, int cmd, long num, void *ptr)
{
	(void)b;
	(void)num;
	(void)ptr;
	return cmd == BIO_CTRL_FLUSH ? 1 : 0;
}

static void
bio_make(void)
{
	BIO_METHOD *m;

	m = BIO_meth_new(BIO_get_new_index() | BIO_TYPE_SOURCE_SINK,
	    "pkish socket");
	if (m == NULL || !BIO_meth_set_write(m, bio_write) ||
	    !BIO_meth_set_read(m, bio_read) ||
	    !BIO_meth_set_ctrl(m, bio_ctrl)) {
		BIO_meth_free(m);
		return;
	}
	bio_meth = m;
}

/* A BIO over c's socket. */
static BIO *
bio_new(struct http_conn *c)
{
	BIO *b;

	pthread_once(&bio_once, bio_make);
	if (bio_meth == NULL || (b = BIO_new(bio_meth)) == NULL)
		return NULL;
	BIO_set_data(b, c);
	BIO_set_init(b, 1);
	return b;
}

/* ----------------------------------------------------------- handshake */

/* SNI and the host check for host: a name or an address literal. */
static int
set_peer(SSL *ssl, const char *host)
{
	unsigned char a[16];

	if (inet_pton(AF_INET, host, a) == 1 ||
	    inet_pton(AF_INET6, host, a) == 1)
		return X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl),
		    host) ? 0 : -1;
	SSL_set_hostflags(ssl, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
	return SSL_set_tlsext_host_name(ssl, host) && SSL_set1_host(ssl, host)
	    ? 0 : -1;
}

/* A new SSL on c's socket for u (context for pem). 0 or -1. */
static int
ssl_new(struct http_conn *c, const struct http_url *u, const char *pem,
    struct err *e)
{
	SSL_CTX	*ctx;
	BIO	*b;

	if ((ctx = http_tls_ctx_get1(pem, e)) == NULL)
		return -1;
	c->ssl = SSL_new(ctx);
	SSL_CTX_free(ctx);			/* c->ssl holds its own */
	if (c->ssl == NULL || (b = bio_new(c)) == NULL)
		goto bad;
	SSL_set_bio(c->ssl, b, b);
	if (set_peer(c->ssl, u->host) == 0)
		return 0;
 bad:
	err_ssl(e, "TLS: cannot set up the connection to %s", u->host);
	if (e != NULL)
		e->detail = HTTP_E_SSL_CONNECT;
	return -1;
}

/* A failed SSL_connect: 60 for the certificate, 35 otherwise. */
static int
handshake_fail(struct http_conn *c, const struct http_url *u, int ssl_err,
    struct err *e)
{
	long		v = SSL_get_verify_result(c->ssl);
	unsigned long	l = ERR_peek_last_error();
	char		why[256];

	ERR_clear_error();
	if (v != X509_V_OK)
		return http_fail(e, E_CRYPTO, HTTP_E_PEER_VERIFY, "SSL "
		    "certificate problem: %s",
		    X509_verify_cert_error_string(v));
	if (ssl_err == SSL_ERROR_SSL && l != 0)
		ERR_error_string_n(l, why, sizeof(why));
	else if (c->io_errno != 0)
		snprintf(why, sizeof(why), "%s", strerror(c->io_errno));
	else
		snprintf(why, sizeof(why), "connection closed by the server");
	return http_fail(e, E_CRYPTO, HTTP_E_SSL_CONNECT, "TLS connect error "
	    "in connection to %s port %s: %s", u->host, u->port, why);
}

/*
 * TLS handshake on c's connected socket for u, the peer verified against
 * the system anchors and pem. 0, or -1 with e set (c->ssl is freed with
 * the connection).
 */
int
http_tls_connect(struct http_conn *c, const struct http_url *u,
    const char *pem, struct err *e)
{
	int rc, se;

	if (ssl_new(c, u, pem, e) == -1)
		return -1;
	for (;;) {
		ERR_clear_error();
		c->io_errno = 0;
		if ((rc = SSL_connect(c->ssl)) == 1)
			return 0;
		se = SSL_get_error(c->ssl, rc);
		if (se != SSL_ERROR_WANT_READ && se != SSL_ERROR_WANT_WRITE)
			return handshake_fail(c, u, se, e);
		if (http_conn_wait(c, se == SSL_ERROR_WANT_READ ? POLLIN :
		    POLLOUT) == -1)
			return http_conn_timed_out(c, e);
	}
}

/* ----------------------------------------------------------------- I/O */

/* The state after a failed SSL_read/SSL_write; E_NET detail on error. */
static enum http_io
io_state(struct http_conn *c, int detail, const char *what, struct err *e)
{
	unsigned long	l;
	char		why[256];

	switch (SSL_get_error(c->ssl, 0)) {
	case SSL_ERROR_WANT_READ:
		return HTTP_IO_WANT_READ;
	case SSL_ERROR_WANT_WRITE:
		return HTTP_IO_WANT_WRITE;
	case SSL_ERROR_ZERO_RETURN:
		return HTTP_IO_EOF;		/* close_notify */
	case SSL_ERROR_SSL:
		l = ERR_peek_last_error();
		ERR_clear_error();
		if (ERR_GET_REASON(l) == SSL_R_UNEXPECTED_EOF_WHILE_READING)
			break;
		ERR_error_string_n(l, why, sizeof(why));
		http_fail(e, E_NET, detail, "%s failure: %s", what, why);
		return HTTP_IO_ERR;
	default:			/* SSL_ERROR_SYSCALL */
		ERR_clear_error();
		if (c->io_errno == 0)
			break;
		http_fail(e, E_NET, detail, "%s failure: %s", what,
		    strerror(c->io_errno));
		return HTTP_IO_ERR;
	}
	c->unclean = 1;			/* closed without close_notify */
	return HTTP_IO_EOF;
}

enum http_io
http_tls_read(struct http_conn *c, void *p, size_t n, size_t *got,
    struct err *e)
{
	ERR_clear_error();
	c->io_errno = 0;
	if (SSL_read_ex(c->ssl, p, n, got))
		return HTTP_IO_OK;
	return io_state(c, HTTP_E_RECV, "Recv", e);
}

enum http_io
http_tls_write(struct http_conn *c, const void *p, size_t n, size_t *w,
    struct err *e)
{
	enum http_io st;

	ERR_clear_error();
	c->io_errno = 0;
	if (SSL_write_ex(c->ssl, p, n, w))
		return HTTP_IO_OK;
	if ((st = io_state(c, HTTP_E_SEND, "Send", e)) != HTTP_IO_EOF)
		return st;
	c->io_errno = EPIPE;		/* the peer has gone */
	http_fail(e, E_NET, HTTP_E_SEND, "Send failure: %s", strerror(EPIPE));
	return HTTP_IO_ERR;
}

/*
 * An idle kept connection became readable: 1 if that was only TLS
 * handshake traffic (a session ticket), 0 if it carried data, an alert,
 * close_notify or an end of stream.
 */
int
http_tls_idle_ok(struct http_conn *c)
{
	unsigned char	b;
	size_t		n;
	int		ok;

	ERR_clear_error();
	ok = !SSL_read_ex(c->ssl, &b, 1, &n) &&
	    SSL_get_error(c->ssl, 0) == SSL_ERROR_WANT_READ;
	ERR_clear_error();
	return ok;
}

/* close_notify, if the socket takes it at once; then free c->ssl. */
void
http_tls_close(struct http_conn *c)
{
	if (!c->eof && !c->unclean)
		SSL_shutdown(c->ssl);
	ERR_clear_error();
	SSL_free(c->ssl);
	c->ssl = NULL;
}
