/* tests/unit/test_scep_caps.c - GetCACaps parsing and algorithm choice,
 * operation URLs and GET message encoding, GetCACert CA/RA selection and
 * GetNextCACert verification, all offline. */
#include "lib/b64.h"
#include "tests/unit/test_scep_util.h"

static void
t_caps(void)
{
	struct scep_caps c;
	const char micromdm[] = "Renewal\nSHA-1\nSHA-256\nAES\nDES3\n"
	    "SCEPStandard\nPOSTPKIOperation";
	const char ios[] = "GetNextCACert\r\nrenewal\r\n  sha-1 \r\nSHA-512"
	    "\r\n\r\nX-Unknown-Thing\r\nDES3\r\n";
	char big[4096];

	scep_caps_parse(micromdm, sizeof(micromdm) - 1, &c);
	check(c.renewal && c.sha1 && c.sha256 && c.aes && c.des3 && c.scepstd &&
	    c.post && !c.sha512 && !c.getnextca && !c.update,
	    "scepserver 2.1.0 caps");
	check(strcmp(c.raw, "Renewal\nSHA-1\nSHA-256\nAES\nDES3\nSCEPStandard\n"
	    "POSTPKIOperation\n") == 0, "raw keeps one keyword per line");
	check(scep_caps_md(&c) == EVP_sha256() &&
	    scep_caps_cipher(&c) == EVP_aes_256_cbc(),
	    "strongest: SHA-256 and AES-256-CBC");

	scep_caps_parse(ios, sizeof(ios) - 1, &c);
	check(c.getnextca && c.renewal && c.sha1 && c.sha512 && c.des3 &&
	    !c.aes && !c.post && !c.sha256,
	    "CRLF, case and blanks tolerated, unknown keyword ignored");
	check(strcmp(c.raw, "GetNextCACert\nrenewal\nsha-1\nSHA-512\n"
	    "X-Unknown-Thing\nDES3\n") == 0, "raw normalised to LF");
	check(scep_caps_md(&c) == EVP_sha512() &&
	    scep_caps_cipher(&c) == EVP_des_ede3_cbc(),
	    "SHA-512 over SHA-1; DES3 when AES is not advertised");

	scep_caps_parse("SCEPStandard", 12, &c);
	check(c.scepstd && c.aes && c.post && c.sha256 && !c.sha1,
	    "SCEPStandard implies AES, POSTPKIOperation, SHA-256");
	scep_caps_parse("SHA-1\n", 6, &c);
	check(scep_caps_md(&c) == EVP_sha1() && scep_caps_md(NULL) == EVP_sha1()
	    && scep_caps_cipher(NULL) == EVP_des_ede3_cbc(),
	    "fallback SHA-1 / DES3 (and with no caps at all)");
	scep_caps_parse("", 0, &c);
	check(!c.post && !c.sha256 && c.raw[0] == '\0', "empty body: no caps");

	for (size_t i = 0; i < sizeof(big); i++)
		big[i] = (i % 9 == 8) ? '\n' : 'A';
	memcpy(big + 4000, "\nRenewal\n", 9);
	scep_caps_parse(big, sizeof(big), &c);
	check(c.renewal && strlen(c.raw) < sizeof(c.raw),
	    "oversized body: still parsed, raw bounded (%zu)", strlen(c.raw));
}

static void
t_urls(void)
{
	struct {
		const char *base, *op, *msg, *want;
	} v[] = {
		{ "http://127.0.0.1:2016", "GetCACaps", NULL,
		  "http://127.0.0.1:2016/cgi-bin/pkiclient.exe?operation="
		  "GetCACaps" },
		{ "http://127.0.0.1:2016/", "GetCACert", NULL,
		  "http://127.0.0.1:2016/cgi-bin/pkiclient.exe?operation="
		  "GetCACert" },
		{ "http://127.0.0.1:2016/scep", "GetCACaps", NULL,
		  "http://127.0.0.1:2016/scep?operation=GetCACaps" },
		{ "http://ca.example/certsrv/mscep/mscep.dll", "PKIOperation",
		  "a+b/c==", "http://ca.example/certsrv/mscep/mscep.dll?"
		  "operation=PKIOperation&message=a%2Bb%2Fc%3D%3D" },
		{ "http://h/scep?profile=x", "GetCACert", NULL,
		  "http://h/scep?profile=x&operation=GetCACert" },
		{ "http://h?profile=x", "GetCACert", NULL,
		  "http://h/cgi-bin/pkiclient.exe?profile=x&operation="
		  "GetCACert" },
		{ "http://[::1]:8080", "GetCACert", NULL,
		  "http://[::1]:8080/cgi-bin/pkiclient.exe?operation="
		  "GetCACert" },
	};
	char *u;
	int good = 1;

	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		u = scep_url(v[i].base, v[i].op, v[i].msg);
		if (u == NULL || strcmp(u, v[i].want) != 0) {
			printf("# %s -> %s\n", v[i].base, u ? u : "(null)");
			good = 0;
		}
		free(u);
	}
	check(good, "operation URLs (default path, existing path, query)");
	check(scep_url("", "GetCACert", NULL) == NULL &&
	    scep_url(NULL, "GetCACert", NULL) == NULL, "empty URL refused");
	u = scep_url_escape("AZaz09-_.~ +/=%&?#\n");
	check(u && strcmp(u, "AZaz09-_.~%20%2B%2F%3D%25%26%3F%23%0A") == 0,
	    "escape: unreserved kept, the rest percent-encoded (%s)", u);
	free(u);
}

