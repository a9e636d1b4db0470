/* parser/vty.h - a session as command handlers see it (FRR's vty).
 * Implemented in shell/; one per session, touched only by its thread. */
#ifndef PARSER_VTY_H
#define PARSER_VTY_H
#include <pthread.h>
#include <regex.h>
#include <stddef.h>
#include <time.h>
#include "parser/cmd.h"
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

void	vty_out(struct vty *, const char *, ...)
	    __attribute__((format(printf, 2, 3)));
void	vty_write(struct vty *, const char *, size_t);	/* through filters */
/* `| json` was given: the command prints one JSON document with
 * vty_json_write() instead of its text (text it writes is dropped, and a
 * command that writes no document gets a % error). */
int	vty_json(const struct vty *);
void	vty_json_write(struct vty *, const char *doc);
/* "% msg" (IOS error line), marks the command failed. */
void	vty_err(struct vty *, const char *, ...)
	    __attribute__((format(printf, 2, 3)));
/* Partial line out (unfiltered), then everything buffered to the peer. */
void	vty_flush(struct vty *);
/* Raw line input for dialogs and pastes. echo 0 for passwords.
 * 0 ok, -1 EOF, -2 timeout, -3 Ctrl-C, -5 line longer than the buffer
 * (discarded). */
int	vty_read_line(struct vty *, const char *prompt, char *, size_t,
	    int echo);
/* "[yes/no]: " style question; dflt used on empty answer (-1 = none:
 * ask again). Returns 1 yes, 0 no, -1 EOF/abort. */
int	vty_confirm(struct vty *, const char *question, int dflt);
/* Read pasted lines until a line "quit" (or blank line when
 * blank_ends); returns malloc'd text with '\n' line ends, or NULL on
 * EOF/abort/size. */
char	*vty_read_paste(struct vty *, size_t max, int blank_ends);
void	vty_set_mode(struct vty *, enum mode, const char *ctx);
/* Queue an async line (any thread). */
void	vty_post(struct vty *, const char *);
/* Print and clear queued lines (own thread). */
int	vty_drain(struct vty *);

#endif
