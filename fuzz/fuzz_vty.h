/* fuzz/fuzz_vty.h - a telnet vty whose peer sends the fuzz input and then
 * closes: the bytes come through the session's real read path (poll,
 * read, IAC handling); what the session writes goes to /dev/null. */
#ifndef FUZZ_FUZZ_VTY_H
#define FUZZ_FUZZ_VTY_H
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>
#include "parser/vty.h"
#include "shell/shell_int.h"

static struct vty *
fz_vty_open(const uint8_t *d, size_t n, int interactive)
{
	struct sh_origin o = { SH_TELNET, "fuzz", 15, "127.0.0.1",
	    interactive, 1 };
	int p[2], out = open("/dev/null", O_WRONLY);
	struct vty *v;

	/* The input is at most -max_len bytes, under a pipe's 64 KiB. */
	if (out < 0 || n > 65536 || pipe(p) < 0)
		abort();
	if (write(p[1], d, n) != (ssize_t)n)
		abort();
	close(p[1]);
	if ((v = vty_new(p[0], out, &o)) == NULL)
		abort();
	return v;
}

static void
fz_vty_close(struct vty *v)
{
	int in = v->in_fd, out = v->out_fd;

	vty_free(v);
	close(in);
	close(out);
}
#endif
