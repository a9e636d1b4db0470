/* pkish - ISC license, see LICENSE */
/*
 * DOC: lib/http_resp - the response of a lib/http request as libcurl
 * delivers it: the body, capped (http_req.max_body) and NUL-terminated,
 * and the header fields of the final response. libcurl hands every
 * response of the exchange to the header callback, each starting with
 * its status line (interim 1xx, a proxy's CONNECT reply, redirects that
 * were followed): a status line starts over, so only the last response's
 * fields and body are kept. Values are trimmed of spaces and tabs, an
 * obsolete folded line (RFC 9112 section 5.2) is joined to its field
 * with one space, lines without a colon and chunked trailers are
 * skipped, and past HTTP_MAX_HDRS fields the rest are dropped.
 */
#define _GNU_SOURCE
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "http.h"
#include "http_int.h"

size_t
http_sink_body(char *p, size_t sz, size_t n, void *arg)
{
	struct http_sink	*s = arg;
	struct http_resp	*r = s->r;
	unsigned char		*nb;
	size_t			 len = sz * n;

	if (len > s->max - r->body_len) {
		s->overflow = 1;
		return 0;		/* CURLE_WRITE_ERROR */
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

/* Append one field (copied); past HTTP_MAX_HDRS dropped. 0 or -1. */
static int
hdr_add(struct http_resp *r, const char *name, size_t nl, const char *value,
    size_t vl)
{
	struct http_hdr	*nh;
	char		*n, *v;

	if (r->nhdrs >= HTTP_MAX_HDRS)
		return 0;
	if ((nh = realloc(r->hdrs, (r->nhdrs + 1) * sizeof(*nh))) == NULL)
		return -1;
	r->hdrs = nh;
	if ((n = strndup(name, nl)) == NULL || (v = strndup(value, vl)) ==
	    NULL) {
		free(n);
		return -1;
	}
	nh[r->nhdrs].name = n;
	nh[r->nhdrs].value = v;
	r->nhdrs++;
	return 0;
}

/* A folded line's text joined to the last field's value. 0 or -1. */
static int
hdr_fold(struct http_resp *r, const char *v, size_t vl)
{
	struct http_hdr	*h;
	size_t		 ol;
	char		*nv;

	if (r->nhdrs == 0 || vl == 0)
		return 0;
	h = &r->hdrs[r->nhdrs - 1];
	ol = strlen(h->value);
	if ((nv = realloc(h->value, ol + vl + 2)) == NULL)
		return -1;
	nv[ol] = ' ';
	memcpy(nv + ol + 1, v, vl);
	nv[ol + vl + 1] = '\0';
	h->value = nv;
	return 0;
}

/* p..*end trimmed of spaces, tabs and the line end on both sides. */
static const char *
trim(const char *p, const char **end)
{
	while (p < *end && (*p == ' ' || *p == '\t'))
		p++;
	while (*end > p && strchr(" \t\r\n", (*end)[-1]) != NULL)
		(*end)--;
	return p;
}

size_t
http_sink_header(char *p, size_t sz, size_t n, void *arg)
{
	struct http_sink	*s = arg;
	struct http_resp	*r = s->r;
	size_t			 len = sz * n;
	const char		*end = p + len, *colon, *v;
	int			 rc;

	if (len >= 5 && strncmp(p, "HTTP/", 5) == 0) {
		hdrs_clear(r);		/* a new response: the last one wins */
		free(r->body);
		r->body = NULL;
		r->body_len = 0;
		s->in_body = 0;
		return len;
	}
	if (s->in_body)
		return len;		/* a chunked trailer */
	if (len <= 2 && (p[0] == '\r' || p[0] == '\n')) {
		s->in_body = 1;		/* the end of the head */
		return len;
	}
	if (*p == ' ' || *p == '\t') {
		v = trim(p, &end);
		rc = hdr_fold(r, v, (size_t)(end - v));
	} else if ((colon = memchr(p, ':', len)) == NULL)
		return len;
	else {
		v = trim(colon + 1, &end);
		rc = hdr_add(r, p, (size_t)(colon - p), v, (size_t)(end - v));
	}
	return rc == -1 ? 0 : len;
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
