/* pkish - ISC license, see LICENSE */
/*
 * pki/ca_db_tid.c - which SCEP transactionID got which certificate: 'D'
 * records (a 'C' record with the transactionID) and a hash index over
 * them, so that a request repeated under its transactionID gets the
 * certificate it already has and another request under that ID is
 * refused, across restarts too. See pki/ca_db.c for the record layout.
 */
#include <stdlib.h>
#include <string.h>
#include "pki/ca_db_int.h"

static uint64_t
fnv(const char *s)
{
	uint64_t h = 1469598103934665603ull;

	while (*s)
		h = (h ^ (unsigned char)*s++) * 1099511628211ull;
	return h;
}

static struct ca_tid *
slot(struct ca_tid *t, size_t cap, const char *tid)
{
	size_t i = (size_t)fnv(tid) & (cap - 1);

	while (t[i].tid != NULL && strcmp(t[i].tid, tid) != 0)
		i = (i + 1) & (cap - 1);
	return &t[i];
}

static int
rehash(struct ca_db *db)
{
	size_t nc = db->captids ? db->captids * 2 : 1024;
	struct ca_tid *n = calloc(nc, sizeof(*n)), *s;

	if (n == NULL)
		return -1;
	for (size_t i = 0; i < db->captids; i++)
		if (db->tids[i].tid != NULL) {
			s = slot(n, nc, db->tids[i].tid);
			*s = db->tids[i];
		}
	free(db->tids);
	db->tids = n;
	db->captids = nc;
	return 0;
}

static int
tid_put(struct ca_db *db, const char *tid, uint64_t serial)
{
	struct ca_tid *s;

	if ((db->ntids + 1) * 2 > db->captids && rehash(db) == -1)
		return -1;
	s = slot(db->tids, db->captids, tid);
	if (s->tid == NULL) {
		if ((s->tid = strdup(tid)) == NULL)
			return -1;
		db->ntids++;
	}
	s->serial = serial;
	return 0;
}

int
ca_db_apply_tidcert(struct ca_db *db, const unsigned char *p, size_t n)
{
	unsigned char *c;
	char tid[CA_TID_MAX + 1];
	size_t tl;
	int rc;

	if (n < 25 || (tl = p[24]) == 0 || tl > CA_TID_MAX || n <= 25 + tl)
		return -1;
	memcpy(tid, p + 25, tl);
	tid[tl] = '\0';
	if ((c = malloc(n - 1 - tl)) == NULL)
		return -1;
	memcpy(c, p, 24);
	memcpy(c + 24, p + 25 + tl, n - 25 - tl);
	rc = ca_db_apply_cert(db, c, n - 1 - tl);
	free(c);
	return rc == 0 ? tid_put(db, tid, ca_db_get64(p)) : -1;
}

/* The 'D' record (tid given) or 'C' record; *n its length. */
static unsigned char *
cert_rec(uint64_t serial, time_t nb, time_t na, const unsigned char *der,
    size_t len, const char *tid, size_t *n, struct err *e)
{
	size_t tl = tid ? strlen(tid) : 0;
	unsigned char *rec, *p;

	if (tl > CA_TID_MAX)
		return err_set(e, E_INVAL, "transactionID too long"), NULL;
	*n = 25 + (tl ? 1 + tl : 0) + len;
	if ((rec = malloc(*n)) == NULL)
		return err_set(e, E_NOMEM, "out of memory"), NULL;
	rec[0] = tl ? 'D' : 'C';
	p = ca_db_put64(ca_db_put64(ca_db_put64(rec + 1, serial),
	    (uint64_t)nb), (uint64_t)na);
	if (tl) {
		*p++ = (unsigned char)tl;
		memcpy(p, tid, tl);
		p += tl;
	}
	memcpy(p, der, len);
	return rec;
}

int
ca_db_cert_add_tid(struct ca_db *db, uint64_t serial, time_t nb, time_t na,
    const unsigned char *der, size_t len, const char *tid, struct err *e)
{
	unsigned char *rec;
	size_t n;
	int rc;

	if ((rec = cert_rec(serial, nb, na, der, len, tid, &n, e)) == NULL)
		return -1;
	rc = ca_db_commit(db, rec, n, e);
	free(rec);
	return rc;
}

int
ca_db_cert_add_nosync(struct ca_db *db, uint64_t serial, time_t nb,
    time_t na, const unsigned char *der, size_t len, const char *tid,
    off_t *end, struct err *e)
{
	unsigned char *rec;
	size_t n;
	int rc;

	if ((rec = cert_rec(serial, nb, na, der, len, tid, &n, e)) == NULL)
		return -1;
	rc = ca_db_append(db, rec, n, end, e);
	free(rec);
	return rc;
}

int
ca_db_tid_serial(struct ca_db *db, const char *tid, uint64_t *serial)
{
	struct ca_tid *s;
	int rc = -1;

	pthread_mutex_lock(&db->mu);
	if (db->captids > 0 && tid != NULL &&
	    (s = slot(db->tids, db->captids, tid))->tid != NULL) {
		*serial = s->serial;
		rc = 0;
	}
	pthread_mutex_unlock(&db->mu);
	return rc;
}

void
ca_db_tids_free(struct ca_db *db)
{
	for (size_t i = 0; i < db->captids; i++)
		free(db->tids[i].tid);
	free(db->tids);
	db->tids = NULL;
	db->ntids = db->captids = 0;
}
