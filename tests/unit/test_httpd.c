/* pkish - ISC license, see LICENSE */
/*
 * DOC: unit tests for lib/httpd, the HTTP-01 responder, over real loopback
 * sockets: 200 only for GET of a registered token, 404 for every other
 * method, path and token, 400 for a bad request line, 431 for an
 * oversize head, idle connections timed out without blocking others,
 * stop/restart, and a real client (lib/http, libcurl) fetching a token.
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include "lib/http.h"
#include "lib/httpd.h"

static int	npass, nfail;

static void
check(int cond, const char *what)
{
	if (cond)
		printf("ok %d - %s\n", ++npass + nfail, what);
	else
		printf("not ok %d - %s\n", npass + ++nfail, what);
}

static int
dial2(const char *addr, int port)
{
	struct sockaddr_in	sin = { 0 };
	int			fd;

	sin.sin_family = AF_INET;
	sin.sin_port = htons((unsigned short)port);
	inet_pton(AF_INET, addr, &sin.sin_addr);
	if ((fd = socket(AF_INET, SOCK_STREAM, 0)) < 0)
		return -1;
	if (connect(fd, (struct sockaddr *)&sin, sizeof(sin)) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

static int
dial(int port)
{
	return dial2("127.0.0.1", port);
}

/* Read until EOF or ms elapse; returns malloc'd text (maybe empty). */
static char *
slurp(int fd, int ms, int *eof)
{
	static char	buf[65536];
	size_t		len = 0;
	struct pollfd	pf = { fd, POLLIN, 0 };
	ssize_t		n;

	*eof = 0;
	while (len < sizeof(buf) - 1 && poll(&pf, 1, ms) == 1) {
		if ((n = read(fd, buf + len, sizeof(buf) - 1 - len)) <= 0) {
			*eof = 1;
			break;
		}
		len += (size_t)n;
	}
	buf[len] = '\0';
	return strdup(buf);
}

/* Send raw bytes, return the whole response (connection closed by peer). */
static char *
req(int port, const char *raw, size_t len)
{
	char	*r;
	int	 fd, eof;

	if ((fd = dial(port)) < 0)
		return NULL;
	if (len && write(fd, raw, len) != (ssize_t)len) {
		close(fd);
		return NULL;
	}
	r = slurp(fd, 3000, &eof);
	close(fd);
	if (!eof) {
		free(r);
		return NULL;
	}
	return r;
}

static int
status_is(int port, const char *raw, const char *want)
{
	char	*r = req(port, raw, strlen(raw));
	int	 ok = r != NULL && strncmp(r, want, strlen(want)) == 0;

	if (!ok)
		printf("# got: %.80s\n", r ? r : "(no response)");
	free(r);
	return ok;
}

#define TOKEN	"evaGxfADs6pSRb2LAv9IZf17Dt3juxGJ-PCt92wr-oA"
#define KEYAUTH	TOKEN ".9jg46WB3rR_AHD-EBXdN7cBkH1WOu0tA3M9fm21mqTI"
#define PATH	"/.well-known/acme-challenge/" TOKEN
#define GET_HOST "GET " PATH " HTTP/1.1\r\nHost: a.example\r\n\r\n"

static void
t_paths(struct httpd *h, int port)
{
	char *r;

	r = req(port, GET_HOST, strlen(GET_HOST));
	check(r && strncmp(r, "HTTP/1.1 200 ", 13) == 0, "GET token -> 200");
	check(r && strstr(r, "\r\nContent-Type: text/plain\r\n") != NULL,
	    "200 is text/plain");
	check(r && strstr(r, "\r\n\r\n" KEYAUTH) != NULL &&
	    strlen(strstr(r, "\r\n\r\n")) == 4 + strlen(KEYAUTH),
	    "200 body is exactly the key authorization");
	free(r);
	check(status_is(port, "GET " PATH " HTTP/1.0\r\n\r\n", "HTTP/1.1 200"),
	    "HTTP/1.0 GET token -> 200");
	check(status_is(port, "GET " PATH "x HTTP/1.1\r\n\r\n", "HTTP/1.1 404"),
	    "unknown token -> 404");
	check(status_is(port, "GET /.well-known/acme-challenge/ HTTP/1.1\r\n\r\n",
	    "HTTP/1.1 404"), "empty token -> 404");
	check(status_is(port, "GET /.well-known/acme-challenge HTTP/1.1\r\n\r\n",
	    "HTTP/1.1 404"), "challenge directory -> 404");
	check(status_is(port, "GET " PATH "/x HTTP/1.1\r\n\r\n", "HTTP/1.1 404"),
	    "path below token -> 404");
	check(status_is(port, "GET / HTTP/1.1\r\n\r\n", "HTTP/1.1 404"),
	    "GET / -> 404");
	check(status_is(port, "GET /etc/passwd HTTP/1.1\r\n\r\n",
	    "HTTP/1.1 404"), "other path -> 404");
	check(status_is(port, "GET /.well-known/acme-challenge/../" TOKEN
	    " HTTP/1.1\r\n\r\n", "HTTP/1.1 404"), "dot-dot path -> 404");
	check(status_is(port, "HEAD " PATH " HTTP/1.1\r\n\r\n", "HTTP/1.1 404"),
	    "HEAD token -> 404");
	check(status_is(port, "POST " PATH " HTTP/1.1\r\nContent-Length: 2\r\n"
	    "\r\n{}", "HTTP/1.1 404"), "POST token -> 404");
	check(status_is(port, "get " PATH " HTTP/1.1\r\n\r\n", "HTTP/1.1 404"),
	    "lower-case method -> 404");
	check(status_is(port, "GARBAGE\r\n\r\n", "HTTP/1.1 400"),
	    "bad request line -> 400");
	check(status_is(port, "GET " PATH " FTP/1.0\r\n\r\n", "HTTP/1.1 400"),
	    "bad version -> 400");
	check(httpd_token_del(h, TOKEN) == 0 && httpd_token_del(h, TOKEN) == -1,
	    "token_del removes once");
	check(status_is(port, "GET " PATH " HTTP/1.1\r\n\r\n", "HTTP/1.1 404"),
	    "deleted token -> 404");
}

