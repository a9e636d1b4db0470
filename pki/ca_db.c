/* pkish - ISC license, see LICENSE */
/*
 * pki/ca_db.c - the certificate server's database over its journal
 * (pki/ca_journal.c). The journal holds every change as one record; the
 * in-memory tables are what replaying it gives. A change is appended and
 * applied under the table mutex, then made durable (group commit) before
 * the call returns (or, ca_db_cert_add_nosync, before the caller lets
 * the certificate leave), so what a client sees is never lost to a
 * crash. Readers see applied records at once: what they send a client
 * waits for ca_db_sync(ca_db_end()) first.
 *
 * Records (first byte the type, integers little-endian):
 *   'S' u64 serial                      serial-number / highest taken
 *   'C' u64 serial, i64 nb, i64 na, DER  issued certificate
 *   'D' u64 serial, i64 nb, i64 na, u8 tidlen, tid, DER  the same, issued
 *       to SCEP transactionID tid (pki/ca_db_tid.c)
 *   'V' u64 serial, i64 when (0 = unrevoke)
 *   'N' u64 crl number
 *   'Q' u32 id, i64 created, u8 tidlen, tid, DER CSR
 *   'G' u32 id, u8 state, u64 serial
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "pki/ca_db.h"
#include "pki/ca_journal.h"
#include "pki/ca_db_int.h"


uint64_t
ca_db_get64(const unsigned char *p)
{
	uint64_t v = 0;

	for (int i = 7; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

unsigned char *
ca_db_put64(unsigned char *p, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		p[i] = (unsigned char)(v >> (8 * i));
	return p + 8;
}

int
ca_db_grow(void **arr, size_t *cap, size_t n, size_t sz)
{
	void *p;
	size_t nc;

	if (n < *cap)
		return 0;
	nc = *cap ? *cap * 2 : 64;
	if ((p = realloc(*arr, nc * sz)) == NULL)
		return -1;
	*arr = p;
	*cap = nc;
	return 0;
}

static struct ca_cert_rec *
cert_find(struct ca_db *db, uint64_t serial)
{
	for (size_t i = db->ncerts; i-- > 0;)
		if (db->certs[i].serial == serial)
			return &db->certs[i];
	return NULL;
}

int
ca_db_apply_cert(struct ca_db *db, const unsigned char *p, size_t n)
{
	struct ca_cert_rec *c;

	if (n <= 24 || ca_db_grow((void **)&db->certs, &db->capcerts, db->ncerts,
	    sizeof(*c)) == -1)
		return -1;
	c = &db->certs[db->ncerts];
	memset(c, 0, sizeof(*c));
	c->serial = ca_db_get64(p);
	c->not_before = (time_t)ca_db_get64(p + 8);
	c->not_after = (time_t)ca_db_get64(p + 16);
	if ((c->der = malloc(n - 24)) == NULL)
		return -1;
	memcpy(c->der, p + 24, n - 24);
	c->der_len = n - 24;
	db->ncerts++;
	if (c->serial > db->serial)
		db->serial = c->serial;
	return 0;
}

static int
apply_req(struct ca_db *db, const unsigned char *p, size_t n)
{
	struct ca_req_rec *r;
	size_t tl;

	if (n < 13 || (tl = p[12]) > CA_TID_MAX || n <= 13 + tl)
		return -1;
	if ((uint32_t)(p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24)
	    != db->nreqs + 1 || ca_db_grow((void **)&db->reqs, &db->capreqs,
	    db->nreqs, sizeof(*r)) == -1)
		return -1;
	r = &db->reqs[db->nreqs];
	memset(r, 0, sizeof(*r));
	r->id = (unsigned)db->nreqs + 1;
	r->created = (time_t)ca_db_get64(p + 4);
	memcpy(r->tid, p + 13, tl);
	r->tid[tl] = '\0';
	if ((r->csr = malloc(n - 13 - tl)) == NULL)
		return -1;
	memcpy(r->csr, p + 13 + tl, n - 13 - tl);
	r->csr_len = n - 13 - tl;
	db->nreqs++;
	return 0;
}

/* One record into the tables (replay and live changes alike). */
static int
apply(void *arg, const unsigned char *rec, size_t n)
{
	struct ca_db *db = arg;
	const unsigned char *p = rec + 1;
	struct ca_cert_rec *c;
	uint32_t id;

	n--;
	switch (rec[0]) {
	case 'S':
		if (n != 8)
			return -1;
		if (ca_db_get64(p) > db->serial)
			db->serial = ca_db_get64(p);
		return 0;
	case 'C':
		return ca_db_apply_cert(db, p, n);
	case 'D':
		return ca_db_apply_tidcert(db, p, n);
	case 'V':
		if (n != 16 || (c = cert_find(db, ca_db_get64(p))) == NULL)
			return -1;
		c->revoked = (time_t)ca_db_get64(p + 8);
		return 0;
	case 'N':
		if (n != 8)
			return -1;
		db->crl_number = ca_db_get64(p);
		return 0;
	case 'Q':
		return apply_req(db, p, n);
	case 'G':
		if (n != 13)
			return -1;
		id = (uint32_t)(p[0] | p[1] << 8 | p[2] << 16) |
		    (uint32_t)p[3] << 24;
		if (id == 0 || id > db->nreqs || p[4] > CA_REQ_ISSUED)
			return -1;
		db->reqs[id - 1].state = (enum ca_req_state)p[4];
		db->reqs[id - 1].serial = ca_db_get64(p + 5);
		return 0;
	default:
		return -1;
	}
}

