/* pkish - BSD-2-Clause */
/*
 * DOC: keystore directory operations
 * Listing, zeroizing and renaming keys in the keystore directory. Every
 * operation runs under the keystore lock (pki/key_int.h). Zeroize overwrites
 * the key file with zeros before unlinking it; rename moves the key file and
 * then its metadata with rename(2), undoing the first move if the second
 * fails.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "pki/key.h"
#include "pki/key_int.h"

static int
ki_cmp(const void *a, const void *b)
{
	return strcmp(((const struct key_info *)a)->label,
	    ((const struct key_info *)b)->label);
}

/*
 * All keys, sorted by label. *out is malloc'd (NULL when *n == 0).
 * Returns 0 or -1.
 */
int
key_list(struct key_info **out, size_t *n, struct err *e)
{
	struct key_info *v = NULL, *nv;
	struct dirent *de;
	DIR *d = NULL;
	size_t cnt = 0, cap = 0, l;
	const char *dir;
	char label[128];
	int rc = -1;

	*out = NULL;
	*n = 0;
	key_lock();
	if ((dir = key_dir_locked(e)) == NULL)
		goto out;
	if ((d = opendir(dir)) == NULL) {
		err_set(e, E_IO, "%s: %s", dir, strerror(errno));
		goto out;
	}
	while ((de = readdir(d)) != NULL) {
		l = strlen(de->d_name);
		if (l <= 4 || l - 4 >= sizeof(label) ||
		    strcmp(de->d_name + l - 4, ".pem") != 0)
			continue;
		memcpy(label, de->d_name, l - 4);
		label[l - 4] = '\0';
		if (key_label_valid(label, NULL) == -1)
			continue;
		if (cnt == cap) {
			cap = cap ? cap * 2 : 8;
			if ((nv = realloc(v, cap * sizeof(*v))) == NULL) {
				err_set(e, E_NOMEM, "out of memory");
				goto out;
			}
			v = nv;
		}
		if (key_info_locked(label, &v[cnt], e) == -1)
			goto out;
		cnt++;
	}
	if (cnt > 0)
		qsort(v, cnt, sizeof(*v), ki_cmp);
	*out = v;
	*n = cnt;
	v = NULL;
	rc = 0;
 out:
	if (d != NULL)
		closedir(d);
	key_unlock();
	free(v);
	return rc;
}

/* Remove key and metadata (the key file is overwritten first). */
int
key_zeroize(const char *label, struct err *e)
{
	char pem[PATH_MAX], meta[PATH_MAX];
	struct stat st;
	int rc = -1;

	if (key_label_valid(label, e) == -1)
		return -1;
	key_lock();
	if (key_path(label, "pem", pem, sizeof(pem), e) == -1 ||
	    key_path(label, "meta", meta, sizeof(meta), e) == -1)
		goto out;
	if (stat(pem, &st) == -1) {
		err_set(e, E_NOTFOUND, "Key pair %s does not exist", label);
		goto out;
	}
	key_cache_drop_locked(label);
	key_wipe_file(pem);
	if (unlink(pem) == -1) {
		err_set(e, E_IO, "%s: %s", pem, strerror(errno));
		goto out;
	}
	if (unlink(meta) == -1 && errno != ENOENT) {
		err_set(e, E_IO, "%s: %s", meta, strerror(errno));
		goto out;
	}
	rc = 0;
 out:
	key_unlock();
	return rc;
}

/* Rename both files (rename(2) each); E_EXISTS if "to" is taken. */
int
key_rename(const char *from, const char *to, struct err *e)
{
	char fp[PATH_MAX], tp[PATH_MAX], fm[PATH_MAX], tm[PATH_MAX];
	struct stat st;
	int rc = -1;

	if (key_label_valid(from, e) == -1 || key_label_valid(to, e) == -1)
		return -1;
	if (strcmp(from, to) == 0)
		return key_exists(from) ? 0 :
		    err_set(e, E_NOTFOUND, "Key pair %s does not exist", from);
	key_lock();
	if (key_path(from, "pem", fp, sizeof(fp), e) == -1 ||
	    key_path(to, "pem", tp, sizeof(tp), e) == -1 ||
	    key_path(from, "meta", fm, sizeof(fm), e) == -1 ||
	    key_path(to, "meta", tm, sizeof(tm), e) == -1)
		goto out;
	if (stat(fp, &st) == -1) {
		err_set(e, E_NOTFOUND, "Key pair %s does not exist", from);
		goto out;
	}
	if (stat(tp, &st) == 0) {
		err_set(e, E_EXISTS, "Key pair %s already exists", to);
		goto out;
	}
	key_cache_drop_locked(from);
	key_cache_drop_locked(to);
	if (rename(fp, tp) == -1) {
		err_set(e, E_IO, "%s: %s", fp, strerror(errno));
		goto out;
	}
	if (rename(fm, tm) == -1 && errno != ENOENT) {
		err_set(e, E_IO, "%s: %s", fm, strerror(errno));
		rename(tp, fp);			/* undo */
		goto out;
	}
	rc = 0;
 out:
	key_unlock();
	return rc;
}
