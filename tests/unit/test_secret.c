/* pkish - ISC license, see LICENSE */
/*
 * DOC: unit tests for lib/secret: IOS type 9/8/5/0 hashes. Cross-checks
 * type 9 and 8 against Python's hashlib (skipped without python3), type 5
 * against `openssl passwd -1`, and both against published hashcat
 * example hashes (password "hashcat").
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "lib/secret.h"
#include "tests/unit/testlib.h"


/* Run cmd, return its first output line (newline stripped) or NULL. */
static char *
run1(const char *cmd)
{
	static char	 line[512];
	FILE		*f;
	char		*r;

	if ((f = popen(cmd, "r")) == NULL)
		return NULL;
	r = fgets(line, sizeof(line), f);
	if (pclose(f) != 0 || r == NULL)
		return NULL;
	line[strcspn(line, "\r\n")] = '\0';
	return line;
}

static const char pyhash[] =
    "python3 -c 'import sys,hashlib,base64\n"
    "t,pw,s=sys.argv[1:4]\n"
    "k=(hashlib.scrypt(pw.encode(),salt=s.encode(),n=16384,r=1,p=1,dklen=32)"
    " if t==\"9\" else hashlib.pbkdf2_hmac(\"sha256\",pw.encode(),"
    "s.encode(),20000,32))\n"
    "std=\"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/\"\n"
    "cis=\"./0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz\"\n"
    "e=base64.b64encode(k).decode().rstrip(\"=\").translate(str.maketrans(std,cis))\n"
    "print(\"$%%s$%%s$%%s\" %% (t,s,e))' %s '%s' '%s'";

static int
have_python(void)
{
	return system("python3 -c 'import hashlib; hashlib.scrypt' "
	    ">/dev/null 2>&1") == 0;
}

static void
t_roundtrip(void)
{
	char		h1[SECRET_BUFSZ], h2[SECRET_BUFSZ];
	struct err	e = { 0 };

	check(secret_hash9("Cisco123!", h1, sizeof(h1), &e) == 0, "hash9 ok");
	check(strlen(h1) == SECRET_HASH9_LEN && strncmp(h1, "$9$", 3) == 0 &&
	    h1[17] == '$', "hash9 shape $9$ salt(14) $ key(43)");
	check(secret_type(h1) == 9, "type of new hash is 9");
	check(secret_verify("Cisco123!", h1) == 1, "round trip verifies");
	check(secret_verify("Cisco123", h1) == 0, "wrong password rejected");
	check(secret_verify("", h1) == 0, "empty password rejected");
	check(secret_hash9("Cisco123!", h2, sizeof(h2), &e) == 0 &&
	    strcmp(h1, h2) != 0, "two hashes of one password differ (salt)");
	check(secret_hash9("x", h2, SECRET_BUFSZ - 1, &e) == -1 &&
	    e.code == E_INVAL, "short output buffer refused");
	check(secret_hash9("", h2, sizeof(h2), &e) == 0 &&
	    secret_verify("", h2) == 1 && secret_verify(" ", h2) == 0,
	    "empty password hashes and verifies");
}

static void
t_published(void)
{
	/* hashcat example hashes for modes 9300 and 9200, password "hashcat" */
	const char *h9 =
	    "$9$2MJBozw/9R3UsU$2lFhcKvpghcyw8deP25GOfyZaagyUOGBymkryvOdfo6";
	const char *h8 =
	    "$8$TnGX/fE4KGHOVU$pEhnEvxrvaynpi8j4f.EMHr6M.FzU8xnZnBr/tJdFWk";

	check(secret_type(h9) == 9 && secret_verify("hashcat", h9) == 1,
	    "published type 9 hash verifies");
	check(secret_verify("hashcaT", h9) == 0, "published type 9, wrong pw");
	check(secret_type(h8) == 8 && secret_verify("hashcat", h8) == 1,
	    "published type 8 hash verifies");
	check(secret_verify("hashca", h8) == 0, "published type 8, wrong pw");
}

