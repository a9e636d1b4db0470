/* shell/shell.h - sessions over any byte stream (console, telnet, SSH) */
#ifndef SHELL_SHELL_H
#define SHELL_SHELL_H
#include <stddef.h>
#include "lib/err.h"

enum sh_transport { SH_CONSOLE, SH_TELNET, SH_SSH };

struct sh_origin {
	enum sh_transport	 transport;
	const char		*user;		/* pre-authenticated (SSH), or NULL */
	int			 privilege;	/* of that user */
	const char		*peer;		/* "127.0.0.1" */
	int			 interactive;	/* a terminal (pty/tty/telnet) */
	int			 telnet_options;/* negotiate telnet on the fd */
};

/* Run one session on a bidirectional stream fd until the user leaves or
 * the fd closes. Does not close fd. Blocking; call from its own thread. */
void	sh_session_run(int fd, const struct sh_origin *);
/* Run one command line (SSH exec). Output goes to out(ctx, buf, len).
 * Returns the exit status: 0, or 1 after a `%` error. */
typedef void (*sh_write_fn)(void *ctx, const char *, size_t);
int	sh_exec(const char *line, const struct sh_origin *, sh_write_fn, void *);
/* Password check for vty/SSH logins against `username` configuration.
 * 0 and *priv on success, -1 on failure. Thread-safe. */
int	sh_auth_password(const char *user, const char *pass, int *priv);
/* Count a failed login attempt for logging (%SEC_LOGIN-4-LOGIN_FAILED). */
void	sh_auth_failed(const char *user, const char *peer, const char *reason);
/* 1 while the daemon is shutting down. */
int	sh_stopping(void);
/* state dir (for host keys). */
const char *sh_state_dir(void);
/* Whether `transport input` allows ssh/telnet (1/0). */
int	sh_transport_allowed(enum sh_transport);

/* shell/daemon.c */
void	sh_set_state_dir(const char *);
void	sh_stop(void);
int	sh_load_startup(void);
int	sh_replay(const char *text, size_t len, const char *what);
int	console_run(void);
int	telnet_server_start(const char *addr, int port, struct err *);
void	telnet_server_stop(void);

/* shell/ssh.c */
int	ssh_server_start(const char *addr, int port, struct err *);
void	ssh_server_stop(void);

#endif
