/* pkish - ISC license, see LICENSE */
/*
 * DOC: bench/httpd/pkish_drv - the pkish listener (lib/httpd) serving one
 * HTTP-01 token and one route, for bench/httpd.sh and tests/e2e/limit_http.sh.
 *   pkish_drv [-c conns] [-i per_ip] [-r req_ms] [-t idle_ms] PORT
 * Prints "port N" once listening on 127.0.0.1, serves until stdin closes.
 *   GET /.well-known/acme-challenge/bench  -> 200 "bench.keyauth"
 *   GET|POST /scep?operation=X             -> 200 "X <body bytes>"
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "lib/httpd.h"

static int
route(void *arg, const struct httpd_request *rq, struct httpd_response *rs)
{
	const char *op = httpd_req_arg(rq, "operation");
	char *b = NULL;
	int n;

	if ((n = asprintf(&b, "%s %zu\n", op ? op : "-", rq->body_len)) < 0)
		return -1;
	rs->status = 200;
	rs->body = (unsigned char *)b;
	rs->body_len = (size_t)n;
	return 0;
}

int
main(int argc, char **argv)
{
	struct err	 e = { 0 };
	struct httpd	*h;
	unsigned	 conns = 0, per_ip = 0;
	int		 ch, req_ms = 0, tmo = 0;
	char		 buf[64];

	while ((ch = getopt(argc, argv, "c:i:r:t:")) != -1)
		switch (ch) {
		case 'c': conns = (unsigned)atoi(optarg); break;
		case 'i': per_ip = (unsigned)atoi(optarg); break;
		case 'r': req_ms = atoi(optarg); break;
		case 't': tmo = atoi(optarg); break;
		default: return 2;
		}
	if (optind != argc - 1 || (h = httpd_new(&e)) == NULL)
		return 2;
	httpd_set_limits(h, conns, per_ip, req_ms);
	if (tmo > 0)
		httpd_set_timeout(h, tmo);
	if (httpd_token_add(h, "bench", "bench.keyauth", &e) == -1 ||
	    httpd_route_add(h, "/scep", HTTPD_MAX_BODY, route, NULL, &e) ==
	    -1 || httpd_start(h, "127.0.0.1", atoi(argv[optind]), &e) == -1) {
		fprintf(stderr, "pkish_drv: %s\n", e.msg);
		return 1;
	}
	printf("port %d\n", httpd_port(h));
	fflush(stdout);
	while (fgets(buf, sizeof(buf), stdin) != NULL)
		;
	httpd_free(h);
	return 0;
}
