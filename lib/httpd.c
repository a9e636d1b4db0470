/* pkish - ISC license, see LICENSE */
/*
 * DOC: lib/httpd - the HTTP-01 challenge responder (RFC 8555 section 8.3).
 * It serves nothing but `GET /.well-known/acme-challenge/<token>` for
 * tokens registered at run time: 200 with Content-Type text/plain and the
 * key authorization as body. HEAD, POST, other paths, unknown tokens get
 * 404; a malformed request line 400; a request head over HTTPD_MAX_REQ
 * bytes 431. Every response closes the connection.
 *
 * One listener thread runs a poll loop over the listening socket, a wake
 * pipe (for httpd_stop) and up to HTTPD_MAX_CONN non-blocking connections,
 * each with a deadline, so a slow or silent client cannot hold it. The
 * token table and counters are guarded by a mutex; start/stop by another.
 * The thread owns the connections; the struct owns the tokens.
 */
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include "httpd.h"
#include "log.h"

#define WELL_KNOWN	"/.well-known/acme-challenge/"
#define DRAIN_MS	500	/* linger after the response, then close */

enum conn_state { C_READ, C_WRITE, C_DRAIN };

struct conn {
	int		 fd;
	enum conn_state	 state;
	size_t		 len;		/* bytes in buf */
	char		*out;		/* response, owned */
	size_t		 outlen;
	size_t		 outoff;	/* bytes already sent */
	long long	 deadline;	/* monotonic ms */
	size_t		 head;		/* head length once complete, else 0 */
	size_t		 want;		/* head + Content-Length */
	char		 buf[HTTPD_MAX_REQ + HTTPD_MAX_BODY + 1];
};

struct route {
	char		*prefix;	/* owned */
	size_t		 max_body;
	httpd_handler	 fn;
	void		*arg;
	struct route	*next;
};

struct tok {
	char		*token;		/* owned */
	char		*body;		/* owned: key authorization */
	struct tok	*next;
};

struct httpd {
	pthread_mutex_t	 mu;		/* guards toks, counters, timeout */
	struct tok	*toks;
	pthread_mutex_t	 route_mu;	/* routes; held while a handler runs */
	struct route	*routes;
	unsigned long	 nok;		/* 200 answers */
	unsigned long	 nother;	/* 4xx answers */
	int		 timeout_ms;
	pthread_mutex_t	 run_mu;	/* serializes start/stop */
	int		 running;
	int		 lfd;		/* listening socket */
	int		 wake[2];	/* pipe: stop request */
	int		 port;		/* bound port */
	pthread_t	 thr;
};

static long long
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/*
 * Allocate a stopped responder with no tokens. Returns NULL and sets "e"
 * on allocation failure. Free with httpd_free().
 */
struct httpd *
httpd_new(struct err *e)
{
	struct httpd *h;

	if ((h = calloc(1, sizeof(*h))) == NULL)
		return err_set(e, E_NOMEM, "httpd: out of memory"), NULL;
	pthread_mutex_init(&h->mu, NULL);
	pthread_mutex_init(&h->run_mu, NULL);
	pthread_mutex_init(&h->route_mu, NULL);
	h->timeout_ms = HTTPD_TIMEOUT_MS;
	h->lfd = h->wake[0] = h->wake[1] = -1;
	return h;
}

void
httpd_free(struct httpd *h)
{
	struct tok *t;

	if (h == NULL)
		return;
	httpd_stop(h);
	while ((t = h->toks) != NULL) {
		h->toks = t->next;
		free(t->token);
		free(t->body);
		free(t);
	}
	pthread_mutex_destroy(&h->mu);
	pthread_mutex_destroy(&h->run_mu);
	while (h->routes != NULL) {
		struct route *r = h->routes;

		h->routes = r->next;
		free(r->prefix);
		free(r);
	}
	pthread_mutex_destroy(&h->route_mu);
	free(h);
}

void
httpd_set_timeout(struct httpd *h, int ms)
{
	pthread_mutex_lock(&h->mu);
	h->timeout_ms = ms > 0 ? ms : HTTPD_TIMEOUT_MS;
	pthread_mutex_unlock(&h->mu);
}

/* Register token -> body (both copied); replaces an existing token. */
int
httpd_token_add(struct httpd *h, const char *token, const char *body,
    struct err *e)
{
	struct tok	*t;
	char		*tc, *bc;

