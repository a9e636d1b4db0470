/* pkish - ISC license, see LICENSE */
/*
 * DOC: acme/http01 - the HTTP-01 responders (RFC 8555 section 8.3) of
 * the process: one lib/httpd per address and port, shared by concurrent
 * enrollments (each registers its own tokens) and reference counted, so
 * the port is open only while some challenge is pending and two
 * trustpoints on one interface do not fight over it. The registry is
 * guarded by a mutex; httpd itself is thread-safe.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include "lib/httpd.h"
#include "acme_int.h"

struct responder {
	char		 *addr;		/* bind address, owned ("" = any) */
	int		  port;
	int		  refs;		/* enrollments using it */
	struct httpd	 *h;		/* owned */
	struct responder *next;
};

static pthread_mutex_t	 reg_mu = PTHREAD_MUTEX_INITIALIZER;
static struct responder	*reg;		/* guarded by reg_mu */

/*
 * The running responder for addr:port, started if needed. Release with
 * acme_http01_release(). NULL with "e" set if it cannot listen.
 */
struct httpd *
acme_http01_acquire(const char *addr, int port, struct err *e)
{
	struct responder	*r;
	struct httpd		*h = NULL;

	addr = addr ? addr : "";
	pthread_mutex_lock(&reg_mu);
	for (r = reg; r != NULL; r = r->next)
		if (r->port == port && strcmp(r->addr, addr) == 0)
			break;
	if (r != NULL) {
		r->refs++;
		h = r->h;
	} else if ((r = calloc(1, sizeof(*r))) == NULL ||
	    (r->addr = strdup(addr)) == NULL ||
	    (r->h = httpd_new(e)) == NULL) {
		err_set(e, E_NOMEM, "out of memory");
		if (r != NULL)
			free(r->addr);
		free(r);
	} else if (httpd_start(r->h, *addr ? addr : NULL, port, e) == -1) {
		err_ctx(e, "RFC 8555 section 8.3 http-01 responder");
		httpd_free(r->h);
		free(r->addr);
		free(r);
	} else {
		r->port = port;
		r->refs = 1;
		r->next = reg;
		reg = r;
		h = r->h;
	}
	pthread_mutex_unlock(&reg_mu);
	return h;
}

/* Drop one reference; the last one stops the responder. NULL is fine. */
void
acme_http01_release(struct httpd *h)
{
	struct responder **pp, *r = NULL;

	if (h == NULL)
		return;
	pthread_mutex_lock(&reg_mu);
	for (pp = &reg; *pp != NULL; pp = &(*pp)->next)
		if ((*pp)->h == h) {
			r = *pp;
			if (--r->refs == 0) {
				/* stop under the lock: a new acquire must not
				 * find the port still bound */
				*pp = r->next;
				httpd_free(r->h);
				free(r->addr);
				free(r);
			}
			break;
		}
	pthread_mutex_unlock(&reg_mu);
}
