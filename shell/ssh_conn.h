/* shell/ssh_conn.h - internal to shell/ssh*.c: listener, connection, bridge */
#ifndef SHELL_SSH_CONN_H
#define SHELL_SSH_CONN_H
#include <stddef.h>
#include "shell/shell.h"
#include <libssh/libssh.h>
#include <libssh/server.h>
#include <libssh/callbacks.h>

#define BRIDGE_BUF	16384	/* bytes moved per read */

enum req { REQ_NONE, REQ_SHELL, REQ_EXEC };

/* One SSH connection; owned and touched only by its connection thread
 * (the shell thread reads only sv[0] and origin). */
struct conn {
	ssh_session	 sess;		/* owned */
	ssh_event	 ev;		/* owned; polls sess */
	ssh_channel	 chan;		/* owned by sess */
	struct ssh_server_callbacks_struct scb;	/* userdata = this */
	struct ssh_channel_callbacks_struct ccb;	/* userdata = this */
	char		 peer[64];	/* client address text */
	char		*user;		/* authenticated user, owned */
	int		 priv;		/* its privilege level */
	int		 authed;	/* password accepted */
	int		 fails;		/* failed password attempts */
	int		 pty;		/* pty-req accepted */
	enum req	 req;		/* shell or exec requested */
	char		*cmd;		/* exec command line, owned */
	int		 peer_closed;	/* CHANNEL_CLOSE received */
	int		 dead;		/* channel write failed */
	int		 sv[2];		/* [0] shell side, [1] bridge side */
	int		 in_eof;	/* client EOF passed on to sv[1] */
	int		 prev_cr;	/* last client byte was CR */
	struct sh_origin origin;	/* strings borrowed from this */
	unsigned char	 in[BRIDGE_BUF];/* client bytes not yet in sv[1] */
	size_t		 inoff, inlen;	/* pending range of in[] */
};

/* ssh_conn.c: wrap an accepted TCP socket in a libssh session (in the
 * caller's thread) and serve it on a new detached thread. fd is owned by
 * this call from then on (closed on every failure path). 0 or -1. */
int	ssh_conn_spawn(ssh_bind, int fd, const char *peer);

/* ssh_bridge.c: run sh_session_run() on a socketpair bridged to c->chan
 * until the shell ends (returns 0, the exit status) or the client, the
 * bridge or the server goes away (-1). Creates and joins the shell
 * thread; c->sv is closed later by the caller's cleanup. */
int	ssh_bridge_run(struct conn *c);

/* ssh.c: 1 once ssh_server_stop() has begun (or sh_stopping()). */
int	ssh_srv_stopping(void);
/* ssh.c: a connection thread (or a failed spawn) has finished. */
void	ssh_srv_conn_done(void);

#endif
