/* fuzz/fuzz_httpd.c - the HTTP listener (lib/httpd on libmicrohttpd) as
 * a client meets it: the listener is started once on 127.0.0.1 (the
 * loopback of the target's own network namespace, brought up here) with
 * an HTTP-01 token and two routes (the SCEP paths) whose handler reads
 * the query arguments and the body; each input is sent whole over a new
 * connection, which is half-closed, and whatever comes back is read
 * until the listener closes, or goes quiet for QUIET_MS after answering
 * (keep-alive), or sends nothing for WAIT_MS. */
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include "lib/httpd.h"
#include "fuzz/fuzz.h"

#define WAIT_MS		60
#define QUIET_MS	10

static struct httpd	*h;
static int		 port;

/* Reads what a SCEP route would: operation, message, the body. */
static int
route(void *arg, const struct httpd_request *rq, struct httpd_response *rs)
{
	const char	*op = httpd_req_arg(rq, "operation");
	const char	*m = httpd_req_arg(rq, "message");
	size_t		 sum = 0;
	char		*b = NULL;
	int		 n;

	for (size_t i = 0; i < rq->body_len; i++)
		sum += rq->body[i];
	n = asprintf(&b, "%s %s %zu %zu %s %s", rq->method, rq->path,
	    rq->body_len, sum, op ? op : "-", m ? m : "-");
	if (n < 0 || (op != NULL && strcmp(op, "fail") == 0)) {
		free(b);
		return -1;
	}
	rs->status = op != NULL ? 200 : 400;
	rs->content_type = "text/plain";
	rs->body = (unsigned char *)b;
	rs->body_len = (size_t)n;
	return 0;
}

/* A fresh network namespace has its loopback down. */
static void
loopback_up(void)
{
	struct ifreq	ifr = { 0 };
	int		s = socket(AF_INET, SOCK_DGRAM, 0);

	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "lo");
	if (s >= 0 && ioctl(s, SIOCGIFFLAGS, &ifr) == 0 &&
	    !(ifr.ifr_flags & IFF_UP)) {
		ifr.ifr_flags |= IFF_UP;
		ioctl(s, SIOCSIFFLAGS, &ifr);
	}
	if (s >= 0)
		close(s);
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	struct err e = { 0 };

	fz_init(0);
	loopback_up();
	if ((h = httpd_new(&e)) == NULL ||
	    httpd_token_add(h, "fuzztoken", "fuzztoken.thumbprint", &e) ||
	    httpd_route_add(h, "/cgi-bin/pkiclient.exe", 4096, route, NULL,
	    &e) || httpd_route_add(h, "/scep", 64, route, NULL, &e)) {
		fprintf(stderr, "fuzz_httpd: %s\n", e.msg);
		exit(2);
	}
	httpd_set_timeout(h, 1000);
	httpd_set_limits(h, 64, 64, 1000);
	if (httpd_start(h, "127.0.0.1", 0, &e) == -1) {
		fprintf(stderr, "fuzz_httpd: %s\n", e.msg);
		exit(2);
	}
	port = httpd_port(h);
	return 0;
}

static int
dial(void)
{
	struct sockaddr_in	sin = { 0 };
	int			fd;

	sin.sin_family = AF_INET;
	sin.sin_port = htons((unsigned short)port);
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if ((fd = socket(AF_INET, SOCK_STREAM, 0)) < 0)
		return -1;
	if (connect(fd, (struct sockaddr *)&sin, sizeof(sin)) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

int
LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
	struct pollfd	pf;
	char		buf[4096];
	int		fd, got = 0;

	if ((fd = dial()) < 0)
		abort();		/* the listener must keep accepting */
	if (n > 0 && send(fd, d, n, MSG_NOSIGNAL) < 0) {
		close(fd);
		return 0;
	}
	shutdown(fd, SHUT_WR);
	pf = (struct pollfd){ fd, POLLIN, 0 };
	while (poll(&pf, 1, got ? QUIET_MS : WAIT_MS) == 1 &&
	    read(fd, buf, sizeof(buf)) > 0)
		got = 1;
	close(fd);
	return 0;
}
