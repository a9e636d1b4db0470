/* pkish - ISC license, see LICENSE */
/*
 * DOC: unit tests for the ACME message layer without a server: RFC 7807
 * problem documents (type token, detail, subproblems, sanitizing,
 * malformed and hostile bodies, a replayed badNonce), the nonce pool,
 * directory, order and authorization parsing, Retry-After, RFC 9773
 * certID (the RFC's example) and RenewalInfo windows, PEM chains.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>
#include "lib/json.h"
#include "acme/acme_int.h"
#include "tests/unit/testlib.h"



static int
dirp(struct acme_dir *d, const char *s, struct err *e)
{
	return acme_dir_parse(d, s, strlen(s), e);
}

static struct json_object *
jp(const char *s, struct err *e)
{
	return json_strict_parse_obj(s, strlen(s), e);
}

static int
arip(const char *s, time_t *a, time_t *b, struct err *e)
{
	return acme_ari_parse(s, strlen(s), a, b, e);
}

static int
prob(const char *body, long status, char *type, size_t tl, struct err *e)
{
	return acme_problem_parse(body, strlen(body), status, type, tl, e);
}

static void
t_problem(void)
{
	struct err	e = { 0 };
	char		type[64];

	e.detail = 60;
	check(prob("{\"type\":\"urn:ietf:params:acme:error:badNonce\","
	    "\"detail\":\"JWS has an invalid anti-replay nonce: \\\"abc\\\"\","
	    "\"status\":400}", 400, type, sizeof(type), &e) == -1 &&
	    strcmp(type, "badNonce") == 0, "replayed badNonce: type token");
	check(e.code == E_PROTO && e.detail == 0 && strcmp(e.msg, "badNonce: "
	    "JWS has an invalid anti-replay nonce: \"abc\"") == 0,
	    "problem text is \"token: detail\", detail reset");
	prob("{\"type\":\"urn:ietf:params:acme:error:rejectedIdentifier\","
	    "\"detail\":\"Some identifiers were rejected\",\"subproblems\":["
	    "{\"type\":\"urn:ietf:params:acme:error:malformed\",\"detail\":"
	    "\"Invalid underscore in DNS name\",\"identifier\":{\"type\":\"dns\","
	    "\"value\":\"_example.org\"}},{\"type\":\"urn:ietf:params:acme:"
	    "error:rejectedIdentifier\",\"detail\":\"This CA will not issue "
	    "for \\\"example.net\\\"\",\"identifier\":{\"type\":\"dns\","
	    "\"value\":\"example.net\"}}]}", 403, type, sizeof(type), &e);
	check(strcmp(e.msg, "rejectedIdentifier: Some identifiers were "
	    "rejected; dns:_example.org: malformed: Invalid underscore in DNS "
	    "name; dns:example.net: rejectedIdentifier: This CA will not issue "
	    "for \"example.net\"") == 0, "RFC 8555 6.7.1 subproblems listed");
	prob("{\"type\":\"about:blank\",\"detail\":\"x\"}", 400, type,
	    sizeof(type), &e);
	check(strcmp(type, "about:blank") == 0 && strcmp(e.msg,
	    "about:blank: x") == 0, "non-ACME type kept whole");
	prob("{\"detail\":\"only detail\"}", 500, type, sizeof(type), &e);
	check(type[0] == '\0' && strcmp(e.msg, "error: only detail") == 0,
	    "problem without type");
	prob("<html>502 Bad Gateway</html>", 502, type, sizeof(type), &e);
	check(e.code == E_PROTO && strstr(e.msg, "HTTP 502") != NULL &&
	    type[0] == '\0', "non-JSON error body: HTTP status");
	prob("{\"type\":\"urn:ietf:params:acme:error:malformed\"", 400, type,
	    sizeof(type), &e);
	check(strstr(e.msg, "HTTP 400") != NULL, "truncated problem JSON");
	prob("{\"type\":42,\"detail\":[1]}", 400, type, sizeof(type), &e);
	check(strstr(e.msg, "HTTP 400") != NULL && type[0] == '\0',
	    "wrong member types are ignored");
	prob("{\"type\":\"urn:ietf:params:acme:error:x\",\"detail\":"
	    "\"a\\u001b[31mred\\nline\"}", 400, type, sizeof(type), &e);
	check(strchr(e.msg, '\033') == NULL && strchr(e.msg, '\n') == NULL,
	    "control characters in detail sanitized");
	{
		char	big[4096];
		size_t	n;

		n = (size_t)snprintf(big, sizeof(big), "{\"type\":\"t\","
		    "\"detail\":\"");
		memset(big + n, 'x', 3000);
		strcpy(big + n + 3000, "\"}");
		prob(big, 400, type, sizeof(type), &e);
		check(strlen(e.msg) < sizeof(e.msg) && strncmp(e.msg, "t: xxx",
		    6) == 0, "very long detail truncated safely");
	}
	check(prob("", 500, NULL, 0, &e) == -1 && strstr(e.msg, "HTTP 500"),
	    "empty body, no type buffer");
}

static void
t_nonce(void)
{
	struct acme_nonces	 p = { 0 };
	char			*n, name[16];
	int			 i;

	check(acme_nonce_take(&p) == NULL, "empty pool gives NULL");
	check(acme_nonce_put(&p, "abc_-DEF123") == 0, "valid nonce kept");
	check(acme_nonce_put(&p, "bad nonce") == -1 &&
	    acme_nonce_put(&p, "a+b/c=") == -1 && acme_nonce_put(&p, "") == -1
	    && acme_nonce_put(&p, NULL) == -1, "non-base64url nonces refused");
	acme_nonce_put(&p, "second");
	n = acme_nonce_take(&p);
	check(n && strcmp(n, "second") == 0, "newest nonce first");
	free(n);
	n = acme_nonce_take(&p);
	check(n && strcmp(n, "abc_-DEF123") == 0 && acme_nonce_take(&p) ==
	    NULL, "then the older one, then empty");
	free(n);
	for (i = 0; i < ACME_NONCE_MAX + 5; i++) {
		snprintf(name, sizeof(name), "n%d", i);
		acme_nonce_put(&p, name);
	}
	check(p.n == ACME_NONCE_MAX, "pool bounded");
	n = acme_nonce_take(&p);
	check(n && strcmp(n, "n12") == 0, "bounded pool keeps the newest");
	free(n);
	{
		char long_nonce[ACME_NONCE_LEN + 2];

		memset(long_nonce, 'a', sizeof(long_nonce) - 1);
		long_nonce[sizeof(long_nonce) - 1] = '\0';
		check(acme_nonce_put(&p, long_nonce) == -1, "oversize nonce "
		    "refused");
	}
	acme_nonce_free(&p);
	check(p.n == 0, "pool freed");
}

static void
t_directory(void)
{
	struct acme_dir	d;
	struct err	e = { 0 };
	const char	*ok = "{\"newNonce\":\"https://a/nonce\",\"newAccount\":"
	    "\"https://a/acct\",\"newOrder\":\"https://a/order\",\"revokeCert\":"
	    "\"https://a/revoke\",\"keyChange\":\"https://a/kc\",\"renewalInfo\":"
	    "\"https://a/ari\",\"meta\":{\"termsOfService\":\"https://a/tos\","
	    "\"externalAccountRequired\":false}}";

	check(acme_dir_parse(&d, ok, strlen(ok), &e) == 0 &&
	    strcmp(d.new_order, "https://a/order") == 0 &&
	    strcmp(d.renewal_info, "https://a/ari") == 0 &&
	    strcmp(d.tos, "https://a/tos") == 0 && d.eab_required == 0,
	    "full directory parsed");
	acme_dir_free(&d);
	check(dirp(&d, "{\"newNonce\":\"https://a/n\",\"newAccount\":"
	    "\"https://a/a\"}", &e) == -1 && strstr(e.msg, "newOrder") &&
	    d.new_nonce == NULL, "missing newOrder refused, nothing kept");
	check(dirp(&d, "{\"newNonce\":\"http://a/n\",\"newAccount\":"
	    "\"https://a/a\",\"newOrder\":\"https://a/o\"}", &e) == -1 &&
	    strstr(e.msg, "https") != NULL, "plain http URL refused");
	check(dirp(&d, "{\"newNonce\":7,\"newAccount\":\"https://a/a\","
	    "\"newOrder\":\"https://a/o\"}", &e) == -1,
	    "newNonce of the wrong type refused");
	check(dirp(&d, "[]", &e) == -1, "array refused");
	check(dirp(&d, "{\"newNonce\":\"https://a/n\",\"newAccount\":"
	    "\"https://a/a\",\"newOrder\":\"https://a/o\",\"meta\":"
	    "{\"externalAccountRequired\":true}}", &e) == 0 &&
	    d.eab_required == 1 && d.revoke_cert == NULL && d.tos == NULL,
	    "minimal directory, EAB flag");
	acme_dir_free(&d);
}

static void
t_objects(void)
{
	struct acme_order	 o = { 0 };
	struct acme_authz	 a = { 0 };
	struct json_object	*j;
	struct err		 e = { 0 };
	const char		*os = "{\"status\":\"invalid\",\"finalize\":"
	    "\"https://a/fin\",\"authorizations\":[\"https://a/z1\","
	    "\"https://a/z2\"],\"error\":{\"type\":\"urn:ietf:params:acme:error:"
	    "caa\",\"detail\":\"CAA forbids\"}}";
	const char		*as = "{\"status\":\"pending\",\"identifier\":"
	    "{\"type\":\"dns\",\"value\":\"www.example.test\"},\"challenges\":["
	    "{\"type\":\"dns-01\",\"url\":\"https://a/c0\",\"status\":\"pending\","
	    "\"token\":\"AAAAAAAAAAAAAAAAAAAAAA\"},{\"type\":\"http-01\",\"url\":"
	    "\"https://a/c1\",\"status\":\"pending\",\"token\":"
	    "\"evaGxfADs6pSRb2LAv9IZf17Dt3juxGJ-PCt92wr-oA\"}]}";

	j = json_strict_parse_obj(os, strlen(os), &e);
	check(acme_order_parse(&o, j, &e) == 0 && o.nauthz == 2 &&
	    strcmp(o.authz[1], "https://a/z2") == 0 && o.cert == NULL &&
	    strcmp(o.error, "caa: CAA forbids") == 0, "order parsed with error");
	json_free(j);
	check(acme_order_poll(NULL, &o, "valid", 0, &e) == -1 &&
	    strstr(e.msg, "invalid: caa: CAA forbids") != NULL,
	    "invalid order fails with its problem");
	acme_order_free(&o);
	j = jp("{\"status\":\"pending\",\"finalize\":\"x\","
	    "\"authorizations\":[\"a\",3]}", &e);
	check(j && acme_order_parse(&o, j, &e) == -1, "non-string "
	    "authorization URL refused");
	json_free(j);
	acme_order_free(&o);
	j = json_strict_parse_obj(as, strlen(as), &e);
	check(acme_authz_parse(&a, j, &e) == 0 && strcmp(a.ident,
	    "dns:www.example.test") == 0 && strcmp(a.chall_url, "https://a/c1")
	    == 0 && strncmp(a.token, "evaGx", 5) == 0,
	    "authorization: http-01 challenge picked");
	json_free(j);
	j = jp("{\"status\":\"pending\",\"identifier\":{"
	    "\"type\":\"dns\",\"value\":\"x\"},\"challenges\":[{\"type\":"
	    "\"http-01\",\"url\":\"https://a/c\",\"status\":\"pending\","
	    "\"token\":\"../../etc/passwd/aaaaaaaa\"}]}", &e);
	check(j && acme_authz_parse(&a, j, &e) == -1 && strstr(e.msg,
	    "base64url"), "path-like token refused");
	json_free(j);
	j = jp("{\"status\":\"pending\",\"identifier\":{"
	    "\"type\":\"dns\",\"value\":\"x\"},\"challenges\":[{\"type\":"
	    "\"dns-01\",\"url\":\"https://a/c\",\"status\":\"pending\","
	    "\"token\":\"AAAAAAAAAAAAAAAAAAAA\"}]}", &e);
	check(j && acme_authz_parse(&a, j, &e) == -1 && strstr(e.msg,
	    "no http-01"), "pending without http-01 refused");
	json_free(j);
	acme_authz_free(&a);
}

static void
t_retry_after(void)
{
	time_t now = 1700000000;	/* Tue, 14 Nov 2023 22:13:20 GMT */

	check(acme_retry_after_parse("120", now) == 120, "delta-seconds");
	check(acme_retry_after_parse("0", now) == 0, "zero");
	check(acme_retry_after_parse("Tue, 14 Nov 2023 22:14:20 GMT", now) ==
	    60, "HTTP-date a minute ahead");
	check(acme_retry_after_parse("Tue, 14 Nov 2023 22:00:00 GMT", now) ==
	    0, "HTTP-date in the past is 0");
	check(acme_retry_after_parse("-5", now) == -1 &&
	    acme_retry_after_parse("soon", now) == -1 &&
	    acme_retry_after_parse("", now) == -1 &&
	    acme_retry_after_parse(NULL, now) == -1, "garbage is -1");
	check(acme_retry_after_parse("99999999999999999999", now) > 0,
	    "huge value clamped, not wrapped");
}

