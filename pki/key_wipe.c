/* pkish - BSD-2-Clause */
/*
 * DOC: pki/key_wipe - destroying key files: overwrite with zeros, sync,
 * unlink. The sync is what makes the overwrite reach the disk before the
 * blocks are freed, and on a busy disk it and the unlink after it cost
 * milliseconds, so a key that has just been replaced (the old key of a
 * renewal) can be destroyed in the background: key_zeroize_bg() takes it
 * out of the store at once (renamed to a hidden ".wipe-" name that no
 * label can take and key_list() skips) and a detached thread wipes it.
 * key_zeroize_drain() waits for those threads (at shutdown); a hidden
 * file left by a process that died first is wiped when the key store is
 * opened again (key_wipe_sweep_locked).
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "pki/key.h"
#include "pki/key_int.h"

#define WIPE_PREFIX	".wipe-"
#define WIPE_STACK	(64 * 1024)

static pthread_mutex_t	 wipe_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t	 wipe_cv = PTHREAD_COND_INITIALIZER;
static unsigned		 wipe_pending;		/* guarded by wipe_mu */
static unsigned		 wipe_seq;		/* guarded by the key store lock */

void
key_wipe_file(const char *path)
{
	static const char zero[512];
	struct stat st;
	off_t left;
	ssize_t w;
	int fd;

	if ((fd = open(path, O_WRONLY | O_CLOEXEC)) < 0)
		return;
	if (fstat(fd, &st) == 0) {
		for (left = st.st_size; left > 0; left -= w) {
			w = write(fd, zero, left < (off_t)sizeof(zero) ?
			    (size_t)left : sizeof(zero));
			if (w <= 0)
				break;
		}
		fsync(fd);
	}
	close(fd);
}

static void *
wipe_thread(void *arg)
{
	char *path = arg;

	key_wipe_file(path);
	unlink(path);
	free(path);
	pthread_mutex_lock(&wipe_mu);
	if (--wipe_pending == 0)
		pthread_cond_broadcast(&wipe_cv);
	pthread_mutex_unlock(&wipe_mu);
	return NULL;
}

/* Wipe and unlink path (malloc'd, taken) on a detached thread, or here
 * when none can be started. */
static void
wipe_later(char *path)
{
	pthread_attr_t	a;
	pthread_t	t;
	int		rc;

	pthread_mutex_lock(&wipe_mu);
	wipe_pending++;
	pthread_mutex_unlock(&wipe_mu);
	pthread_attr_init(&a);
	pthread_attr_setdetachstate(&a, PTHREAD_CREATE_DETACHED);
	pthread_attr_setstacksize(&a, WIPE_STACK);
	rc = pthread_create(&t, &a, wipe_thread, path);
	pthread_attr_destroy(&a);
	if (rc != 0)
		wipe_thread(path);
}

/*
 * Remove key label from the store now and destroy its file in the
 * background (see the DOC above). 0, or -1 with "e" set (E_NOTFOUND
 * when there is no such key); if the key cannot be moved aside it is
 * destroyed here, as key_zeroize() does.
 */
int
key_zeroize_bg(const char *label, struct err *e)
{
	char pem[PATH_MAX], meta[PATH_MAX], hid[PATH_MAX], *p;
	const char *dir;
	struct stat st;

	if (key_label_valid(label, e) == -1)
		return -1;
	key_lock();
	if ((dir = key_dir_locked(e)) == NULL ||
	    key_path(label, "pem", pem, sizeof(pem), e) == -1 ||
	    key_path(label, "meta", meta, sizeof(meta), e) == -1) {
		key_unlock();
		return -1;
	}
	if (stat(pem, &st) == -1) {
		key_unlock();
		return err_set(e, E_NOTFOUND, "Key pair %s does not exist",
		    label);
	}
	/* a name of its own: the same label may be replaced again before
	 * this wipe is done */
	if ((size_t)snprintf(hid, sizeof(hid), "%s/" WIPE_PREFIX "%u-%s.pem",
	    dir, ++wipe_seq, label) >= sizeof(hid) || rename(pem, hid) == -1) {
		key_unlock();
		return key_zeroize(label, e);
	}
	if ((p = strdup(hid)) == NULL) {
		key_wipe_file(hid);
		unlink(hid);
	}
	key_cache_drop_locked(label);
	if (unlink(meta) == -1 && errno != ENOENT) {
		err_set(e, E_IO, "%s: %s", meta, strerror(errno));
		key_unlock();
		if (p != NULL)
			wipe_later(p);
		return -1;
	}
	key_unlock();
	if (p != NULL)
		wipe_later(p);
	return 0;
}

/* Wait until every background wipe is done. */
void
key_zeroize_drain(void)
{
	pthread_mutex_lock(&wipe_mu);
	while (wipe_pending > 0)
		pthread_cond_wait(&wipe_cv, &wipe_mu);
	pthread_mutex_unlock(&wipe_mu);
}

/* Wipe what a process that died before its background wipes left in
 * dir (the key store's, lock held). */
void
key_wipe_sweep_locked(const char *dir)
{
	char		 path[PATH_MAX];
	struct dirent	*de;
	DIR		*d;

	if ((d = opendir(dir)) == NULL)
		return;
	while ((de = readdir(d)) != NULL) {
		if (strncmp(de->d_name, WIPE_PREFIX, strlen(WIPE_PREFIX)) != 0 ||
		    (size_t)snprintf(path, sizeof(path), "%s/%s", dir,
		    de->d_name) >= sizeof(path))
			continue;
		key_wipe_file(path);
		unlink(path);
	}
	closedir(d);
}