struct ca_db *
ca_db_open(const char *dir, struct err *e)
{
	struct ca_db *db;
	char path[4096];

	if ((db = calloc(1, sizeof(*db))) == NULL)
		return err_set(e, E_NOMEM, "out of memory"), NULL;
	pthread_mutex_init(&db->mu, NULL);
	snprintf(path, sizeof(path), "%s/journal", dir);
	if ((db->j = journal_open(path, apply, db, e)) == NULL) {
		ca_db_close(db);
		return NULL;
	}
	return db;
}

void
ca_db_close(struct ca_db *db)
{
	if (db == NULL)
		return;
	journal_close(db->j);
	for (size_t i = 0; i < db->ncerts; i++)
		free(db->certs[i].der);
	for (size_t i = 0; i < db->nreqs; i++)
		free(db->reqs[i].csr);
	free(db->certs);
	free(db->reqs);
	ca_db_tids_free(db);
	pthread_mutex_destroy(&db->mu);
	free(db);
}

/* Append rec and apply it; the caller holds db->mu and then calls
 * journal_sync(db->j, *end) without it. */
int
ca_db_append_locked(struct ca_db *db, const unsigned char *rec, size_t n,
    off_t *end, struct err *e)
{
	if (journal_append(db->j, rec, n, end, e) == -1)
		return -1;
	if (apply(db, rec, n) == -1)
		return err_set(e, E_NOMEM, "database: out of memory");
	return 0;
}

/* Append rec, apply it and start its sync; durable once ca_db_sync(db,
 * *end) returns 0. */
int
ca_db_append(struct ca_db *db, const unsigned char *rec, size_t n,
    off_t *end, struct err *e)
{
	int rc;

	pthread_mutex_lock(&db->mu);
	rc = ca_db_append_locked(db, rec, n, end, e);
	pthread_mutex_unlock(&db->mu);
	if (rc == 0)
		journal_kick(db->j, *end);
	return rc;
}

int
ca_db_sync(struct ca_db *db, off_t end, struct err *e)
{
	return journal_sync(db->j, end, e);
}

off_t
ca_db_end(struct ca_db *db)
{
	return journal_end(db->j);
}

/* Append rec, apply it, and make it durable. */
int
ca_db_commit(struct ca_db *db, const unsigned char *rec, size_t n,
    struct err *e)
{
	off_t end;
	int rc;

	pthread_mutex_lock(&db->mu);
	rc = ca_db_append_locked(db, rec, n, &end, e);
	pthread_mutex_unlock(&db->mu);
	return rc == 0 ? journal_sync(db->j, end, e) : -1;
}

uint64_t
ca_db_serial_take(struct ca_db *db)
{
	uint64_t s;

	pthread_mutex_lock(&db->mu);
	s = ++db->serial;
	pthread_mutex_unlock(&db->mu);
	return s;
}

uint64_t
ca_db_serial_last(struct ca_db *db)
{
	uint64_t s;

	pthread_mutex_lock(&db->mu);
	s = db->serial;
	pthread_mutex_unlock(&db->mu);
	return s;
}

int
ca_db_serial_set(struct ca_db *db, uint64_t v, struct err *e)
{
	unsigned char rec[9] = { 'S' };

	ca_db_put64(rec + 1, v);
	return ca_db_commit(db, rec, sizeof(rec), e);
}