/* A certificate with the RFC 9773 section 4.1 example AKI and serial. */
static X509 *
ari_cert(void)
{
	static const unsigned char kid[] = { 0x69, 0x88, 0x5B, 0x6B, 0x87,
	    0x46, 0x40, 0x41, 0xE1, 0xB3, 0x7B, 0x84, 0x7B, 0xA0, 0xAE, 0x2C,
	    0xDE, 0x01, 0xC8, 0xD4 };
	EVP_PKEY		*k = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
	X509			*x = X509_new();
	AUTHORITY_KEYID		*aki = AUTHORITY_KEYID_new();
	BIGNUM			*bn = NULL;

	aki->keyid = ASN1_OCTET_STRING_new();
	ASN1_OCTET_STRING_set(aki->keyid, kid, sizeof(kid));
	BN_hex2bn(&bn, "87654321");
	BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(x));
	X509_set_version(x, 2);
	X509_gmtime_adj(X509_getm_notBefore(x), 0);
	X509_gmtime_adj(X509_getm_notAfter(x), 3600);
	X509_set_pubkey(x, k);
	X509_add1_ext_i2d(x, NID_authority_key_identifier, aki, 0, 0);
	X509_sign(x, k, EVP_sha256());
	AUTHORITY_KEYID_free(aki);
	BN_free(bn);
	EVP_PKEY_free(k);
	return x;
}

