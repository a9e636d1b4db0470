/* parser/vty.h - a session as command handlers see it (FRR's vty).
 *
 * struct vty is defined and owned by shell/ (shell/shell_int.h); to the
 * parser it is opaque. The parser declares here what it needs from a
 * session and shell/ implements it: a declared-by-parser, implemented-by-
 * shell seam resolved at link time. There is one implementation only, so
 * a table of callbacks would add an indirection and a registration step
 * for nothing, while plain prototypes let the compiler check shell/'s
 * definitions against them (shell/ includes this header) and keep the
 * include arrows pointing down: shell -> parser. One per session, touched
 * only by its thread unless said otherwise. */
#ifndef PARSER_VTY_H
#define PARSER_VTY_H
#include <stddef.h>
#include "parser/cmd.h"

struct vty;

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

/* Session state. */
enum mode	 vty_mode(const struct vty *);
const char	*vty_ctx(const struct vty *);	/* sub-mode object, by name */
int		 vty_priv(const struct vty *);
void		 vty_set_priv(struct vty *, int);
/* Replaying a configuration: no prompts, dialogs or echo. */
int		 vty_noecho(const struct vty *);
/* A one-shot command (SSH exec), not a line. */
int		 vty_exec_only(const struct vty *);
int		 vty_on_console(const struct vty *);
const char	*vty_user(const struct vty *);	/* "" when none */
/* A % error was printed in the current command; vty_fail() marks it
 * without printing. */
int		 vty_failed(const struct vty *);
void		 vty_fail(struct vty *);
void		 vty_close(struct vty *);	/* leave after this command */
void		 vty_set_length(struct vty *, int lines);	/* `terminal` */
void		 vty_set_width(struct vty *, int columns);
void		 vty_set_monitor(struct vty *, int on);	/* any thread reads */
/* `do LINE`: run line in exec mode at the same privilege and come back
 * to the current mode; shift = columns of "do " for the caret. */
int		 vty_do(struct vty *, const char *line, size_t shift);
/* Configuration mode left (`end`, `exit`, ^Z): %SYS-5-CONFIG_I. */
void		 vty_config_done(struct vty *);
/* The state directory (startup-config lives there). */
const char	*vty_state_dir(void);

/* One session as `show users` and `show terminal` see it. */
struct vty_info {
	const struct vty *vty;
	int		 line;		/* absolute: con 0 = 0, vty N = N + 2 */
	const char	*line_name;	/* "con 0", "vty 3" */
	const char	*user;
	const char	*peer;
	const char	*kind;		/* "telnet", "ssh" or "" */
	long		 idle;		/* seconds since the last input */
	int		 term_len, term_width;
	int		 monitor;
	int		 exec_timeout;	/* seconds, 0 = none */
	int		 exec_only;	/* a one-shot SSH exec, not a line */
};
void	vty_info(const struct vty *, struct vty_info *);
/* fn for every live session, under the registry lock (fn must not call
 * back into the registry); the strings are valid during the call. */
void	vty_foreach(void (*fn)(const struct vty_info *, void *), void *);

#endif