	if (token == NULL || *token == '\0' || strchr(token, '/') != NULL)
		return err_set(e, E_INVAL, "httpd: bad token");
	tc = strdup(token);
	bc = strdup(body ? body : "");
	if (tc == NULL || bc == NULL) {
		free(tc);
		free(bc);
		return err_set(e, E_NOMEM, "httpd: out of memory");
	}
	pthread_mutex_lock(&h->mu);
	for (t = h->toks; t != NULL; t = t->next)
		if (strcmp(t->token, token) == 0)
			break;
	if (t != NULL) {
		free(tc);
		free(t->body);
		t->body = bc;
	} else if ((t = calloc(1, sizeof(*t))) != NULL) {
		t->token = tc;
		t->body = bc;
		t->next = h->toks;
		h->toks = t;
	}
	pthread_mutex_unlock(&h->mu);
	if (t == NULL) {
		free(tc);
		free(bc);
		return err_set(e, E_NOMEM, "httpd: out of memory");
	}
	return 0;
}

int
httpd_token_del(struct httpd *h, const char *token)
{
	struct tok **pp, *t = NULL;

	pthread_mutex_lock(&h->mu);
	for (pp = &h->toks; *pp != NULL; pp = &(*pp)->next)
		if (strcmp((*pp)->token, token) == 0) {
			t = *pp;
			*pp = t->next;
			break;
		}
	pthread_mutex_unlock(&h->mu);
	if (t == NULL)
		return -1;
	free(t->token);
	free(t->body);
	free(t);
	return 0;
}

size_t
httpd_token_count(struct httpd *h)
{
	struct tok	*t;
	size_t		 n = 0;

	pthread_mutex_lock(&h->mu);
	for (t = h->toks; t != NULL; t = t->next)
		n++;
	pthread_mutex_unlock(&h->mu);
	return n;
}

void
httpd_stats(struct httpd *h, unsigned long *ok, unsigned long *other)
{
	pthread_mutex_lock(&h->mu);
	if (ok)
		*ok = h->nok;
	if (other)
		*other = h->nother;
	pthread_mutex_unlock(&h->mu);
}

/* Copy of the body registered for token, or NULL. */
static char *
token_body(struct httpd *h, const char *token)
{
	struct tok	*t;
	char		*r = NULL;

	pthread_mutex_lock(&h->mu);
	for (t = h->toks; t != NULL; t = t->next)
		if (strcmp(t->token, token) == 0) {
			r = strdup(t->body);
			break;
		}
	pthread_mutex_unlock(&h->mu);
	return r;
}

/* Replace bytes that could upset a terminal or log reader. */
static void
sanitize(char *s)
{
	for (; *s != '\0'; s++)
		if ((unsigned char)*s < 0x20 || (unsigned char)*s > 0x7e)
			*s = '?';
}

static const char *
reason(int status)
{
	switch (status) {
	case 200: return "OK";
	case 400: return "Bad Request";
	case 405: return "Method Not Allowed";
	case 413: return "Content Too Large";
	case 431: return "Request Header Fields Too Large";
	case 500: return "Internal Server Error";
	default: return "Not Found";
	}
}

/* Queue the response (head + len bytes of body) on c. */
static void
respond_bin(struct httpd *h, struct conn *c, int status, const char *ctype,
    const void *body, size_t len)
{
	char *head = NULL;
	int n;

	n = asprintf(&head, "HTTP/1.1 %d %s\r\nContent-Type: %s\r\n"
	    "Content-Length: %zu\r\nConnection: close\r\n\r\n", status,
	    reason(status), ctype ? ctype : "text/plain", len);
	c->out = NULL;
	c->outlen = 0;
	if (n >= 0 && (c->out = malloc((size_t)n + len + 1)) != NULL) {
		memcpy(c->out, head, (size_t)n);
		if (len)
			memcpy(c->out + n, body, len);
		c->outlen = (size_t)n + len;
	}
	free(head);
	c->outoff = 0;
	c->state = C_WRITE;
	pthread_mutex_lock(&h->mu);
	if (status == 200)
		h->nok++;
	else
		h->nother++;
	pthread_mutex_unlock(&h->mu);
}

static void
respond(struct httpd *h, struct conn *c, int status, const char *body)
{
	respond_bin(h, c, status, "text/plain", body, strlen(body));
}

