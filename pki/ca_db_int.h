/* pki/ca_db_int.h - the embedded database's tables, shared by
 * pki/ca_db*.c only. */
#ifndef PKI_CA_DB_INT_H
#define PKI_CA_DB_INT_H
#include <pthread.h>
#include <sys/types.h>
#include "pki/ca_db.h"

struct ca_db {
	pthread_mutex_t	 mu;
	struct journal	*j;
	uint64_t	 serial;		/* highest recorded or taken */
	uint64_t	 crl_number;
	struct ca_cert_rec *certs;		/* ncerts, in record order */
	size_t		 ncerts, capcerts;
	struct ca_req_rec *reqs;		/* index id - 1 */
	size_t		 nreqs, capreqs;
	struct ca_tid	*tids;			/* open addressing, captids */
	size_t		 ntids, captids;
};

/* transactionID -> serial of the certificate issued under it. */
struct ca_tid {
	char		*tid;			/* malloc'd, NULL: free slot */
	uint64_t	 serial;
};

uint64_t	 ca_db_get64(const unsigned char *);
unsigned char	*ca_db_put64(unsigned char *, uint64_t);
/* 'C' payload (after the type byte) into the tables. */
int		 ca_db_apply_cert(struct ca_db *, const unsigned char *, size_t);
/* 'D' payload: a certificate and the transactionID it answered. */
int		 ca_db_apply_tidcert(struct ca_db *, const unsigned char *,
		    size_t);
void		 ca_db_tids_free(struct ca_db *);
int		 ca_db_grow(void **arr, size_t *cap, size_t n, size_t sz);
/* Append and apply one record; caller holds db->mu, then syncs to *end
 * (journal_sync) after unlocking. */
int		 ca_db_append_locked(struct ca_db *, const unsigned char *,
		    size_t, off_t *end, struct err *);
int		 ca_db_commit(struct ca_db *, const unsigned char *, size_t,
		    struct err *);
/* Append, apply and start the sync (ca_db_sync waits for it). */
int		 ca_db_append(struct ca_db *, const unsigned char *, size_t,
		    off_t *end, struct err *);

#endif
