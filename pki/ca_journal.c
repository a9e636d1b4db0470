/* pkish - ISC license, see LICENSE */
/*
 * pki/ca_journal.c - the certificate server's journal. A record is
 * le32 length, le32 CRC-32 (IEEE) of the payload, then the payload. A
 * crash can leave only the last record torn: replay stops at the first
 * record that is short or fails its CRC and cuts the file there.
 * Durability is group commit: an appender notes its end offset and
 * kicks the journal's syncer thread (started on the first kick), which
 * fdatasyncs everything written so far, again and again while callers
 * wait; a caller waits until a sync that began after its record was
 * written has ended. So a request's sync runs while it goes on with
 * work that need not wait for it (the SCEP CertRep's signature), and
 * concurrent requests share one fdatasync. Without the thread (it
 * could not be started) the waiting caller syncs itself. A failed
 * fdatasync leaves what it covered of unknown fate (the kernel may have
 * dropped the pages): from then on nothing not already durable is
 * reported durable, until the journal is opened again (replay decides).
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "lib/fileio.h"
#include "pki/ca_journal.h"

#define REC_MAX	(1u << 20)	/* longest record accepted */

struct journal {
	int		 fd;
	off_t		 written;	/* end of the last appended record */
	pthread_mutex_t	 sync_mu;	/* the fields below */
	pthread_cond_t	 cv;		/* a sync ended, or one is wanted */
	off_t		 synced;	/* durable up to here */
	off_t		 wanted;	/* the highest end a caller needs */
	int		 err;		/* errno of a failed sync, 0 none */
	int		 thread;	/* 1 running, -1 could not start */
	int		 stop;
	pthread_t	 tid;
};

uint32_t
journal_crc32(const unsigned char *p, size_t n)
{
	uint32_t c = 0xffffffffu;

	while (n--) {
		c ^= *p++;
		for (int k = 0; k < 8; k++)
			c = (c >> 1) ^ (0xedb88320u & (0u - (c & 1)));
	}
	return ~c;
}

static uint32_t
le32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	    (uint32_t)p[3] << 24;
}

static void
put32(unsigned char *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (unsigned char)(v >> (8 * i));
}

/* Replay buf; returns the length of the valid prefix. */
static size_t
replay(const unsigned char *buf, size_t len, journal_apply_fn fn, void *arg)
{
	size_t off = 0;
	uint32_t n;

	while (len - off >= 8) {
		n = le32(buf + off);
		if (n == 0 || n > REC_MAX || len - off - 8 < n ||
		    journal_crc32(buf + off + 8, n) != le32(buf + off + 4) ||
		    fn(arg, buf + off + 8, n) == -1)
			break;
		off += 8 + n;
	}
	return off;
}

struct journal *
journal_open(const char *path, journal_apply_fn fn, void *arg, struct err *e)
{
	struct journal *j;
	unsigned char *buf;
	size_t len = 0, good;

	if ((j = calloc(1, sizeof(*j))) == NULL)
		return err_set(e, E_NOMEM, "out of memory"), NULL;
	if ((j->fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600)) < 0) {
		err_set(e, E_IO, "%s: %s", path, strerror(errno));
		free(j);
		return NULL;
	}
	buf = (unsigned char *)file_read(path, (size_t)1 << 34, &len, e);
	if (buf == NULL) {
		close(j->fd);
		free(j);
		return NULL;
	}
	good = replay(buf, len, fn, arg);
	free(buf);
	if (good != len && (ftruncate(j->fd, (off_t)good) < 0 ||
	    fdatasync(j->fd) < 0)) {
		err_set(e, E_IO, "%s: %s", path, strerror(errno));
		journal_close(j);
		return NULL;
	}
	j->written = j->synced = (off_t)good;
	lseek(j->fd, j->written, SEEK_SET);
	pthread_mutex_init(&j->sync_mu, NULL);
	pthread_cond_init(&j->cv, NULL);
	return j;
}

