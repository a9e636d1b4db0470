/* shell/telnet.c - the telnet listener: one detached thread a session */
#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include "shell/listen.h"
#include "shell/shell_int.h"

struct conn {
	int	 fd;
	char	 peer[64];
};

static struct listener tl;

static void *
telnet_thread(void *arg)
{
	struct conn *c = arg;
	struct sh_origin o = { SH_TELNET, NULL, 1, c->peer, 1, 1 };

	sh_session_run(c->fd, &o);
	shutdown(c->fd, SHUT_RDWR);
	close(c->fd);
	free(c);
	listener_release(&tl);
	return NULL;
}

static void
on_accept(int fd, const char *peer)
{
	struct conn *c = calloc(1, sizeof(*c));
	pthread_t t;
	pthread_attr_t at;
	int one = 1;

	if (c == NULL) {
		close(fd);
		listener_release(&tl);
		return;
	}
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	c->fd = fd;
	snprintf(c->peer, sizeof(c->peer), "%s", peer);
	pthread_attr_init(&at);
	pthread_attr_setdetachstate(&at, PTHREAD_CREATE_DETACHED);
	pthread_attr_setstacksize(&at, 256 * 1024);
	if (pthread_create(&t, &at, telnet_thread, c) != 0) {
		close(fd);
		free(c);
		listener_release(&tl);
	}
	pthread_attr_destroy(&at);
}

int
telnet_server_start(const char *addr, int port, struct err *e)
{
	return listener_start(&tl, addr, port, on_accept, e);
}

void
telnet_server_stop(void)
{
	listener_stop(&tl);
}