/* The head's Content-Type value, copied into buf, or NULL. */
static const char *
header_ctype(const char *head, size_t headlen, char *buf, size_t len)
{
	const char *p = head;
	size_t n;

	while ((p = strchr(p, '\n')) != NULL && (size_t)(p - head) < headlen) {
		p++;
		if (strncasecmp(p, "Content-Type:", 13) != 0)
			continue;
		p += 13;
		p += strspn(p, " \t");
		n = strcspn(p, "\r\n");
		snprintf(buf, len, "%.*s", (int)n, p);
		return buf;
	}
	return NULL;
}

struct req_impl {
	const char	*query;		/* after '?', or NULL */
	char		*vals[16];	/* decoded values handed out */
	int		 nvals;
};

static int
hexval(int ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	ch |= 0x20;
	return ch >= 'a' && ch <= 'f' ? ch - 'a' + 10 : -1;
}

/* URL-decode n bytes of s ('+' is a space); malloc'd. */
static char *
url_decode(const char *s, size_t n)
{
	char *o = malloc(n + 1), *q = o;
	int hi, lo;

	if (o == NULL)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '%' && i + 2 < n && (hi = hexval(s[i + 1])) >= 0 &&
		    (lo = hexval(s[i + 2])) >= 0) {
			*q++ = (char)(hi * 16 + lo);
			i += 2;
		} else
			*q++ = s[i] == '+' ? ' ' : s[i];
	}
	*q = '\0';
	return o;
}

const char *
httpd_req_arg(const struct httpd_request *rq, const char *name)
{
	struct req_impl *ri = rq->impl;
	const char *p = ri->query;
	size_t nl = strlen(name), n;

	while (p != NULL && *p != '\0') {
		n = strcspn(p, "&");
		if (n > nl && strncmp(p, name, nl) == 0 && p[nl] == '=') {
			if (ri->nvals == 16)
				return NULL;
			ri->vals[ri->nvals] = url_decode(p + nl + 1, n - nl - 1);
			return ri->vals[ri->nvals++];
		}
		p += n;
		if (*p == '&')
			p++;
	}
	return NULL;
}

/* Route for path (prefix equal or followed by '/'); route_mu held. */
static struct route *
route_find(struct httpd *h, const char *path)
{
	size_t n;

	for (struct route *r = h->routes; r != NULL; r = r->next) {
		n = strlen(r->prefix);
		if (strncmp(path, r->prefix, n) == 0 &&
		    (path[n] == '\0' || path[n] == '/'))
			return r;
	}
	return NULL;
}

/* Serve a routed request; 0 when no route matches target. */
static int
route_dispatch(struct httpd *h, struct conn *c, const char *method,
    char *target, const char *ctype)
{
	struct req_impl ri = { 0 };
	struct httpd_request rq = { 0 };
	struct httpd_response rs = { 0 };
	struct route *r;
	char *q = strchr(target, '?');
	int rc;

	if (q != NULL)
		*q++ = '\0';
	ri.query = q;
	pthread_mutex_lock(&h->route_mu);
	if ((r = route_find(h, target)) == NULL) {
		pthread_mutex_unlock(&h->route_mu);
		if (q != NULL)
			q[-1] = '?';
		return 0;
	}
	rq.method = method;
	rq.path = target;
	rq.content_type = ctype;
	rq.body_len = c->want - c->head;
	rq.body = rq.body_len ? (unsigned char *)c->buf + c->head : NULL;
	rq.peer = "";
	rq.impl = &ri;
	if (rq.body_len > r->max_body)
		rs.status = 413;
	else if ((rc = r->fn(r->arg, &rq, &rs)) == -1)
		rs.status = 500;
	pthread_mutex_unlock(&h->route_mu);
	for (int i = 0; i < ri.nvals; i++)
		free(ri.vals[i]);
	respond_bin(h, c, rs.status ? rs.status : 500, rs.content_type,
	    rs.body, rs.body_len);
	free(rs.body);
	return 1;
}

int
httpd_route_add(struct httpd *h, const char *prefix, size_t max_body,
    httpd_handler fn, void *arg, struct err *e)
{
	struct route *r;

	pthread_mutex_lock(&h->route_mu);
	for (r = h->routes; r != NULL; r = r->next)
		if (strcmp(r->prefix, prefix) == 0)
			break;
	if (r == NULL) {
		if ((r = calloc(1, sizeof(*r))) == NULL ||
		    (r->prefix = strdup(prefix)) == NULL) {
			free(r);
			pthread_mutex_unlock(&h->route_mu);
			return err_set(e, E_NOMEM, "httpd: out of memory");
		}
		r->next = h->routes;
		h->routes = r;
	}
	r->max_body = max_body;
	r->fn = fn;
	r->arg = arg;
	pthread_mutex_unlock(&h->route_mu);
	return 0;
}

