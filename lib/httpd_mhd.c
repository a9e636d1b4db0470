/* pkish - ISC license, see LICENSE */
/*
 * DOC: lib/httpd_mhd - the HTTP listener on libmicrohttpd: lifecycle and
 * the library's options. pkish binds the listening socket itself (so a bind
 * error keeps its meaning: E_PERM, E_IO for a port in use) and hands it
 * to the library, which serves it from a pool of threads (one per core,
 * at least two; each thread serves the connections it accepted) with the
 * library's caps: connections in all and per client address, memory per
 * connection (which bounds the request head: larger gets 431) and idle
 * time. The request callbacks are in httpd_req.c, the whole-request
 * deadline in httpd_conn.c, the tables in httpd_tab.c.
 */
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <netinet/in.h>
#include "httpd_int.h"
#include "log.h"

#define HTTPD_MEM	(2 * HTTPD_MAX_REQ)	/* per connection */
#define HTTPD_BACKLOG	128

struct httpd *
httpd_new(struct err *e)
{
	struct httpd		*h;
	pthread_condattr_t	 ca;

	if ((h = calloc(1, sizeof(*h))) == NULL)
		return err_set(e, E_NOMEM, "httpd: out of memory"), NULL;
	pthread_mutex_init(&h->mu, NULL);
	pthread_cond_init(&h->idle, NULL);
	pthread_mutex_init(&h->run_mu, NULL);
	pthread_mutex_init(&h->conn_mu, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&h->reap_cv, &ca);
	pthread_condattr_destroy(&ca);
	h->timeout_ms = HTTPD_TIMEOUT_MS;
	h->max_conn = HTTPD_MAX_CONN;
	h->max_conn_ip = HTTPD_MAX_CONN_IP;
	h->req_ms = HTTPD_REQ_MS;
	return h;
}

void
httpd_free(struct httpd *h)
{
	if (h == NULL)
		return;
	httpd_stop(h);
	httpd_tab_free(h);
	pthread_mutex_destroy(&h->mu);
	pthread_cond_destroy(&h->idle);
	pthread_mutex_destroy(&h->run_mu);
	pthread_mutex_destroy(&h->conn_mu);
	pthread_cond_destroy(&h->reap_cv);
	free(h);
}

void
httpd_set_timeout(struct httpd *h, int ms)
{
	pthread_mutex_lock(&h->run_mu);
	h->timeout_ms = ms > 0 ? ms : HTTPD_TIMEOUT_MS;
	pthread_mutex_unlock(&h->run_mu);
}

void
httpd_set_limits(struct httpd *h, unsigned conns, unsigned per_ip,
    int req_ms)
{
	pthread_mutex_lock(&h->run_mu);
	if (conns > 0)
		h->max_conn = conns;
	if (per_ip > 0)
		h->max_conn_ip = per_ip;
	if (req_ms > 0)
		h->req_ms = req_ms;
	pthread_mutex_unlock(&h->run_mu);
}

/* A socket of ai bound and listening, or -1 with errno set. */
static int
bind_one(const struct addrinfo *ai, int v6only)
{
	int fd, one = 1, saved;

	if ((fd = socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK |
	    SOCK_CLOEXEC, 0)) < 0)
		return -1;
	if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) < 0 ||
	    (ai->ai_family == AF_INET6 && setsockopt(fd, IPPROTO_IPV6,
	    IPV6_V6ONLY, &v6only, sizeof(v6only)) < 0) ||
	    bind(fd, ai->ai_addr, ai->ai_addrlen) < 0 ||
	    listen(fd, HTTPD_BACKLOG) < 0) {
		saved = errno;
		close(fd);
		errno = saved;
		return -1;
	}
	return fd;
}

/* The listening socket for addr:port (NULL: "::" dual stack, else
 * 0.0.0.0), its port in *bound; -1 with "e" set. */
