/* pkish - ISC license, see LICENSE */
/*
 * DOC: unit tests for lib/httpd, the HTTP listener on libmicrohttpd, over
 * real loopback sockets: HTTP-01 tokens (200 only for GET of a registered
 * token, 404 for every other method and path), malformed requests, bind
 * errors (in use, privileged port, bad address) and the ephemeral port,
 * keep-alive, an oversize head (431/414), the idle timeout, the
 * whole-request deadline against a client that trickles its head, the connection caps (the excess closed at once,
 * other clients still served), stop/restart, libcurl as a client, and the
 * shared-listener registry. Routes are in test_httpd_route.c.
 */
#include "tests/unit/testlib.h"
#include "tests/unit/httpd_cli.h"
#include "lib/http.h"
#include "lib/httpd.h"

#define TOKEN	"evaGxfADs6pSRb2LAv9IZf17Dt3juxGJ-PCt92wr-oA"
#define KEYAUTH	TOKEN ".9jg46WB3rR_AHD-EBXdN7cBkH1WOu0tA3M9fm21mqTI"
#define PATH	"/.well-known/acme-challenge/" TOKEN
#define GET_HOST "GET " PATH " HTTP/1.1\r\nHost: a.example\r\n\r\n"
#define GET_10	"GET " PATH " HTTP/1.0\r\n\r\n"

static void
t_token_ok(int port)
{
	char *r = request(port, GET_HOST);

	check(status_of(r) == 200, "GET token -> 200");
	check(r && strstr(r, "\r\nContent-Type: text/plain\r\n") != NULL,
	    "200 is text/plain");
	check(strcmp(body_of(r), KEYAUTH) == 0,
	    "200 body is exactly the key authorization");
	free(r);
	check(status_is(port, GET_10, 200), "HTTP/1.0 GET token -> 200");
}

static void
t_paths(struct httpd *h, int port)
{
	static const char *nf[] = {
		"GET " PATH "x HTTP/1.0\r\n\r\n", "unknown token",
		"GET /.well-known/acme-challenge/ HTTP/1.0\r\n\r\n", "empty token",
		"GET /.well-known/acme-challenge HTTP/1.0\r\n\r\n", "directory",
		"GET " PATH "/x HTTP/1.0\r\n\r\n", "path below token",
		"GET / HTTP/1.0\r\n\r\n", "GET /",
		"GET /etc/passwd HTTP/1.0\r\n\r\n", "other path",
		"GET /.well-known/acme-challenge/../" TOKEN " HTTP/1.0\r\n\r\n",
		"dot-dot path",
		"GET /.well-known/acme-challenge/%2e%2e HTTP/1.0\r\n\r\n",
		"escaped dot-dot",
		"HEAD " PATH " HTTP/1.0\r\n\r\n", "HEAD token",
		"POST " PATH " HTTP/1.0\r\nContent-Length: 2\r\n\r\n{}",
		"POST token",
		"get " PATH " HTTP/1.0\r\n\r\n", "lower-case method",
	};
	char *r;

	for (size_t i = 0; i < sizeof(nf) / sizeof(nf[0]); i += 2)
		check(status_is(port, nf[i], 404), "%s -> 404", nf[i + 1]);
	r = request(port, "GARBAGE\r\n\r\n");
	check(status_of(r) == 0 || (status_of(r) >= 400 &&
	    status_of(r) < 500), "bad request line -> closed or 4xx");
	free(r);
	check(status_is(port, "GET " PATH " FTP/1.0\r\n\r\n", 400),
	    "bad version -> 400");
	check(httpd_token_del(h, TOKEN) == 0 && httpd_token_del(h, TOKEN) == -1,
	    "token_del removes once");
	check(status_is(port, GET_10, 404), "deleted token -> 404");
	check(httpd_token_add(h, TOKEN, KEYAUTH, NULL) == 0, "token back");
}