/* Undo %XX (what a CGI does) for the round-trip check. */
static size_t
unescape(const char *s, char *out)
{
	size_t n = 0;
	unsigned v;

	for (; *s; s++) {
		if (*s == '%' && sscanf(s + 1, "%2x", &v) == 1) {
			out[n++] = (char)v;
			s += 2;
		} else
			out[n++] = *s;
	}
	out[n] = '\0';
	return n;
}

static void
t_get_encoding(void)
{
	unsigned char msg[3000], *back;
	char *b64, *esc, *plain;
	size_t n, blen = 0;
	int allsafe = 1;

	RAND_bytes(msg, sizeof(msg));
	msg[0] = 0xfb;		/* base64 "+" */
	msg[1] = 0xff;		/* and "/" */
	b64 = b64_encode(msg, sizeof(msg), 0);
	esc = scep_url_escape(b64);
	for (const char *p = esc; *p; p++)
		if (*p == '+' || *p == '/' || *p == '=' || *p == ' ')
			allsafe = 0;
	check(allsafe && strstr(esc, "%2B") && strstr(esc, "%2F"),
	    "GET message: no raw '+', '/' or '=' left");
	plain = malloc(strlen(esc) + 1);
	n = unescape(esc, plain);
	back = b64_decode(plain, n, &blen, 0);
	check(back && blen == sizeof(msg) && memcmp(back, msg, blen) == 0,
	    "GET message: percent-decode + base64-decode gives the DER back");
	free(back);
	free(plain);
	free(esc);
	free(b64);
}

static EVP_PKEY *rootk, *subk, *raek, *rask;
static X509 *root, *sub, *rae, *ras, *raboth;

static void
t_ca_parse(void)
{
	STACK_OF(X509) *sk = NULL;
	X509 *ca = NULL, *re = NULL, *rs = NULL, *v[4];
	unsigned char *der;
	size_t len;
	struct err e = { 0 };

	der = t_der_cert(root, &len);
	check(scep_ca_parse(der, len, &sk, &ca, &re, &rs, &e) == 0 &&
	    sk_X509_num(sk) == 1 && X509_cmp(ca, root) == 0 && re == NULL &&
	    rs == NULL, "single DER certificate: the CA, no RA");
	sk_X509_pop_free(sk, X509_free);
	check(scep_ca_parse(der, len - 1, &sk, &ca, &re, &rs, &e) == -1 &&
	    sk == NULL && e.code == E_PROTO, "truncated certificate refused");
	OPENSSL_free(der);

	v[0] = ras; v[1] = root; v[2] = rae; v[3] = sub;
	der = t_degenerate(v, 4, &len);
	check(scep_ca_parse(der, len, &sk, &ca, &re, &rs, &e) == 0 &&
	    sk_X509_num(sk) == 4 && X509_cmp(ca, sub) == 0 &&
	    X509_cmp(re, rae) == 0 && X509_cmp(rs, ras) == 0,
	    "PKCS#7 root+sub+RA: issuing CA = sub, RA enc/sign by key usage");
	sk_X509_pop_free(sk, X509_free);
	OPENSSL_free(der);

	v[0] = raboth; v[1] = root;
	der = t_degenerate(v, 2, &len);
	check(scep_ca_parse(der, len, &sk, &ca, &re, &rs, &e) == 0 &&
	    X509_cmp(ca, root) == 0 && re == rs && X509_cmp(re, raboth) == 0,
	    "one RA cert for both usages");
	sk_X509_pop_free(sk, X509_free);
	OPENSSL_free(der);

	v[0] = root; v[1] = sub;
	der = t_degenerate(v, 2, &len);
	check(scep_ca_parse(der, len, &sk, &ca, NULL, NULL, &e) == 0 &&
	    X509_cmp(ca, sub) == 0, "root+sub without RA: the lowest CA");
	sk_X509_pop_free(sk, X509_free);
	OPENSSL_free(der);

	v[0] = root; v[1] = rae;
	der = t_degenerate(v, 2, &len);
	check(scep_ca_parse(der, len, &sk, &ca, &re, &rs, &e) == -1 &&
	    e.code == E_PROTO && sk == NULL,
	    "RA for encryption only: refused (%s)", e.msg);
	OPENSSL_free(der);

	der = t_degenerate(v, 0, &len);
	check(scep_ca_parse(der, len, &sk, &ca, &re, &rs, &e) == -1 &&
	    e.code == E_PROTO, "PKCS#7 without certificates refused");
	OPENSSL_free(der);
	check(scep_ca_parse((const unsigned char *)"<html>", 6, &sk, &ca, &re,
	    &rs, &e) == -1 && scep_ca_parse(NULL, 0, &sk, &ca, &re, &rs,
	    &e) == -1, "HTML and empty bodies refused");
}

