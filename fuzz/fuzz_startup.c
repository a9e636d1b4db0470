/* fuzz/fuzz_startup.c - the startup-config loader: the input is written
 * as STATE/startup-config and replayed by sh_load_startup(), the function
 * the daemon calls at start (stale temp files dropped, each line through
 * the parser in configuration mode, dialogs reading further lines, bad
 * lines reported). Between inputs the system configuration and every
 * trustpoint are cleared, so one input's state does not pile up. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include "conf/conf.h"
#include "pki/tp.h"
#include "shell/shell.h"
#include "fuzz/fuzz.h"

static char path[256];

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	fz_init(1);
	snprintf(path, sizeof(path), "%s/startup-config", fz_state());
	/* The loader reports bad lines through stdio's stderr: send those
	 * to /dev/null, keeping fd 2 for the sanitizers' reports. */
	if (!getenv("FZ_STARTUP_VERBOSE") &&
	    (stderr = fopen("/dev/null", "w")) == NULL)
		abort();
	return 0;
}

static void
write_config(const uint8_t *d, size_t n)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);

	if (fd < 0 || write(fd, d, n) != (ssize_t)n || close(fd) != 0)
		abort();
}

static void
clear_state(void)
{
	size_t n;
	char **names = tp_names(&n);

	for (size_t i = 0; i < n; i++)
		tp_delete(names[i], NULL);
	tp_names_free(names, n);
	sys_init();
}

int
LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
	write_config(d, n);
	sh_load_startup();
	clear_state();
	return 0;
}
