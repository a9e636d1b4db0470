/* parser/pool.h - part-internal: storage for the command graph.
 * An arena hands out memory that is freed all at once; the string pool
 * keeps each distinct keyword, placeholder name and help text once. */
#ifndef PARSER_POOL_H
#define PARSER_POOL_H
#include <stddef.h>

struct chunk;
struct arena {
	struct chunk	*head;
	size_t		 csize;		/* bytes per chunk (more if asked) */
};

void		*arena_alloc(struct arena *, size_t);	/* zeroed, aligned */
void		 arena_free(struct arena *);
/* Everything handed out is dropped; the newest chunk is kept for reuse. */
void		 arena_reset(struct arena *);

/* The pooled copy of s[0..n) (NUL-terminated); equal strings get the same
 * pointer, so the graph compares them by address. */
const char	*str_intern(const char *s, size_t n);
/* Drop the look-up index (the strings stay); rebuilt on the next intern. */
void		 str_index_drop(void);
void		 str_pool_free(void);

#endif
