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

int
file_write_atomic(const char *path, const void *buf, size_t len, mode_t mode,
    struct err *e)
{
	char tmp[4096];
	const char *p = buf;
	ssize_t n;
	int fd;

	static _Atomic unsigned long seq;

	if (snprintf(tmp, sizeof(tmp), "%s.tmp.%ld.%lu", path, (long)getpid(),
	    ++seq) >= (int)sizeof(tmp))
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
	if (rename(tmp, path) < 0) {
		fd = -1;
		goto fail;
	}
	fsync_dir(path);
	return 0;
fail:
	err_set(e, E_IO, "%s: %s", path, strerror(errno));
	if (fd >= 0)
		close(fd);
	unlink(tmp);
	return -1;
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
