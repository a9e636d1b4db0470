/* pkish - ISC license, see LICENSE */
/*
 * DOC: SSH server listener (libssh 0.10).
 *
 * ssh_server_start() makes sure the host key <state>/ssh_host_ed25519_key
 * exists (generated on first start, written atomically at mode 0600),
 * opens its own listening socket on an IPv4 or IPv6 literal and runs one
 * accept thread. Each accepted socket is handed to libssh with
 * ssh_bind_accept_fd() and served by a detached thread (ssh_conn.c); at
 * most SSH_MAX_CONN run at once, further connections are closed at once.
 * `transport input` is checked per connection before any SSH traffic.
 *
 * ssh_server_stop() wakes the accept thread through a self-pipe, joins
 * it, closes the listener, then gives live connections a few seconds to
 * notice the stop flag (they poll it) before ssh_finalize().
 *
 * The server is a process-wide singleton: its state below is guarded by
 * srv.lock, except `stopping`, which is atomic.
 */
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include "lib/fileio.h"
#include "lib/log.h"
#include "shell/shell.h"
#include "shell/ssh_conn.h"

#define SSH_MAX_CONN	128	/* concurrent connections */
#define SSH_BACKLOG	64
#define SSH_DRAIN_SEC	5	/* stop: wait this long for connections */
#define HOSTKEY_FILE	"ssh_host_ed25519_key"

static struct {
	pthread_mutex_t	 lock;		/* guards the fields below */
	pthread_cond_t	 idle;		/* signalled when nconn drops */
	int		 running;	/* between start and stop */
	int		 nconn;		/* live connection threads */
	int		 lfd;		/* listening socket, owned */
	int		 wake[2];	/* self-pipe, owned: stop -> accept */
	ssh_bind	 bind;		/* holds the host key, owned */
	pthread_t	 thr;		/* accept thread */
} srv = {
	.lock = PTHREAD_MUTEX_INITIALIZER,
	.idle = PTHREAD_COND_INITIALIZER,
	.lfd = -1,
	.wake = { -1, -1 },
};
static atomic_int	stopping;	/* set by ssh_server_stop() */

int
ssh_srv_stopping(void)
{
	return atomic_load(&stopping) || sh_stopping();
}

void
ssh_srv_conn_done(void)
{
	pthread_mutex_lock(&srv.lock);
	srv.nconn--;
	pthread_cond_broadcast(&srv.idle);
	pthread_mutex_unlock(&srv.lock);
}

/* Generate an Ed25519 host key and write it (OpenSSH format) at 0600. */
static int
hostkey_generate(const char *path, struct err *e)
{
	ssh_key	 key = NULL;
	char	*pem = NULL;
	int	 rc = -1;

	if (ssh_pki_generate(SSH_KEYTYPE_ED25519, 0, &key) != SSH_OK) {
		err_set(e, E_CRYPTO, "ssh: cannot generate host key");
		goto out;
	}
	if (ssh_pki_export_privkey_base64(key, NULL, NULL, NULL, &pem) !=
	    SSH_OK) {
		err_set(e, E_CRYPTO, "ssh: cannot export host key");
		goto out;
	}
	if (file_write_atomic(path, pem, strlen(pem), 0600, e) == -1) {
		err_ctx(e, "ssh: host key");
		goto out;
	}
	rc = 0;
 out:
	if (pem != NULL) {
		explicit_bzero(pem, strlen(pem));
		ssh_string_free_char(pem);
	}
	ssh_key_free(key);
	return rc;
}

/*
 * Make sure a loadable host key exists at path: generate one if missing,
 * tighten its mode to 0600 if it is readable by others.
 */
static int
hostkey_ensure(const char *path, struct err *e)
{
	struct stat	st;
	ssh_key		key = NULL;

	if (stat(path, &st) == -1) {
		if (errno != ENOENT)
			return err_set(e, E_IO, "ssh: %s: %s", path,
			    strerror(errno));
		return hostkey_generate(path, e);
	}
	if ((st.st_mode & 077) != 0 && chmod(path, 0600) == -1)
		return err_set(e, E_IO, "ssh: chmod %s: %s", path,
		    strerror(errno));
	if (ssh_pki_import_privkey_file(path, NULL, NULL, NULL, &key) !=
	    SSH_OK)
		return err_set(e, E_CRYPTO, "ssh: cannot load host key %s",
		    path);
	ssh_key_free(key);
	return 0;
}

/* Open, bind and listen on addr:port (IPv4/IPv6 literal, optionally in
 * brackets; NULL or "" = all addresses, dual-stack). fd or -1. */