int
httpd_route_del(struct httpd *h, const char *prefix)
{
	struct route **rp, *r;

	pthread_mutex_lock(&h->route_mu);
	for (rp = &h->routes; (r = *rp) != NULL; rp = &r->next)
		if (strcmp(r->prefix, prefix) == 0) {
			*rp = r->next;
			free(r->prefix);
			free(r);
			pthread_mutex_unlock(&h->route_mu);
			return 0;
		}
	pthread_mutex_unlock(&h->route_mu);
	return -1;
}

/*
 * A complete request head is in c->buf: check the request line
 * (RFC 9112 section 3) and pick the response.
 */
static void
handle_request(struct httpd *h, struct conn *c)
{
	char		*sp1, *sp2, *target, *body = NULL;
	const char	*tokp;
	char		 ctbuf[128];
	const char	*ctype;
	int		 st;

	ctype = header_ctype(c->buf, c->head, ctbuf, sizeof(ctbuf));
	c->buf[strcspn(c->buf, "\r\n")] = '\0';
	if ((sp1 = strchr(c->buf, ' ')) == NULL ||
	    (sp2 = strchr(sp1 + 1, ' ')) == NULL || sp2 == sp1 + 1 ||
	    strncmp(sp2 + 1, "HTTP/1.", 7) != 0 || strlen(sp2 + 1) != 8) {
		respond(h, c, 400, "bad request\n");
		return;
	}
	*sp1 = *sp2 = '\0';
	target = sp1 + 1;
	if (route_dispatch(h, c, c->buf, target, ctype))
		return;
	if (strcmp(c->buf, "GET") == 0 &&
	    strncmp(target, WELL_KNOWN, strlen(WELL_KNOWN)) == 0) {
		tokp = target + strlen(WELL_KNOWN);
		if (*tokp != '\0' && strchr(tokp, '/') == NULL)
			body = token_body(h, tokp);
	}
	st = body != NULL ? 200 : 404;
	sanitize(c->buf);
	sanitize(target);
	log_dbg(DBG_ACME, 5, "CRYPTO_PKI: ACME: http-01 responder: %.16s "
	    "%.200s -> %d", c->buf, target, st);
	respond(h, c, st, body ? body : "not found\n");
	free(body);
}

/* Content-Length of the head buf[0..head), 0 when absent, -1 if bad. */
static long
content_length(const char *buf, size_t head)
{
	const char *p = buf;
	char *end;
	long v;

	while ((p = strchr(p, '\n')) != NULL && (size_t)(p - buf) < head) {
		p++;
		if (strncasecmp(p, "Content-Length:", 15) != 0)
			continue;
		errno = 0;
		v = strtol(p + 15, &end, 10);
		if (errno != 0 || v < 0 || end == p + 15)
			return -1;
		return v;
	}
	return 0;
}

/* The request head is complete at c->head: set c->want, or respond. */
static void
head_done(struct httpd *h, struct conn *c, const char *end, size_t seplen)
{
	long cl;

	c->head = (size_t)(end - c->buf) + seplen;
	if (memchr(c->buf, '\0', c->head) != NULL ||
	    (cl = content_length(c->buf, c->head)) < 0)
		respond(h, c, 400, "bad request\n");
	else if (cl > HTTPD_MAX_BODY)
		respond(h, c, 413, "request too large\n");
	else
		c->want = c->head + (size_t)cl;
}

/* Read more of the request; returns -1 when the connection must close. */
static int
conn_read(struct httpd *h, struct conn *c)
{
	size_t cap = c->head ? c->want : HTTPD_MAX_REQ;
	char *end;
	ssize_t n;

	if (c->state == C_DRAIN) {
		char junk[4096];

		n = read(c->fd, junk, sizeof(junk));
		return n > 0 || (n < 0 && errno == EAGAIN) ? 0 : -1;
	}
	n = read(c->fd, c->buf + c->len, cap - c->len);
	if (n < 0)
		return errno == EAGAIN || errno == EINTR ? 0 : -1;
	if (n == 0)
		return -1;		/* EOF before a complete request */
	c->len += (size_t)n;
	c->buf[c->len] = '\0';
	if (c->head == 0) {
		if ((end = strstr(c->buf, "\r\n\r\n")) != NULL)
			head_done(h, c, end, 4);
		else if ((end = strstr(c->buf, "\n\n")) != NULL)
			head_done(h, c, end, 2);
		else if (memchr(c->buf, '\0', c->len) != NULL)
			respond(h, c, 400, "bad request\n");
		else if (c->len >= HTTPD_MAX_REQ)
			respond(h, c, 431, "request too large\n");
	}
	if (c->state == C_READ && c->head != 0 && c->len >= c->want)
		handle_request(h, c);
	return 0;
}

