/* pkish - ISC license, see LICENSE */
/*
 * pki/ca_scep.c - the certificate server's SCEP service (RFC 8894
 * section 4) on the `ip http` listener, only while the server is
 * enabled: /cgi-bin/pkiclient.exe (and /scep) answer GetCACaps,
 * GetCACert (one DER certificate), PKIOperation by POST or GET
 * (pki/ca_scep_op.c) and, as a convenience, GetCRL (the DER CRL); the
 * path of `cdp-url` serves the CRL too. Handlers run on the listener's
 * threads, several at once; none holds ca_g.mu across a key operation.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "lib/httpd.h"
#include "lib/log.h"
#include "pki/ca_int.h"
#include "pki/ca_rollover.h"
#include "scep/scep.h"

static const char *const routes[] = { "/cgi-bin/pkiclient.exe", "/scep" };
#define NROUTES	(sizeof(routes) / sizeof(routes[0]))

static const char caps[] = "POSTPKIOperation\nRenewal\nSHA-256\nSHA-384\n"
    "SHA-512\nAES\nSCEPStandard\nGetNextCACert\n";

static int
reply(struct httpd_response *rs, int status, const char *ctype,
    const void *body, size_t len)
{
	rs->status = status;
	rs->content_type = ctype;
	rs->body = NULL;
	rs->body_len = 0;
	if (len > 0 && (rs->body = malloc(len)) == NULL)
		return -1;
	if (len > 0)
		memcpy(rs->body, body, len);
	rs->body_len = len;
	return 0;
}

static int
text(struct httpd_response *rs, int status, const char *msg)
{
	return reply(rs, status, "text/plain", msg, strlen(msg));
}

static int
get_cacert(struct httpd_response *rs)
{
	unsigned char *der = NULL;
	X509 *x = NULL;
	size_t len;
	int n, rc;

	if ((rc = ca_chain_reply(&der, &len)) != 0) {	/* a sub-CA */
		rc = rc < 0 ? -1 : reply(rs, 200, "application/x-x509-ca-ra-cert",
		    der, len);
		free(der);
		return rc;
	}
	pthread_mutex_lock(&ca_g.mu);
	if (ca_g.enabled && (x = ca_g.cacert) != NULL)
		X509_up_ref(x);
	pthread_mutex_unlock(&ca_g.mu);
	if (x == NULL)
		return text(rs, 503, "certificate server disabled\n");
	n = i2d_X509(x, &der);
	X509_free(x);
	if (n <= 0)
		return -1;
	rc = reply(rs, 200, "application/x-x509-ca-cert", der, (size_t)n);
	OPENSSL_free(der);
	return rc;
}

static int
get_crl(struct httpd_response *rs)
{
	X509_CRL *crl = ca_crl_current(NULL);
	unsigned char *der = NULL;
	int n, rc;

	if (crl == NULL)
		return text(rs, 503, "no CRL\n");
	n = i2d_X509_CRL(crl, &der);
	X509_CRL_free(crl);
	if (n <= 0)
		return -1;
	rc = reply(rs, 200, "application/pkix-crl", der, (size_t)n);
	OPENSSL_free(der);
	return rc;
}

/* GetNextCACert (RFC 8894 section 4.7): pki/ca_rollover.c. */
static int
get_next_ca(struct httpd_response *rs)
{
	unsigned char *der = NULL;
	size_t len = 0;
	int rc;

	if (ca_rollover_next_reply(&der, &len, NULL) == -1)
		return text(rs, 404, "no rollover CA certificate\n");
	rc = reply(rs, 200, "application/x-x509-next-ca-cert", der, len);
	OPENSSL_free(der);
	return rc;
}

/* A POSTed pkiMessage must say so (or say nothing). */
static int
ctype_ok(const char *ct)
{
	static const char *const ok[] = { "application/x-pki-message",
	    "application/octet-stream", "application/pkcs7-mime" };
	size_t n;

	if (ct == NULL || *ct == '\0')
		return 1;
	n = strcspn(ct, "; \t");
	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++)
		if (strlen(ok[i]) == n && strncasecmp(ct, ok[i], n) == 0)
			return 1;
	return 0;
}

static int
pkiop(const struct httpd_request *rq, const unsigned char *msg, size_t len,
    struct httpd_response *rs)
{
	unsigned char *out = NULL;
	size_t olen = 0;
	int st;

