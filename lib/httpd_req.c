/* pkish - ISC license, see LICENSE */
/*
 * DOC: lib/httpd_req - one HTTP request through libmicrohttpd. The URI
 * log callback sees the raw request target first: it opens the request
 * state and keeps the path undecoded (the library decodes its own copy).
 * The access handler is called once the head has arrived (a route's body
 * cap is checked against Content-Length there: 413 at once), then with
 * each piece of the body (kept for a route, up to its cap), then a last
 * time to answer: the route's handler, the HTTP-01 token, or 404. The
 * completion callback frees the state and restarts the connection's
 * request deadline for the next request on it.
 */
#include <netdb.h>
#include <stdlib.h>
#include <string.h>
#include "httpd_int.h"
#include "log.h"

#define WELL_KNOWN	"/.well-known/acme-challenge/"

struct req {
	char		*path;		/* raw, query cut off */
	int		 started;	/* the head has been seen */
	int		 routed;	/* a route serves path */
	int		 toobig;	/* body over max_body */
	int		 answered;	/* a response is queued */
	size_t		 max_body;
	unsigned char	*body;		/* routed body, NUL after it */
	size_t		 len, cap;
};

void *
httpd_uri_cb(void *cls, const char *uri, struct MHD_Connection *mc)
{
	struct req *r;

	if ((r = calloc(1, sizeof(*r))) == NULL)
		return NULL;
	if ((r->path = strndup(uri, strcspn(uri, "?"))) == NULL) {
		free(r);
		return NULL;
	}
	return r;
}

void
httpd_done_cb(void *cls, struct MHD_Connection *mc, void **req,
    enum MHD_RequestTerminationCode toe)
{
	struct req *r = *req;

	if (r != NULL) {
		free(r->path);
		free(r->body);
		free(r);
		*req = NULL;
	}
	httpd_conn_mark(cls, mc, 1);
}

/* Queue status with len bytes of body (freed here when owned). */
static enum MHD_Result
respond(struct httpd *h, struct MHD_Connection *mc, int status,
    const char *ctype, void *body, size_t len, int owned)
{
	struct MHD_Response	*rs;
	enum MHD_Result		 ret;

	if (body == NULL || len == 0) {
		if (owned)
			free(body);
		body = "", len = 0, owned = 0;
	}
	rs = MHD_create_response_from_buffer(len, body, owned ?
	    MHD_RESPMEM_MUST_FREE : MHD_RESPMEM_PERSISTENT);
	if (rs == NULL) {
		if (owned)
			free(body);
		return MHD_NO;
	}
	MHD_add_response_header(rs, MHD_HTTP_HEADER_CONTENT_TYPE,
	    ctype ? ctype : "text/plain");
	ret = MHD_queue_response(mc, (unsigned)status, rs);
	MHD_destroy_response(rs);
	httpd_count(h, status);
	return ret;
}

static enum MHD_Result
respond_text(struct httpd *h, struct MHD_Connection *mc, int status,
    const char *text)
{
	return respond(h, mc, status, "text/plain", (void *)text,
	    strlen(text), 0);
}

