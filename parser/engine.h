/* parser/engine.h - part-internal view of the command graph */
#ifndef PARSER_ENGINE_H
#define PARSER_ENGINE_H
#include "parser/cmd.h"
#include "parser/syntax.h"

/*
 * A node of the frozen graph (parser/build.c). Strings are pooled or
 * literals; equal subtrees are one node (the graph is a DAG, read-only).
 * kids[0..nkw) are the keywords, sorted case-insensitively; the
 * placeholders follow in the order the tables installed them (the first
 * one that accepts a word wins, as its help does when two share a name).
 */
struct node {
	const char	*text;
	const char	*var;
	const char	*help;
	const struct cmd_def *cmd;	/* a command ends here */
	const struct node *const *kids;
	int		 lo, hi;	/* T_RANGE */
	unsigned short	 nkids, nkw;
	unsigned char	 type;		/* enum tok_type */
	signed char	 minpriv;
	unsigned char	 hidden;
};

enum step_rc { S_OK, S_INVALID, S_AMBIGUOUS };

const struct node *engine_root(enum mode);
int		 node_accepts(const struct node *, const char *, size_t);
enum step_rc	 engine_step(const struct node *, const char *, size_t, int,
		    const struct node **, size_t *bad);
const char	*kw_help(const char *);		/* parser/kwhelp.c */

#endif
