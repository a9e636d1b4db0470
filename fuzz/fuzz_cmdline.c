/* fuzz/fuzz_cmdline.c - one command line in one mode at one privilege:
 * the parser, `?` help, TAB completion, and the `| include` style output
 * modifiers with their regular expressions run over some output.
 * Input: byte 0 picks the mode and privilege, the rest is the line. */
#include <stdlib.h>
#include <string.h>
#include "parser/cmd.h"
#include "parser/vty.h"
#include "shell/shell_int.h"
#include "fuzz/fuzz.h"

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	fz_init(1);
	return 0;
}

static void
sink(void *ctx, const char *s, size_t n)
{
	(void)ctx;
	(void)s;
	(void)n;
}

static void
help_sink(void *ctx, const char *s)
{
	(void)ctx;
	(void)s;
}

/* What follows a '|' (the shell splits show lines the same way). */
static void
filter(const char *spec)
{
	static const char out[] = "Certificate\n  Status: Available\n"
	    "  Serial Number (hex): 01\ncrypto pki trustpoint TP\n"
	    " enrollment url http://ca/\n\nend\n";
	struct sh_origin o = { SH_CONSOLE, "fuzz", 15, "", 0, 0 };
	struct vty *v = vty_new(-1, -1, &o);
	size_t bad;

	if (v == NULL)
		abort();
	v->wfn = sink;
	if (vty_filter_set(v, spec, &bad) == 0) {
		vty_write(v, out, sizeof(out) - 1);
		vty_filter_end(v);
	}
	vty_free(v);
}

int
LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
	static const int privs[] = { 0, 1, 15, 15 };
	struct args *a;
	struct parse p;
	enum mode m;
	char *line, *bar;
	int priv;

	if (n < 1 || n > 4096)
		return 0;
	m = (enum mode)(d[0] % MODE__MAX);
	priv = privs[(d[0] >> 4) & 3];
	line = fz_str(d + 1, n - 1);
	if ((a = calloc(1, sizeof(*a))) == NULL)
		abort();
	cmd_parse(line, m, priv, &p, a);
	cmd_help(line, m, priv, help_sink, NULL);
	free(cmd_complete(line, m, priv));
	if ((bar = strchr(line, '|')) != NULL) {
		*bar = '\0';
		cmd_parse(line, m, priv, &p, a);
		filter(bar + 1);
	}
	free(a);
	free(line);
	return 0;
}
