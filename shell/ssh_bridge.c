/* pkish - ISC license, see LICENSE */
/*
 * DOC: the SSH shell bridge: an SSH channel <-> socketpair <-> shell.
 *
 * sh_session_run() runs on its own thread on sv[0]. The connection thread
 * polls the SSH socket and sv[1] itself and moves bytes both ways without
 * ever blocking on the shell, so a shell busy with a long command cannot
 * stall the SSH protocol, and a slow client cannot stall this thread:
 * - client -> shell: ssh_channel_read_nonblocking() (libssh grows the
 *   window only as we read, which is the flow control), then a
 *   non-blocking send() to sv[1]; a lone LF becomes CR, since libcli ends
 *   lines only on CR (clients without a pty send LF; with a pty LF is
 *   Ctrl-J, which IOS also takes as Enter); CR LF passes unchanged;
 * - shell -> client: recv() from sv[1] only as much as the client's
 *   window takes, so ssh_channel_write() never waits for window space.
 * Client EOF becomes shutdown(sv[1], SHUT_WR); the shell's end becomes EOF
 * on sv[1]. When the bridge is cut (client gone, write error, server
 * stop) sv[1] is shut down so that the shell sees EOF, and it is joined.
 * No SIGPIPE: send() uses MSG_NOSIGNAL (and main ignores SIGPIPE).
 */
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <sys/socket.h>
#include "shell/shell.h"
#include "shell/ssh_conn.h"

static void *
shell_main(void *arg)
{
	struct conn	*c = arg;

	sh_session_run(c->sv[0], &c->origin);
	shutdown(c->sv[0], SHUT_WR);		/* bridge sees EOF */
	return NULL;
}

/* Client -> shell: drain the channel into sv[1]. -1 if the shell's gone. */
static int
pump_in(struct conn *c)
{
	ssize_t		w;
	size_t		i;
	int		n, rounds;
	unsigned char	ch;

	for (rounds = 0; rounds < 8; rounds++) {
		if (c->inlen == 0 && !c->in_eof) {
			n = ssh_channel_read_nonblocking(c->chan, c->in,
			    sizeof(c->in), 0);
			if (n == SSH_ERROR)
				return -1;
			if (n < 0)
				n = 0;		/* SSH_AGAIN */
			if (n == 0 && ssh_channel_is_eof(c->chan)) {
				c->in_eof = 1;
				shutdown(c->sv[1], SHUT_WR);
			}
			for (i = 0; i < (size_t)n; i++) {
				ch = c->in[i];
				if (ch == '\n' && !c->prev_cr)
					c->in[i] = '\r';	/* lone LF */
				c->prev_cr = ch == '\r';
			}
			c->inoff = 0;
			c->inlen = (size_t)n;
		}
		if (c->inlen == 0)
			return 0;
		w = send(c->sv[1], c->in + c->inoff, c->inlen,
		    MSG_DONTWAIT | MSG_NOSIGNAL);
		if (w == -1)
			return errno == EAGAIN || errno == EINTR ? 0 : -1;
		c->inoff += (size_t)w;
		c->inlen -= (size_t)w;
	}
	return 0;
}

/* Shell -> client, within the window. 1 at shell EOF, -1 on error. */
static int
pump_out(struct conn *c)
{
	char		buf[BRIDGE_BUF];
	uint32_t	w;
	ssize_t		n;
	int		rounds;

	for (rounds = 0; rounds < 8; rounds++) {
		if ((w = ssh_channel_window_size(c->chan)) == 0)
			return 0;
		n = recv(c->sv[1], buf, w < sizeof(buf) ? w : sizeof(buf),
		    MSG_DONTWAIT);
		if (n == 0)
			return 1;
		if (n == -1)
			return errno == EAGAIN || errno == EINTR ? 0 : -1;
		if (ssh_channel_write(c->chan, buf, (uint32_t)n) != n)
			return -1;
	}
	return 0;
}

/* Move bytes until the shell ends (0) or the client/server goes (-1). */
static int
bridge_loop(struct conn *c)
{
	struct pollfd	pfd[2];
	int		r;

	for (;;) {
		pfd[0].fd = ssh_get_fd(c->sess);
		pfd[0].events = POLLIN;
		pfd[1].fd = c->sv[1];
		pfd[1].events = (c->inlen > 0 ? POLLOUT : 0) |
		    (ssh_channel_window_size(c->chan) > 0 ? POLLIN : 0);
		pfd[0].revents = pfd[1].revents = 0;
		if (poll(pfd, 2, 500) == -1 && errno != EINTR)
			return -1;
		if (ssh_srv_stopping())
			return -1;
		if (ssh_event_dopoll(c->ev, 0) == SSH_ERROR ||
		    !ssh_is_connected(c->sess) || c->peer_closed)
			return -1;
		if (pump_in(c) == -1)
			return -1;
		if ((r = pump_out(c)) != 0)
			return r == 1 ? 0 : -1;
	}
}

/*
 * Run the interactive shell over a socketpair. Returns 0 (exit status)
 * when the shell ended, -1 when the session was cut.
 */
int
ssh_bridge_run(struct conn *c)
{
	pthread_t	t;
	int		rc;

	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, c->sv) == -1)
		return -1;
	if (pthread_create(&t, NULL, shell_main, c) != 0)
		return -1;
	rc = bridge_loop(c);
	shutdown(c->sv[1], SHUT_RDWR);		/* a cut session sees EOF */
	pthread_join(t, NULL);
	return rc;
}
