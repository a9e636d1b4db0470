/* pki/ca_journal.h - the append-only journal under pki/ca_db.c: records
 * of (length, CRC-32, payload), written with group commit and replayed
 * on open with a torn tail cut off. Internal to pki/ca_db*.c. */
#ifndef PKI_CA_JOURNAL_H
#define PKI_CA_JOURNAL_H
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include "lib/err.h"

struct journal;

typedef int (*journal_apply_fn)(void *arg, const unsigned char *rec,
    size_t len);
/* Open path (creating it), call apply for each whole record in order;
 * a short or corrupt record and all after it are cut off. */
struct journal	*journal_open(const char *path, journal_apply_fn, void *arg,
		    struct err *);
void		 journal_close(struct journal *);
/* Append one record (caller serialises appends); *end = its end offset.
 * A failed write leaves the journal as it was. */
int		 journal_append(struct journal *, const unsigned char *, size_t,
		    off_t *end, struct err *);
/* The end of the last appended record. */
off_t		 journal_end(struct journal *);
/* Start making the journal durable up to end (returns at once). */
void		 journal_kick(struct journal *, off_t end);
/* Durable up to end: one fdatasync may serve many callers. Call without
 * the lock that serialises appends. After a failed fdatasync every call
 * for a record not durable before it fails. */
int		 journal_sync(struct journal *, off_t end, struct err *);
uint32_t	 journal_crc32(const unsigned char *, size_t);

#endif
