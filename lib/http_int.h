/* lib/http_int.h - internal to lib/http*.c: what lib/http.c (the request
 * through libcurl) and lib/http_resp.c (the response being received)
 * share. */
#ifndef LIB_HTTP_INT_H
#define LIB_HTTP_INT_H
#include <stddef.h>
#include "http.h"

#define HTTP_MAX_BODY		(1024 * 1024)	/* default body cap */
#define HTTP_MAX_HDRS		128		/* more are dropped */
#define HTTP_TIMEOUT_MS		30000L		/* whole request */
#define HTTP_CONNECT_MS		10000L		/* connect, when no timeout */

/* The response of one http_do() as libcurl's callbacks fill it. */
struct http_sink {
	struct http_resp	*r;		/* borrowed */
	size_t			 max;		/* body cap, bytes */
	int			 overflow;	/* the cap was hit */
	int			 in_body;	/* the head has ended: later
						 * header lines are trailers */
};

/* CURLOPT_WRITEFUNCTION: append to the body; 0 (abort) past s->max. */
size_t	 http_sink_body(char *, size_t, size_t, void *s);
/* CURLOPT_HEADERFUNCTION: the headers of the last response seen. */
size_t	 http_sink_header(char *, size_t, size_t, void *s);

#endif
