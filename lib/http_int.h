/* lib/http_int.h - lib/http internals shared by lib/http*.c (and the unit
 * tests) only. lib/http.c dispatches a request to the built-in client
 * (lib/http_plain.c: the HTTP/1.1 exchange; lib/http_conn.c: the kept
 * connection; lib/http_tls.c: TLS) for http:// and https:// URLs, or to
 * libcurl (lib/http_curl.c, loaded with dlopen on first use) when an
 * environment proxy applies. */
#ifndef LIB_HTTP_INT_H
#define LIB_HTTP_INT_H
#include <stddef.h>
#include <stdint.h>
#include "http.h"

struct ssl_st;
struct ssl_ctx_st;
struct x509_store_st;

#define HTTP_MAX_BODY		(1024 * 1024)	/* default body cap */
#define HTTP_MAX_HDRS		128		/* more are dropped */
#define HTTP_TIMEOUT_MS		30000L		/* whole request */
#define HTTP_CONNECT_MS		10000L		/* connect, when no timeout */

/* curl's error codes, kept in e->detail by both clients */
#define HTTP_E_UNSUPPORTED	1	/* CURLE_UNSUPPORTED_PROTOCOL */
#define HTTP_E_FAILED_INIT	2	/* CURLE_FAILED_INIT */
#define HTTP_E_URL		3	/* CURLE_URL_MALFORMAT */
#define HTTP_E_RESOLVE		6	/* CURLE_COULDNT_RESOLVE_HOST */
#define HTTP_E_CONNECT		7	/* CURLE_COULDNT_CONNECT */
#define HTTP_E_WEIRD		8	/* CURLE_WEIRD_SERVER_REPLY */
#define HTTP_E_PARTIAL		18	/* CURLE_PARTIAL_FILE */
#define HTTP_E_TIMEOUT		28	/* CURLE_OPERATION_TIMEDOUT */
#define HTTP_E_SSL_CONNECT	35	/* CURLE_SSL_CONNECT_ERROR */
#define HTTP_E_NOTHING		52	/* CURLE_GOT_NOTHING */
#define HTTP_E_SEND		55	/* CURLE_SEND_ERROR */
#define HTTP_E_RECV		56	/* CURLE_RECV_ERROR */
#define HTTP_E_PEER_VERIFY	60	/* CURLE_PEER_FAILED_VERIFICATION */

/* An http:// or https:// URL split for the built-in client. */
struct http_url {
	int		 tls;		/* 1 for https:// */
	char		 host[256];	/* name or address, no brackets */
	char		 hostport[264];	/* Host header: [v6]:port, default
					 * port left out */
	char		 port[6];	/* decimal, "80" or "443" by default */
	const char	*target;	/* borrowed: path and query, or NULL */
	size_t		 target_len;	/* up to the fragment */
};

/* Split an http:// or https:// URL. -1 (no message) when the built-in
 * client does not take it: another scheme, userinfo, an IPv6 zone, a bad
 * port, or a byte outside printable ASCII; libcurl then decides. */
int	 http_url_parse(const char *url, struct http_url *);

/*
 * One connection to an origin (scheme, host, port), kept by a client
 * between requests (keep-alive), with what has been received on it.
 * The per-exchange fields are reset by http_conn_begin().
 */
struct http_conn {
	int		 fd;		/* owned; non-blocking */
	struct ssl_st	*ssl;		/* owned; NULL for http:// */
	int		 tls;		/* origin: https:// */
	char		 host[256];	/* origin: as in the URL */
	char		 port[6];	/* origin: decimal */
	unsigned char	 ca_md[32];	/* SHA-256 of the extra_ca_pem that
					 * verified the peer (https) */
	unsigned	 nreq;		/* exchanges begun; > 1 = reused */
	int64_t		 start;		/* CLOCK_MONOTONIC ms, request start */
	int64_t		 deadline;	/* CLOCK_MONOTONIC ms, whole request */
	unsigned char	*buf;		/* owned: received, not yet consumed */
	size_t		 off;		/* first unconsumed byte in buf */
	size_t		 len;		/* bytes in buf */
	size_t		 cap;		/* allocated size of buf */
	size_t		 total;		/* bytes received in this exchange */
	int		 eof;		/* the server closed its side */
	int		 unclean;	/* TLS closed without close_notify */
	int		 stale;		/* EOF, reset or broken pipe before any
					 * response byte: a dead idle conn */
	int		 io_errno;	/* errno of the last socket error */
};

