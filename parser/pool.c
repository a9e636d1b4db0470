/* parser/pool.c - arenas and the string pool of the command graph.
 * Start-up only (single-threaded); the strings are read-only afterwards. */
#include <stdlib.h>
#include <string.h>
#include "parser/pool.h"

struct chunk {
	struct chunk	*next;
	size_t		 used, cap;
	max_align_t	 data[];
};

/* n bytes at the end of the newest chunk, or of a new one. Strings are
 * packed without padding; arena_alloc() asks for whole pointer sizes. */
static void *
room(struct arena *a, size_t n)
{
	struct chunk *c = a->head;
	void *p;

	if (c == NULL || c->cap - c->used < n) {
		size_t cap = n > a->csize ? n : a->csize;
		if ((c = malloc(sizeof(*c) + cap)) == NULL)
			abort();	/* start-up: nothing to fall back to */
		c->next = a->head;
		c->used = 0;
		c->cap = cap;
		a->head = c;
	}
	p = (char *)c->data + c->used;
	c->used += n;
	return p;
}

void *
arena_alloc(struct arena *a, size_t n)
{
	size_t al = sizeof(void *);	/* the graph holds pointers and ints */

	return memset(room(a, (n + al - 1) / al * al), 0, n);
}

void
arena_free(struct arena *a)
{
	struct chunk *c, *next;

	for (c = a->head; c; c = next) {
		next = c->next;
		free(c);
	}
	a->head = NULL;
}

void
arena_reset(struct arena *a)
{
	struct chunk *keep = a->head;

	if (keep == NULL)
		return;
	a->head = keep->next;
	arena_free(a);
	keep->next = NULL;
	keep->used = 0;
	a->head = keep;
}

/* Strings are packed end to end in the pool's chunks; the index is an
 * open-addressing set of pointers into them, in chunks of its own that
 * malloc maps apart from the heap (the outgrown tables stay there until
 * str_index_drop()), so dropping it leaves no hole among the strings. */
static struct arena strs = { NULL, 8192 - 64 };
static struct arena idxmem = { NULL, 256 * 1024 - 64 };
static const char **idx;
static size_t idx_cap, idx_n;

static size_t
hash(const char *s, size_t n)
{
	size_t h = 2166136261u;

	for (size_t i = 0; i < n; i++)
		h = (h ^ (unsigned char)s[i]) * 16777619u;
	return h;
}

static const char **
slot(const char *s, size_t n)
{
	size_t i = hash(s, n) & (idx_cap - 1);

	while (idx[i] && (strncmp(idx[i], s, n) != 0 || idx[i][n] != '\0'))
		i = (i + 1) & (idx_cap - 1);
	return &idx[i];
}

static void
idx_grow(void)
{
	const char **old = idx;
	size_t ocap = idx_cap;

	idx_cap = idx_cap ? 2 * idx_cap : 1024;
	idx = arena_alloc(&idxmem, idx_cap * sizeof(*idx));
	for (size_t i = 0; i < ocap; i++)
		if (old[i])
			*slot(old[i], strlen(old[i])) = old[i];
}

/* After str_index_drop(): index the strings already in the pool. */
static void
idx_rebuild(void)
{
	idx_grow();
	for (struct chunk *c = strs.head; c; c = c->next)
		for (size_t off = 0; off < c->used; ) {
			const char *s = (const char *)c->data + off;
			size_t len = strlen(s);
			if (2 * (idx_n + 1) > idx_cap)
				idx_grow();
			*slot(s, len) = s;
			idx_n++;
			off += len + 1;
		}
}

const char *
str_intern(const char *s, size_t n)
{
	const char **sl;
	char *p;

	if (idx == NULL)
		idx_rebuild();
	if (2 * (idx_n + 1) > idx_cap)
		idx_grow();
	if (*(sl = slot(s, n)) != NULL)
		return *sl;
	p = room(&strs, n + 1);
	memcpy(p, s, n);
	p[n] = '\0';
	idx_n++;
	return *sl = p;
}

void
str_index_drop(void)
{
	arena_free(&idxmem);
	idx = NULL;
	idx_cap = idx_n = 0;
}

void
str_pool_free(void)
{
	str_index_drop();
	arena_free(&strs);
}