void
journal_close(struct journal *j)
{
	if (j == NULL)
		return;
	pthread_mutex_lock(&j->sync_mu);
	j->stop = 1;
	pthread_cond_broadcast(&j->cv);
	pthread_mutex_unlock(&j->sync_mu);
	if (j->thread == 1)
		pthread_join(j->tid, NULL);
	close(j->fd);
	pthread_cond_destroy(&j->cv);
	pthread_mutex_destroy(&j->sync_mu);
	free(j);
}

int
journal_append(struct journal *j, const unsigned char *p, size_t n,
    off_t *end, struct err *e)
{
	unsigned char hdr[8];
	size_t done = 0, tot = n + 8;
	unsigned char *rec;
	ssize_t w;

	if (n == 0 || n > REC_MAX || (rec = malloc(tot)) == NULL)
		return err_set(e, E_NOMEM, "database: record too large");
	put32(hdr, (uint32_t)n);
	put32(hdr + 4, journal_crc32(p, n));
	memcpy(rec, hdr, 8);
	memcpy(rec + 8, p, n);
	while (done < tot) {
		w = pwrite(j->fd, rec + done, tot - done, j->written +
		    (off_t)done);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			err_set(e, E_IO, "database journal: %s",
			    w < 0 ? strerror(errno) : "short write");
			if (ftruncate(j->fd, j->written) < 0)
				(void)0;	/* replay cuts it off */
			free(rec);
			return -1;
		}
		done += (size_t)w;
	}
	free(rec);
	__atomic_store_n(&j->written, j->written + (off_t)tot,
	    __ATOMIC_RELEASE);
	*end = j->written;
	return 0;
}

/* One fdatasync of all written so far; sync_mu held, dropped meanwhile. */
static void
sync_once(struct journal *j)
{
	off_t upto = __atomic_load_n(&j->written, __ATOMIC_ACQUIRE);
	int rc, saved;

	pthread_mutex_unlock(&j->sync_mu);
	rc = fdatasync(j->fd);
	saved = errno;
	pthread_mutex_lock(&j->sync_mu);
	if (j->err == 0 && rc == 0 && upto > j->synced)
		j->synced = upto;
	else if (rc != 0 && j->err == 0)
		j->err = saved ? saved : EIO;
	pthread_cond_broadcast(&j->cv);
}

static void *
syncer(void *arg)
{
	struct journal *j = arg;

	pthread_mutex_lock(&j->sync_mu);
	while (!j->stop) {
		if (j->wanted > j->synced && j->err == 0)
			sync_once(j);
		else
			pthread_cond_wait(&j->cv, &j->sync_mu);
	}
	pthread_mutex_unlock(&j->sync_mu);
	return NULL;
}

/* A caller needs end durable; sync_mu held. */
static void
want(struct journal *j, off_t end)
{
	sigset_t all, old;

	if (end > j->wanted)
		j->wanted = end;
	if (j->thread == 0) {	/* signals stay with the other threads */
		sigfillset(&all);
		pthread_sigmask(SIG_SETMASK, &all, &old);
		j->thread = pthread_create(&j->tid, NULL, syncer, j) == 0 ?
		    1 : -1;
		pthread_sigmask(SIG_SETMASK, &old, NULL);
	}
	pthread_cond_broadcast(&j->cv);
}

off_t
journal_end(struct journal *j)
{
	return __atomic_load_n(&j->written, __ATOMIC_ACQUIRE);
}

void
journal_kick(struct journal *j, off_t end)
{
	pthread_mutex_lock(&j->sync_mu);
	if (j->synced < end)
		want(j, end);
	pthread_mutex_unlock(&j->sync_mu);
}

int
journal_sync(struct journal *j, off_t end, struct err *e)
{
	int rc = 0;

	pthread_mutex_lock(&j->sync_mu);
	if (j->synced < end)
		want(j, end);
	while (j->synced < end && rc == 0) {
		if (j->err != 0)	/* its fate unknown: not durable */
			rc = err_set(e, E_IO, "database journal: %s",
			    strerror(j->err));
		else if (j->thread == 1 && !j->stop)
			pthread_cond_wait(&j->cv, &j->sync_mu);
		else
			sync_once(j);	/* no syncer thread */
	}
	pthread_mutex_unlock(&j->sync_mu);
	return rc;
}
