/* pkish - ISC license, see LICENSE */
/*
 * DOC: unit tests for lib/json: strict whole-input parsing (trailing data,
 * trailing commas, truncation, depth, UTF-8, embedded NUL) and the
 * type-checked getters (no coercion between strings, numbers, booleans).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "lib/json.h"
#include <json-c/json.h>
#include "tests/unit/testlib.h"


/* 1 if the text parses (strictly), 0 if not. */
static int
parses(const char *s, size_t len)
{
	struct err		 e = { 0 };
	struct json_object	*o = json_strict_parse(s, len, &e);
	int			 ok = o != NULL;

	if (!ok && (e.code != E_PROTO || e.msg[0] == '\0'))
		ok = -1;		/* error without a message */
	json_free(o);
	return ok;
}

#define P(s)	parses((s), strlen(s))

static void
t_parse(void)
{
	char	deep[200];
	int	i;

	check(P("{\"a\":1}") == 1, "plain object parses");
	check(P(" {\"a\":[1,2,{\"b\":null}]} \r\n\t") == 1,
	    "surrounding whitespace accepted");
	check(P("{\"a\":1}x") == 0, "trailing garbage rejected");
	check(P("{\"a\":1}{\"b\":2}") == 0, "two objects rejected");
	check(P("{\"a\":1,}") == 0, "trailing comma rejected");
	check(P("[1,2,]") == 0, "trailing comma in array rejected");
	check(P("{\"a\":\"x\"") == 0, "truncated object rejected");
	check(P("{\"a\":'x'}") == 0, "single-quoted value rejected");
	check(P("") == 0, "empty input rejected");
	check(P("   ") == 0, "whitespace only rejected");
	check(parses("{\"a\":1}\0 ", 9) == 0, "embedded NUL after value rejected");
	check(parses("{\"a\":\"x\0y\"}", 11) == 0, "NUL inside string rejected");
	check(P("{\"a\":\"\xc3\xa9\"}") == 1, "valid UTF-8 accepted");
	check(P("{\"a\":\"\xc3\x28\"}") == 0, "invalid UTF-8 rejected");
	check(P("{\"a\":\"\xff\"}") == 0, "0xff byte rejected");
	for (i = 0; i < 31; i++)
		deep[i] = '[';
	for (; i < 62; i++)
		deep[i] = ']';
	deep[i] = '\0';
	check(P(deep) == 1, "31 levels of nesting accepted");
	for (i = 0; i < 40; i++)
		deep[i] = '[';
	for (; i < 80; i++)
		deep[i] = ']';
	deep[i] = '\0';
	check(P(deep) == 0, "40 levels of nesting rejected");
}

static void
t_getters(void)
{
	const char	*s = "{\"s\":\"str\",\"n\":42,\"d\":1.5,\"b\":true,"
	    "\"f\":false,\"ns\":\"12abc\",\"o\":{\"k\":\"v\"},\"a\":[\"x\",{},3],"
	    "\"big\":123456789012345678901234567890,\"neg\":-7,\"nul\":null,"
	    "\"u\":\"https://x/y\"}";
	struct err	 e = { 0 };
	struct json_object *o, *a;
	int64_t		 n = 0;
	int		 b = -1;
	char		*d;

	o = json_strict_parse_obj(s, strlen(s), &e);
	check(o != NULL, "getter fixture parses");
	if (o == NULL)
		return;
	check(json_get_str(o, "s") && strcmp(json_get_str(o, "s"), "str") == 0,
	    "get_str on string");
	check(json_get_str(o, "n") == NULL, "get_str on number is NULL");
	check(json_get_str(o, "o") == NULL, "get_str on object is NULL");
	check(json_get_str(o, "nul") == NULL, "get_str on null is NULL");
	check(json_get_str(o, "missing") == NULL, "get_str on missing is NULL");
	check(json_get_int(o, "n", &n) == 0 && n == 42, "get_int on int");
	check(json_get_int(o, "neg", &n) == 0 && n == -7, "get_int negative");
	check(json_get_int(o, "d", &n) == -1, "get_int on double fails");
	check(json_get_int(o, "ns", &n) == -1, "get_int on \"12abc\" fails");
	check(json_get_int(o, "big", &n) == -1, "get_int on overflow fails");
	check(json_get_int(o, "b", &n) == -1, "get_int on bool fails");
	check(json_get_bool(o, "b", &b) == 0 && b == 1, "get_bool true");
	check(json_get_bool(o, "f", &b) == 0 && b == 0, "get_bool false");
	check(json_get_bool(o, "n", &b) == -1, "get_bool on int fails");
	check(json_get_obj(o, "o") != NULL && json_get_obj(o, "a") == NULL,
	    "get_obj type check");
	a = json_get_arr(o, "a");
	check(a != NULL && json_get_arr(o, "o") == NULL, "get_arr type check");
	check(json_arr_len(a) == 3 && json_arr_len(o) == 0, "arr_len");
	check(json_arr_str(a, 0) && strcmp(json_arr_str(a, 0), "x") == 0 &&
	    json_arr_str(a, 1) == NULL && json_arr_str(a, 9) == NULL,
	    "arr_str type and bounds");
	check(json_arr_obj(a, 1) != NULL && json_arr_obj(a, 2) == NULL,
	    "arr_obj type check");
	check(json_get_str(a, "s") == NULL, "get_str on a non-object is NULL");
	d = json_dump(json_get_obj(o, "o"), &e);
	check(d && strcmp(d, "{\"k\":\"v\"}") == 0, "dump is compact");
	free(d);
	a = json_object_new_object();
	json_object_object_add(a, "u", json_object_new_string("https://x/y"));
	d = json_dump(a, &e);
	check(d && strcmp(d, "{\"u\":\"https://x/y\"}") == 0,
	    "dump does not escape slashes");
	free(d);
	json_free(a);
	json_free(o);
	check(json_strict_parse_obj("[1]", 3, &e) == NULL && e.code == E_PROTO,
	    "parse_obj rejects a top-level array");
	json_free(NULL);
	check(1, "json_free(NULL) is safe");
}

int
main(void)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	check(json_strict_parse("", 0, NULL) == NULL, "empty input refused");
	t_parse();
	t_getters();
	return t_report();
}
