/* pkish - ISC license, see LICENSE */
/*
 * pki/ca_db_req.c - the enrollment request queue of the certificate
 * server's database: 'Q' records add a request (its id is its place in
 * the journal), 'G' records move it (granted, rejected, removed, issued
 * with a serial). See pki/ca_db.c for the record layout.
 */
#include <stdlib.h>
#include <string.h>
#include "pki/ca_db_int.h"
#include "pki/ca_journal.h"

static void
put32(unsigned char *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (unsigned char)(v >> (8 * i));
}

int
ca_db_req_add(struct ca_db *db, const char *tid, const unsigned char *csr,
    size_t len, time_t created, unsigned *id, struct err *e)
{
	size_t tl = tid ? strlen(tid) : 0;
	unsigned char *rec;
	off_t end;
	int rc;

	if (tl > CA_TID_MAX || len == 0)
		return err_set(e, E_INVAL, "bad request record");
	if ((rec = malloc(14 + tl + len)) == NULL)
		return err_set(e, E_NOMEM, "out of memory");
	rec[0] = 'Q';
	ca_db_put64(rec + 5, (uint64_t)created);
	rec[13] = (unsigned char)tl;
	memcpy(rec + 14, tid, tl);
	memcpy(rec + 14 + tl, csr, len);
	pthread_mutex_lock(&db->mu);
	*id = (unsigned)db->nreqs + 1;
	put32(rec + 1, *id);
	rc = ca_db_append_locked(db, rec, 14 + tl + len, &end, e);
	pthread_mutex_unlock(&db->mu);
	free(rec);
	return rc == 0 ? journal_sync(db->j, end, e) : -1;
}

int
ca_db_req_set(struct ca_db *db, unsigned id, enum ca_req_state st,
    uint64_t serial, struct err *e)
{
	unsigned char rec[14] = { 'G' };
	int known;

	pthread_mutex_lock(&db->mu);
	known = id > 0 && id <= db->nreqs;
	pthread_mutex_unlock(&db->mu);
	if (!known)
		return err_set(e, E_NOTFOUND, "Request %u not found", id);
	put32(rec + 1, id);
	rec[5] = (unsigned char)st;
	ca_db_put64(rec + 6, serial);
	return ca_db_commit(db, rec, sizeof(rec), e);
}

static int
req_copy(const struct ca_req_rec *r, struct ca_req_rec *out)
{
	*out = *r;
	if ((out->csr = malloc(r->csr_len)) == NULL)
		return -1;
	memcpy(out->csr, r->csr, r->csr_len);
	return 0;
}

int
ca_db_req_get(struct ca_db *db, unsigned id, const char *tid,
    struct ca_req_rec *out, struct err *e)
{
	struct ca_req_rec *r = NULL;
	int rc;

	pthread_mutex_lock(&db->mu);
	if (id > 0 && id <= db->nreqs)
		r = &db->reqs[id - 1];
	for (size_t i = db->nreqs; id == 0 && tid && i-- > 0;)
		if (strcmp(db->reqs[i].tid, tid) == 0) {
			r = &db->reqs[i];
			break;
		}
	rc = r == NULL ? err_set(e, E_NOTFOUND, "Request not found") :
	    req_copy(r, out) == -1 ? err_set(e, E_NOMEM, "out of memory") : 0;
	pthread_mutex_unlock(&db->mu);
	return rc;
}

int
ca_db_reqs(struct ca_db *db, struct ca_req_rec **out, size_t *n,
    struct err *e)
{
	int rc = 0;

	*n = 0;
	pthread_mutex_lock(&db->mu);
	if ((*out = calloc(db->nreqs ? db->nreqs : 1, sizeof(**out))) == NULL)
		rc = -1;
	for (size_t i = 0; rc == 0 && i < db->nreqs; i++)
		if (db->reqs[i].state != CA_REQ_REMOVED &&
		    (rc = req_copy(&db->reqs[i], &(*out)[*n])) == 0)
			(*n)++;
	pthread_mutex_unlock(&db->mu);
	if (rc == -1) {
		ca_db_reqs_free(*out, *n);
		*out = NULL;
		return err_set(e, E_NOMEM, "out of memory");
	}
	return 0;
}

void
ca_db_reqs_free(struct ca_req_rec *r, size_t n)
{
	for (size_t i = 0; r != NULL && i < n; i++)
		free(r[i].csr);
	free(r);
}