/* Two requests on one connection. */
static void
t_keepalive(int port)
{
	int	 fd = dial(port), eof;
	char	*r1, *r2;

	send_str(fd, GET_HOST);
	r1 = read_resp(fd, 2000, &eof);
	check(status_of(r1) == 200 && !eof, "keep-alive: first 200, open");
	send_str(fd, GET_HOST);
	r2 = read_resp(fd, 2000, &eof);
	check(status_of(r2) == 200 && strcmp(body_of(r2), KEYAUTH) == 0,
	    "keep-alive: second request on the same connection -> 200");
	free(r1);
	free(r2);
	close(fd);
}

static void
t_oversize(int port)
{
	size_t	 n = 4 * HTTPD_MAX_REQ;
	char	*big = malloc(n + 64), *r;
	int	 fd, eof;

	snprintf(big, n + 64, "GET / HTTP/1.1\r\nHost: a\r\nX: ");
	memset(big + strlen(big), 'a', n);
	strcpy(big + n, "\r\n\r\n");
	fd = dial(port);
	send_str(fd, big);
	r = read_resp(fd, 2000, &eof);
	check(status_of(r) == 431, "oversize request head -> 431");
	free(r);
	free(read_resp(fd, 2000, &eof));
	check(eof, "... and the connection closed");
	close(fd);
	memcpy(big, "GET /", 5);
	memset(big + 5, 'a', n - 5);
	strcpy(big + n, " HTTP/1.0\r\n\r\n");
	r = request(port, big);
	check(status_of(r) == 414, "oversize request target -> 414");
	free(r);
	free(big);
}

/* Idle time is 1 s (300 ms rounded up to the library's seconds). */
static void
t_idle(int port)
{
	int	 fd = dial(port), fd2, eof;
	double	 t0 = now_s(), dt;
	char	*r;

	check(status_is(port, GET_10, 200),
	    "served while another connection is idle");
	fd2 = dial(port);
	send_str(fd2, "GET " PATH);
	usleep(50000);
	send_str(fd2, " HTTP/1.0\r\n\r\n");
	r = read_resp(fd2, 2000, &eof);
	check(status_of(r) == 200, "request split over two writes -> 200");
	free(r);
	close(fd2);
	r = read_resp(fd, 4000, &eof);
	dt = now_s() - t0;
	check(eof && *r == '\0' && dt > 0.5 && dt < 3.5,
	    "idle connection closed after the idle timeout (%.1f s)", dt);
	free(r);
	close(fd);
}

/* A client sends a byte every 100 ms: never idle, cut by the deadline. */
static void
t_trickle(void)
{
	struct httpd	*h = httpd_new(NULL);
	const char	*head = "GET / HTTP/1.1\r\nHost: a\r\nX-Slow: ";
	int		 port, fd, eof = 0;
	double		 t0, dt;
	char		*r;

	httpd_set_limits(h, 0, 0, 1000);
	httpd_set_timeout(h, 5000);
	check(httpd_start(h, "127.0.0.1", 0, NULL) == 0, "start, 1 s deadline");
	port = httpd_port(h);
	fd = dial(port);
	t0 = now_s();
	send_str(fd, head);
	for (int i = 0; i < 40 && !eof; i++) {
		struct pollfd pf = { fd, POLLIN, 0 };

		if (send(fd, "a", 1, MSG_NOSIGNAL) != 1 ||
		    (poll(&pf, 1, 100) == 1 && read(fd, &eof, 1) <= 0))
			eof = 1;
	}
	dt = now_s() - t0;
	check(eof && dt > 0.8 && dt < 2.5,
	    "head trickled a byte per 100 ms: cut at the deadline (%.1f s)", dt);
	close(fd);
	r = request(port, "GET / HTTP/1.0\r\n\r\n");
	check(status_of(r) == 404, "a prompt request on it is still served");
	free(r);
	httpd_free(h);
}

/* Hold n idle connections from src into fds; how many are open. */
static int
hold(int *fds, int n, const char *src, int port)
{
	int ok = 0;

	for (int i = 0; i < n; i++)
		if ((fds[i] = dial_from(src, port)) >= 0)
			ok++;
	usleep(100000);		/* let the pool take them */
	return ok;
}