static void
t_ari(void)
{
	struct err	 e = { 0 };
	time_t		 s = 0, t = 0;
	X509		*x = ari_cert();
	char		*id = acme_ari_cert_id(x, &e);
	const char	*w = "{\"suggestedWindow\":{\"start\":"
	    "\"2025-01-02T04:00:00Z\",\"end\":\"2025-01-03T04:00:00Z\"},"
	    "\"explanationURL\":\"https://acme.example.com/docs/ari\"}";

	check(id && strcmp(id, "aYhba4dGQEHhs3uEe6CuLN4ByNQ.AIdlQyE") == 0,
	    "RFC 9773 section 4.1 certID example");
	free(id);
	X509_free(x);
	x = X509_new();
	check(acme_ari_cert_id(x, &e) == NULL && e.code == E_INVAL,
	    "certificate without AKI refused");
	X509_free(x);
	check(acme_ari_parse(w, strlen(w), &s, &t, &e) == 0 &&
	    s == 1735790400 && t == 1735876800, "RFC 9773 window parsed");
#define W(a, b) "{\"suggestedWindow\":{\"start\":\"" a "\",\"end\":\"" b "\"}}"
	check(arip(W("2025-01-02T04:00:00.123456Z",
	    "2025-01-02T06:00:00+02:00"), &s, &t, &e) == 0 && s == 1735790400
	    && t == 1735790400, "fractions and offsets");
	check(arip(W("2025-01-03T00:00:00Z", "2025-01-02T00:00:00Z"), &s, &t, &e) == -1, "end before start refused");
	check(arip(W("2025-13-03T00:00:00Z", "2025-12-04T00:00:00Z"), &s, &t, &e) == -1, "month 13 refused");
	check(arip(W("2025-01-03", "2025-01-04"), &s, &t, &e) ==
	    -1, "date without time refused");
	check(arip(W("2025-01-03T00:00:00.Z", "2025-01-04T00:00:00Z"), &s, &t, &e) == -1, "empty fraction refused");
	check(arip(W("2025-01-03T00:00:00+0", "2025-01-04T00:00:00Z"), &s, &t, &e) == -1, "short offset refused");
	check(arip("{\"suggestedWindow\":{\"start\":1}}", &s, &t, &e) == -1, "numbers refused");
	check(arip("{}", &s, &t, &e) == -1 &&
	    arip("nope", &s, &t, &e) == -1, "no window, no JSON");
}