static void
t_python(void)
{
	char		h[SECRET_BUFSZ], cmd[2048], salt[15], *py;
	struct err	e = { 0 };

	if (!have_python()) {
		/* a developer's ad-hoc run may skip; CI installs python3 */
		check(getenv("CI") == NULL, "# SKIP python3 with hashlib.scrypt "
		    "not found");
		return;
	}
	if (secret_hash9("p@ss word", h, sizeof(h), &e) == -1) {
		check(0, "hash9 for python cross-check");
		return;
	}
	memcpy(salt, h + 3, 14);
	salt[14] = '\0';
	snprintf(cmd, sizeof(cmd), pyhash, "9", "p@ss word", salt);
	py = run1(cmd);
	check(py != NULL && strcmp(py, h) == 0,
	    "type 9 equals python hashlib.scrypt");
	snprintf(cmd, sizeof(cmd), pyhash, "8", "Type8-pw", "AbCdEf./012345");
	py = run1(cmd);
	check(py != NULL && secret_type(py) == 8 &&
	    secret_verify("Type8-pw", py) == 1,
	    "python PBKDF2 type 8 hash verifies");
	check(py != NULL && secret_verify("type8-pw", py) == 0,
	    "python type 8 hash, wrong password");
}

static void
t_type5(void)
{
	char	*h, buf[128];

	h = run1("openssl passwd -1 -salt abcd PASS 2>/dev/null");
	if (h == NULL) {
		check(0, "openssl passwd -1 ran");
		return;
	}
	snprintf(buf, sizeof(buf), "%s", h);
	check(secret_type(buf) == 5, "openssl MD5-crypt hash is type 5");
	check(secret_verify("PASS", buf) == 1, "type 5 verifies");
	check(secret_verify("PASs", buf) == 0, "type 5 wrong password");
	buf[strlen(buf) - 1] ^= 1;
	check(secret_verify("PASS", buf) == 0, "type 5 altered hash rejected");
}

static void
t_malformed(void)
{
	static const char *const bad[] = {
		"",
		"$9$",
		"$9$2MJBozw/9R3UsU$2lFhcKvpghcyw8deP25GOfyZaagyUOGBymkryvOdfo",
		"$9$2MJBozw/9R3UsU$2lFhcKvpghcyw8deP25GOfyZaagyUOGBymkryvOdfo6x",
		"$9$2MJBozw/9R3UsU$2lFhcKvpghcyw8deP25GOfyZaagyUOGBymkryvOdf+6",
		"$9$2MJBozw/9R3Us!$2lFhcKvpghcyw8deP25GOfyZaagyUOGBymkryvOdfo6",
		"$9$2MJBozw/9R3UsUx2lFhcKvpghcyw8deP25GOfyZaagyUOGBymkryvOdfo6",
		"$8$TnGX/fE4KGHOVU$pEhnEvxrvaynpi8j4f.EMHr6M.FzU8xnZnBr/tJdFW",
		"$1$$abcdefghijklmnopqrstuv",
		"$1$abcdefghi$abcdefghijklmnopqrstuv",
		"$1$abcd$short",
		"$1$ab!d$abcdefghijklmnopqrstuv",
		"$1$abcd",
		"$5$abcd$abcdefghijklmnopqrstuv",
		"$7$",
	};
	size_t	i;
	int	ok = 1;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (secret_type(bad[i]) != -1 || secret_verify("hashcat",
		    bad[i]) != 0) {
			printf("# malformed accepted: \"%s\"\n", bad[i]);
			ok = 0;
		}
	check(ok, "malformed hashes: type -1, never verify");
	check(secret_type(NULL) == -1 && secret_verify("x", NULL) == 0,
	    "NULL stored secret rejected");
	check(secret_verify(NULL, "plain") == 0, "NULL password rejected");
}

static void
t_plain(void)
{
	check(secret_type("Cisco123") == 0, "plaintext is type 0");
	check(secret_type("pa$$word") == 0 && secret_type("$9") == 0,
	    "plaintext with dollars is type 0");
	check(secret_verify("Cisco123", "Cisco123") == 1, "type 0 matches");
	check(secret_verify("Cisco12", "Cisco123") == 0 &&
	    secret_verify("Cisco1234", "Cisco123") == 0,
	    "type 0 prefix/extension rejected");
}

int
main(void)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	t_roundtrip();
	t_published();
	t_python();
	t_type5();
	t_malformed();
	t_plain();
	return t_report();
}
