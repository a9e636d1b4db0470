/* SPDX-License-Identifier: ISC */
/*
 * scep/transport.c - SCEP over HTTP (RFC 8894 section 4.1).
 *
 * Builds operation URLs ("CGI-PATH?operation=OP&message=MSG"; a URL
 * without a path gets the traditional /cgi-bin/pkiclient.exe), sends
 * PKIOperation as a POST body when the CA advertises POSTPKIOperation and
 * otherwise as base64 in a percent-encoded GET parameter, and fetches
 * GetCACert and GetNextCACert. All HTTP goes through lib/http.h; a GET
 * follows up to SCEP_MAX_REDIRS redirects, a POST none. Each
 * thread keeps one client, so the requests of one operation (GetCACaps,
 * GetCACert, PKIOperation) share a kept-alive connection;
 * scep_http_release() closes it when the operation is over, and a thread
 * that ends without that frees it through the key's destructor. The
 * functions are thread-safe.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "lib/b64.h"
#include "lib/log.h"
#include "scep/scep_int.h"

#define SCEP_DEFAULT_PATH	"/cgi-bin/pkiclient.exe"
#define SCEP_CT_PKIMSG		"application/x-pki-message"
#define SCEP_MAX_REDIRS		3	/* a GET follows at most these */

static pthread_once_t	hc_once = PTHREAD_ONCE_INIT;
static pthread_key_t	hc_key;
static int		hc_ok;		/* written once in hc_init */

static void
hc_free(void *p)
{
	http_client_free(p);
}

static void
hc_init(void)
{
	hc_ok = pthread_key_create(&hc_key, hc_free) == 0;
}

/* This thread's client, made on first use; NULL when out of memory. */
static struct http_client *
hc_get(void)
{
	struct http_client *hc;

	pthread_once(&hc_once, hc_init);
	if (!hc_ok)
		return NULL;
	if ((hc = pthread_getspecific(hc_key)) == NULL &&
	    (hc = http_client_new()) != NULL &&
	    pthread_setspecific(hc_key, hc) != 0) {
		http_client_free(hc);
		hc = NULL;
	}
	return hc;
}

/* End this thread's kept connection to the CA (operation over). */
void
scep_http_release(void)
{
	struct http_client *hc;

	pthread_once(&hc_once, hc_init);
	if (hc_ok && (hc = pthread_getspecific(hc_key)) != NULL) {
		pthread_setspecific(hc_key, NULL);
		http_client_free(hc);
	}
}

/*
 * Percent-encode every byte except RFC 3986 unreserved characters, so
 * base64's '+', '/' and '=' survive a query string. Returns a malloc'd
 * string or NULL when out of memory.
 */
char *
scep_url_escape(const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t n = strlen(s);
	char *out, *o;
	unsigned char c;

	if ((out = malloc(3 * n + 1)) == NULL)
		return NULL;
	for (o = out; *s != '\0'; s++) {
		c = (unsigned char)*s;
		if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
		    (c >= '0' && c <= '9') || c == '-' || c == '_' ||
		    c == '.' || c == '~')
			*o++ = (char)c;
		else {
			*o++ = '%';
			*o++ = hex[c >> 4];
			*o++ = hex[c & 15];
		}
	}
	*o = '\0';
	return out;
}

/*
 * base + [default path] + "?operation=" op [+ "&message=" escaped msg].
 * Returns a malloc'd URL or NULL (out of memory, or an empty base).
 */
char *
scep_url(const char *base, const char *op, const char *msg)
{
	const char *host, *path, *rest, *ins = "";
	char *esc = NULL, *url = NULL;
	int rc;

	if (base == NULL || *base == '\0')
		return NULL;
	host = strstr(base, "://");
	host = host ? host + 3 : base;
	path = host + strcspn(host, "/?#");
	rest = path;
	if (*path != '/')
		ins = SCEP_DEFAULT_PATH;		/* no path at all */
	else if (strchr("?#", path[1]) != NULL) {	/* also matches NUL */
		ins = SCEP_DEFAULT_PATH;		/* only "/" */
		rest = path + 1;
	}
	if (msg != NULL && (esc = scep_url_escape(msg)) == NULL)
		return NULL;
	rc = asprintf(&url, "%.*s%s%s%soperation=%s%s%s", (int)(path - base),
	    base, ins, rest, strchr(base, '?') ? "&" : "?", op,
	    esc ? "&message=" : "", esc ? esc : "");
	free(esc);
	return rc < 0 ? NULL : url;
}

/* Fold an HTTP error status into e (E_PROTO, RFC 8894 section 4.1). */
static int
http_status_err(const char *op, const struct http_resp *r, struct err *e)
{
	char snip[81];
	size_t i;

	for (i = 0; i < r->body_len && i < sizeof(snip) - 1; i++)
		snip[i] = (r->body[i] >= 0x20 && r->body[i] < 0x7f) ?
		    (char)r->body[i] : ' ';
	snip[i] = '\0';
	err_set(e, E_PROTO, "SCEP %s: HTTP status %ld from the CA "
	    "(RFC 8894 section 4.1)%s%s", op, r->status, i ? ": " : "", snip);
	if (e)
		e->detail = (int)r->status;
	return -1;
}

