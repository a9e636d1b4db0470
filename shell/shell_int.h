/* shell/shell_int.h - part-internal declarations of shell/ */
#ifndef SHELL_INT_H
#define SHELL_INT_H
#include <pthread.h>
#include <regex.h>
#include <time.h>
#include "parser/parser.h"
#include "shell/shell.h"

enum filt { F_NONE, F_INCLUDE, F_EXCLUDE, F_BEGIN, F_SECTION, F_COUNT,
	F_JSON };

struct vty_filter {
	enum filt	 type;
	regex_t		 re;
	int		 active;	/* begin: matched already */
	long		 count;
	char		**sect;		/* section: buffered lines */
	size_t		 nsect;
	int		 sect_match;
	int		 json_done;	/* json: a document went out */
};

/* A session: defined here, opaque to parser/ (parser/vty.h declares what
 * command handlers may do with one, implemented in shell/vty_api.c). */
struct vty {
	/* transport */
	int		 in_fd, out_fd;
	enum sh_transport transport;
	int		 interactive;	/* a terminal: pager, --More-- */
	int		 telnet;	/* IAC processing on input */
	int		 crlf;		/* "\n" -> "\r\n" on output */
	sh_write_fn	 wfn;		/* exec mode: output sink */
	void		*wctx;
	/* who and where */
	char		 user[64];
	char		 peer[64];
	char		 line_name[16];	/* "con 0", "vty 3" */
	int		 line_no;
	time_t		 login_time;
	time_t		 last_input;	/* monotonic seconds (sh_mono) */
	/* CLI state */
	enum mode	 mode;
	char		 ctx[128];	/* sub-mode object, by name */
	int		 priv;
	int		 term_len, term_width;
	int		 len_set;	/* `terminal length` given: NAWS
					   no longer changes term_len */
	int		 monitor;
	int		 failed;	/* a % error in the current command */
	int		 closing;	/* leave after this command */
	int		 dead;		/* the peer went away */
	int		 exec_timeout;	/* seconds, 0 = none */
	time_t		 deadline;	/* sh_mono() when the line being read
					   must be complete (login), 0 none */
	size_t		 caret_shift;	/* columns before the parsed text:
					   prompt, and `do ` */
	/* output */
	char		 wbuf[4096];	/* bytes not yet written to out_fd */
	size_t		 wlen;
	char		*obuf;		/* partial line */
	size_t		 olen, ocap;
	struct vty_filter f;
	int		 pg_lines, pg_quit;
	/* input */
	const char	*in_mem;	/* replay: input from memory */
	size_t		 in_memlen, in_mempos;
	int		 noecho;	/* replay: no prompts or echo */
	long		 lines_read;
	unsigned char	 ibuf[4096];
	size_t		 ilen, ipos;
	int		 last_cr;
	char		*hist[64];
	int		 nhist;
	/* async messages (queued by any thread, drained by this one) */
	pthread_mutex_t	 qmu;
	char		**q;
	size_t		 qn;
	int		 sink_id;
	struct vty	*next;		/* session registry */
	int		 id;
};

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
