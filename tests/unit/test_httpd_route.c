/* pkish - ISC license, see LICENSE */
/*
 * DOC: unit tests for the routes of lib/httpd over loopback: GET with
 * URL-decoded query arguments, the raw (undecoded) path, prefix bounds
 * and the longest prefix, POST bodies (by Content-Length and chunked, on
 * a keep-alive connection), 413 over a route's cap without calling it,
 * 500 for a failing handler, replacing and deleting routes, handlers
 * running in parallel on the pool, and httpd_route_del waiting for a
 * running handler.
 */
#include <pthread.h>
#include <stdatomic.h>
#include "tests/unit/testlib.h"
#include "tests/unit/httpd_cli.h"
#include "lib/httpd.h"

static atomic_int	ncalls, started, finished;

/* Echo what the handler was given. */
static int
echo(void *arg, const struct httpd_request *rq, struct httpd_response *rs)
{
	const char	*op = httpd_req_arg(rq, "operation");
	const char	*msg = httpd_req_arg(rq, "message");
	char		*b = NULL;
	int		 n;

	ncalls++;
	n = asprintf(&b, "%s %s %s op=%s msg=%s ct=%s peer=%s len=%zu "
	    "body=%s", (const char *)arg, rq->method, rq->path, op ? op : "-",
	    msg ? msg : "-", rq->content_type ? rq->content_type : "-",
	    rq->peer, rq->body_len, rq->body ? (const char *)rq->body : "-");
	if (n < 0)
		return -1;
	rs->status = 200;
	rs->content_type = "application/x-echo";
	rs->body = (unsigned char *)b;
	rs->body_len = (size_t)n;
	return 0;
}

static int
fail(void *arg, const struct httpd_request *rq, struct httpd_response *rs)
{
	ncalls++;
	return arg != NULL ? -1 : 0;	/* -1, or 0 with no status */
}

/* Takes 400 ms. */
static int
slow(void *arg, const struct httpd_request *rq, struct httpd_response *rs)
{
	started++;
	usleep(400000);
	finished++;
	rs->status = 204;
	return 0;
}

/* The body of the response to raw, or "" (malloc'd). */
static char *
get_body(int port, const char *raw, int *status)
{
	char	*r = request(port, raw);
	char	*b = strdup(body_of(r));

	*status = status_of(r);
	free(r);
	return b;
}

static void
t_get(int port)
{
	int	 st;
	char	*b;

	b = get_body(port, "GET /scep?operation=GetCACaps&message=a%2Bb%20c"
	    " HTTP/1.0\r\n\r\n", &st);
	check(st == 200 && strcmp(b, "scep GET /scep op=GetCACaps msg=a+b c "
	    "ct=- peer=127.0.0.1 len=0 body=-") == 0,
	    "GET with query: the route's handler, arguments decoded");
	if (st != 200 || strncmp(b, "scep GET /scep op=GetCACaps", 27) != 0)
		printf("# body: %s\n", b);
	free(b);
	b = get_body(port, "GET /scep/x%2Fy HTTP/1.0\r\n\r\n", &st);
	check(st == 200 && strncmp(b, "scep GET /scep/x%2Fy ", 21) == 0,
	    "below the prefix: the raw path, not decoded");
	free(b);
	check(status_is(port, "GET /scepx HTTP/1.0\r\n\r\n", 404),
	    "prefix not followed by '/': 404");
	b = get_body(port, "GET /scep/deep/1 HTTP/1.0\r\n\r\n", &st);
	check(st == 200 && strncmp(b, "deep ", 5) == 0,
	    "the longest prefix wins");
	free(b);
	b = get_body(port, "GET /scep/deeper HTTP/1.0\r\n\r\n", &st);
	check(st == 200 && strncmp(b, "scep ", 5) == 0,
	    "a prefix is whole path segments");
	free(b);
}

