/* pkish - ISC license, see LICENSE */
/*
 * DOC: one SSH connection, served by its own thread (libssh 0.10 server
 * callbacks; the deprecated message API is not used).
 *
 * Phases: key exchange; password authentication through
 * sh_auth_password() (each failure reported to sh_auth_failed(), the third
 * one disconnects); one "session" channel with an optional pty-req and
 * then either "exec" or "shell". Everything before that must finish
 * within SSH_LOGIN_SEC.
 *
 * exec: sh_exec() runs in this thread and its output is written straight
 * to the channel, then exit-status is sent. shell: ssh_bridge.c.
 *
 * Ending: exit-status, EOF and CLOSE are sent, then the peer's CLOSE is
 * awaited (up to 2 s) before disconnecting; disconnecting earlier makes
 * OpenSSH report "closed by remote host" and sometimes exit 255.
 *
 * Ownership: struct conn owns the session, its event, the socketpair and
 * the strings; conn_free() runs on every path. Only this thread touches
 * the libssh session.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/socket.h>
#include "lib/log.h"
#include "shell/shell.h"
#include "shell/ssh_conn.h"

#define SSH_LOGIN_SEC	60	/* accept to shell/exec request */
#define SSH_IO_SEC	30	/* libssh blocking-operation timeout */
#define SSH_MAX_TRIES	3	/* failed passwords before disconnect */
#define SSH_CLOSE_MS	2000	/* wait for the peer's CHANNEL_CLOSE */