/* The numeric address of the client, into buf. */
static const char *
peer_of(struct MHD_Connection *mc, char *buf, size_t len)
{
	const union MHD_ConnectionInfo *ci;
	const struct sockaddr *sa;

	*buf = '\0';
	ci = MHD_get_connection_info(mc, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	if (ci != NULL && (sa = ci->client_addr) != NULL)
		getnameinfo(sa, sa->sa_family == AF_INET6 ?
		    sizeof(struct sockaddr_in6) : sizeof(struct sockaddr_in),
		    buf, (socklen_t)len, NULL, 0, NI_NUMERICHOST);
	return buf;
}

const char *
httpd_req_arg(const struct httpd_request *rq, const char *name)
{
	return MHD_lookup_connection_value(rq->impl, MHD_GET_ARGUMENT_KIND,
	    name);
}

/* Run the route's handler on the complete request. */
static enum MHD_Result
answer_route(struct httpd *h, struct MHD_Connection *mc, struct req *r,
    const char *method)
{
	struct httpd_request	 rq = { 0 };
	struct httpd_response	 rs = { 0 };
	struct httpd_route	*rt;
	char			 peer[64];
	int			 rc;

	if (r->toobig)
		return respond_text(h, mc, 413, "request body too large\n");
	if ((rt = httpd_route_get(h, r->path)) == NULL)
		return respond_text(h, mc, 404, "not found\n");
	rq.method = method;
	rq.path = r->path;
	rq.content_type = MHD_lookup_connection_value(mc, MHD_HEADER_KIND,
	    MHD_HTTP_HEADER_CONTENT_TYPE);
	rq.body = r->body;
	rq.body_len = r->len;
	rq.peer = peer_of(mc, peer, sizeof(peer));
	rq.impl = mc;
	rc = rt->fn(rt->arg, &rq, &rs);
	httpd_route_put(h, rt);
	if (rc == -1 || rs.status == 0) {
		free(rs.body);
		return respond_text(h, mc, 500, "internal error\n");
	}
	return respond(h, mc, rs.status, rs.content_type, rs.body,
	    rs.body_len, 1);
}

/* s cut to fit buf, bytes that could upset a terminal replaced. */
static const char *
printable(char *buf, size_t len, const char *s)
{
	size_t i;

	for (i = 0; i + 1 < len && s[i] != '\0'; i++)
		buf[i] = (unsigned char)s[i] < 0x20 ||
		    (unsigned char)s[i] > 0x7e ? '?' : s[i];
	buf[i] = '\0';
	return buf;
}

/* GET of a registered HTTP-01 token, else 404. */
static enum MHD_Result
answer_token(struct httpd *h, struct MHD_Connection *mc, struct req *r,
    const char *method)
{
	const char	*tok = r->path + strlen(WELL_KNOWN);
	char		*body = NULL;
	int		 st;

	if (strcmp(method, "GET") == 0 &&
	    strncmp(r->path, WELL_KNOWN, strlen(WELL_KNOWN)) == 0 &&
	    *tok != '\0' && strchr(tok, '/') == NULL)
		body = httpd_tok_body(h, tok);
	st = body != NULL ? 200 : 404;
	if (log_dbg_level(DBG_ACME) >= 5) {
		char m[17], p[201];

		log_dbg(DBG_ACME, 5, "CRYPTO_PKI: ACME: http-01 responder: %s "
		    "%s -> %d", printable(m, sizeof(m), method),
		    printable(p, sizeof(p), r->path), st);
	}
	if (body == NULL)
		return respond_text(h, mc, 404, "not found\n");
	return respond(h, mc, 200, "text/plain", body, strlen(body), 1);
}

/* The head has arrived: find the route's body cap, refuse early. */
static enum MHD_Result
head_seen(struct httpd *h, struct MHD_Connection *mc, struct req *r)
{
	const char		*cl;
	unsigned long long	 n;

	r->started = 1;
	r->routed = httpd_route_limit(h, r->path, &r->max_body);
	cl = MHD_lookup_connection_value(mc, MHD_HEADER_KIND,
	    MHD_HTTP_HEADER_CONTENT_LENGTH);
	if (r->routed && cl != NULL && (n = strtoull(cl, NULL, 10)) >
	    r->max_body) {
		httpd_conn_mark(h, mc, 0);
		r->answered = 1;
		return respond_text(h, mc, 413, "request body too large\n");
	}
	return MHD_YES;
}

/* Keep a piece of a routed body, up to the route's cap. */
static void
body_add(struct req *r, const char *data, size_t n)
{
	unsigned char	*nb;
	size_t		 cap;

	if (!r->routed || r->toobig)
		return;
	if (n > r->max_body - r->len) {
		r->toobig = 1;
		return;
	}
	if (r->len + n + 1 > r->cap) {
		cap = r->cap ? r->cap * 2 : 4096;
		while (cap < r->len + n + 1)
			cap *= 2;
		if ((nb = realloc(r->body, cap)) == NULL) {
			r->toobig = 1;
			return;
		}
		r->body = nb;
		r->cap = cap;
	}
	memcpy(r->body + r->len, data, n);
	r->len += n;
	r->body[r->len] = '\0';
}

enum MHD_Result
httpd_access_cb(void *cls, struct MHD_Connection *mc, const char *url,
    const char *method, const char *version, const char *upload,
    size_t *upload_size, void **req)
{
	struct httpd	*h = cls;
	struct req	*r = *req;

	if (r == NULL)
		return MHD_NO;		/* out of memory at the URI */
	if (!r->started)
		return head_seen(h, mc, r);
	if (r->answered) {
		*upload_size = 0;	/* the rest of a refused body */
		return MHD_YES;
	}
	if (*upload_size != 0) {
		body_add(r, upload, *upload_size);
		*upload_size = 0;
		return MHD_YES;
	}
	httpd_conn_mark(h, mc, 0);
	r->answered = 1;
	if (r->routed)
		return answer_route(h, mc, r, method);
	return answer_token(h, mc, r, method);
}