static void
t_chain(void)
{
	struct err	 e = { 0 };
	X509		*x = ari_cert();
	BIO		*b = BIO_new(BIO_s_mem());
	char		*pem, *two;
	long		 n;
	STACK_OF(X509)	*sk, *sk2;

	PEM_write_bio_X509(b, x);
	n = BIO_get_mem_data(b, &pem);
	two = malloc((size_t)n * 2 + 1);
	memcpy(two, pem, (size_t)n);
	memcpy(two + n, pem, (size_t)n);
	sk = acme_chain_parse(two, (size_t)n * 2, &e);
	check(sk && sk_X509_num(sk) == 2, "two-certificate PEM chain");
	sk2 = acme_chain_parse(two, (size_t)n * 2, &e);
	check(sk && sk2 && sk_X509_value(sk2, 1) == sk_X509_value(sk, 1) &&
	    sk_X509_value(sk2, 0) != sk_X509_value(sk, 0) &&
	    X509_cmp(sk_X509_value(sk2, 1), x) == 0,
	    "an issuer seen before is the kept certificate, the leaf is not");
	sk_X509_pop_free(sk, X509_free);
	sk_X509_pop_free(sk2, X509_free);
	acme_chain_flush();
	check(acme_chain_parse("", 0, &e) == NULL && e.code == E_PROTO,
	    "empty chain refused");
	check(acme_chain_parse("hello", 5, &e) == NULL, "garbage refused");
	two[n + 100] ^= 0x11;		/* corrupt the second block */
	check(acme_chain_parse(two, (size_t)n * 2, &e) == NULL,
	    "corrupt second certificate refused");
	free(two);
	BIO_free(b);
	X509_free(x);
}

