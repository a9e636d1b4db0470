/* pkish - ISC license, see LICENSE */
/*
 * DOC: lib/httpd_conn - the listener's whole-request deadline. The
 * library's own timeout counts idle time only, so a client trickling its
 * request head a byte a second would hold a connection for ever; this
 * part keeps a list of the open connections (libmicrohttpd tells of each
 * one opened and closed), when the request in flight on each began, and a
 * thread that shuts down the socket of any whose request has not arrived
 * within req_ms. The library then sees the end of the stream and closes
 * the connection itself. A connection is unlinked (under conn_mu) before
 * the library closes its socket, so the shutdown never hits another fd.
 * The count of that list is the accept policy: past max_conn a new
 * connection is closed at once, where the library alone (whose limit,
 * a little higher, stays the hard cap) would leave it waiting in the
 * listen queue.
 */
#include <string.h>
#include <stdlib.h>
#include <time.h>
#include <sys/socket.h>
#include "httpd_int.h"
#include "log.h"

#define REAP_MS	100	/* how often the deadlines are checked */

long long
httpd_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void
conn_open(struct httpd *h, struct MHD_Connection *mc, void **sock)
{
	const union MHD_ConnectionInfo	*ci;
	struct httpd_conn		*c;

	ci = MHD_get_connection_info(mc, MHD_CONNECTION_INFO_CONNECTION_FD);
	if (ci == NULL || (c = calloc(1, sizeof(*c))) == NULL)
		return;		/* not tracked: the idle timeout still holds */
	c->mc = mc;
	c->fd = ci->connect_fd;
	c->since = httpd_now_ms();
	pthread_mutex_lock(&h->conn_mu);
	h->nconns++;
	c->next = h->conns;
	if (h->conns != NULL)
		h->conns->prev = c;
	h->conns = c;
	pthread_mutex_unlock(&h->conn_mu);
	*sock = c;
}

void
httpd_conn_cb(void *cls, struct MHD_Connection *mc, void **sock,
    enum MHD_ConnectionNotificationCode toe)
{
	struct httpd		*h = cls;
	struct httpd_conn	*c = *sock;

	if (toe == MHD_CONNECTION_NOTIFY_STARTED) {
		conn_open(h, mc, sock);
		return;
	}
	if (c == NULL)
		return;
	pthread_mutex_lock(&h->conn_mu);
	h->nconns--;
	if (c->prev != NULL)
		c->prev->next = c->next;
	else
		h->conns = c->next;
	if (c->next != NULL)
		c->next->prev = c->prev;
	pthread_mutex_unlock(&h->conn_mu);
	free(c);
	*sock = NULL;
}

enum MHD_Result
httpd_accept_cb(void *cls, const struct sockaddr *sa, socklen_t len)
{
	struct httpd	*h = cls;
	int		 ok;

	pthread_mutex_lock(&h->conn_mu);
	ok = h->nconns < h->max_conn;
	pthread_mutex_unlock(&h->conn_mu);
	if (!ok)
		log_dbg(DBG_ACME, 5, "HTTPD: %u connections open, one more "
		    "refused", h->max_conn);
	return ok ? MHD_YES : MHD_NO;
}

void
httpd_conn_mark(struct httpd *h, struct MHD_Connection *mc, int start)
{
	const union MHD_ConnectionInfo	*ci;
	struct httpd_conn		*c;

	ci = MHD_get_connection_info(mc, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
	if (ci == NULL || (c = ci->socket_context) == NULL)
		return;
	pthread_mutex_lock(&h->conn_mu);
	c->since = start ? httpd_now_ms() : 0;
	pthread_mutex_unlock(&h->conn_mu);
}

/* Shut down every connection past its deadline; conn_mu held. */
static void
reap_late(struct httpd *h)
{
	long long now = httpd_now_ms();

	for (struct httpd_conn *c = h->conns; c != NULL; c = c->next) {
		if (c->since == 0 || now - c->since < h->req_ms)
			continue;
		c->since = 0;
		if (shutdown(c->fd, SHUT_RDWR) == 0)
			log_dbg(DBG_ACME, 5, "HTTPD: request not received "
			    "within %d ms, connection closed", h->req_ms);
	}
}

static void *
reaper(void *arg)
{
	struct httpd	*h = arg;
	struct timespec	 ts;

	pthread_mutex_lock(&h->conn_mu);
	while (h->reaping) {
		clock_gettime(CLOCK_MONOTONIC, &ts);
		ts.tv_nsec += REAP_MS * 1000000L;
		if (ts.tv_nsec >= 1000000000L) {
			ts.tv_sec++;
			ts.tv_nsec -= 1000000000L;
		}
		pthread_cond_timedwait(&h->reap_cv, &h->conn_mu, &ts);
		reap_late(h);
	}
	pthread_mutex_unlock(&h->conn_mu);
	return NULL;
}

int
httpd_reaper_start(struct httpd *h, struct err *e)
{
	int rc;

	h->reaping = 1;
	if ((rc = pthread_create(&h->reaper, NULL, reaper, h)) != 0) {
		h->reaping = 0;
		return err_set(e, E_IO, "httpd: thread: %s", strerror(rc));
	}
	return 0;
}

void
httpd_reaper_stop(struct httpd *h)
{
	if (!h->reaping)
		return;
	pthread_mutex_lock(&h->conn_mu);
	h->reaping = 0;
	pthread_cond_signal(&h->reap_cv);
	pthread_mutex_unlock(&h->conn_mu);
	pthread_join(h->reaper, NULL);
}
