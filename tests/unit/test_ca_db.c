/* tests/unit/test_ca_db.c - the certificate server's database on its
 * own (pki/ca_db): records appended from many threads with their sync
 * started and waited for later, all there after a reopen. */
#include <pthread.h>
#include <stdio.h>
#include <sys/stat.h>
#include "tests/unit/testlib.h"
#include "pki/ca_int.h"

/* The SCEP path's records: appended with their sync started, waited for
 * later (ca_db_cert_add_nosync, ca_db_sync) from many threads at once;
 * all there after a reopen, each transactionID with its serial. */
#define DBTHR	4
#define DBPER	25

static struct ca_db *nosync_db;

static void *
nosync_worker(void *arg)
{
	unsigned char der[40] = { 0x30, 0x26 };
	struct err e = { 0 };
	char tid[32];
	off_t end = 0;
	long t = (long)arg, bad = 0;
	uint64_t s;

	for (int i = 0; i < DBPER; i++) {
		s = ca_db_serial_take(nosync_db);
		snprintf(tid, sizeof(tid), "nosync-%ld-%d", t, i);
		bad += ca_db_cert_add_nosync(nosync_db, s, 1, 2, der,
		    sizeof(der), tid, &end, &e) == -1 || end <= 0 ||
		    ca_db_sync(nosync_db, end, &e) == -1;
	}
	return (void *)bad;
}

static void
t_db_nosync(void)
{
	struct err e = { 0 };
	pthread_t th[DBTHR];
	void *bad;
	long nbad = 0, found = 0;
	uint64_t s;
	char dir[512], tid[32];

	snprintf(dir, sizeof(dir), "%s/nosync", tmp);
	mkdir(dir, 0700);
	if ((nosync_db = ca_db_open(dir, &e)) == NULL)
		return (void)check(0, "database open: %s", e.msg);
	for (long i = 0; i < DBTHR; i++)
		pthread_create(&th[i], NULL, nosync_worker, (void *)i);
	for (int i = 0; i < DBTHR; i++) {
		pthread_join(th[i], &bad);
		nbad += (long)bad;
	}
	ca_db_close(nosync_db);
	nosync_db = ca_db_open(dir, &e);
	for (int t = 0; nosync_db && t < DBTHR; t++)
		for (int i = 0; i < DBPER; i++) {
			snprintf(tid, sizeof(tid), "nosync-%d-%d", t, i);
			found += ca_db_tid_serial(nosync_db, tid, &s) == 0;
		}
	check(nbad == 0 && found == DBTHR * DBPER && nosync_db &&
	    ca_db_serial_last(nosync_db) == DBTHR * DBPER, "%d records from "
	    "%d threads, sync started then waited for: %ld failed, %ld there "
	    "after a reopen", DBTHR * DBPER, DBTHR, nbad, found);
	ca_db_close(nosync_db);
}

int
main(void)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (t_mkdtemp("cadb") == -1)
		return 2;
	t_db_nosync();
	return t_finish();
}