static void
t_limits(struct httpd *h, int port)
{
	char		*big, *r;
	size_t		 n = HTTPD_MAX_REQ + 2000;
	int		 fd, fd2, eof;
	struct timespec	 t0, t1;

	big = malloc(n);
	memcpy(big, "GET / HTTP/1.1\r\nX: ", 19);
	memset(big + 19, 'a', n - 19);
	r = req(port, big, n);
	check(r && strncmp(r, "HTTP/1.1 431", 12) == 0,
	    "oversize request head -> 431 and close");
	free(r);
	free(big);
	httpd_token_add(h, TOKEN, KEYAUTH, NULL);
	/* idle connection: must not block others, then times out */
	fd = dial(port);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	check(status_is(port, "GET " PATH " HTTP/1.1\r\n\r\n", "HTTP/1.1 200"),
	    "served while another connection is idle");
	fd2 = dial(port);
	check(fd2 >= 0 && write(fd2, "GET " PATH, strlen(PATH) + 4) > 0,
	    "partial request sent");
	usleep(50000);
	if (fd2 >= 0 && write(fd2, " HTTP/1.1\r\n\r\n", 13) == 13) {
		r = slurp(fd2, 2000, &eof);
		check(strncmp(r, "HTTP/1.1 200", 12) == 0,
		    "request split over two writes -> 200");
		free(r);
	} else
		check(0, "request split over two writes -> 200");
	close(fd2);
	r = slurp(fd, 3000, &eof);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	check(eof && *r == '\0' && t1.tv_sec - t0.tv_sec < 3,
	    "idle connection closed after the read timeout");
	free(r);
	close(fd);
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
	int		 port, fd;

	a = httpd_acquire("127.0.0.1", 0, &e);
	b = httpd_acquire("127.0.0.1", 0, &e);
	check(a != NULL && a == b && httpd_running(a),
	    "acquire twice: one running listener");
	port = a ? httpd_port(a) : 0;
	check(httpd_acquire("127.0.0.1", port, &e) == a,
	    "acquire of its bound port: the same listener");
	c = httpd_acquire("127.0.0.2", 0, &e);
	check(c != NULL && c != a, "acquire of another address: another one");
	fd = c ? httpd_port(c) : 0;
	httpd_release(c);
	check(dial2("127.0.0.2", fd) < 0, "its last release stops it");
	httpd_release(a);
	httpd_release(a);
	check(httpd_token_add(b, TOKEN, KEYAUTH, &e) == 0 &&
	    status_is(httpd_port(b), GET_HOST, "HTTP/1.1 200"),
	    "the other holder still serves");
	port = httpd_port(b);
	httpd_release(b);
	fd = dial(port);
	check(dial(port) < 0, "last release stops the listener");
	check(httpd_acquire("127.0.0.1", 99999, &e) == NULL && e.code != 0,
	    "acquire of a bad port fails with an error");
	httpd_release(NULL);
}

int
main(void)
{
	struct err	 e = { 0 };
	struct httpd	*h;
	unsigned long	 ok = 0, other = 0;
	int		 port, fd;

	setvbuf(stdout, NULL, _IOLBF, 0);
	h = httpd_new(&e);
	check(h != NULL, "httpd_new");
	check(httpd_token_add(h, "a/b", "x", &e) == -1 && e.code == E_INVAL,
	    "token with a slash refused");
	check(httpd_token_add(h, TOKEN, "old", &e) == 0 &&
	    httpd_token_add(h, TOKEN, KEYAUTH, &e) == 0 &&
	    httpd_token_count(h) == 1, "token add and replace");
	check(httpd_start(h, "127.0.0.1", 0, &e) == 0 && httpd_running(h),
	    "start on 127.0.0.1, ephemeral port");
	port = httpd_port(h);
	check(port > 0, "bound port reported");
	check(httpd_start(h, "127.0.0.1", 0, &e) == -1 && e.code == E_EXISTS,
	    "second start refused");
	httpd_set_timeout(h, 300);
	t_curl(port);
	t_paths(h, port);
	t_limits(h, port);
	httpd_stats(h, &ok, &other);
	check(ok == 5 && other >= 14, "counters: five 200s, the rest 4xx");
	httpd_stop(h);
	check(!httpd_running(h) && httpd_port(h) == 0, "stopped");
	fd = dial(port);
	check(fd < 0, "connection refused after stop");
	if (fd >= 0)
		close(fd);
	check(httpd_start(h, "127.0.0.1", port, &e) == 0,
	    "restart on the same port");
	check(status_is(port, "GET " PATH " HTTP/1.1\r\n\r\n", "HTTP/1.1 200"),
	    "token served after restart");
	{
		struct httpd	*h2 = httpd_new(&e);

		check(httpd_start(h2, "127.0.0.1", port, &e) == -1 &&
		    e.code == E_IO && strstr(e.msg, "in use") != NULL,
		    "second responder on a busy port: E_IO, address in use");
		httpd_free(h2);
	}
	httpd_free(h);
	httpd_free(NULL);
	t_acquire();
	printf("%d passed, %d failed\n", npass, nfail);
	return nfail != 0;
}
