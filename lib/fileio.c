#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "fileio.h"

static int
fsync_dir(const char *path)
{
	char *d = strdup(path);
	int fd, rc = 0;

	if (d == NULL)
		return -1;
	if ((fd = open(dirname(d), O_RDONLY | O_DIRECTORY)) >= 0) {
		rc = fsync(fd);
		close(fd);
	}
	free(d);
	return rc;
}

/* Write buf to a new temporary file next to path and fsync it; its name
 * in tmp. -1 with errno set (nothing left behind). */
static int
write_tmp(const char *path, const void *buf, size_t len, mode_t mode,
    char *tmp, size_t tmplen, struct err *e)
{
	static _Atomic unsigned long seq;
	const char *p = buf;
	ssize_t n;
	int fd, saved;

	if (snprintf(tmp, tmplen, "%s.tmp.%ld.%lu", path, (long)getpid(),
	    ++seq) >= (int)tmplen)
		return err_set(e, E_INVAL, "path too long");
	if ((fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode)) < 0)
		return err_set(e, E_IO, "%s: %s", path, strerror(errno));
	fchmod(fd, mode);
	while (len > 0) {
		if ((n = write(fd, p, len)) < 0) {
			if (errno == EINTR)
				continue;
			goto fail;
		}
		p += n;
		len -= (size_t)n;
	}
	if (fsync(fd) < 0)
		goto fail;
	if (close(fd) < 0) {
		fd = -1;
		goto fail;
	}
	return 0;
fail:
	saved = errno;
	if (fd >= 0)
		close(fd);
	unlink(tmp);
	return err_set(e, E_IO, "%s: %s", path, strerror(saved));
}

/*
 * Replace the n files path[i] (all in one directory) with buf[i]: every
 * temporary file is written and synced first, then each is renamed over
 * its path in order, and the directory is synced once for all of them.
 * A failure before the renames leaves every path as it was.
 */
int
file_write_atomic_n(size_t n, const char *const *path,
    const void *const *buf, const size_t *len, mode_t mode, struct err *e)
{
	char tmp[FILEIO_MAX_N][4096];
	size_t i, done;

	if (n == 0 || n > FILEIO_MAX_N)
		return err_set(e, E_INVAL, "file_write_atomic_n: %zu files", n);
	for (done = 0; done < n; done++)
		if (write_tmp(path[done], buf[done], len[done], mode,
		    tmp[done], sizeof(tmp[done]), e) == -1)
			goto fail;
	for (i = 0; i < n; i++)
		if (rename(tmp[i], path[i]) < 0) {
			err_set(e, E_IO, "%s: %s", path[i], strerror(errno));
			for (; i < n; i++)
				unlink(tmp[i]);
			return -1;
		}
	fsync_dir(path[0]);
	return 0;
fail:
	for (i = 0; i < done; i++)
		unlink(tmp[i]);
	return -1;
}

int
file_write_atomic(const char *path, const void *buf, size_t len, mode_t mode,
    struct err *e)
{
	return file_write_atomic_n(1, &path, &buf, &len, mode, e);
}

char *
file_read(const char *path, size_t max, size_t *lenp, struct err *e)
{
	FILE *f;
	char *buf = NULL;
	size_t len = 0, cap = 0, n;

	if ((f = fopen(path, "rb")) == NULL) {
		err_set(e, errno == ENOENT ? E_NOTFOUND : E_IO, "%s: %s", path,
		    strerror(errno));
		return NULL;
	}
	for (;;) {
		if (cap - len < 4096) {
			char *nb;
			cap = cap ? cap * 2 : 8192;
			if ((nb = realloc(buf, cap + 1)) == NULL) {
				err_set(e, E_NOMEM, "out of memory");
				goto fail;
			}
			buf = nb;
		}
		n = fread(buf + len, 1, cap - len, f);
		len += n;
		if (len > max) {
			err_set(e, E_INVAL, "%s: file too large", path);
			goto fail;
		}
		if (n == 0)
			break;
	}
	if (ferror(f)) {
		err_set(e, E_IO, "%s: read error", path);
		goto fail;
	}
	fclose(f);
	if (buf == NULL && (buf = malloc(1)) == NULL)
		return NULL;
	buf[len] = '\0';
	if (lenp)
		*lenp = len;
	return buf;
fail:
	fclose(f);
	free(buf);
	return NULL;
}

int
file_mkdirs(const char *dir, mode_t mode, struct err *e)
{
	char buf[4096], *p;

	if (snprintf(buf, sizeof(buf), "%s", dir) >= (int)sizeof(buf))
		return err_set(e, E_INVAL, "path too long");
	for (p = buf + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(buf, mode) < 0 && errno != EEXIST)
			return err_set(e, E_IO, "%s: %s", buf, strerror(errno));
		*p = '/';
	}
	if (mkdir(buf, mode) < 0 && errno != EEXIST)
		return err_set(e, E_IO, "%s: %s", buf, strerror(errno));
	return 0;
}
