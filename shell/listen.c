/* shell/listen.c - TCP accept loop shared by the telnet transport */
#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include "shell/listen.h"

static void *
accept_loop(void *arg)
{
	struct listener *l = arg;
	struct sockaddr_storage ss;
	socklen_t sl;
	char host[64];
	int fd;

	while (!__atomic_load_n(&l->stop, __ATOMIC_ACQUIRE)) {
		struct pollfd p = { l->fd, POLLIN, 0 };
		if (poll(&p, 1, 200) <= 0)
			continue;
		sl = sizeof(ss);
		if ((fd = accept4(l->fd, (struct sockaddr *)&ss, &sl,
		    SOCK_CLOEXEC)) < 0) {
			if (errno == EMFILE || errno == ENFILE ||
			    errno == ENOBUFS || errno == ENOMEM)
				usleep(100000);	/* out of fds: no spin */
			continue;
		}
		getnameinfo((struct sockaddr *)&ss, sl, host, sizeof(host),
		    NULL, 0, NI_NUMERICHOST);
		if (strncmp(host, "::ffff:", 7) == 0)
			memmove(host, host + 7, strlen(host + 7) + 1);
		pthread_mutex_lock(&l->mu);
		if (l->active >= LISTEN_MAX_CONN) {
			pthread_mutex_unlock(&l->mu);
			close(fd);
			continue;
		}
		l->active++;
		pthread_mutex_unlock(&l->mu);
		l->on_accept(fd, host);
	}
	return NULL;
}

int
listener_start(struct listener *l, const char *addr, int port,
    void (*fn)(int, const char *), struct err *e)
{
	struct addrinfo hints = { .ai_flags = AI_PASSIVE | AI_NUMERICHOST |
	    AI_NUMERICSERV, .ai_socktype = SOCK_STREAM }, *ai;
	char ps[8];
	int one = 1, rc;

	snprintf(ps, sizeof(ps), "%d", port);
	if ((rc = getaddrinfo(addr && *addr ? addr : NULL, ps, &hints, &ai)))
		return err_set(e, E_INVAL, "%s: %s", addr, gai_strerror(rc));
	memset(l, 0, sizeof(*l));
	pthread_mutex_init(&l->mu, NULL);
	l->on_accept = fn;
	l->fd = socket(ai->ai_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (l->fd < 0 || setsockopt(l->fd, SOL_SOCKET, SO_REUSEADDR, &one,
	    sizeof(one)) < 0 || bind(l->fd, ai->ai_addr, ai->ai_addrlen) < 0 ||
	    listen(l->fd, 128) < 0) {
		err_set(e, E_NET, "listen on %s:%d: %s", addr ? addr : "*",
		    port, strerror(errno));
		freeaddrinfo(ai);
		if (l->fd >= 0)
			close(l->fd);
		l->on_accept = NULL;	/* nothing for listener_stop() */
		return -1;
	}
	freeaddrinfo(ai);
	if (pthread_create(&l->thr, NULL, accept_loop, l) != 0) {
		close(l->fd);
		l->on_accept = NULL;
		return err_set(e, E_IO, "cannot start listener thread");
	}
	return 0;
}

void
listener_stop(struct listener *l)
{
	if (l->on_accept == NULL)
		return;
	__atomic_store_n(&l->stop, 1, __ATOMIC_RELEASE);
	pthread_join(l->thr, NULL);
	close(l->fd);
	l->on_accept = NULL;
}

void
listener_release(struct listener *l)
{
	pthread_mutex_lock(&l->mu);
	l->active--;
	pthread_mutex_unlock(&l->mu);
}

int
listener_active(struct listener *l)
{
	int n;

	pthread_mutex_lock(&l->mu);
	n = l->active;
	pthread_mutex_unlock(&l->mu);
	return n;
}
