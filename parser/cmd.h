/* parser/cmd.h - declarative IOS command tables, modes and arguments.
 *
 * A command is a syntax string plus a handler, e.g.
 *   { M(MODE_TP), 15, "enrollment url URL", NULL, cmd_tp_enroll_url, CMD_NO }
 * Tokens: lower-case keywords; placeholders WORD, LINE (rest of line),
 * URL, <a-b> (integer range), A.B.C.D, X:X::X, HH:MM:SS; "$var" names a
 * placeholder's value (default: the keyword before it). Groups:
 * [ x ] optional, { a | b } alternatives, {* [x] [y] *} optional groups
 * in any order. Help: a keyword dictionary, overridden per command by
 * "token=help" lines in .help. CMD_NO also installs "no <keywords>" and
 * "no <syntax>"; the handler sees a->no. */
#ifndef PARSER_CMD_H
#define PARSER_CMD_H
#include <stddef.h>

struct vty;

enum mode {
	MODE_EXEC, MODE_CONFIG, MODE_IF, MODE_LINE, MODE_TP, MODE_CHAIN,
	MODE_CS, MODE__MAX
};
#define M(x)		(1u << (x))
#define M_CFGANY	(M(MODE_CONFIG) | M(MODE_IF) | M(MODE_LINE) | \
			 M(MODE_TP) | M(MODE_CHAIN) | M(MODE_CS))
#define M_SUB		(M_CFGANY & ~M(MODE_CONFIG))

#define CMD_NO		0x01	/* also install the `no` form */
#define CMD_NOONLY	0x02	/* only the `no` form */
#define CMD_HIDDEN	0x04	/* not shown in help */

#define ARGS_MAX	64

struct arg {
	const char	*kw;	/* keyword text (full), or NULL for a value */
	const char	*var;	/* placeholder name, or NULL */
	const char	*val;	/* the word as typed (points into args.buf) */
};

struct args {
	int		 no;		/* `no` form */
	int		 n;
	struct arg	 a[ARGS_MAX];
	char		 buf[4096];	/* words live here */
	const char	*line;		/* the whole command as typed */
};

typedef int (*cmd_fn)(struct vty *, struct args *);

struct cmd_def {
	unsigned	 modes;		/* M(...) mask */
	int		 priv;		/* 0, 1 or 15 */
	const char	*syntax;
	const char	*help;		/* "token=help\n..." or NULL */
	cmd_fn		 fn;
	unsigned	 flags;
};

/* Install a table (terminated by .syntax == NULL), then freeze the graph
 * (the first parse would); both before sessions start. */
void		 cmd_install(const struct cmd_def *);
void		 cmd_freeze(void);
void		 cmd_free_all(void);

/* Value of placeholder var, or NULL. */
const char	*args_get(const struct args *, const char *var);
/* 1 when the keyword was given. */
int		 args_has(const struct args *, const char *kw);
long		 args_int(const struct args *, const char *var, long dflt);

struct mode_info {
	const char	*prompt;	/* "(config)", "(ca-trustpoint)", "" */
	enum mode	 parent;
};
const struct mode_info *mode_get(enum mode);

/* Result of parsing one line in a mode at a privilege. */
enum parse_rc { P_OK, P_EMPTY, P_INVALID, P_INCOMPLETE, P_AMBIGUOUS };
struct parse {
	enum parse_rc	 rc;
	const struct cmd_def *cmd;
	size_t		 err_col;	/* caret column within the line */
	char		 amb[128];	/* ambiguous text */
	enum mode	 mode;		/* mode the command was found in */
};
/* Parse (no execution). Tries parent modes for config sub-modes, as IOS
 * does, when the line is invalid in the current mode. */
void	 cmd_parse(const char *line, enum mode, int priv, struct parse *,
	    struct args *);
/* `?` help for the partial line; output through out(). */
typedef void (*cmd_out_fn)(void *, const char *);
void	 cmd_help(const char *line, enum mode, int priv, cmd_out_fn, void *);
/* TAB: returns malloc'd completed line, or NULL if nothing unique. */
char	*cmd_complete(const char *line, enum mode, int priv);

#endif
