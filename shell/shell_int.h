/* shell/shell_int.h - part-internal declarations of shell/ */
#ifndef SHELL_INT_H
#define SHELL_INT_H
#include "parser/vty.h"

#define LE_EDIT		0x01	/* history, ?, TAB, ^Z */
#define LE_NOECHO	0x02

/* vty_out.c */
void	vty_raw_write(struct vty *, const char *, size_t);	/* buffered */
void	vty_sync(struct vty *);		/* buffered bytes to the peer */
void	vty_term_write(struct vty *, const char *, size_t);
void	vty_puts(struct vty *, const char *);	/* unfiltered */
/* "include REGEX" etc. after a '|': 0 set, -3 incomplete, -1 invalid
 * with *bad = offset of the first bad character in spec. */
int	vty_filter_set(struct vty *, const char *spec, size_t *bad);
void	vty_filter_end(struct vty *);
/* vty_in.c */
int	vty_getbyte(struct vty *, int timeout_ms);	/* -1 EOF, -2 timeout */
int	vty_getkey(struct vty *, int timeout_ms);
int	vty_waitkey(struct vty *);	/* pager key, -1 EOF/stop/timeout */
void	vty_telnet_start(struct vty *);
/* lineedit.c: 0 line, -1 EOF or shutdown, -2 exec-timeout, -3 ^C, -4 ^Z,
 * -5 line longer than the buffer (discarded) */
#define SH_LINE_MAX	4096	/* command line buffer, NUL included */
int	le_readline(struct vty *, const char *prompt, char *, size_t, int);
/* session.c */
time_t	sh_mono(void);			/* monotonic seconds */
struct vty *vty_new(int in_fd, int out_fd, const struct sh_origin *);
void	vty_free(struct vty *);
int	sh_execute(struct vty *, const char *line);	/* 0 / -1 */
int	sh_execute_inner(struct vty *, const char *line); /* no filters */
void	sh_prompt(struct vty *, char *, size_t);
void	sh_config_done(struct vty *);
void	sh_console_loop(struct vty *);	/* the read-eval loop */
void	vty_log_sink(void *, int, const char *);
void	sh_foreach(void (*)(struct vty *, void *), void *);
/* registry of live sessions (show users, broadcast) */
void	sh_register(struct vty *);
void	sh_unregister(struct vty *);
/* telnet.c, console.c */
int	telnet_server_start(const char *addr, int port, struct err *);
void	telnet_server_stop(void);
int	console_run(void);

#endif