/* 1 when fd is closed by the server within ms, with nothing sent. */
static int
closed_bare(int fd, int ms)
{
	int	 eof;
	char	*r = read_resp(fd, ms, &eof);
	int	 ok = eof && *r == '\0';

	free(r);
	return ok;
}

/* 1 when GET token from src gets 200. */
static int
served_from(const char *src, int port)
{
	int	 fd = dial_from(src, port), eof, ok;
	char	*r;

	send_str(fd, GET_10);
	r = read_resp(fd, 2000, &eof);
	ok = status_of(r) == 200;
	free(r);
	if (fd >= 0)
		close(fd);
	return ok;
}

static void
t_conn_limit(void)
{
	struct httpd	*h = httpd_new(NULL);
	int		 a[3], b[3], x, port, i;

	httpd_set_limits(h, 6, 3, 0);
	httpd_token_add(h, TOKEN, KEYAUTH, NULL);
	check(httpd_start(h, "127.0.0.1", 0, NULL) == 0, "start, caps 6 and 3");
	port = httpd_port(h);
	check(hold(a, 3, "127.0.0.1", port) == 3, "3 idle from 127.0.0.1");
	x = dial_from("127.0.0.1", port);
	check(closed_bare(x, 1000), "a 4th from that address closed at once");
	close(x);
	check(served_from("127.0.0.2", port),
	    "another client is served meanwhile");
	check(hold(b, 3, "127.0.0.3", port) == 3, "3 more from 127.0.0.3: 6");
	x = dial_from("127.0.0.4", port);
	check(closed_bare(x, 1000), "a 7th (a new client) closed at once");
	close(x);
	close(b[0]);
	usleep(200000);
	check(served_from("127.0.0.2", port),
	    "once one closes, a new client is served");
	for (i = 0; i < 3; i++)
		close(a[i]);
	for (i = 1; i < 3; i++)
		close(b[i]);
	httpd_free(h);
}

static void
t_curl(int port)
{
	struct http_client	*c = http_client_new();
	struct http_resp	 resp;
	struct http_req		 q = { 0 };
	struct err		 e = { 0 };
	char			 url[256];

	snprintf(url, sizeof(url), "http://127.0.0.1:%d" PATH, port);
	q.method = "GET";
	q.url = url;
	q.timeout_ms = 3000;
	check(http_do(c, &q, &resp, &e) == 0 && resp.status == 200 &&
	    strcmp((char *)resp.body, KEYAUTH) == 0 &&
	    strcmp(http_resp_header(&resp, "Content-Type"), "text/plain") == 0,
	    "libcurl client gets the key authorization");
	http_resp_free(&resp);
	http_client_free(c);
}

/* The shared registry: one listener per address and port, refcounted. */
static void
t_acquire(void)
{
	struct err	 e = { 0 };
	struct httpd	*a, *b, *c;
	int		 port, cport;

	a = httpd_acquire("127.0.0.1", 0, &e);
	b = httpd_acquire("127.0.0.1", 0, &e);
	check(a != NULL && a == b && httpd_running(a),
	    "acquire twice: one running listener");
	port = a ? httpd_port(a) : 0;
	check(httpd_acquire("127.0.0.1", port, &e) == a,
	    "acquire of its bound port: the same listener");
	c = httpd_acquire("127.0.0.2", 0, &e);
	check(c != NULL && c != a, "acquire of another address: another one");
	cport = c ? httpd_port(c) : 0;
	httpd_release(c);
	check(dial_from("127.0.0.2", cport) < 0, "its last release stops it");
	httpd_release(a);
	httpd_release(a);
	check(httpd_token_add(b, TOKEN, KEYAUTH, &e) == 0 &&
	    status_is(port, GET_10, 200), "the other holder still serves");
	httpd_release(b);
	check(dial(port) < 0, "last release stops the listener");
	check(httpd_acquire("127.0.0.1", 99999, &e) == NULL && e.code == E_INVAL,
	    "acquire of a bad port: E_INVAL");
	httpd_release(NULL);
}

