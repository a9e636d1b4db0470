/* pkish - ISC license, see LICENSE */
/*
 * DOC: bench/httpd/evhttp_drv - the same service as pkish_drv (one HTTP-01
 * token, one /scep route) on libevent's evhttp, only for bench/httpd.sh
 * to measure the listener against. One event loop per core, each with
 * its own SO_REUSEPORT socket on 127.0.0.1:PORT (evhttp has no pool).
 *   evhttp_drv PORT    prints "port N", serves until stdin closes
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <event2/buffer.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>

#define TOKPATH	"/.well-known/acme-challenge/bench"

static void
serve(struct evhttp_request *rq, void *arg)
{
	const struct evhttp_uri	*u = evhttp_request_get_evhttp_uri(rq);
	const char		*path = evhttp_uri_get_path(u), *q, *op;
	struct evbuffer		*out = evbuffer_new();
	struct evkeyvalq	 args = { 0 };
	int			 st = 404;

	if (path != NULL && strcmp(path, TOKPATH) == 0 &&
	    evhttp_request_get_command(rq) == EVHTTP_REQ_GET) {
		evbuffer_add_printf(out, "bench.keyauth");
		st = 200;
	} else if (path != NULL && (strcmp(path, "/scep") == 0 ||
	    strncmp(path, "/scep/", 6) == 0)) {
		q = evhttp_uri_get_query(u);
		if (q != NULL)
			evhttp_parse_query_str(q, &args);
		op = evhttp_find_header(&args, "operation");
		evbuffer_add_printf(out, "%s %zu\n", op ? op : "-",
		    evbuffer_get_length(evhttp_request_get_input_buffer(rq)));
		evhttp_clear_headers(&args);
		st = 200;
	} else
		evbuffer_add_printf(out, "not found\n");
	evhttp_add_header(evhttp_request_get_output_headers(rq),
	    "Content-Type", "text/plain");
	evhttp_send_reply(rq, st, st == 200 ? "OK" : "Not Found", out);
	evbuffer_free(out);
}

static int
listen_port(int port)
{
	struct sockaddr_in	sin = { 0 };
	int			fd, one = 1;

	sin.sin_family = AF_INET;
	sin.sin_port = htons((unsigned short)port);
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if ((fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0)) < 0 ||
	    setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one, sizeof(one)) < 0 ||
	    bind(fd, (struct sockaddr *)&sin, sizeof(sin)) < 0 ||
	    listen(fd, 128) < 0)
		return -1;
	return fd;
}

static void *
loop(void *arg)
{
	struct event_base	*b = event_base_new();
	struct evhttp		*h = evhttp_new(b);

	evhttp_set_gencb(h, serve, NULL);
	evhttp_set_max_headers_size(h, 16384);
	evhttp_set_max_body_size(h, 65536);
	evhttp_set_timeout(h, 5);
	if (evhttp_accept_socket(h, *(int *)arg) == 0)
		event_base_dispatch(b);
	return NULL;
}

int
main(int argc, char **argv)
{
	struct sockaddr_in	sin;
	socklen_t		sl = sizeof(sin);
	long			n = sysconf(_SC_NPROCESSORS_ONLN);
	int			fds[64], port, i;
	pthread_t		t;
	char			buf[64];

	if (argc != 2 || (fds[0] = listen_port(atoi(argv[1]))) < 0 ||
	    getsockname(fds[0], (struct sockaddr *)&sin, &sl) < 0)
		return 2;
	port = ntohs(sin.sin_port);
	n = n < 2 ? 2 : n > 64 ? 64 : n;
	for (i = 1; i < n; i++)
		if ((fds[i] = listen_port(port)) < 0)
			return 2;
	for (i = 0; i < n; i++)
		pthread_create(&t, NULL, loop, &fds[i]);
	printf("port %d\n", port);
	fflush(stdout);
	while (fgets(buf, sizeof(buf), stdin) != NULL)
		;
	return 0;
}