/* GetNextCACert reply: SignedData by signer around a degenerate PKCS#7. */
static unsigned char *
next_ca_reply(X509 *signer, EVP_PKEY *sk, X509 *next, size_t *len)
{
	unsigned char *deg, *out = NULL;
	size_t dl;
	BIO *b;
	PKCS7 *p7;
	int n;

	deg = t_degenerate(&next, 1, &dl);
	b = BIO_new_mem_buf(deg, (int)dl);
	p7 = PKCS7_sign(signer, sk, NULL, b, PKCS7_BINARY);
	n = i2d_PKCS7(p7, &out);
	*len = (size_t)n;
	PKCS7_free(p7);
	BIO_free(b);
	OPENSSL_free(deg);
	return out;
}

static void
t_next_ca(void)
{
	EVP_PKEY *nk = t_rsa(), *ek = t_rsa();
	X509 *next = t_cert(nk, "Root CA", NULL, NULL, 1, NULL, 77);
	X509 *evil = t_cert(ek, "Root CA", NULL, NULL, 1, NULL, 1);
	STACK_OF(X509) *sk = NULL;
	unsigned char *der;
	size_t len;
	struct err e = { 0 };

	der = next_ca_reply(root, rootk, next, &len);
	check(scep_next_ca_parse(der, len, root, &sk, &e) == 0 &&
	    sk_X509_num(sk) == 1 && X509_cmp(sk_X509_value(sk, 0), next) == 0,
	    "GetNextCACert signed by the current CA: rollover cert returned");
	sk_X509_pop_free(sk, X509_free);
	sk = NULL;
	check(scep_next_ca_parse(der, len / 2, root, &sk, &e) == -1 && sk == NULL,
	    "truncated GetNextCACert refused");
	OPENSSL_free(der);
	der = next_ca_reply(rae, raek, next, &len);
	check(scep_next_ca_parse(der, len, sub, &sk, &e) == 0,
	    "signed by an RA certified by the current CA: accepted");
	sk_X509_pop_free(sk, X509_free);
	sk = NULL;
	OPENSSL_free(der);
	der = next_ca_reply(evil, ek, next, &len);
	check(scep_next_ca_parse(der, len, root, &sk, &e) == -1 &&
	    e.code == E_PROTO && sk == NULL,
	    "signed by an impostor of the current CA: refused");
	OPENSSL_free(der);
	X509_free(next);
	X509_free(evil);
	EVP_PKEY_free(nk);
	EVP_PKEY_free(ek);
}

int
main(void)
{
	struct err e = { 0 };

	setvbuf(stdout, NULL, _IOLBF, 0);
	check(scep_init(&e) == 0, "scep_init");
	t_caps();
	t_urls();
	t_get_encoding();
	rootk = t_rsa();
	subk = t_rsa();
	raek = t_rsa();
	rask = t_rsa();
	root = t_cert(rootk, "Root CA", NULL, NULL, 1, NULL, 1);
	sub = t_cert(subk, "Issuing CA", root, rootk, 1, NULL, 2);
	rae = t_cert(raek, "RA enc", sub, subk, 0, "keyEncipherment", 3);
	ras = t_cert(rask, "RA sign", sub, subk, 0, "digitalSignature", 4);
	raboth = t_cert(raek, "RA", root, rootk, 0,
	    "digitalSignature,keyEncipherment", 5);
	t_ca_parse();
	t_next_ca();
	X509_free(root);
	X509_free(sub);
	X509_free(rae);
	X509_free(ras);
	X509_free(raboth);
	EVP_PKEY_free(rootk);
	EVP_PKEY_free(subk);
	EVP_PKEY_free(raek);
	EVP_PKEY_free(rask);
	return t_report();
}