	if (strcmp(rq->method, "POST") == 0 && !ctype_ok(rq->content_type))
		return text(rs, 415, "PKIOperation: Content-Type must be "
		    "application/x-pki-message\n");
	st = ca_scep_pkiop(msg, len, rq->peer, &out, &olen);
	if (st != 200)
		return text(rs, st, st == 400 ? "not a pkiMessage\n" :
		    st == 503 ? "certificate server disabled\n" :
		    "internal error\n");
	rs->status = 200;
	rs->content_type = "application/x-pki-message";
	rs->body = out;
	rs->body_len = olen;
	return 0;
}

static int
scep_handler(void *arg, const struct httpd_request *rq,
    struct httpd_response *rs)
{
	const char *op = NULL;
	unsigned char *msg = NULL;
	size_t len = 0;
	int rc;

	(void)arg;
	if (strcmp(rq->method, "GET") != 0 && strcmp(rq->method, "POST") != 0)
		return text(rs, 405, "GET or POST\n");
	if (scep_srv_http_msg(rq, &op, &msg, &len) == -1)
		rc = text(rs, 400, "bad SCEP request (RFC 8894 section 4.1)\n");
	else if (strcmp(op, "GetCACaps") == 0)
		rc = text(rs, 200, caps);
	else if (strcmp(op, "GetCACert") == 0)
		rc = get_cacert(rs);
	else if (strcmp(op, "GetCRL") == 0)
		rc = get_crl(rs);
	else if (strcmp(op, "GetNextCACert") == 0)
		rc = get_next_ca(rs);
	else if (strcmp(op, "PKIOperation") == 0)
		rc = pkiop(rq, msg, len, rs);
	else
		rc = text(rs, 400, "unknown SCEP operation\n");
	free(msg);
	return rc;
}

static int
crl_handler(void *arg, const struct httpd_request *rq,
    struct httpd_response *rs)
{
	(void)arg;
	if (strcmp(rq->method, "GET") != 0)
		return text(rs, 405, "GET\n");
	return get_crl(rs);
}

/* The path of cdp-url when it is an http URL, else "". */
static void
cdp_path(const struct ca_cfg *c, char *buf, size_t len)
{
	const char *u = c->cdp_url, *p;

	*buf = '\0';
	if (strncasecmp(u, "http://", 7) != 0 ||
	    (p = strchr(u + 7, '/')) == NULL || p[1] == '\0')
		return;
	snprintf(buf, len, "%.*s", (int)strcspn(p, "?#"), p);
}

int
ca_scep_start(int port, struct err *e)
{
	struct ca_cfg c;
	struct httpd *h;
	char cdp[512];
	int rc = 0;

	if (!ca_cfg_get(&c))
		return err_set(e, E_NOTFOUND, "Certificate server is not known");
	if ((h = httpd_acquire(NULL, port, e)) == NULL)
		return err_ctx(e, "SCEP service on port %d", port);
	for (size_t i = 0; i < NROUTES && rc == 0; i++)
		rc = httpd_route_add(h, routes[i], CA_MAX_BODY, scep_handler,
		    NULL, e);
	cdp_path(&c, cdp, sizeof(cdp));
	if (rc == 0 && *cdp)
		rc = httpd_route_add(h, cdp, 0, crl_handler, NULL, e);
	if (rc == -1) {
		for (size_t i = 0; i < NROUTES; i++)
			httpd_route_del(h, routes[i]);
		httpd_release(h);
		return -1;
	}
	pthread_mutex_lock(&ca_g.mu);
	ca_g.httpd = h;
	ca_g.port = httpd_port(h);
	snprintf(ca_g.cdp_path, sizeof(ca_g.cdp_path), "%s", cdp);
	pthread_mutex_unlock(&ca_g.mu);
	return 0;
}

void
ca_scep_stop(void)
{
	struct httpd *h;
	char cdp[512];

	pthread_mutex_lock(&ca_g.mu);
	h = ca_g.httpd;
	snprintf(cdp, sizeof(cdp), "%s", ca_g.cdp_path);
	ca_g.httpd = NULL;
	ca_g.port = 0;
	ca_g.cdp_path[0] = '\0';
	pthread_mutex_unlock(&ca_g.mu);
	if (h == NULL)
		return;
	for (size_t i = 0; i < NROUTES; i++)
		httpd_route_del(h, routes[i]);
	if (*cdp)
		httpd_route_del(h, cdp);
	httpd_release(h);
}

int
ca_scep_port(void)
{
	int p;

	pthread_mutex_lock(&ca_g.mu);
	p = ca_g.port;
	pthread_mutex_unlock(&ca_g.mu);
	return p;
}
