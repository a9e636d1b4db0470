/* pkish - ISC license, see LICENSE */
/*
 * DOC: acme/http01 - the HTTP-01 responders (RFC 8555 section 8.3) of
 * the process: the shared lib/httpd listener of an address and port
 * (httpd_acquire), so concurrent enrollments (each registering its own
 * tokens) and the certificate server's routes serve on one port, open
 * while someone holds it.
 */
#include "lib/httpd.h"
#include "acme_int.h"

/*
 * The running responder for addr:port, started if needed. Release with
 * acme_http01_release(). NULL with "e" set if it cannot listen.
 */
struct httpd *
acme_http01_acquire(const char *addr, int port, struct err *e)
{
	struct httpd *h;

	if ((h = httpd_acquire(addr, port, e)) == NULL)
		err_ctx(e, "RFC 8555 section 8.3 http-01 responder");
	return h;
}

/* Drop one reference; the last one stops the responder. NULL is fine. */
void
acme_http01_release(struct httpd *h)
{
	httpd_release(h);
}
