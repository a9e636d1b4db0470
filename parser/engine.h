/* parser/engine.h - part-internal view of the command graph */
#ifndef PARSER_ENGINE_H
#define PARSER_ENGINE_H
#include "parser/cmd.h"
#include "parser/syntax.h"

struct node {
	enum tok_type	 type;
	const char	*text;		/* borrowed from the token list */
	const char	*var;		/* borrowed */
	const char	*help;		/* owned */
	long		 lo, hi;
	int		 minpriv;
	int		 hidden;
	const struct cmd_def *cmd;	/* a command ends here */
	struct node	**kids;
	size_t		 nkids;
};

enum step_rc { S_OK, S_INVALID, S_AMBIGUOUS };

struct node	*engine_root(enum mode);
int		 node_accepts(const struct node *, const char *, size_t);
enum step_rc	 engine_step(const struct node *, const char *, size_t, int,
		    const struct node **, size_t *bad);
char		*kw_help(const char *);		/* parser/kwhelp.c */

#endif