static int
listen_on(const char *addr, int port, int *bound, struct err *e)
{
	struct addrinfo		 hints = { 0 }, *ai = NULL;
	struct sockaddr_storage	 ss;
	socklen_t		 sl = sizeof(ss);
	const char		*a = addr ? addr : "::";
	char			 ps[16];
	int			 fd = -1, rc;

	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV | AI_PASSIVE;
	snprintf(ps, sizeof(ps), "%d", port);
	if ((rc = getaddrinfo(a, ps, &hints, &ai)) != 0)
		return err_set(e, E_INVAL, "httpd: address %s: %s", a,
		    gai_strerror(rc));
	fd = bind_one(ai, addr != NULL);
	freeaddrinfo(ai);
	if (fd < 0 && addr == NULL && (errno == EAFNOSUPPORT ||
	    errno == EADDRNOTAVAIL)) {		/* no IPv6 here */
		a = "0.0.0.0";
		if (getaddrinfo(a, ps, &hints, &ai) == 0) {
			fd = bind_one(ai, 0);
			freeaddrinfo(ai);
		}
	}
	if (fd < 0 || getsockname(fd, (struct sockaddr *)&ss, &sl) < 0) {
		err_set(e, errno == EACCES ? E_PERM : E_IO, "httpd: listen "
		    "on %s port %d: %s", a, port, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	*bound = ntohs(ss.ss_family == AF_INET6 ?
	    ((struct sockaddr_in6 *)&ss)->sin6_port :
	    ((struct sockaddr_in *)&ss)->sin_port);
	return fd;
}

/* The library's error messages, as debug lines. */
static void
mhd_log(void *cls, const char *fmt, va_list ap)
{
	char buf[256];

	if (log_dbg_level(DBG_ACME) < 5)
		return;
	vsnprintf(buf, sizeof(buf), fmt, ap);
	buf[strcspn(buf, "\r\n")] = '\0';
	log_dbg(DBG_ACME, 5, "HTTPD: %s", buf);
}

static unsigned
pool_size(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);

	return n < 2 ? 2 : n > 64 ? 64 : (unsigned)n;
}

/* Start the library on the listening socket fd; run_mu held. */
static struct MHD_Daemon *
daemon_start(struct httpd *h, int fd)
{
	unsigned tmo = (unsigned)(h->timeout_ms + 999) / 1000;
	unsigned pool = pool_size();

	/* the library's limit is the hard cap; httpd_accept_cb refuses
	 * cleanly at max_conn before it is reached */
	return MHD_start_daemon(MHD_USE_AUTO_INTERNAL_THREAD | MHD_USE_ITC |
	    MHD_USE_ERROR_LOG, 0, httpd_accept_cb, h, httpd_access_cb, h,
	    MHD_OPTION_LISTEN_SOCKET, fd,
	    MHD_OPTION_THREAD_POOL_SIZE, pool,
	    MHD_OPTION_CONNECTION_LIMIT, h->max_conn + pool,
	    MHD_OPTION_PER_IP_CONNECTION_LIMIT, h->max_conn_ip,
	    MHD_OPTION_CONNECTION_TIMEOUT, tmo,
	    MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)HTTPD_MEM,
	    MHD_OPTION_URI_LOG_CALLBACK, httpd_uri_cb, h,
	    MHD_OPTION_NOTIFY_COMPLETED, httpd_done_cb, h,
	    MHD_OPTION_NOTIFY_CONNECTION, httpd_conn_cb, h,
	    MHD_OPTION_EXTERNAL_LOGGER, mhd_log, h,
	    MHD_OPTION_END);
}

/*
 * Start listening on addr:port and serving tokens and routes. Returns 0,
 * or -1 with "e" set (E_EXISTS if already running, E_PERM for a privileged
 * port, E_IO for other socket errors such as the port being in use).
 */
int
httpd_start(struct httpd *h, const char *addr, int port, struct err *e)
{
	int fd, bound = 0, rc = -1;

	if (port < 0 || port > 65535)
		return err_set(e, E_INVAL, "httpd: bad port %d", port);
	pthread_mutex_lock(&h->run_mu);
	if (h->d != NULL)
		err_set(e, E_EXISTS, "httpd: already running on port %d",
		    h->port);
	else if ((fd = listen_on(addr, port, &bound, e)) < 0)
		;
	else if (httpd_reaper_start(h, e) == -1)
		close(fd);
	else if ((h->d = daemon_start(h, fd)) == NULL) {
		err_set(e, E_IO, "httpd: cannot start the HTTP server on "
		    "port %d", bound);
		httpd_reaper_stop(h);
		close(fd);
	} else {
		h->port = bound;
		rc = 0;
		log_dbg(DBG_ACME, 3, "CRYPTO_PKI: ACME: http-01 responder "
		    "listening on %s port %d", addr ? addr : "any", bound);
	}
	pthread_mutex_unlock(&h->run_mu);
	return rc;
}

/*
 * Stop the library, which closes the listening socket it was handed.
 * No MHD_quiesce_daemon() first: with a thread pool, 0.9.75 sets each
 * worker's quiesced flag before it takes the socket out of that worker's
 * epoll set, and a worker that sees the flag first removes it itself,
 * so the library's own removal fails and it aborts the process.
 */
void
httpd_stop(struct httpd *h)
{
	if (h == NULL)
		return;
	pthread_mutex_lock(&h->run_mu);
	if (h->d != NULL) {
		MHD_stop_daemon(h->d);
		httpd_reaper_stop(h);
		h->d = NULL;
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
	r = h->d != NULL;
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