static long
now_ms(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

/* --- libssh callbacks: they only record what the client asked for --- */

static int
on_auth_password(ssh_session s, const char *user, const char *pass,
    void *ud)
{
	struct conn	*c = ud;
	int		 priv = 0;

	if (c->authed || c->fails >= SSH_MAX_TRIES)
		return SSH_AUTH_DENIED;
	if (user != NULL && pass != NULL &&
	    sh_auth_password(user, pass, &priv) == 0 &&
	    (c->user = strdup(user)) != NULL) {
		c->priv = priv;
		c->authed = 1;
		return SSH_AUTH_SUCCESS;
	}
	c->fails++;
	sh_auth_failed(user != NULL ? user : "", c->peer,
	    "Login Authentication Failed");
	return SSH_AUTH_DENIED;
}

static void
on_chan_close(ssh_session s, ssh_channel ch, void *ud)
{
	((struct conn *)ud)->peer_closed = 1;
}

static int
on_pty(ssh_session s, ssh_channel ch, const char *term, int w, int h,
    int pw, int ph, void *ud)
{
	struct conn	*c = ud;

	if (c->req != REQ_NONE)
		return -1;
	c->pty = 1;
	return 0;
}

static int
on_window_change(ssh_session s, ssh_channel ch, int w, int h, int pw,
    int ph, void *ud)
{
	return 0;			/* accepted and ignored */
}

static int
on_shell(ssh_session s, ssh_channel ch, void *ud)
{
	struct conn	*c = ud;

	if (c->req != REQ_NONE)
		return 1;
	c->req = REQ_SHELL;
	return 0;
}

static int
on_exec(ssh_session s, ssh_channel ch, const char *cmd, void *ud)
{
	struct conn	*c = ud;

	if (c->req != REQ_NONE || cmd == NULL ||
	    (c->cmd = strdup(cmd)) == NULL)
		return 1;
	c->req = REQ_EXEC;
	return 0;
}

static ssh_channel
on_chan_open(ssh_session s, void *ud)
{
	struct conn	*c = ud;

	if (!c->authed || c->chan != NULL)	/* one session channel */
		return NULL;
	if ((c->chan = ssh_channel_new(s)) == NULL)
		return NULL;
	c->ccb.userdata = c;
	c->ccb.channel_close_function = on_chan_close;
	c->ccb.channel_pty_request_function = on_pty;
	c->ccb.channel_pty_window_change_function = on_window_change;
	c->ccb.channel_shell_request_function = on_shell;
	c->ccb.channel_exec_request_function = on_exec;
	ssh_callbacks_init(&c->ccb);
	ssh_set_channel_callbacks(c->chan, &c->ccb);
	return c->chan;
}

/* --- phases --- */

/* Key exchange, then allow password authentication only. */
static int
conn_setup(struct conn *c)
{
	long	t = SSH_IO_SEC;

	c->scb.userdata = c;
	c->scb.auth_password_function = on_auth_password;
	c->scb.channel_open_request_session_function = on_chan_open;
	ssh_callbacks_init(&c->scb);
	ssh_set_server_callbacks(c->sess, &c->scb);
	ssh_options_set(c->sess, SSH_OPTIONS_TIMEOUT, &t);
	if (ssh_handle_key_exchange(c->sess) != SSH_OK)
		return -1;
	ssh_set_auth_methods(c->sess, SSH_AUTH_METHOD_PASSWORD);
	if ((c->ev = ssh_event_new()) == NULL ||
	    ssh_event_add_session(c->ev, c->sess) != SSH_OK)
		return -1;
	log_msg(SEV_NOTICE, "SSH", "SSH2_SESSION", "SSH2 Session request "
	    "from %s using crypto cipher '%s', hmac '%s' Succeeded", c->peer,
	    ssh_get_cipher_out(c->sess), ssh_get_hmac_out(c->sess));
	return 0;
}

/* Run the event loop until authenticated with a shell or exec request. */
static int
conn_wait_request(struct conn *c)
{
	long	deadline = now_ms() + SSH_LOGIN_SEC * 1000L;

	while (!(c->authed && c->chan != NULL && c->req != REQ_NONE)) {
		if (c->fails >= SSH_MAX_TRIES || ssh_srv_stopping() ||
		    now_ms() > deadline || c->peer_closed)
			return -1;
		if (ssh_event_dopoll(c->ev, 200) == SSH_ERROR ||
		    !ssh_is_connected(c->sess))
			return -1;
	}
	c->origin.transport = SH_SSH;
	c->origin.user = c->user;
	c->origin.privilege = c->priv;
	c->origin.peer = c->peer;
	c->origin.interactive = c->pty;
	c->origin.telnet_options = 0;
	log_msg(SEV_NOTICE, "SSH", "SSH2_USERAUTH", "User '%s' authentication "
	    "for SSH2 Session from %s Succeeded", c->user, c->peer);
	return 0;
}

/*
 * Write all of buf to the channel, waiting for window space. 0, or -1
 * once the client is gone, stalls for SSH_IO_SEC, or the server stops.
 */
static int
chan_write_all(struct conn *c, const char *buf, size_t len)
{
	long		stall = now_ms() + SSH_IO_SEC * 1000L;
	uint32_t	w;
	int		n;

	while (len > 0) {
		if (c->dead || c->peer_closed || ssh_srv_stopping() ||
		    !ssh_is_connected(c->sess) || now_ms() > stall)
			return -1;
		if ((w = ssh_channel_window_size(c->chan)) == 0) {
			if (ssh_event_dopoll(c->ev, 200) == SSH_ERROR)
				return -1;
			continue;
		}
		n = (int)(len < w ? len : w);
		if (ssh_channel_write(c->chan, buf, (uint32_t)n) != n)
			return -1;
		buf += n;
		len -= (size_t)n;
		stall = now_ms() + SSH_IO_SEC * 1000L;
	}
	return 0;
}

/* sh_exec output sink; with a pty, a lone LF becomes CRLF. */
static void
exec_write(void *ctx, const char *buf, size_t len)
{
	struct conn	*c = ctx;
	size_t		 i, start = 0;

	if (c->dead)
		return;
	for (i = 0; c->pty && i < len; i++) {
		if (buf[i] != '\n' || (i > 0 && buf[i - 1] == '\r'))
			continue;
		if (chan_write_all(c, buf + start, i - start) == -1 ||
		    chan_write_all(c, "\r", 1) == -1)
			goto dead;
		start = i;
	}
	if (chan_write_all(c, buf + start, len - start) == -1)
		goto dead;
	return;
 dead:
	c->dead = 1;
}

/* Exit status, EOF, CLOSE; wait for the peer's CLOSE; disconnect. */
static void
conn_finish(struct conn *c, int status)
{
	long	until = now_ms() + SSH_CLOSE_MS;

	if (status >= 0 && !c->dead && c->chan != NULL &&
	    ssh_channel_is_open(c->chan) && !c->peer_closed) {
		ssh_channel_request_send_exit_status(c->chan, status);
		ssh_channel_send_eof(c->chan);
		ssh_channel_close(c->chan);
		while (!c->peer_closed && ssh_is_connected(c->sess) &&
		    now_ms() < until)
			if (ssh_event_dopoll(c->ev, 100) == SSH_ERROR)
				break;
	}
	/*
	 * libssh only writes at once after the poll loop has seen POLLOUT;
	 * poll once more so that the DISCONNECT below is not left in its
	 * buffer when the socket is closed.
	 */
	if (c->ev != NULL && ssh_is_connected(c->sess))
		ssh_event_dopoll(c->ev, 50);
	ssh_disconnect(c->sess);
}

static void
conn_free(struct conn *c)
{
	if (c->ev != NULL) {
		ssh_event_remove_session(c->ev, c->sess);
		ssh_event_free(c->ev);
	}
	ssh_free(c->sess);		/* frees the channel too */
	if (c->sv[0] != -1)
		close(c->sv[0]);
	if (c->sv[1] != -1)
		close(c->sv[1]);
	free(c->user);
	free(c->cmd);
	free(c);
}

static void *
conn_main(void *arg)
{
	struct conn	*c = arg;
	int		 rc = -1;

	if (conn_setup(c) == 0 && conn_wait_request(c) == 0) {
		rc = c->req == REQ_EXEC ?
		    sh_exec(c->cmd, &c->origin, exec_write, c) :
		    ssh_bridge_run(c);
		log_msg(SEV_NOTICE, "SSH", "SSH2_CLOSE", "SSH2 Session from %s "
		    "for user '%s' closed", c->peer, c->user);
	}
	conn_finish(c, rc);
	conn_free(c);
	ssh_srv_conn_done();
	return NULL;
}

/*
 * Wrap the accepted socket fd in a libssh session and start its detached
 * thread. fd is consumed on every path. 0, or -1 if nothing was started.
 */
int
ssh_conn_spawn(ssh_bind b, int fd, const char *peer)
{
	struct conn	*c;
	pthread_attr_t	 at;
	pthread_t	 t;
	int		 rc;

	if ((c = calloc(1, sizeof(*c))) == NULL ||
	    (c->sess = ssh_new()) == NULL) {
		free(c);
		close(fd);
		return -1;
	}
	c->sv[0] = c->sv[1] = -1;
	snprintf(c->peer, sizeof(c->peer), "%s", peer);
	if (ssh_bind_accept_fd(b, c->sess, fd) != SSH_OK) {
		if (ssh_get_fd(c->sess) != fd)
			close(fd);	/* else ssh_free closes it */
		conn_free(c);
		return -1;
	}
	pthread_attr_init(&at);
	pthread_attr_setdetachstate(&at, PTHREAD_CREATE_DETACHED);
	rc = pthread_create(&t, &at, conn_main, c);
	pthread_attr_destroy(&at);
	if (rc != 0) {
		conn_free(c);
		return -1;
	}
	return 0;
}