static void
t_post(int port)
{
	int	 fd = dial(port), eof, c0;
	char	*r;

	send_str(fd, "POST /scep?operation=PKIOperation HTTP/1.1\r\nHost: a\r\n"
	    "Content-Type: application/x-pki-message\r\n"
	    "Content-Length: 5\r\n\r\nhello");
	r = read_resp(fd, 2000, &eof);
	check(status_of(r) == 200 && strstr(body_of(r), "ct=application/"
	    "x-pki-message peer=127.0.0.1 len=5 body=hello") != NULL,
	    "POST body and Content-Type reach the handler");
	free(r);
	send_str(fd, "POST /scep HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: "
	    "chunked\r\n\r\n3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n");
	r = read_resp(fd, 2000, &eof);
	check(status_of(r) == 200 && strstr(body_of(r), "len=5 body=abcde"),
	    "chunked POST on the same keep-alive connection");
	free(r);
	close(fd);
	c0 = ncalls;
	check(status_is(port, "POST /scep HTTP/1.0\r\nContent-Length: 17\r\n"
	    "\r\n12345678901234567", 413), "Content-Length over the cap: 413");
	check(status_is(port, "POST /scep HTTP/1.1\r\nHost: a\r\nTransfer-"
	    "Encoding: chunked\r\n\r\n9\r\n123456789\r\n9\r\n123456789\r\n"
	    "0\r\n\r\n", 413), "chunked body over the cap: 413");
	check(ncalls == c0, "... without calling the handler");
	check(status_is(port, "POST /scep HTTP/1.0\r\nContent-Length: 16\r\n"
	    "\r\n1234567890123456", 200), "a body of exactly the cap: 200");
}

static void
t_errors(struct httpd *h, int port)
{
	struct err e = { 0 };

	check(status_is(port, "GET /fail HTTP/1.0\r\n\r\n", 500),
	    "handler returning -1: 500");
	check(status_is(port, "GET /nostatus HTTP/1.0\r\n\r\n", 500),
	    "handler setting no status: 500");
	check(httpd_route_add(h, "scep", 1, echo, NULL, &e) == -1 &&
	    e.code == E_INVAL, "prefix without a leading '/': E_INVAL");
	check(httpd_route_add(h, "/scep/deep/", 16, echo, "new", &e) == 0 &&
	    status_is(port, "GET /scep/deep HTTP/1.0\r\n\r\n", 200),
	    "route replaced (trailing '/' ignored)");
	{
		int st;
		char *b = get_body(port, "GET /scep/deep HTTP/1.0\r\n\r\n", &st);

		check(strncmp(b, "new ", 4) == 0, "... the new handler serves");
		free(b);
	}
	check(httpd_route_del(h, "/nope") == -1, "route_del of none: -1");
	check(httpd_route_del(h, "/scep/deep") == 0 &&
	    status_is(port, "GET /scep/deep HTTP/1.0\r\n\r\n", 200),
	    "route_del: the shorter prefix serves again");
}

static void *
client(void *arg)
{
	int port = *(int *)arg;

	return (void *)(intptr_t)status_is(port, "GET /slow HTTP/1.0\r\n\r\n",
	    204);
}

/* A second request while a first handler runs: the busy pool thread
 * does not accept, an idle one takes it and runs its handler at once. */
static void
t_parallel(int port)
{
	pthread_t	 t[2];
	void		*ok[2];
	double		 t0 = now_s(), dt;

	started = finished = 0;
	pthread_create(&t[0], NULL, client, &port);
	while (started == 0 && now_s() - t0 < 2)
		usleep(2000);
	pthread_create(&t[1], NULL, client, &port);
	for (int i = 0; i < 2; i++)
		pthread_join(t[i], &ok[i]);
	dt = now_s() - t0;
	check(ok[0] && ok[1], "two slow requests at once: both 204");
	check(dt < 0.7, "... in parallel: %.2f s for two 0.4 s handlers", dt);
}

static void
t_del_waits(struct httpd *h, int port)
{
	pthread_t	 t;
	void		*ok;

	started = finished = 0;
	pthread_create(&t, NULL, client, &port);
	while (started == 0)
		usleep(5000);
	check(httpd_route_del(h, "/slow") == 0 && finished == 1,
	    "route_del returns only after the running handler finished");
	pthread_join(t, &ok);
	check(ok != NULL, "... and that request was answered");
	check(status_is(port, "GET /slow HTTP/1.0\r\n\r\n", 404),
	    "deleted route: 404");
}

int
main(void)
{
	struct err	 e = { 0 };
	struct httpd	*h = httpd_new(&e);
	int		 port;

	setvbuf(stdout, NULL, _IOLBF, 0);
	check(httpd_route_add(h, "/scep", 16, echo, "scep", &e) == 0 &&
	    httpd_route_add(h, "/scep/deep", 16, echo, "deep", &e) == 0 &&
	    httpd_route_add(h, "/fail", 16, fail, "x", &e) == 0 &&
	    httpd_route_add(h, "/nostatus", 16, fail, NULL, &e) == 0 &&
	    httpd_route_add(h, "/slow", 16, slow, NULL, &e) == 0,
	    "routes added");
	check(httpd_start(h, "127.0.0.1", 0, &e) == 0, "started");
	port = httpd_port(h);
	t_get(port);
	t_post(port);
	t_errors(h, port);
	t_parallel(port);
	t_del_waits(h, port);
	httpd_free(h);
	return t_report();
}
