/* lib/log_journal.c - log lines to the systemd journal. A service's
 * stderr is a stream to journald when JOURNAL_STREAM ("DEV:INODE") names
 * the file stderr is; then every log line goes to stderr with the
 * sd-daemon "<N>" prefix, N its IOS severity (0 emergencies .. 7
 * debugging, the same numbers as syslog priorities), without pkish's own
 * timestamp (the journal keeps one). No library: the prefix is the whole
 * protocol (sd-daemon(3)). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include "log.h"

static int journal_on;

int
log_journal_init(void)
{
	const char *js = getenv("JOURNAL_STREAM");
	unsigned long long dev, ino;
	struct stat st;
	char tail;

	journal_on = 0;
	if (js == NULL || sscanf(js, "%llu:%llu%c", &dev, &ino, &tail) != 2 ||
	    fstat(STDERR_FILENO, &st) < 0)
		return 0;
	journal_on = (unsigned long long)st.st_dev == dev &&
	    (unsigned long long)st.st_ino == ino;
	return journal_on;
}

int
log_journal_active(void)
{
	return journal_on;
}

/* One "<N>text\n" per line of body, written at once. */
void
log_journal_write(int sev, const char *body)
{
	char out[4096];
	size_t o = 0;
	const char *p = body, *nl;
	ssize_t w;

	if (!journal_on)
		return;
	if (sev < 0 || sev > 7)
		sev = SEV_INFO;
	do {
		nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);
		int n = snprintf(out + o, sizeof(out) - o, "<%d>%.*s\n", sev,
		    (int)len, p);
		if (n < 0 || (size_t)n >= sizeof(out) - o)
			break;
		o += (size_t)n;
		p = nl ? nl + 1 : NULL;
	} while (p && *p);
	while (o > 0 && (w = write(STDERR_FILENO, out, o)) < 0)
		;
}