/*
 * One SCEP HTTP exchange. On success *r holds the response (caller
 * frees with http_resp_free); on failure nothing is left to free.
 */
int
scep_http_do(const struct scep_http *q, struct http_resp *r, struct err *e)
{
	struct http_client *hc = NULL;
	struct http_req hq = { 0 };
	char *url;
	int rc = -1;

	memset(r, 0, sizeof(*r));
	if ((url = scep_url(q->url, q->op, q->msg)) == NULL)
		return err_set(e, E_INVAL, "SCEP %s: invalid enrollment URL",
		    q->op);
	if ((hc = hc_get()) == NULL) {
		err_set(e, E_NOMEM, "SCEP %s: cannot create HTTP client", q->op);
		goto out;
	}
	hq.method = q->body ? "POST" : "GET";
	hq.url = url;
	hq.content_type = q->body ? SCEP_CT_PKIMSG : NULL;
	hq.body = q->body;
	hq.body_len = q->body_len;
	hq.timeout_ms = q->timeout_ms;
	/* a CA front end may redirect the GET operations; a POSTed
	 * PKIOperation is never sent on to another URL */
	hq.max_redirs = q->body ? 0 : SCEP_MAX_REDIRS;
	log_dbg(DBG_PKI_TRANS, 2, "CRYPTO_PKI: Sending %s request: %s %s"
	    "%s", q->op, hq.method, q->url, q->body ? " (POST body)" :
	    q->msg ? " (message in the query)" : "");
	if (http_do(hc, &hq, r, e) == -1) {
		err_ctx(e, "SCEP %s to %s", q->op, q->url);
		goto out;
	}
	if (r->status != 200 && !q->allow_status) {
		http_status_err(q->op, r, e);
		http_resp_free(r);
		goto out;
	}
	rc = 0;
 out:
	free(url);
	return rc;
}

/*
 * PKIOperation: POST when POSTPKIOperation is advertised, else GET with
 * the base64 message (RFC 8894 section 4.3). The reply must be 200 and,
 * when a Content-Type is given, application/x-pki-message.
 */
int
scep_pkiop(const struct scep_req *rq, const unsigned char *der, size_t len,
    struct http_resp *rep, struct err *e)
{
	struct scep_http q = { .url = rq->url, .op = "PKIOperation",
	    .timeout_ms = rq->timeout_ms };
	const char *ct;
	char *b64 = NULL;
	int rc;

	if (rq->caps != NULL && rq->caps->post) {
		q.body = der;
		q.body_len = len;
	} else if ((b64 = b64_encode(der, len, 0)) == NULL)
		return err_set(e, E_NOMEM, "SCEP PKIOperation: out of memory");
	q.msg = b64;
	rc = scep_http_do(&q, rep, e);
	free(b64);
	if (rc == -1)
		return -1;
	ct = http_resp_header(rep, "Content-Type");
	if (ct != NULL && strncasecmp(ct, SCEP_CT_PKIMSG,
	    strlen(SCEP_CT_PKIMSG)) != 0) {
		err_set(e, E_PROTO, "SCEP PKIOperation: reply Content-Type "
		    "is \"%.64s\", not " SCEP_CT_PKIMSG " (RFC 8894 section "
		    "4.3)", ct);
		http_resp_free(rep);
		return -1;
	}
	return 0;
}

/*
 * GetCACert (RFC 8894 section 4.2). See scep_ca_parse for the result.
 */
int
scep_get_ca(const char *url, STACK_OF(X509) **certs, X509 **ca,
    X509 **ra_enc, X509 **ra_sign, struct err *e)
{
	struct scep_http q = { .url = url, .op = "GetCACert" };
	struct http_resp r;
	int rc;

	*certs = NULL;
	if (scep_http_do(&q, &r, e) == -1)
		return -1;
	log_dbg(DBG_PKI_TRANS, 1, "CRYPTO_PKI: Client received CA "
	    "certificate response (%zu bytes, %s)", r.body_len,
	    http_resp_header(&r, "Content-Type") ?
	    http_resp_header(&r, "Content-Type") : "no Content-Type");
	rc = scep_ca_parse(r.body, r.body_len, certs, ca, ra_enc, ra_sign, e);
	http_resp_free(&r);
	return rc;
}

/*
 * GetNextCACert (RFC 8894 section 4.7). See scep_next_ca_parse.
 */
int
scep_get_next_ca(const char *url, X509 *current_ca, STACK_OF(X509) **certs,
    struct err *e)
{
	struct scep_http q = { .url = url, .op = "GetNextCACert" };
	struct http_resp r;
	int rc;

	*certs = NULL;
	if (scep_http_do(&q, &r, e) == -1)
		return -1;
	rc = scep_next_ca_parse(r.body, r.body_len, current_ca, certs, e);
	http_resp_free(&r);
	return rc;
}
