/* pkish - ISC license, see LICENSE */
/*
 * DOC: lib/http - the one HTTP client, over libcurl. A client owns one
 * easy handle; curl_easy_reset() between requests clears the options
 * but keeps the handle's connection cache and DNS cache, so the requests
 * of one engine session (an ACME order, a SCEP operation) share one
 * kept-alive connection. libcurl is initialised once per process
 * (pthread_once) and cleaned up at exit (http_global_cleanup).
 * Each request: HTTP/1.1, TLS 1.2 at least with the peer and its name
 * always verified; trusted are the caller's extra PEM (the trustpool,
 * CURLOPT_CAINFO_BLOB) and the system anchors through OpenSSL's hashed
 * directory (SSL_CERT_DIR, else libcurl's CA path), which reads only the
 * certificate a chain needs: libcurl would otherwise parse the whole
 * bundle file (30-40 ms here) for every new connection, and a CA blob
 * replaces that file anyway. Only when libcurl has no CA path does the
 * bundle file stay. https_only restricts the request and its redirects
 * to https (CURLOPT_PROTOCOLS_STR). Redirects are followed only by a
 * GET or HEAD that asks for them (max_redirs, bounded); a POST never
 * follows one. The timeout covers the whole request, name resolution
 * included (libcurl's threaded resolver), and the connect. The body is
 * capped (max_body): a larger Content-Length is refused before the body
 * (CURLOPT_MAXFILESIZE_LARGE), a longer body as it arrives (the write
 * callback). Environment proxies (http_proxy, https_proxy, all_proxy,
 * no_proxy) apply as libcurl reads them. A failure carries libcurl's
 * CURLcode in e->detail and its message text.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <curl/curl.h>
#include "http.h"
#include "http_int.h"

struct http_client {
	CURL	*easy;		/* owned: options reset after each request */
	char	 errbuf[CURL_ERROR_SIZE];	/* libcurl's message */
};

static pthread_once_t	 init_once = PTHREAD_ONCE_INIT;
static CURLcode		 init_rc = CURLE_FAILED_INIT;	/* written once */
static int		 cleaned;	/* http_global_cleanup ran */

static void
global_init(void)
{
	init_rc = curl_global_init(CURL_GLOBAL_DEFAULT);
}

/*
 * A new client with its easy handle; NULL when libcurl cannot be
 * initialised or memory is short. Free with http_client_free().
 */
struct http_client *
http_client_new(void)
{
	struct http_client *h;

	pthread_once(&init_once, global_init);
	if (init_rc != CURLE_OK || (h = calloc(1, sizeof(*h))) == NULL)
		return NULL;
	if ((h->easy = curl_easy_init()) == NULL) {
		free(h);
		return NULL;
	}
	return h;
}

void
http_client_free(struct http_client *h)
{
	if (h == NULL)
		return;
	curl_easy_cleanup(h->easy);	/* closes its kept connections */
	free(h);
}

/* At exit, once no thread uses lib/http any more. */
void
http_global_cleanup(void)
{
	if (init_rc == CURLE_OK && !cleaned) {
		cleaned = 1;
		curl_global_cleanup();
	}
}

/* The system anchors: the hashed directory alone when there is one. */
static CURLcode
set_trust(CURL *c, const char *pem)
{
	const char	*dir = getenv("SSL_CERT_DIR");
	CURLcode	 rc = CURLE_OK;

	if (dir == NULL || *dir == '\0')
		dir = curl_version_info(CURLVERSION_NOW)->capath;
	if (dir != NULL) {
		rc = curl_easy_setopt(c, CURLOPT_CAPATH, dir);
		if (rc == CURLE_OK)
			rc = curl_easy_setopt(c, CURLOPT_CAINFO, NULL);
	}
	if (rc == CURLE_OK && pem != NULL) {
		struct curl_blob blob = { (void *)pem, strlen(pem),
		    CURL_BLOB_NOCOPY };	/* pem outlives the transfer */

		rc = curl_easy_setopt(c, CURLOPT_CAINFO_BLOB, &blob);
	}
	return rc;
}

/* The method, its body and whether it follows redirects. */
static CURLcode
set_method(CURL *c, const struct http_req *q, size_t max)
{
	int	 get = q->method == NULL || strcmp(q->method, "GET") == 0;
	int	 head = q->method != NULL && strcmp(q->method, "HEAD") == 0;

	if (!head)	/* a HEAD's Content-Length announces no body */
		curl_easy_setopt(c, CURLOPT_MAXFILESIZE_LARGE,
		    (curl_off_t)max);
	if ((get || head) && q->max_redirs > 0) {
		curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 1L);
		curl_easy_setopt(c, CURLOPT_MAXREDIRS, (long)q->max_redirs);
	}
	if (head)
		return curl_easy_setopt(c, CURLOPT_NOBODY, 1L);
	if (get)
		return curl_easy_setopt(c, CURLOPT_HTTPGET, 1L);
	if (strcmp(q->method, "POST") != 0)
		return CURLE_UNSUPPORTED_PROTOCOL;
	curl_easy_setopt(c, CURLOPT_POST, 1L);
	curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE,
	    (curl_off_t)q->body_len);
	return curl_easy_setopt(c, CURLOPT_POSTFIELDS, q->body ? q->body :
	    "");
}

