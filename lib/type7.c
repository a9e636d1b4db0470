/* lib/type7.c - IOS type 7 password obfuscation (see lib/type7.h) */
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include "lib/type7.h"

static const char xlat[] = "dsfd;kfoA,.iyewrkldJKDHSUBsgvca69834ncxv9873254k;"
    "fg87";
#define XLAT_LEN	(sizeof(xlat) - 1)

int
type7_encode(const char *pw, char *out, size_t len)
{
	size_t n = strlen(pw), seed = 0;

	if (len < 2 * n + 3)
		return -1;
	for (size_t i = 0; i < n; i++)
		seed += (unsigned char)pw[i];
	seed %= 16;
	snprintf(out, len, "%02zu", seed);
	for (size_t i = 0; i < n; i++)
		snprintf(out + 2 + 2 * i, len - 2 - 2 * i, "%02X",
		    (unsigned)((unsigned char)pw[i] ^
		    (unsigned char)xlat[(seed + i) % XLAT_LEN]));
	return 0;
}

static int
hexval(int c)
{
	if (isdigit(c))
		return c - '0';
	c = tolower(c);
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

int
type7_decode(const char *s, char *out, size_t len)
{
	size_t n = strlen(s), seed;
	int hi, lo;

	if (n < 2 || n % 2 != 0 || !isdigit((unsigned char)s[0]) ||
	    !isdigit((unsigned char)s[1]) || len < (n - 2) / 2 + 1)
		return -1;
	seed = (size_t)((s[0] - '0') * 10 + (s[1] - '0'));
	if (seed > 15)
		return -1;
	for (size_t i = 0; i < (n - 2) / 2; i++) {
		hi = hexval((unsigned char)s[2 + 2 * i]);
		lo = hexval((unsigned char)s[3 + 2 * i]);
		if (hi < 0 || lo < 0)
			return -1;
		out[i] = (char)((hi << 4 | lo) ^
		    (unsigned char)xlat[(seed + i) % XLAT_LEN]);
		if (out[i] == '\0')
			return -1;
	}
	out[(n - 2) / 2] = '\0';
	return 0;
}
