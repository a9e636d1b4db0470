/* fuzz/fuzz_telnet.c - the telnet option / IAC state machine (RFC 854,
 * 855, 1073 NAWS) on a session's input, byte by byte to EOF. */
#include "fuzz/fuzz.h"
#include "fuzz/fuzz_vty.h"

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	fz_init(0);
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
	struct vty *v = fz_vty_open(d, n, 1);

	vty_telnet_start(v);
	while (vty_getkey(v, 0) != -1)
		;
	if (v->term_width < 1 || v->term_width > 512 || v->term_len < 0 ||
	    v->term_len > 512)
		abort();
	fz_vty_close(v);
	return 0;
}