/* Every option of one request; the first that libcurl refused. */
static CURLcode
setup(CURL *c, const struct http_req *q, struct http_sink *s, char *errbuf,
    struct curl_slist *hl)
{
	const char	*proto = q->https_only ? "https" : "http,https";
	long		 t = q->timeout_ms > 0 ? q->timeout_ms : HTTP_TIMEOUT_MS;
	CURLcode	 rc;

	errbuf[0] = '\0';
	curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, t);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, q->timeout_ms > 0 ?
	    q->timeout_ms : HTTP_CONNECT_MS);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, http_sink_body);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, s);
	curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, http_sink_header);
	curl_easy_setopt(c, CURLOPT_HEADERDATA, s);
	curl_easy_setopt(c, CURLOPT_SUPPRESS_CONNECT_HEADERS, 1L);
	curl_easy_setopt(c, CURLOPT_USERAGENT, "pkish");
	/* one request at a time on one connection: HTTP/1.1 keep-alive */
	curl_easy_setopt(c, CURLOPT_HTTP_VERSION, (long)CURL_HTTP_VERSION_1_1);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, hl);
	if ((rc = curl_easy_setopt(c, CURLOPT_URL, q->url)) != CURLE_OK ||
	    (rc = curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, proto)) !=
	    CURLE_OK ||
	    (rc = curl_easy_setopt(c, CURLOPT_REDIR_PROTOCOLS_STR, proto)) !=
	    CURLE_OK ||
	    (rc = curl_easy_setopt(c, CURLOPT_SSLVERSION,
	    (long)CURL_SSLVERSION_TLSv1_2)) != CURLE_OK ||
	    (rc = set_trust(c, q->extra_ca_pem)) != CURLE_OK)
		return rc;
	return set_method(c, q, s->max);
}

/* e from a failed transfer: its class, the CURLcode, libcurl's text. */
static int
fail(CURL *c, CURLcode rc, const char *errbuf, const struct http_sink *s,
    struct err *e)
{
	enum err_code	 code = E_NET;
	const char	*msg = errbuf[0] ? errbuf : curl_easy_strerror(rc);
	long		 oserr = 0;

	if (s->overflow || rc == CURLE_FILESIZE_EXCEEDED) {
		err_set(e, E_PROTO, "response too large (over %zu bytes)",
		    s->max);
		goto out;
	}
	if (rc == CURLE_OPERATION_TIMEDOUT)
		code = E_TIMEOUT;
	else if (rc == CURLE_PEER_FAILED_VERIFICATION ||
	    rc == CURLE_SSL_CONNECT_ERROR || rc == CURLE_SSL_CACERT_BADFILE ||
	    rc == CURLE_SSL_CERTPROBLEM || rc == CURLE_SSL_CIPHER)
		code = E_CRYPTO;
	if (rc == CURLE_COULDNT_CONNECT && curl_easy_getinfo(c,
	    CURLINFO_OS_ERRNO, &oserr) == CURLE_OK && oserr != 0)
		err_set(e, code, "%s (%s)", msg, strerror((int)oserr));
	else
		err_set(e, code, "%s", msg);
 out:
	if (e != NULL)
		e->detail = (int)rc;
	return -1;
}

/* Content-Type, and no "Expect: 100-continue" wait before a body. */
static struct curl_slist *
req_headers(const struct http_req *q)
{
	struct curl_slist	*hl, *nl;
	char			 ct[256];

	if ((hl = curl_slist_append(NULL, "Expect:")) == NULL ||
	    q->content_type == NULL)
		return hl;
	snprintf(ct, sizeof(ct), "Content-Type: %s", q->content_type);
	if ((nl = curl_slist_append(hl, ct)) == NULL) {
		curl_slist_free_all(hl);
		return NULL;
	}
	return nl;
}

/*
 * Perform one request. Returns 0 when a response arrived (any status;
 * *r is the caller's, free with http_resp_free), -1 on a transport
 * failure (nothing to free): e->code E_NET, E_TIMEOUT or E_CRYPTO with
 * the CURLcode in e->detail, or E_PROTO when the body exceeds the cap.
 */
int
http_do(struct http_client *h, const struct http_req *q, struct http_resp *r,
    struct err *e)
{
	struct http_sink	 s = { r, q->max_body ? q->max_body :
	    HTTP_MAX_BODY, 0, 0 };
	struct curl_slist	*hl;
	CURLcode		 rc;

	memset(r, 0, sizeof(*r));
	if ((hl = req_headers(q)) == NULL)
		return err_set(e, E_NOMEM, "out of memory");
	if ((rc = setup(h->easy, q, &s, h->errbuf, hl)) == CURLE_OK)
		rc = curl_easy_perform(h->easy);
	if (rc != CURLE_OK)
		fail(h->easy, rc, h->errbuf, &s, e);
	else
		curl_easy_getinfo(h->easy, CURLINFO_RESPONSE_CODE, &r->status);
	/* no pointer into this call (sink, headers, blob) stays in the
	 * handle; its connections and DNS cache do */
	curl_easy_reset(h->easy);
	curl_slist_free_all(hl);
	if (rc != CURLE_OK) {
		http_resp_free(r);
		return -1;
	}
	if (r->body == NULL && (r->body = calloc(1, 1)) == NULL) {
		http_resp_free(r);
		return err_set(e, E_NOMEM, "out of memory");
	}
	return 0;
}