/* Parameter checks that fail before any network traffic. */
static void
t_enroll_args(void)
{
	static const char *const wild[] = { "a.example.test", "*.example.test" };
	struct acme_params	 p = { 0 };
	struct acme_result	 r;
	struct err		 e = { 0 };

	p.directory_url = "https://127.0.0.1:1/dir";
	p.cert_key_label = "k";
	p.account_key_label = "a";
	check(acme_enroll(&p, &r, &e) == -1 && e.code == E_INVAL &&
	    strstr(e.msg, "no identifier") && r.chain == NULL,
	    "enroll without identifiers refused");
	p.dns = wild;
	p.ndns = 2;
	check(acme_enroll(&p, &r, &e) == -1 && e.code == E_INVAL &&
	    strstr(e.msg, "*.example.test"), "wildcard refused (needs dns-01)");
	p.ndns = 1;
	p.directory_url = "http://127.0.0.1:1/dir";
	check(acme_enroll(&p, &r, &e) == -1 && e.code == E_INVAL &&
	    strstr(e.msg, "https"), "plain-http directory URL refused");
	check(acme_enroll(&p, &r, NULL) == -1, "NULL err is accepted");
}

int
main(void)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	t_problem();
	t_nonce();
	t_directory();
	t_objects();
	t_retry_after();
	t_ari();
	t_chain();
	t_enroll_args();
	return t_report();
}