/* Send more of the response; then half-close and drain. */
static int
conn_write(struct conn *c)
{
	ssize_t n;

	if (c->out == NULL)
		return -1;
	n = send(c->fd, c->out + c->outoff, c->outlen - c->outoff,
	    MSG_NOSIGNAL);
	if (n < 0)
		return errno == EAGAIN || errno == EINTR ? 0 : -1;
	c->outoff += (size_t)n;
	if (c->outoff == c->outlen) {
		/* Reading what the client still sends avoids an RST that
		 * could destroy the response before it is read. */
		shutdown(c->fd, SHUT_WR);
		c->state = C_DRAIN;
		if (c->deadline > now_ms() + DRAIN_MS)
			c->deadline = now_ms() + DRAIN_MS;
	}
	return 0;
}

static void
conn_free(struct conn *c)
{
	if (c == NULL)
		return;
	close(c->fd);
	free(c->out);
	free(c);
}

static void
accept_new(struct httpd *h, struct conn **cs, size_t *n)
{
	struct conn	*c;
	int		 fd, tmo;

	while (*n < HTTPD_MAX_CONN) {
		fd = accept4(h->lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd < 0)
			return;
		if ((c = calloc(1, sizeof(*c))) == NULL) {
			close(fd);
			return;
		}
		pthread_mutex_lock(&h->mu);
		tmo = h->timeout_ms;
		pthread_mutex_unlock(&h->mu);
		c->fd = fd;
		c->state = C_READ;
		c->deadline = now_ms() + tmo;
		cs[(*n)++] = c;
	}
}

static int
poll_timeout(struct conn **cs, size_t n)
{
	long long	 t, min = -1, now = now_ms();
	size_t		 i;

	for (i = 0; i < n; i++) {
		t = cs[i]->deadline - now;
		if (min < 0 || t < min)
			min = t < 0 ? 0 : t;
	}
	return min > 60000 ? 60000 : (int)min;
}

/* The listener thread: one poll loop until the wake pipe is readable. */
static void *
loop(void *arg)
{
	struct httpd	*h = arg;
	struct conn	*cs[HTTPD_MAX_CONN];
	struct pollfd	 pf[HTTPD_MAX_CONN + 2];
	size_t		 n = 0, i, j;
	int		 rc;

	for (;;) {
		pf[0] = (struct pollfd){ h->wake[0], POLLIN, 0 };
		pf[1] = (struct pollfd){ n < HTTPD_MAX_CONN ? h->lfd : -1,
		    POLLIN, 0 };
		for (i = 0; i < n; i++)
			pf[i + 2] = (struct pollfd){ cs[i]->fd,
			    cs[i]->state == C_WRITE ? POLLOUT : POLLIN, 0 };
		if (poll(pf, n + 2, poll_timeout(cs, n)) < 0 && errno != EINTR)
			break;
		if (pf[0].revents)
			break;
		for (i = 0; i < n; i++) {
			rc = 0;
			if (pf[i + 2].revents & (POLLIN | POLLHUP | POLLERR))
				rc = cs[i]->state == C_WRITE ?
				    conn_write(cs[i]) : conn_read(h, cs[i]);
			else if (pf[i + 2].revents & POLLOUT)
				rc = conn_write(cs[i]);
			if (rc == 0 && cs[i]->state == C_WRITE)
				rc = conn_write(cs[i]);
			if (rc < 0 || now_ms() >= cs[i]->deadline) {
				conn_free(cs[i]);
				cs[i] = NULL;
			}
		}
		for (i = j = 0; i < n; i++)
			if (cs[i] != NULL)
				cs[j++] = cs[i];
		n = j;
		if (pf[1].revents & POLLIN)
			accept_new(h, cs, &n);
	}
	for (i = 0; i < n; i++)
		conn_free(cs[i]);
	return NULL;
}