/* One step of socket or TLS I/O, as lib/http_conn.c drives it. */
enum http_io { HTTP_IO_OK, HTTP_IO_WANT_READ, HTTP_IO_WANT_WRITE,
	HTTP_IO_EOF, HTTP_IO_ERR };

/* lib/http_conn.c */
int64_t	 http_now_ms(void);
/* Set e (may be NULL): code, curl's number in detail, message. -1. */
int	 http_fail(struct err *, enum err_code, int detail, const char *, ...)
	    __attribute__((format(printf, 4, 5)));
/* The kept connection *cp if it serves u with the trust of pem and is
 * still open, else a new one (resolved, connected and, for https,
 * handshaken; *cp replaced). The exchange's clock starts at start. */
int	 http_conn_get(struct http_conn **cp, const struct http_url *u,
	    const char *pem, int64_t start, int64_t deadline, long connect_ms,
	    struct err *);
void	 http_conn_free(struct http_conn *);
int	 http_conn_send(struct http_conn *, const void *, size_t,
	    struct err *);
/* Receive more into c->buf: 1 bytes arrived, 0 end of stream, -1 error. */
int	 http_conn_fill(struct http_conn *, struct err *);
/* Wait for the socket (POLLIN/POLLOUT) until the deadline; 0 or -1. */
int	 http_conn_wait(struct http_conn *, short ev);
int	 http_conn_timed_out(const struct http_conn *, struct err *);

/* lib/http_trust.c: pem's certificates and the system anchors into st */
void	 http_trust_fill(struct x509_store_st *st, const char *pem);

/* lib/http_tls.c */
/* The shared client context for pem (NULL: system anchors only), a new
 * reference (SSL_CTX_free it); NULL with e set. */
struct ssl_ctx_st *http_tls_ctx_get1(const char *pem, struct err *);
void	 http_tls_cleanup(void);		/* http_cleanup() */
/* SHA-256 of pem ("" for NULL), the cache and connection key. */
int	 http_tls_pem_md(const char *pem, unsigned char md[32]);
/* TLS handshake on c->fd (connected) for u, verified with pem. 0 or -1. */
int	 http_tls_connect(struct http_conn *, const struct http_url *,
	    const char *pem, struct err *);
enum http_io http_tls_read(struct http_conn *, void *, size_t, size_t *,
	    struct err *);
enum http_io http_tls_write(struct http_conn *, const void *, size_t,
	    size_t *, struct err *);
/* 1 if an idle kept TLS connection has nothing unexpected to read. */
int	 http_tls_idle_ok(struct http_conn *);
/* Send close_notify (best effort) and free c->ssl. */
void	 http_tls_close(struct http_conn *);

/* lib/http_plain.c: one exchange on the client's kept connection *cp;
 * same contract as http_do(); r is zeroed first and freed on failure. */
int	 http_plain_do(struct http_conn **cp, const struct http_url *,
	    const struct http_req *, struct http_resp *, struct err *);

/* One exchange through libcurl on *c (an easy handle created on first
 * use, kept for keep-alive; free with http_curl_handle_free). */
int	 http_curl_do(void **c, const struct http_req *, struct http_resp *,
	    struct err *);
void	 http_curl_handle_free(void *);
void	 http_curl_global_cleanup(void);	/* http_global_cleanup() */

/* dlopen soname and resolve every curl_* entry point lib/http_curl.c
 * uses, then close it again: the loader's own check, callable with other
 * names (tests). 0, or -1 with E_NET and detail 2 (CURLE_FAILED_INIT)
 * when the library or a symbol is missing. */
int	 http_curl_probe(const char *soname, struct err *);
/* 1 once this process has loaded libcurl through lib/http. */
int	 http_curl_loaded(void);

/* Response helpers shared by both clients. */
int	 http_hdr_add(struct http_resp *, const char *name, size_t nl,
	    const char *value, size_t vl);
void	 http_hdrs_clear(struct http_resp *);

#endif