static int
listen_on(const char *addr, int port, struct err *e)
{
	struct addrinfo	 hints, *ai = NULL;
	struct in6_addr	 a6;		/* scratch for the strict literal check */
	char		 host[INET6_ADDRSTRLEN + 2], serv[8];
	size_t		 n;
	int		 fd = -1, one = 1, zero = 0, rc;

	if (addr == NULL || *addr == '\0')
		addr = "::";
	n = strlen(addr);
	if (addr[0] == '[' && n > 2 && addr[n - 1] == ']')
		snprintf(host, sizeof(host), "%.*s", (int)(n - 2), addr + 1);
	else
		snprintf(host, sizeof(host), "%s", addr);
	snprintf(serv, sizeof(serv), "%d", port);
	memset(&hints, 0, sizeof(hints));
	hints.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV | AI_PASSIVE;
	hints.ai_socktype = SOCK_STREAM;
	if (port < 1 || port > 65535 ||
	    (inet_pton(AF_INET, host, &a6) != 1 &&
	    inet_pton(AF_INET6, host, &a6) != 1) ||
	    (rc = getaddrinfo(host, serv, &hints, &ai)) != 0)
		return err_set(e, E_INVAL, "ssh: bad listen address %s port %d",
		    addr, port);
	if ((fd = socket(ai->ai_family, SOCK_STREAM | SOCK_CLOEXEC, 0)) ==
	    -1) {
		err_set(e, E_NET, "ssh: socket: %s", strerror(errno));
		goto out;
	}
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (ai->ai_family == AF_INET6 && strcmp(host, "::") == 0)
		setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &zero, sizeof(zero));
	if (bind(fd, ai->ai_addr, ai->ai_addrlen) == -1 ||
	    listen(fd, SSH_BACKLOG) == -1) {
		err_set(e, E_NET, "ssh: listen on %s port %d: %s", addr, port,
		    strerror(errno));
		close(fd);
		fd = -1;
	}
 out:
	freeaddrinfo(ai);
	return fd;
}

/* Client address as text; v4-mapped IPv6 shown as plain IPv4. */
static void
peer_name(const struct sockaddr_storage *ss, char *buf, size_t len)
{
	const struct sockaddr_in6	*s6 = (const void *)ss;
	const struct sockaddr_in	*s4 = (const void *)ss;

	snprintf(buf, len, "?");
	if (ss->ss_family == AF_INET)
		inet_ntop(AF_INET, &s4->sin_addr, buf, len);
	else if (ss->ss_family == AF_INET6 &&
	    IN6_IS_ADDR_V4MAPPED(&s6->sin6_addr))
		inet_ntop(AF_INET, &s6->sin6_addr.s6_addr[12], buf, len);
	else if (ss->ss_family == AF_INET6)
		inet_ntop(AF_INET6, &s6->sin6_addr, buf, len);
}

/* Accept one connection and hand it to a connection thread. */
static void
accept_one(void)
{
	struct sockaddr_storage	ss;
	socklen_t		sl = sizeof(ss);
	struct timespec		pause = { 0, 100 * 1000 * 1000 };
	char			peer[INET6_ADDRSTRLEN];
	int			fd, one = 1, full;

	if ((fd = accept4(srv.lfd, (struct sockaddr *)&ss, &sl,
	    SOCK_CLOEXEC)) == -1) {
		if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS ||
		    errno == ENOMEM)
			nanosleep(&pause, NULL);	/* do not spin */
		return;
	}
	peer_name(&ss, peer, sizeof(peer));
	if (!sh_transport_allowed(SH_SSH)) {
		log_msg(SEV_NOTICE, "SSH", "SSH2_SESSION", "SSH2 Session "
		    "request from %s refused: transport input excludes ssh",
		    peer);
		close(fd);
		return;
	}
	pthread_mutex_lock(&srv.lock);
	if ((full = srv.nconn >= SSH_MAX_CONN) == 0)
		srv.nconn++;
	pthread_mutex_unlock(&srv.lock);
	if (full) {
		log_msg(SEV_WARN, "SSH", "SSH2_SESSION", "SSH2 Session "
		    "request from %s refused: %d sessions active", peer,
		    SSH_MAX_CONN);
		close(fd);
		return;
	}
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	if (ssh_conn_spawn(srv.bind, fd, peer) == -1)
		ssh_srv_conn_done();
}

