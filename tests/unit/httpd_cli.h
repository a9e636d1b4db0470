/* tests/unit/httpd_cli.h - for test_httpd.c and test_httpd_route.c: a raw
 * HTTP/1.x client over loopback sockets (optionally from a chosen source
 * address in 127.0.0.0/8, to be "another client" for the per-address
 * limit) that reads one response by its Content-Length, so keep-alive
 * connections can be reused. Static functions; included once, after
 * testlib.h. */
#ifndef TESTS_UNIT_HTTPD_CLI_H
#define TESTS_UNIT_HTTPD_CLI_H
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

/* A connection to 127.0.0.1:port from src (NULL: any), or -1. */
static __attribute__((unused)) int
dial_from(const char *src, int port)
{
	struct sockaddr_in	sin = { 0 }, me = { 0 };
	int			fd;

	sin.sin_family = me.sin_family = AF_INET;
	sin.sin_port = htons((unsigned short)port);
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if ((fd = socket(AF_INET, SOCK_STREAM, 0)) < 0)
		return -1;
	if ((src != NULL && (inet_pton(AF_INET, src, &me.sin_addr) != 1 ||
	    bind(fd, (struct sockaddr *)&me, sizeof(me)) < 0)) ||
	    connect(fd, (struct sockaddr *)&sin, sizeof(sin)) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

static __attribute__((unused)) int
dial(int port)
{
	return dial_from(NULL, port);
}

static __attribute__((unused)) int
send_str(int fd, const char *s)
{
	size_t n = strlen(s);

	return fd >= 0 && send(fd, s, n, MSG_NOSIGNAL) == (ssize_t)n ? 0 : -1;
}

/* 1 once buf holds a whole response head and its Content-Length body. */
static int
resp_complete(const char *buf, size_t len)
{
	const char	*end = strstr(buf, "\r\n\r\n"), *p;
	size_t		 head, cl = 0;

	if (end == NULL)
		return 0;
	head = (size_t)(end - buf) + 4;
	for (p = buf; (p = strchr(p, '\n')) != NULL && p < end; )
		if (strncasecmp(++p, "Content-Length:", 15) == 0)
			cl = strtoul(p + 15, NULL, 10);
	return len >= head + cl;
}

/* One response from fd (malloc'd, maybe empty), waiting at most ms for
 * each piece; *eof when the server closed before or after it. */
static __attribute__((unused)) char *
read_resp(int fd, int ms, int *eof)
{
	enum { CAP = 65536 };
	char		*buf = malloc(CAP);
	size_t		 len = 0;
	struct pollfd	 pf = { fd, POLLIN, 0 };
	ssize_t		 n;

	*eof = 0;
	if (buf == NULL)
		return strdup("");
	while (len < CAP - 1 && poll(&pf, 1, ms) == 1) {
		if ((n = read(fd, buf + len, CAP - 1 - len)) <= 0) {
			*eof = 1;
			break;
		}
		len += (size_t)n;
		buf[len] = '\0';
		if (resp_complete(buf, len))
			break;
	}
	buf[len] = '\0';
	return buf;
}

/* Send raw on a new connection, return the response (NULL: none). */
static __attribute__((unused)) char *
request(int port, const char *raw)
{
	char	*r;
	int	 fd, eof;

	if ((fd = dial(port)) < 0)
		return NULL;
	if (send_str(fd, raw) == -1) {
		close(fd);
		return NULL;
	}
	r = read_resp(fd, 3000, &eof);
	close(fd);
	if (*r == '\0') {
		free(r);
		return NULL;
	}
	return r;
}

/* The status code of a response, 0 for none. */
static __attribute__((unused)) int
status_of(const char *r)
{
	return r != NULL && strncmp(r, "HTTP/1.", 7) == 0 ? atoi(r + 9) : 0;
}

/* The status of raw sent on a new connection; prints what came back
 * when it is not want. */
static __attribute__((unused)) int
status_is(int port, const char *raw, int want)
{
	char	*r = request(port, raw);
	int	 st = status_of(r);

	if (st != want)
		printf("# got: %.80s\n", r ? r : "(no response)");
	free(r);
	return st == want;
}

/* The body of a response, or "". */
static __attribute__((unused)) const char *
body_of(const char *r)
{
	const char *p = r ? strstr(r, "\r\n\r\n") : NULL;

	return p ? p + 4 : "";
}

static __attribute__((unused)) double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

#endif
