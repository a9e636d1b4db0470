/* SPDX-License-Identifier: ISC */
/*
 * scep/server_http.c - the HTTP side of a SCEP request (RFC 8894 section
 * 4.1): ?operation=OP and, for PKIOperation, the message from a POST body
 * or the base64 GET message= argument (already URL-decoded by httpd).
 */
#include <stdlib.h>
#include <string.h>
#include "lib/b64.h"
#include "lib/httpd.h"
#include "scep/scep_server.h"

int
scep_srv_http_msg(const struct httpd_request *rq, const char **op,
    unsigned char **msg, size_t *len)
{
	const char *m;
	char *clean;
	size_t n = 0;

	*msg = NULL;
	*len = 0;
	if ((*op = httpd_req_arg(rq, "operation")) == NULL)
		return -1;
	if (strcmp(*op, "PKIOperation") != 0)
		return 0;
	if (strcmp(rq->method, "POST") == 0) {
		if (rq->body == NULL || rq->body_len == 0 ||
		    (*msg = malloc(rq->body_len)) == NULL)
			return -1;
		memcpy(*msg, rq->body, rq->body_len);
		*len = rq->body_len;
		return 0;
	}
	if ((m = httpd_req_arg(rq, "message")) == NULL ||
	    (clean = malloc(strlen(m) + 1)) == NULL)
		return -1;
	for (const char *p = m; *p != '\0'; p++)	/* drop line breaks */
		if (*p != '\r' && *p != '\n')
			clean[n++] = *p == ' ' ? '+' : *p;
	clean[n] = '\0';
	*msg = b64_decode(clean, n, len, 0);
	free(clean);
	return *msg != NULL && *len > 0 ? 0 : -1;
}