int
ca_db_cert_add(struct ca_db *db, uint64_t serial, time_t nb, time_t na,
    const unsigned char *der, size_t len, struct err *e)
{
	unsigned char *rec, *p;
	int rc;

	if ((rec = malloc(25 + len)) == NULL)
		return err_set(e, E_NOMEM, "out of memory");
	rec[0] = 'C';
	p = ca_db_put64(ca_db_put64(ca_db_put64(rec + 1, serial), (uint64_t)nb), (uint64_t)na);
	memcpy(p, der, len);
	rc = ca_db_commit(db, rec, 25 + len, e);
	free(rec);
	return rc;
}

static int
cert_copy(const struct ca_cert_rec *c, struct ca_cert_rec *out)
{
	*out = *c;
	if ((out->der = malloc(c->der_len)) == NULL)
		return -1;
	memcpy(out->der, c->der, c->der_len);
	return 0;
}

int
ca_db_cert_get(struct ca_db *db, uint64_t serial, struct ca_cert_rec *out,
    struct err *e)
{
	struct ca_cert_rec *c;
	int rc;

	pthread_mutex_lock(&db->mu);
	c = cert_find(db, serial);
	rc = c == NULL ? err_set(e, E_NOTFOUND, "Certificate %llx not found",
	    (unsigned long long)serial) : cert_copy(c, out) == -1 ?
	    err_set(e, E_NOMEM, "out of memory") : 0;
	pthread_mutex_unlock(&db->mu);
	return rc;
}

static int
by_serial(const void *a, const void *b)
{
	const struct ca_cert_rec *x = a, *y = b;

	return x->serial < y->serial ? -1 : x->serial > y->serial;
}

int
ca_db_certs(struct ca_db *db, struct ca_cert_rec **out, size_t *n,
    struct err *e)
{
	size_t i = 0;

	pthread_mutex_lock(&db->mu);
	*n = db->ncerts;
	if ((*out = calloc(*n ? *n : 1, sizeof(**out))) != NULL)
		for (i = 0; i < *n; i++)
			if (cert_copy(&db->certs[i], &(*out)[i]) == -1)
				break;
	pthread_mutex_unlock(&db->mu);
	if (*out == NULL || i < *n) {
		ca_db_certs_free(*out, i);
		*out = NULL;
		return err_set(e, E_NOMEM, "out of memory");
	}
	qsort(*out, *n, sizeof(**out), by_serial);
	return 0;
}

int
ca_db_revoked(struct ca_db *db, struct ca_cert_rec **out, size_t *n,
    struct err *e)
{
	size_t k = 0;

	pthread_mutex_lock(&db->mu);
	for (size_t i = 0; i < db->ncerts; i++)
		k += db->certs[i].revoked != 0;
	if ((*out = calloc(k ? k : 1, sizeof(**out))) != NULL)
		for (size_t i = 0, j = 0; i < db->ncerts && j < k; i++)
			if (db->certs[i].revoked != 0) {
				(*out)[j] = db->certs[i];
				(*out)[j++].der = NULL;
			}
	pthread_mutex_unlock(&db->mu);
	*n = k;
	if (*out == NULL)
		return err_set(e, E_NOMEM, "out of memory");
	qsort(*out, *n, sizeof(**out), by_serial);
	return 0;
}

void
ca_db_certs_free(struct ca_cert_rec *c, size_t n)
{
	for (size_t i = 0; c != NULL && i < n; i++)
		free(c[i].der);
	free(c);
}

int
ca_db_revoke(struct ca_db *db, uint64_t serial, time_t when, struct err *e)
{
	unsigned char rec[17] = { 'V' };
	struct ca_cert_rec *c;
	int state;

	pthread_mutex_lock(&db->mu);
	c = cert_find(db, serial);
	state = c == NULL ? -1 : c->revoked != 0;
	pthread_mutex_unlock(&db->mu);
	if (state == -1)
		return err_set(e, E_NOTFOUND, "Certificate %llx not found",
		    (unsigned long long)serial);
	if (state == (when != 0))
		return err_set(e, E_EXISTS, "Certificate %llx is %s revoked",
		    (unsigned long long)serial, state ? "already" : "not");
	ca_db_put64(ca_db_put64(rec + 1, serial), (uint64_t)when);
	return ca_db_commit(db, rec, sizeof(rec), e);
}

int
ca_db_crl_number(struct ca_db *db, uint64_t *n, struct err *e)
{
	unsigned char rec[9] = { 'N' };
	off_t end;
	int rc;

	pthread_mutex_lock(&db->mu);
	*n = db->crl_number + 1;
	ca_db_put64(rec + 1, *n);
	rc = ca_db_append_locked(db, rec, sizeof(rec), &end, e);
	pthread_mutex_unlock(&db->mu);
	return rc == 0 ? journal_sync(db->j, end, e) : -1;
}
