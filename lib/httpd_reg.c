/* pkish - ISC license, see LICENSE */
/*
 * DOC: lib/httpd_reg - the process-wide registry of shared listeners, one
 * per address and port. The ACME HTTP-01 responder, the certificate
 * server's SCEP routes and the metrics endpoint all serve on the same
 * `ip http port` listener: the first httpd_acquire() starts it, each
 * caller holds a reference, the last httpd_release() stops and frees it.
 * Guarded by reg_mu; the listener itself is thread-safe.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include "httpd.h"

struct shared {
	char		*addr;		/* bind address, owned ("" = any) */
	int		 port;
	int		 refs;		/* holders */
	struct httpd	*h;		/* owned */
	struct shared	*next;
};

static pthread_mutex_t	 reg_mu = PTHREAD_MUTEX_INITIALIZER;
static struct shared	*reg;		/* guarded by reg_mu */

/* A new started listener entry for addr:port, or NULL with "e" set. */
static struct shared *
shared_start(const char *addr, int port, struct err *e)
{
	struct shared *s;

	if ((s = calloc(1, sizeof(*s))) == NULL ||
	    (s->addr = strdup(addr)) == NULL) {
		free(s);
		err_set(e, E_NOMEM, "httpd: out of memory");
		return NULL;
	}
	if ((s->h = httpd_new(e)) == NULL ||
	    httpd_start(s->h, *addr ? addr : NULL, port, e) == -1) {
		httpd_free(s->h);
		free(s->addr);
		free(s);
		return NULL;
	}
	s->port = port;
	s->refs = 1;
	return s;
}

struct httpd *
httpd_acquire(const char *addr, int port, struct err *e)
{
	struct shared	*s;
	struct httpd	*h = NULL;

	addr = addr ? addr : "";
	pthread_mutex_lock(&reg_mu);
	for (s = reg; s != NULL; s = s->next)
		if ((s->port == port || httpd_port(s->h) == port) &&
		    strcmp(s->addr, addr) == 0)
			break;
	if (s != NULL) {
		s->refs++;
		h = s->h;
	} else if ((s = shared_start(addr, port, e)) != NULL) {
		s->next = reg;
		reg = s;
		h = s->h;
	}
	pthread_mutex_unlock(&reg_mu);
	return h;
}

void
httpd_release(struct httpd *h)
{
	struct shared **pp, *s;

	if (h == NULL)
		return;
	pthread_mutex_lock(&reg_mu);
	for (pp = &reg; *pp != NULL; pp = &(*pp)->next)
		if ((s = *pp)->h == h) {
			if (--s->refs == 0) {
				/* stop under the lock: a new acquire must not
				 * find the port still bound */
				*pp = s->next;
				httpd_free(s->h);
				free(s->addr);
				free(s);
			}
			break;
		}
	pthread_mutex_unlock(&reg_mu);
}