static void *
accept_main(void *arg)
{
	struct pollfd	pfd[2];

	(void)arg;
	while (!atomic_load(&stopping)) {
		pfd[0].fd = srv.lfd;
		pfd[0].events = POLLIN;
		pfd[1].fd = srv.wake[0];
		pfd[1].events = POLLIN;
		pfd[0].revents = pfd[1].revents = 0;
		if (poll(pfd, 2, -1) == -1) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (pfd[1].revents != 0)
			break;
		if (pfd[0].revents & POLLIN)
			accept_one();
	}
	return NULL;
}

/* Build the ssh_bind that only carries the host key and options. */
static ssh_bind
bind_new(const char *keypath, struct err *e)
{
	ssh_bind	b;
	bool		no = false;

	if ((b = ssh_bind_new()) == NULL) {
		err_set(e, E_NOMEM, "ssh: ssh_bind_new");
		return NULL;
	}
	/* never read /etc/ssh/libssh_server_config */
	if (ssh_bind_options_set(b, SSH_BIND_OPTIONS_PROCESS_CONFIG, &no) !=
	    SSH_OK ||
	    ssh_bind_options_set(b, SSH_BIND_OPTIONS_HOSTKEY, keypath) !=
	    SSH_OK) {
		err_set(e, E_CRYPTO, "ssh: bind options: %s",
		    ssh_get_error(b));
		ssh_bind_free(b);
		return NULL;
	}
	return b;
}

/* Undo a partial or full start; srv.lock not held. */
static void
srv_close(void)
{
	if (srv.lfd != -1)
		close(srv.lfd);
	if (srv.wake[0] != -1)
		close(srv.wake[0]);
	if (srv.wake[1] != -1)
		close(srv.wake[1]);
	srv.lfd = srv.wake[0] = srv.wake[1] = -1;
	if (srv.bind != NULL)
		ssh_bind_free(srv.bind);
	srv.bind = NULL;
}

/*
 * Start the SSH server on addr:port: host key in sh_state_dir(), listener,
 * accept thread. Returns 0, or -1 and fills e (nothing left running).
 */
int
ssh_server_start(const char *addr, int port, struct err *e)
{
	char	path[4096];

	if (srv.running)
		return err_set(e, E_EXISTS, "ssh: server already running");
	if (sh_state_dir() == NULL)
		return err_set(e, E_INVAL, "ssh: no state directory");
	if (file_mkdirs(sh_state_dir(), 0700, e) == -1)
		return err_ctx(e, "ssh");
	if ((size_t)snprintf(path, sizeof(path), "%s/%s", sh_state_dir(),
	    HOSTKEY_FILE) >= sizeof(path))
		return err_set(e, E_INVAL, "ssh: state path too long");
	if (ssh_init() != SSH_OK)
		return err_set(e, E_CRYPTO, "ssh: ssh_init failed");
	atomic_store(&stopping, 0);
	if (hostkey_ensure(path, e) == -1 ||
	    (srv.bind = bind_new(path, e)) == NULL ||
	    (srv.lfd = listen_on(addr, port, e)) == -1)
		goto fail;
	if (pipe2(srv.wake, O_CLOEXEC) == -1) {
		err_set(e, E_IO, "ssh: pipe: %s", strerror(errno));
		goto fail;
	}
	if ((errno = pthread_create(&srv.thr, NULL, accept_main, NULL)) != 0) {
		err_set(e, E_IO, "ssh: pthread_create: %s", strerror(errno));
		goto fail;
	}
	srv.running = 1;
	log_msg(SEV_NOTICE, "SSH", "ENABLED", "SSH 2.0 has been enabled");
	return 0;
 fail:
	srv_close();
	ssh_finalize();
	return -1;
}

/*
 * Stop accepting, close the listener, and wait up to SSH_DRAIN_SEC for
 * connection threads (which see the stop flag within a second) to end.
 */
void
ssh_server_stop(void)
{
	struct timespec	until;
	char		c = 'x';
	int		left;

	if (!srv.running)
		return;
	atomic_store(&stopping, 1);
	while (write(srv.wake[1], &c, 1) == -1 && errno == EINTR)
		;
	pthread_join(srv.thr, NULL);
	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += SSH_DRAIN_SEC;
	pthread_mutex_lock(&srv.lock);
	while (srv.nconn > 0 &&
	    pthread_cond_timedwait(&srv.idle, &srv.lock, &until) == 0)
		;
	left = srv.nconn;
	pthread_mutex_unlock(&srv.lock);
	srv.running = 0;
	if (left > 0) {
		/* threads still use the bind's library state: leave it */
		close(srv.lfd);
		srv.lfd = -1;
		return;
	}
	srv_close();
	ssh_finalize();
}