/* Bound, listening, non-blocking socket for addr:port, or -1. */
static int
listen_on(const char *addr, int port, int *bound, struct err *e)
{
	struct addrinfo		 hints = { 0 }, *ai = NULL;
	struct sockaddr_storage	 ss;
	socklen_t		 sl = sizeof(ss);
	char			 ps[16];
	int			 fd = -1, one = 1, rc;

	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV | AI_PASSIVE;
	snprintf(ps, sizeof(ps), "%d", port);
	if ((rc = getaddrinfo(addr ? addr : "0.0.0.0", ps, &hints, &ai)) != 0)
		return err_set(e, E_INVAL, "httpd: address %s: %s",
		    addr ? addr : "0.0.0.0", gai_strerror(rc));
	if ((fd = socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK |
	    SOCK_CLOEXEC, 0)) < 0 ||
	    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) < 0 ||
	    (ai->ai_family == AF_INET6 && setsockopt(fd, IPPROTO_IPV6,
	    IPV6_V6ONLY, &one, sizeof(one)) < 0) ||
	    bind(fd, ai->ai_addr, ai->ai_addrlen) < 0 || listen(fd, 64) < 0 ||
	    getsockname(fd, (struct sockaddr *)&ss, &sl) < 0) {
		err_set(e, errno == EACCES ? E_PERM : E_IO,
		    "httpd: listen on %s port %d: %s", addr ? addr : "0.0.0.0",
		    port, strerror(errno));
		if (fd >= 0)
			close(fd);
		freeaddrinfo(ai);
		return -1;
	}
	freeaddrinfo(ai);
	*bound = ntohs(ss.ss_family == AF_INET6 ?
	    ((struct sockaddr_in6 *)&ss)->sin6_port :
	    ((struct sockaddr_in *)&ss)->sin_port);
	return fd;
}

/*
 * Start listening on addr:port and serving registered tokens. Returns 0,
 * or -1 with "e" set (E_EXISTS if already running, E_PERM for a privileged
 * port, E_IO for other socket errors such as the port being in use).
 */
int
httpd_start(struct httpd *h, const char *addr, int port, struct err *e)
{
	int rc = -1;

	if (port < 0 || port > 65535)
		return err_set(e, E_INVAL, "httpd: bad port %d", port);
	pthread_mutex_lock(&h->run_mu);
	if (h->running) {
		err_set(e, E_EXISTS, "httpd: already running on port %d",
		    h->port);
		goto out;
	}
	if ((h->lfd = listen_on(addr, port, &h->port, e)) < 0)
		goto out;
	if (pipe2(h->wake, O_CLOEXEC | O_NONBLOCK) < 0) {
		err_set(e, E_IO, "httpd: pipe: %s", strerror(errno));
		goto fail;
	}
	if ((rc = pthread_create(&h->thr, NULL, loop, h)) != 0) {
		err_set(e, E_IO, "httpd: thread: %s", strerror(rc));
		rc = -1;
		goto fail;
	}
	h->running = 1;
	log_dbg(DBG_ACME, 3, "CRYPTO_PKI: ACME: http-01 responder listening "
	    "on %s port %d", addr ? addr : "0.0.0.0", h->port);
	goto out;
 fail:
	close(h->lfd);
	if (h->wake[0] >= 0) {
		close(h->wake[0]);
		close(h->wake[1]);
	}
	h->lfd = h->wake[0] = h->wake[1] = -1;
	h->port = 0;
 out:
	pthread_mutex_unlock(&h->run_mu);
	return rc;
}

void
httpd_stop(struct httpd *h)
{
	if (h == NULL)
		return;
	pthread_mutex_lock(&h->run_mu);
	if (h->running) {
		ssize_t w = write(h->wake[1], "x", 1);

		(void)w;
		pthread_join(h->thr, NULL);
		close(h->lfd);
		close(h->wake[0]);
		close(h->wake[1]);
		h->lfd = h->wake[0] = h->wake[1] = -1;
		h->running = 0;
		log_dbg(DBG_ACME, 3, "CRYPTO_PKI: ACME: http-01 responder on "
		    "port %d stopped", h->port);
		h->port = 0;
	}
	pthread_mutex_unlock(&h->run_mu);
}

int
httpd_running(struct httpd *h)
{
	int r;

	pthread_mutex_lock(&h->run_mu);
	r = h->running;
	pthread_mutex_unlock(&h->run_mu);
	return r;
}

int
httpd_port(struct httpd *h)
{
	int p;

	pthread_mutex_lock(&h->run_mu);
	p = h->port;
	pthread_mutex_unlock(&h->run_mu);
	return p;
}
