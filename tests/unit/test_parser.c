/* tests/unit/test_parser.c - the command graph on a table of its own:
 * abbreviations, ambiguity, placeholder precedence, `?` listings, the
 * any-order groups (whose equal subtrees are merged when frozen) and a
 * table installed after the graph was frozen. */
#define _GNU_SOURCE
#include "tests/unit/testlib.h"
#include "parser/cmd.h"

static int
fn(struct vty *v, struct args *a)
{
	return 0;
}

static int
fn2(struct vty *v, struct args *a)
{
	return 0;
}

static const struct cmd_def tab[] = {
	{ M(MODE_CONFIG), 15, "eku {* [client-auth] [server-auth] "
	    "[code-signing] [email-protection] *}", "eku=Set EKU\n"
	    "client-auth=Client", fn, CMD_NO },
	{ M(MODE_CONFIG), 15, "lifetime {ca|certificate} <1-100>$days "
	    "[<0-23>$hours]", NULL, fn, CMD_NO },
	{ M(MODE_CONFIG), 15, "name WORD$name", "WORD=The name", fn, 0 },
	{ M(MODE_CONFIG), 15, "name <1-9>$num", "<1-9>=A number", fn, 0 },
	{ M(MODE_CONFIG), 1, "enrollment url URL", NULL, fn, CMD_NO },
	{ M(MODE_CONFIG), 15, "enroll", NULL, fn, 0 },
	{ M(MODE_CONFIG), 15, "secret LINE", NULL, fn, CMD_HIDDEN },
	{ 0, 0, NULL, NULL, NULL, 0 }
};

static const struct cmd_def late[] = {
	{ M(MODE_CONFIG), 15, "eku client-auth extra", NULL, fn2, 0 },
	{ M(MODE_CONFIG), 15, "zebra", NULL, fn2, 0 },
	{ 0, 0, NULL, NULL, NULL, 0 }
};

static char out[4096];

static void
collect(void *ctx, const char *line)
{
	size_t n = strlen(out);

	snprintf(out + n, sizeof(out) - n, "%s\n", line);
}

static const char *
help(const char *line, int priv)
{
	out[0] = '\0';
	cmd_help(line, MODE_CONFIG, priv, collect, NULL);
	return out;
}

static enum parse_rc
parse(const char *line, int priv, struct args *a, const struct cmd_def **d)
{
	struct parse p;

	cmd_parse(line, MODE_CONFIG, priv, &p, a);
	*d = p.cmd;
	return p.rc;
}

static void
test_words(void)
{
	static struct args a;
	const struct cmd_def *d;

	check(parse("ek cl se", 15, &a, &d) == P_OK && args_has(&a,
	    "client-auth") && args_has(&a, "server-auth"), "abbreviated");
	check(parse("eku email-protection code-signing client-auth "
	    "server-auth", 15, &a, &d) == P_OK && d == &tab[0],
	    "any order, all four");
	check(parse("eku client-auth client-auth", 15, &a, &d) ==
	    P_INVALID, "a group once only");
	check(parse("e", 15, &a, &d) == P_AMBIGUOUS, "e: ambiguous");
	check(parse("enroll", 15, &a, &d) == P_OK && d == &tab[5],
	    "exact beats prefix (enroll / enrollment)");
	check(parse("EnRoLlMeNt UrL http://x", 15, &a, &d) == P_OK &&
	    strcmp(args_get(&a, "url"), "http://x") == 0, "any case");
	check(parse("enrol url http://x", 1, &a, &d) == P_OK,
	    "privilege 1 sees only enrollment");
	check(parse("no eku", 15, &a, &d) == P_OK && a.no, "no + keywords");
	check(parse("no lifetime ca", 15, &a, &d) == P_OK && a.no,
	    "no + leading keywords");
	check(parse("no lifetime", 15, &a, &d) == P_INCOMPLETE,
	    "no lifetime: incomplete");
	check(parse("lifetime ca 5 7", 15, &a, &d) == P_OK &&
	    args_int(&a, "days", 0) == 5 && args_int(&a, "hours", 0) == 7,
	    "ranges");
	check(parse("lifetime ca 500", 15, &a, &d) == P_INVALID,
	    "out of range");
	check(parse("name 5", 15, &a, &d) == P_OK && args_get(&a, "num") &&
	    args_get(&a, "name") == NULL, "a range beats WORD");
	check(parse("name fred", 15, &a, &d) == P_OK &&
	    strcmp(args_get(&a, "name"), "fred") == 0, "WORD");
	check(parse("secret a b  c", 15, &a, &d) == P_OK &&
	    strcmp(args_get(&a, "secret"), "a b  c") == 0, "LINE");
}

static void
test_help(void)
{
	check(strcmp(help("eku ", 15), "  client-auth       Client\n"
	    "  code-signing\n  email-protection\n  server-auth\n  <cr>\n")
	    == 0, "eku ?: sorted, help, <cr>");
	check(strcmp(help("eku server-auth cl", 15), "client-auth\n") == 0,
	    "partial after a chosen group");
	check(strcmp(help("e", 15), "eku  enroll  enrollment\n") == 0,
	    "e?");
	check(strcmp(help("e", 1), "enrollment\n") == 0, "e? at privilege 1");
	check(strcmp(help("name ", 15), "  <1-9>  A number\n"
	    "  WORD   The name\n") == 0, "placeholders: keywords last");
	check(strstr(help("", 15), "secret") == NULL, "hidden not listed");
}

static void
test_late(void)
{
	static struct args a;
	const struct cmd_def *d;

	cmd_install(late);
	check(parse("eku client-auth extra", 15, &a, &d) == P_OK &&
	    d == &late[0], "installed after freezing");
	check(parse("eku server-auth client-auth", 15, &a, &d) == P_OK &&
	    d == &tab[0], "the shared subtree kept apart");
	check(strcmp(help("eku server-auth client-auth ", 15),
	    "  code-signing\n  email-protection\n  <cr>\n") == 0,
	    "... and its help too");
	check(parse("z", 15, &a, &d) == P_OK && d == &late[1], "z");
	cmd_free_all();
	check(parse("eku", 15, &a, &d) == P_INVALID, "freed");
}

int
main(void)
{
	cmd_install(tab);
	cmd_freeze();
	test_words();
	test_help();
	test_late();
	printf("%d passed, %d failed\n", npass, nfail);
	return nfail != 0;
}
