#define _GNU_SOURCE
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <curl/curl.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include "http.h"

struct http_client {
	CURL	*c;
};

struct sink {
	struct http_resp	*r;
	size_t			 max;
	int			 overflow;
};

struct http_client *
http_client_new(void)
{
	struct http_client *h;

	if ((h = calloc(1, sizeof(*h))) == NULL)
		return NULL;
	if ((h->c = curl_easy_init()) == NULL) {
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
	curl_easy_cleanup(h->c);
	free(h);
}

static size_t
on_body(char *p, size_t sz, size_t n, void *arg)
{
	struct sink *s = arg;
	struct http_resp *r = s->r;
	unsigned char *nb;
	size_t len = sz * n;

	if (r->body_len + len > s->max) {
		s->overflow = 1;
		return 0;
	}
	if ((nb = realloc(r->body, r->body_len + len + 1)) == NULL)
		return 0;
	r->body = nb;
	memcpy(r->body + r->body_len, p, len);
	r->body_len += len;
	r->body[r->body_len] = '\0';
	return len;
}

static void
hdrs_clear(struct http_resp *r)
{
	for (size_t i = 0; i < r->nhdrs; i++) {
		free(r->hdrs[i].name);
		free(r->hdrs[i].value);
	}
	free(r->hdrs);
	r->hdrs = NULL;
	r->nhdrs = 0;
}

static size_t
on_header(char *p, size_t sz, size_t n, void *arg)
{
	struct sink *s = arg;
	struct http_resp *r = s->r;
	size_t len = sz * n, nl, vl;
	const char *colon, *v;
	struct http_hdr *nh;

	if (len >= 5 && strncmp(p, "HTTP/", 5) == 0) {
		hdrs_clear(r);		/* a new (e.g. final) response */
		return len;
	}
	if ((colon = memchr(p, ':', len)) == NULL || r->nhdrs >= 128)
		return len;
	nl = (size_t)(colon - p);
	for (v = colon + 1; v < p + len && (*v == ' ' || *v == '\t'); v++)
		;
	vl = (size_t)(p + len - v);
	while (vl > 0 && (v[vl - 1] == '\r' || v[vl - 1] == '\n' ||
	    v[vl - 1] == ' '))
		vl--;
	if ((nh = realloc(r->hdrs, (r->nhdrs + 1) * sizeof(*nh))) == NULL)
		return 0;
	r->hdrs = nh;
	nh[r->nhdrs].name = strndup(p, nl);
	nh[r->nhdrs].value = strndup(v, vl);
	r->nhdrs++;
	return len;
}

static CURLcode
on_sslctx(CURL *c, void *sslctx, void *arg)
{
	const char *pem = arg;
	X509_STORE *st = SSL_CTX_get_cert_store(sslctx);
	BIO *b;
	X509 *x;

	(void)c;
	if (pem == NULL || (b = BIO_new_mem_buf(pem, -1)) == NULL)
		return CURLE_OK;
	while ((x = PEM_read_bio_X509(b, NULL, NULL, NULL)) != NULL) {
		X509_STORE_add_cert(st, x);
		X509_free(x);
	}
	ERR_clear_error();
	BIO_free(b);
	return CURLE_OK;
}

static void
setup(CURL *c, const struct http_req *q, struct sink *s, char *errbuf,
    struct curl_slist *hl)
{
	curl_easy_reset(c);
	curl_easy_setopt(c, CURLOPT_URL, q->url);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
	curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, q->timeout_ms ? q->timeout_ms :
	    30000L);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, q->timeout_ms ?
	    q->timeout_ms : 10000L);
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, q->https_only ? "https" :
	    "http,https");
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, s);
	curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(c, CURLOPT_HEADERDATA, s);
	curl_easy_setopt(c, CURLOPT_USERAGENT, "pkish");
	curl_easy_setopt(c, CURLOPT_SSL_CTX_FUNCTION, on_sslctx);
	curl_easy_setopt(c, CURLOPT_SSL_CTX_DATA, (void *)q->extra_ca_pem);
	if (hl)
		curl_easy_setopt(c, CURLOPT_HTTPHEADER, hl);
	if (q->method && strcmp(q->method, "POST") == 0) {
		curl_easy_setopt(c, CURLOPT_POST, 1L);
		curl_easy_setopt(c, CURLOPT_POSTFIELDS, q->body ? q->body : "");
		curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, (long)q->body_len);
	} else if (q->method && strcmp(q->method, "HEAD") == 0)
		curl_easy_setopt(c, CURLOPT_NOBODY, 1L);
	else
		curl_easy_setopt(c, CURLOPT_HTTPGET, 1L);
}

static int
map_error(CURLcode rc, const char *errbuf, int overflow, struct err *e)
{
	enum err_code code = E_NET;

	if (overflow)
		return err_set(e, E_PROTO, "response body too large");
	if (rc == CURLE_OPERATION_TIMEDOUT)
		code = E_TIMEOUT;
	else if (rc == CURLE_PEER_FAILED_VERIFICATION ||
	    rc == CURLE_SSL_CACERT_BADFILE)
		code = E_CRYPTO;
	err_set(e, code, "%s", errbuf[0] ? errbuf : curl_easy_strerror(rc));
	if (e)
		e->detail = (int)rc;
	return -1;
}

int
http_do(struct http_client *h, const struct http_req *q, struct http_resp *r,
    struct err *e)
{
	char errbuf[CURL_ERROR_SIZE] = "", ct[256];
	struct curl_slist *hl = NULL;
	struct sink s = { r, q->max_body ? q->max_body : 1024 * 1024, 0 };
	CURLcode rc;

	memset(r, 0, sizeof(*r));
	if (q->content_type) {
		snprintf(ct, sizeof(ct), "Content-Type: %s", q->content_type);
		hl = curl_slist_append(hl, ct);
	}
	hl = curl_slist_append(hl, "Expect:");
	setup(h->c, q, &s, errbuf, hl);
	rc = curl_easy_perform(h->c);
	curl_slist_free_all(hl);
	if (rc != CURLE_OK) {
		map_error(rc, errbuf, s.overflow, e);
		http_resp_free(r);
		return -1;
	}
	curl_easy_getinfo(h->c, CURLINFO_RESPONSE_CODE, &r->status);
	if (r->body == NULL && (r->body = calloc(1, 1)) == NULL)
		return err_set(e, E_NOMEM, "out of memory");
	return 0;
}

void
http_resp_free(struct http_resp *r)
{
	if (r == NULL)
		return;
	hdrs_clear(r);
	free(r->body);
	r->body = NULL;
	r->body_len = 0;
}

const char *
http_resp_header_n(const struct http_resp *r, const char *name, size_t n)
{
	for (size_t i = 0; i < r->nhdrs; i++)
		if (strcasecmp(r->hdrs[i].name, name) == 0 && n-- == 0)
			return r->hdrs[i].value;
	return NULL;
}

const char *
http_resp_header(const struct http_resp *r, const char *name)
{
	return http_resp_header_n(r, name, 0);
}
