/* fuzz/fuzz_acme.c - ACME server responses (RFC 8555) as the engine
 * parses them. Byte 0 picks the document: 0 directory, 1 problem (and
 * the account, order or challenge error it stands for), 2 order (also
 * the finalize and account-creation answers, which go through the same
 * response JSON path), 3 authorization with its challenges, 4 ARI
 * renewalInfo (RFC 9773), 5 Retry-After header value. */
#include <stdlib.h>
#include <string.h>
#include "lib/json.h"
#include "acme/acme_int.h"
#include "fuzz/fuzz.h"

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	fz_init(0);
	return 0;
}

static void
order(const char *s, size_t n)
{
	struct http_resp r = { 0 };
	struct acme_order o = { 0 };
	struct json_object *j;
	struct err e = { 0 };

	r.body = (unsigned char *)s;
	r.body_len = n;
	if ((j = acme_resp_json(&r, &e)) == NULL)
		return;
	acme_order_parse(&o, j, &e);
	acme_order_free(&o);
	json_free(j);
}

static void
authz(const char *s, size_t n)
{
	struct acme_authz a = { 0 };
	struct json_object *j;
	struct err e = { 0 };

	if ((j = json_strict_parse_obj(s, n, &e)) == NULL)
		return;
	acme_authz_parse(&a, j, &e);
	acme_authz_free(&a);
	json_free(j);
}

int
LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
	struct acme_dir dir = { 0 };
	struct err e = { 0 };
	char type[64], *s;
	time_t t0, t1;

	if (n < 1)
		return 0;
	s = fz_str(d + 1, n - 1);
	switch (d[0] % 6) {
	case 0:
		acme_dir_parse(&dir, s, n - 1, &e);
		acme_dir_free(&dir);
		break;
	case 1:
		acme_problem_parse(s, n - 1, 400, type, sizeof(type), &e);
		if (strlen(e.msg) >= sizeof(e.msg))
			abort();
		break;
	case 2: order(s, n - 1); break;
	case 3: authz(s, n - 1); break;
	case 4: acme_ari_parse(s, n - 1, &t0, &t1, &e); break;
	default: acme_retry_after_parse(s, 1700000000); break;
	}
	free(s);
	return 0;
}
