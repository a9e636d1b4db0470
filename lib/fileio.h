/* lib/fileio.h - whole-file reads and atomic writes (temp + fsync + rename) */
#ifndef LIB_FILEIO_H
#define LIB_FILEIO_H
#include <stddef.h>
#include <sys/types.h>
#include "err.h"

int	 file_write_atomic(const char *path, const void *, size_t, mode_t,
	    struct err *);
#define FILEIO_MAX_N	4
/* Several files of one directory as one change: all temporary files
 * written and synced, then renamed in order, then one directory sync
 * (not one per file). A failure before the renames changes none. */
int	 file_write_atomic_n(size_t n, const char *const *path,
	    const void *const *buf, const size_t *len, mode_t,
	    struct err *);
/* NUL-terminated malloc'd contents; fails if larger than max. */
char	*file_read(const char *path, size_t max, size_t *len, struct err *);
int	 file_mkdirs(const char *dir, mode_t, struct err *);

#endif
