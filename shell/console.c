/* shell/console.c - the console session on stdin/stdout. A tty runs in
 * raw mode with full editing; a pipe runs every line as typed. */
#include <stdio.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>
#include "lib/log.h"
#include "parser/parser.h"
#include "shell/shell_int.h"

int
console_run(void)
{
	struct sh_origin o = { SH_CONSOLE, NULL, 1, "", 0, 0 };
	struct termios saved, raw;
	int tty = isatty(0) && isatty(1);
	struct vty *v;

	o.interactive = tty;
	if ((v = vty_new(0, 1, &o)) == NULL)
		return -1;
	v->crlf = tty;
	if (tty && tcgetattr(0, &saved) == 0) {
		raw = saved;
		cfmakeraw(&raw);
		tcsetattr(0, TCSANOW, &raw);
	}
	sh_register(v);
	v->sink_id = log_sink_add(vty_log_sink, v, 1);
	sh_console_loop(v);
	vty_drain(v);
	vty_flush(v);
	if (tty) {
		tcsetattr(0, TCSANOW, &saved);
		write(1, "\n", 1);
	}
	sh_unregister(v);
	vty_free(v);
	return 0;
}
