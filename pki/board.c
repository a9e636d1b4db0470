/* pki/board.c - the device serial number ("Processor board ID"): eight
 * random hex digits drawn on the first start and kept in <state>/board-id,
 * so a state directory keeps its serial across restarts and two state
 * directories differ. Certificate requests carry it as serialNumber. The
 * digits come from the kernel (getrandom): an identifier, not a secret, it
 * need not start OpenSSL's random generator at start-up. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/random.h>
#include "lib/fileio.h"
#include "pki/enroll.h"

static char board[16];

/* "PKS" and eight upper-case hex digits. */
static int
board_valid(const char *s)
{
	if (strncmp(s, "PKS", 3) != 0 || strlen(s) != 11)
		return 0;
	for (s += 3; *s; s++)
		if (!isxdigit((unsigned char)*s) || islower((unsigned char)*s))
			return 0;
	return 1;
}

int
board_id_init(const char *state, struct err *e)
{
	char path[4200], id[16];
	unsigned char r[4];
	size_t len;
	char *old;

	snprintf(path, sizeof(path), "%s/board-id", state);
	if ((old = file_read(path, 64, &len, NULL)) != NULL) {
		old[strcspn(old, "\r\n")] = '\0';
		if (board_valid(old)) {
			snprintf(board, sizeof(board), "%s", old);
			free(old);
			return 0;
		}
		free(old);
	}
	if (getrandom(r, sizeof(r), 0) != (ssize_t)sizeof(r)) {
		err_set(e, E_IO, "no random bytes for the board ID");
		return -1;
	}
	snprintf(id, sizeof(id), "PKS%02X%02X%02X%02X", r[0], r[1], r[2],
	    r[3]);
	if (file_write_atomic(path, id, strlen(id), 0644, e) < 0)
		return -1;
	memcpy(board, id, sizeof(board));
	return 0;
}

const char *
enroll_device_serial(void)
{
	static char fallback[32];
	unsigned long h = 5381;
	char host[256] = "pkish";

	if (board[0])
		return board;
	/* no state directory (unit tests): derived from the host name */
	if (fallback[0] == '\0') {
		gethostname(host, sizeof(host) - 1);
		for (const char *p = host; *p; p++)
			h = h * 33 + (unsigned char)*p;
		snprintf(fallback, sizeof(fallback), "PKS%08lX",
		    h & 0xffffffffUL);
	}
	return fallback;
}
