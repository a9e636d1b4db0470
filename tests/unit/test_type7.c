/* pkish - ISC license, see LICENSE */
/*
 * DOC: unit tests for lib/type7: IOS type 7 passwords against published
 * pairs (the seed's `database archive pkcs12 password 7 ...`), round trips
 * at every length, and malformed input.
 */
#include <stdio.h>
#include <string.h>
#include "lib/type7.h"
#include "tests/unit/testlib.h"

static void
t_published(void)
{
	char out[64];

	check(type7_decode("0822455D0A16", out, sizeof(out)) == 0 &&
	    strcmp(out, "cisco") == 0, "0822455D0A16 is cisco");
	check(type7_decode("01100F175804575D72", out, sizeof(out)) == 0 &&
	    strcmp(out, "cisco123") == 0, "the seed's archive password");
	check(type7_decode("0822455d0a16", out, sizeof(out)) == 0 &&
	    strcmp(out, "cisco") == 0, "lower-case hex");
}

static void
t_roundtrip(void)
{
	char pw[201], enc[410], dec[201], again[410];
	int ok = 1;

	for (size_t n = 1; n <= 200; n++) {
		for (size_t i = 0; i < n; i++)
			pw[i] = (char)(' ' + 1 + (i * 7 + n) % 94);
		pw[n] = '\0';
		if (type7_encode(pw, enc, sizeof(enc)) < 0 ||
		    type7_decode(enc, dec, sizeof(dec)) < 0 ||
		    strcmp(pw, dec) != 0 ||
		    type7_encode(pw, again, sizeof(again)) < 0 ||
		    strcmp(enc, again) != 0)
			ok = 0;
	}
	check(ok, "1..200 characters round-trip, the encoding is stable");
	check(type7_encode("cisco123", enc, 18) < 0, "encode: buffer too small");
	check(type7_encode("cisco123", enc, 19) == 0, "encode: exact buffer");
}

static void
t_malformed(void)
{
	char out[64];

	check(type7_decode("", out, sizeof(out)) < 0, "empty");
	check(type7_decode("0", out, sizeof(out)) < 0, "one digit");
	check(type7_decode("16AB", out, sizeof(out)) < 0, "seed above 15");
	check(type7_decode("0822455D0A1", out, sizeof(out)) < 0, "odd length");
	check(type7_decode("08ZZ", out, sizeof(out)) < 0, "not hex");
	check(type7_decode("A822", out, sizeof(out)) < 0, "seed not decimal");
	check(type7_decode("0822455D0A16", out, 5) < 0, "decode: too small");
	check(type7_decode("0841", out, sizeof(out)) < 0, "decodes to NUL");
}

int
main(void)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	t_published();
	t_roundtrip();
	t_malformed();
	return t_report();
}
