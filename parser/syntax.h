/* parser/syntax.h - part-internal: syntax strings to token sequences */
#ifndef PARSER_SYNTAX_H
#define PARSER_SYNTAX_H
#include <stddef.h>

enum tok_type { T_KW, T_WORD, T_LINE, T_URL, T_RANGE, T_IPV4, T_IPV6,
	T_TIME };

struct tspec {
	enum tok_type	 type;
	const char	*text;		/* keyword or placeholder text (pooled) */
	const char	*var;		/* "$name" (pooled), or NULL */
	long		 lo, hi;	/* T_RANGE */
	const char	*help;		/* set by the graph builder */
	int		 help_set;
};

struct tseq {
	struct tspec	**t;		/* in the expansion's arena */
	size_t		 n;
};

struct arena;

/* Expand; *out (the array of sequences), their token arrays and the tokens
 * are allocated from mem and live as long as it does. The tokens' strings
 * are in the string pool (parser/pool.h) and outlive them. */
int	syntax_expand(const char *, struct arena *mem, struct tseq **out,
	    size_t *n);

#endif
