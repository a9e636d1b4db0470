/* pki/ca_db.h - the certificate server's database: serial counter,
 * enrollment requests, issued certificates, revocations, CRL number. One
 * small interface; the embedded implementation (pki/ca_db.c) is an
 * append-only journal in the server's database directory, replayed on
 * open. Every call that changes state returns only once the change is
 * durable (group commit: concurrent callers share one fdatasync).
 * Thread-safe; lookups hand out copies the caller frees. */
#ifndef PKI_CA_DB_H
#define PKI_CA_DB_H
#include <stddef.h>
#include <stdint.h>
#include <time.h>
#include <sys/types.h>
#include "lib/err.h"

#define CA_TID_MAX	128

enum ca_req_state { CA_REQ_PENDING, CA_REQ_GRANTED, CA_REQ_REJECTED,
	CA_REQ_REMOVED, CA_REQ_ISSUED };

struct ca_cert_rec {
	uint64_t	 serial;
	time_t		 not_before, not_after;
	time_t		 revoked;		/* 0: not revoked */
	unsigned char	*der;			/* malloc'd copy */
	size_t		 der_len;
};

struct ca_req_rec {
	unsigned	 id;
	enum ca_req_state state;
	time_t		 created;
	char		 tid[CA_TID_MAX + 1];	/* SCEP transactionID or "" */
	uint64_t	 serial;		/* ISSUED: the certificate */
	unsigned char	*csr;			/* malloc'd copy (DER) */
	size_t		 csr_len;
};

struct ca_db;

/* Open (creating) the database in dir, replaying its journal; a torn
 * last record is cut off. */
struct ca_db	*ca_db_open(const char *dir, struct err *);
void		 ca_db_close(struct ca_db *);
/* The next serial, above every one recorded or taken (not yet durable:
 * a serial is only handed out in a certificate recorded by cert_add). */
uint64_t	 ca_db_serial_take(struct ca_db *);
uint64_t	 ca_db_serial_last(struct ca_db *);
/* `serial-number`: the last serial becomes at least v. */
int		 ca_db_serial_set(struct ca_db *, uint64_t v, struct err *);
int		 ca_db_cert_add(struct ca_db *, uint64_t serial, time_t nb,
		    time_t na, const unsigned char *der, size_t len,
		    struct err *);
/* The same, remembering that SCEP transactionID tid got this serial. */
int		 ca_db_cert_add_tid(struct ca_db *, uint64_t serial, time_t nb,
		    time_t na, const unsigned char *der, size_t len,
		    const char *tid, struct err *);
/* The same, not waiting: the record is applied and its sync started;
 * durable (and the certificate free to leave the server) only once
 * ca_db_sync(*end) returns 0. */
int		 ca_db_cert_add_nosync(struct ca_db *, uint64_t serial,
		    time_t nb, time_t na, const unsigned char *der, size_t len,
		    const char *tid, off_t *end, struct err *);
/* Wait until the journal is durable up to end (group commit). */
int		 ca_db_sync(struct ca_db *, off_t end, struct err *);
/* The end of every record applied so far: what a reader saw in the
 * tables is durable once ca_db_sync of it returns 0 (another request's
 * record may be applied and not yet synced). */
off_t		 ca_db_end(struct ca_db *);
/* The serial issued under transactionID tid: 0, or -1 (none). */
int		 ca_db_tid_serial(struct ca_db *, const char *tid,
		    uint64_t *serial);
/* 0 and a copy, or -1 E_NOTFOUND. */
int		 ca_db_cert_get(struct ca_db *, uint64_t serial,
		    struct ca_cert_rec *, struct err *);
/* All certificates by serial; *out malloc'd (ca_db_certs_free). */
int		 ca_db_certs(struct ca_db *, struct ca_cert_rec **out,
		    size_t *n, struct err *);
void		 ca_db_certs_free(struct ca_cert_rec *, size_t n);
/* The revoked ones only, without their DER (der NULL), by serial. */
int		 ca_db_revoked(struct ca_db *, struct ca_cert_rec **out,
		    size_t *n, struct err *);
/* revoked != 0 revokes at that time, 0 unrevokes. E_NOTFOUND: unknown
 * serial; E_EXISTS: already in that state. */
int		 ca_db_revoke(struct ca_db *, uint64_t serial, time_t revoked,
		    struct err *);
/* The next CRL number, durably counted. */
int		 ca_db_crl_number(struct ca_db *, uint64_t *, struct err *);

int		 ca_db_req_add(struct ca_db *, const char *tid,
		    const unsigned char *csr, size_t len, time_t created,
		    unsigned *id, struct err *);
int		 ca_db_req_set(struct ca_db *, unsigned id, enum ca_req_state,
		    uint64_t serial, struct err *);
/* By id, or (id 0) by transactionID, the newest. Copy. */
int		 ca_db_req_get(struct ca_db *, unsigned id, const char *tid,
		    struct ca_req_rec *, struct err *);
/* Requests not removed, by id; *out malloc'd (ca_db_reqs_free). */
int		 ca_db_reqs(struct ca_db *, struct ca_req_rec **out, size_t *n,
		    struct err *);
void		 ca_db_reqs_free(struct ca_req_rec *, size_t n);

#endif
