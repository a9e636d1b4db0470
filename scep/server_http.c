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
scep_srv_msg_decode(const char *method, const char *message,
    const unsigned char *body, size_t body_len, unsigned char **msg,
    size_t *len)
{
	char *clean;
	size_t n = 0;

	*msg = NULL;
	*len = 0;
	if (strcmp(method, "POST") == 0) {
		if (body == NULL || body_len == 0 ||
		    (*msg = malloc(body_len)) == NULL)
			return -1;
		memcpy(*msg, body, body_len);
		*len = body_len;
		return 0;
	}
	if (message == NULL || (clean = malloc(strlen(message) + 1)) == NULL)
		return -1;
	for (const char *p = message; *p != '\0'; p++)	/* drop line breaks */
		if (*p != '\r' && *p != '\n')
			clean[n++] = *p == ' ' ? '+' : *p;
	clean[n] = '\0';
	*msg = b64_decode(clean, n, len, 0);
	free(clean);
	if (*msg != NULL && *len > 0)
		return 0;
	free(*msg);
	*msg = NULL;
	*len = 0;
	return -1;
}

int
scep_srv_http_msg(const struct httpd_request *rq, const char **op,
    unsigned char **msg, size_t *len)
{
	*msg = NULL;
	*len = 0;
	if ((*op = httpd_req_arg(rq, "operation")) == NULL)
		return -1;
	if (strcmp(*op, "PKIOperation") != 0)
		return 0;
	return scep_srv_msg_decode(rq->method, httpd_req_arg(rq, "message"),
	    rq->body, rq->body_len, msg, len);
}
