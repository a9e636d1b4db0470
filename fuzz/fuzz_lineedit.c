/* fuzz/fuzz_lineedit.c - the line editor's key handling (cursor keys and
 * escape sequences, ^A ^E ^K ^U ^W ^P ^N, history, `?` help, TAB
 * completion, ^C, ^Z, over-long lines) on a telnet terminal, line after
 * line to EOF. Byte 0 picks the mode the lines are typed in. */
#include <string.h>
#include "fuzz/fuzz.h"
#include "fuzz/fuzz_vty.h"

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	fz_init(1);
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
	char line[SH_LINE_MAX];
	struct vty *v;
	int rc;

	if (n < 1)
		return 0;
	v = fz_vty_open(d + 1, n - 1, 1);
	v->mode = (enum mode)(d[0] % MODE__MAX);
	v->priv = d[0] & 0x80 ? 15 : 1;
	do {
		rc = le_readline(v, "r1#", line, sizeof(line), LE_EDIT |
		    ((d[0] & 0x40) ? LE_NOECHO : 0));
		if (rc == 0 && strlen(line) >= sizeof(line))
			abort();
	} while (rc != -1 && rc != -2);
	fz_vty_close(v);
	return 0;
}
