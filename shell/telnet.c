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
#include <sys/time.h>
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
	struct timeval snd = { 60, 0 };

	/* a peer that stops reading for a minute is gone; one that
	 * vanishes while idle is found by keepalives */
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &one, sizeof(one));
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &snd, sizeof(snd));
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

static void
hangup(struct vty *v, void *arg)
{
	if (v->transport == SH_TELNET && v->in_fd >= 0)
		shutdown(v->in_fd, SHUT_RDWR);
}

/* Wait up to ms for the sessions to end; 0 when none is left. */
static int
drain(int ms)
{
	for (; ms > 0; ms -= 20) {
		if (listener_active(&tl) == 0)
			return 0;
		usleep(20000);
	}
	return listener_active(&tl) == 0 ? 0 : -1;
}

/*
 * Stop accepting, then let the sessions see sh_stopping() (their line
 * editor polls it every 250 ms) and end; a session stuck in a write to
 * a peer that does not read is hung up after a second.
 */
void
telnet_server_stop(void)
{
	if (tl.on_accept == NULL)
		return;
	listener_stop(&tl);
	if (drain(1000) < 0) {
		sh_foreach(hangup, NULL);
		drain(1000);
	}
}