/* Start errors keep their meaning. */
static void
t_bind(struct httpd *h, int port)
{
	struct err	 e = { 0 };
	struct httpd	*h2 = httpd_new(&e);

	check(httpd_start(h, "127.0.0.1", 0, &e) == -1 && e.code == E_EXISTS,
	    "second start refused: E_EXISTS");
	check(httpd_start(h2, "127.0.0.1", port, &e) == -1 &&
	    e.code == E_IO && strstr(e.msg, "in use") != NULL,
	    "second listener on a busy port: E_IO, address in use");
	check(httpd_start(h2, "not-an-address", 0, &e) == -1 &&
	    e.code == E_INVAL, "bad address: E_INVAL");
	check(httpd_start(h2, "127.0.0.1", 65536, &e) == -1 &&
	    e.code == E_INVAL, "port 65536: E_INVAL");
	check(!httpd_running(h2) && httpd_port(h2) == 0, "... not running");
	check(httpd_start(h2, NULL, 0, &e) == 0 && httpd_port(h2) > 0 &&
	    status_is(httpd_port(h2), GET_10, 404),
	    "any address (dual stack): reachable on 127.0.0.1");
	httpd_free(h2);
}

/* A privileged port as an unprivileged user: E_PERM (in a child that
 * drops to nobody when run as root). */
static void
t_perm(void)
{
	int	 st = -1;
	pid_t	 pid = fork();

	if (pid == 0) {
		struct err	 e = { 0 };
		struct httpd	*h = httpd_new(&e);

		if (geteuid() == 0 && (setgid(65534) != 0 || setuid(65534) != 0))
			_exit(2);
		_exit(httpd_start(h, "127.0.0.1", 80, &e) == -1 &&
		    e.code == E_PERM ? 0 : 1);
	}
	if (pid > 0)
		waitpid(pid, &st, 0);
	check(pid > 0 && WIFEXITED(st) && WEXITSTATUS(st) == 0,
	    "port 80 as an unprivileged user: E_PERM");
}

static void
t_stats(struct httpd *h, int port)
{
	unsigned long ok0, other0, ok, other;

	httpd_stats(h, &ok0, &other0);
	status_is(port, GET_10, 200);
	status_is(port, "GET /nope HTTP/1.0\r\n\r\n", 404);
	httpd_stats(h, &ok, &other);
	check(ok == ok0 + 1 && other == other0 + 1,
	    "counters: one more 200, one more other");
}

int
main(void)
{
	struct err	 e = { 0 };
	struct httpd	*h;
	int		 port;

	setvbuf(stdout, NULL, _IOLBF, 0);
	h = httpd_new(&e);
	check(h != NULL, "httpd_new");
	check(httpd_token_add(h, "a/b", "x", &e) == -1 && e.code == E_INVAL,
	    "token with a slash refused");
	check(httpd_token_add(h, TOKEN, "old", &e) == 0 &&
	    httpd_token_add(h, TOKEN, KEYAUTH, &e) == 0 &&
	    httpd_token_count(h) == 1, "token add and replace");
	httpd_set_timeout(h, 300);
	check(httpd_start(h, "127.0.0.1", 0, &e) == 0 && httpd_running(h),
	    "start on 127.0.0.1, ephemeral port");
	port = httpd_port(h);
	check(port > 0, "bound port reported");
	t_bind(h, port);
	t_perm();
	t_curl(port);
	t_token_ok(port);
	t_paths(h, port);
	t_keepalive(port);
	t_oversize(port);
	t_idle(port);
	t_stats(h, port);
	httpd_stop(h);
	check(!httpd_running(h) && httpd_port(h) == 0, "stopped");
	check(dial(port) < 0, "connection refused after stop");
	check(httpd_start(h, "127.0.0.1", port, &e) == 0,
	    "restart on the same port");
	check(status_is(port, GET_10, 200), "token served after restart");
	httpd_free(h);
	httpd_free(NULL);
	t_trickle();
	t_conn_limit();
	t_acquire();
	return t_report();
}
