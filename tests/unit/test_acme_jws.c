/* pkish - ISC license, see LICENSE */
/*
 * DOC: unit tests for acme/jws and acme/jwk: the RFC 7515 appendix A.3
 * ES256 known answer, the RFC 7638 section 3.1 thumbprint, our own EC
 * P-256/P-384 and RSA JWS (header members, r||s length over many
 * signatures, tampering), base64url, and an independent verification of
 * our flattened JWS by python3 "cryptography" (skipped if unavailable).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>
#include "lib/b64.h"
#include "lib/json.h"
#include <json-c/json.h>
#include "acme/acme_int.h"
#include "pki/signer.h"
#include "tests/unit/testlib.h"

/* acme_jws and acme_sign through a signer over k, as pki/ hands one. */
static char *
jws_k(EVP_PKEY *k, const char *kid, const char *nonce, const char *url,
    const char *payload, struct err *e)
{
	struct signer s;
	char *j = NULL;

	if (pki_signer_pkey(k, &s, e) == 0)
		j = acme_jws(&s, k, kid, nonce, url, payload, e);
	pki_signer_close(&s);
	return j;
}

static int
sign_k(EVP_PKEY *k, const char *msg, size_t len, unsigned char **sig,
    size_t *sl, struct err *e)
{
	struct signer s;
	int rc = -1;

	*sig = NULL;
	if (pki_signer_pkey(k, &s, e) == 0)
		rc = acme_sign(&s, k, msg, len, sig, sl, e);
	pki_signer_close(&s);
	return rc;
}


static unsigned char *
unb64(const char *s, size_t *len)
{
	return b64_decode(s, strlen(s), len, 1);
}

/* EC public key from base64url x, y (RFC 7518 section 6.2.1). */
static EVP_PKEY *
ec_pub(const char *crv, const char *x64, const char *y64)
{
	OSSL_PARAM_BLD	*b = OSSL_PARAM_BLD_new();
	OSSL_PARAM	*p;
	EVP_PKEY_CTX	*c = EVP_PKEY_CTX_new_from_name(NULL, "EC", NULL);
	EVP_PKEY	*k = NULL;
	unsigned char	 pt[1 + 2 * 66], *x, *y;
	size_t		 xl, yl;

	x = unb64(x64, &xl);
	y = unb64(y64, &yl);
	pt[0] = 0x04;
	memcpy(pt + 1, x, xl);
	memcpy(pt + 1 + xl, y, yl);
	OSSL_PARAM_BLD_push_utf8_string(b, OSSL_PKEY_PARAM_GROUP_NAME, crv, 0);
	OSSL_PARAM_BLD_push_octet_string(b, OSSL_PKEY_PARAM_PUB_KEY, pt,
	    1 + xl + yl);
	p = OSSL_PARAM_BLD_to_param(b);
	if (EVP_PKEY_fromdata_init(c) != 1 ||
	    EVP_PKEY_fromdata(c, &k, EVP_PKEY_PUBLIC_KEY, p) != 1)
		k = NULL;
	OSSL_PARAM_free(p);
	OSSL_PARAM_BLD_free(b);
	EVP_PKEY_CTX_free(c);
	free(x);
	free(y);
	return k;
}

/* RSA public key from base64url n, e. */
static EVP_PKEY *
rsa_pub(const char *n64, const char *e64)
{
	OSSL_PARAM_BLD	*b = OSSL_PARAM_BLD_new();
	OSSL_PARAM	*p;
	EVP_PKEY_CTX	*c = EVP_PKEY_CTX_new_from_name(NULL, "RSA", NULL);
	EVP_PKEY	*k = NULL;
	unsigned char	*n, *e;
	size_t		 nl, el;
	BIGNUM		*bn, *be;

	n = unb64(n64, &nl);
	e = unb64(e64, &el);
	bn = BN_bin2bn(n, (int)nl, NULL);
	be = BN_bin2bn(e, (int)el, NULL);
	OSSL_PARAM_BLD_push_BN(b, OSSL_PKEY_PARAM_RSA_N, bn);
	OSSL_PARAM_BLD_push_BN(b, OSSL_PKEY_PARAM_RSA_E, be);
	p = OSSL_PARAM_BLD_to_param(b);
	if (EVP_PKEY_fromdata_init(c) != 1 ||
	    EVP_PKEY_fromdata(c, &k, EVP_PKEY_PUBLIC_KEY, p) != 1)
		k = NULL;
	OSSL_PARAM_free(p);
	OSSL_PARAM_BLD_free(b);
	EVP_PKEY_CTX_free(c);
	BN_free(bn);
	BN_free(be);
	free(n);
	free(e);
	return k;
}

#define A3_X	"f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU"
#define A3_Y	"x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0"
#define A3_IN	"eyJhbGciOiJFUzI1NiJ9.eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTk" \
		"zODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ"
#define A3_SIG	"DtEhU3ljbEg8L38VWAfUAqOyKAM6-Xx-F4GawxaepmXFCgfTjDxw5djxLa8IS" \
		"lSApmWQxfKTUJqPP3-Kg6NU1Q"
#define RFC7638_N "0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAt" \
	"VT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc" \
	"5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9" \
	"c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2N" \
	"cRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw"

static void
t_vectors(void)
{
	struct err	 e = { 0 };
	EVP_PKEY	*k;
	unsigned char	*sig;
	size_t		 sl;
	char		*tp;

	k = ec_pub("P-256", A3_X, A3_Y);
	sig = unb64(A3_SIG, &sl);
	check(k != NULL && sig != NULL && sl == 64, "RFC 7515 A.3 key and "
	    "64-byte signature decode");
	check(acme_verify(k, A3_IN, strlen(A3_IN), sig, sl, &e) == 0,
	    "RFC 7515 A.3 ES256 signature verifies");
	sig[10] ^= 1;
	check(acme_verify(k, A3_IN, strlen(A3_IN), sig, sl, &e) == -1,
	    "RFC 7515 A.3 tampered signature fails");
	sig[10] ^= 1;
	check(acme_verify(k, A3_IN, strlen(A3_IN) - 1, sig, sl, &e) == -1,
	    "RFC 7515 A.3 tampered input fails");
	check(acme_verify(k, A3_IN, strlen(A3_IN), sig, 63, &e) == -1,
	    "63-byte ES256 signature refused");
	check(strcmp(acme_jws_alg(k), "ES256") == 0, "P-256 key -> ES256");
	tp = acme_jwk_thumbprint(k, &e);
	/* python3: sha256 of the canonical JWK of the A.3 key */
	check(tp && strcmp(tp, "oKIywvGUpTVTyxMQ3bwIIeQUudfr_CkLMjCE19ECD-U")
	    == 0, "EC thumbprint of the A.3 key");
	free(tp);
	free(sig);
	EVP_PKEY_free(k);

	k = rsa_pub(RFC7638_N, "AQAB");
	tp = k ? acme_jwk_thumbprint(k, &e) : NULL;
	check(tp && strcmp(tp, "NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs")
	    == 0, "RFC 7638 section 3.1 thumbprint");
	check(k && strcmp(acme_jws_alg(k), "RS256") == 0, "RSA key -> RS256");
	free(tp);
	EVP_PKEY_free(k);
}

static void
t_b64(void)
{
	char		*s;
	unsigned char	*d;
	size_t		 n;

	s = b64_encode("\xfb\xff\xfe", 3, 1);
	check(s && strcmp(s, "-__-") == 0, "base64url uses - and _");
	free(s);
	s = b64_encode("ab", 2, 1);
	check(s && strcmp(s, "YWI") == 0, "base64url has no padding");
	free(s);
	d = b64_decode("YWI", 3, &n, 1);
	check(d && n == 2 && memcmp(d, "ab", 2) == 0, "base64url decode");
	free(d);
	check(b64_decode("YW+I", 4, &n, 1) == NULL, "'+' refused in base64url");
}

/* Decode part "key" of a flattened JWS into a JSON object. */
static struct json_object *
jws_part(struct json_object *jws, const char *key)
{
	const char		*v = json_get_str(jws, key);
	unsigned char		*d;
	size_t			 n;
	struct json_object	*o;

	if (v == NULL || (d = b64_decode(v, strlen(v), &n, 1)) == NULL)
		return NULL;
	o = n ? json_strict_parse_obj((char *)d, n, NULL) : NULL;
	free(d);
	return o;
}

/* Our JWS over a payload; checks header and signature. */
static void
t_jws_key(EVP_PKEY *k, const char *name, const char *kid)
{
	struct err	 e = { 0 };
	struct json_object *o, *h, *p;
	char		*j, *in, what[128];
	unsigned char	*sig;
	size_t		 sl;
	const char	*url = "https://127.0.0.1:14000/sign-me/1";

	j = jws_k(k, kid, "NONCE-123_x", url, "{\"a\":1}", &e);
	o = j ? json_strict_parse_obj(j, strlen(j), &e) : NULL;
	h = jws_part(o, "protected");
	p = jws_part(o, "payload");
	snprintf(what, sizeof(what), "%s: flattened JWS with protected, "
	    "payload, signature", name);
	check(o && h && p && json_get_str(o, "signature"), what);
	snprintf(what, sizeof(what), "%s: header alg/nonce/url", name);
	check(h && strcmp(json_get_str(h, "alg"), acme_jws_alg(k)) == 0 &&
	    strcmp(json_get_str(h, "nonce"), "NONCE-123_x") == 0 &&
	    strcmp(json_get_str(h, "url"), url) == 0, what);
	snprintf(what, sizeof(what), "%s: %s in header, not both", name,
	    kid ? "kid" : "jwk");
	check(h && (kid ? json_get_str(h, "kid") != NULL &&
	    json_get_obj(h, "jwk") == NULL : json_get_obj(h, "jwk") != NULL &&
	    json_get_str(h, "kid") == NULL), what);
	if (o && asprintf(&in, "%s.%s", json_get_str(o, "protected"),
	    json_get_str(o, "payload")) > 0) {
		sig = unb64(json_get_str(o, "signature"), &sl);
		snprintf(what, sizeof(what), "%s: signature verifies", name);
		check(sig && acme_verify(k, in, strlen(in), sig, sl, &e) == 0,
		    what);
		free(sig);
		free(in);
	}
	json_free(h);
	json_free(p);
	json_free(o);
	free(j);
}

static void
t_jws(void)
{
	struct err	 e = { 0 };
	EVP_PKEY	*ec = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
	EVP_PKEY	*ec384 = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-384");
	EVP_PKEY	*rsa = EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)2048);
	unsigned char	*sig;
	size_t		 sl;
	int		 i, bad = 0, shortv = 0;
	char		 msg[16];

	t_jws_key(ec, "ES256", NULL);
	t_jws_key(ec, "ES256", "https://127.0.0.1:14000/my-account/1");
	t_jws_key(ec384, "ES384", "https://x/acct/2");
	t_jws_key(rsa, "RS256", NULL);
	for (i = 0; i < 600; i++) {
		snprintf(msg, sizeof(msg), "m%d", i);
		if (sign_k(ec, msg, strlen(msg), &sig, &sl, &e) == -1 ||
		    sl != 64 || acme_verify(ec, msg, strlen(msg), sig, sl, &e)
		    == -1)
			bad++;
		else if (sig[0] == 0 || sig[32] == 0)
			shortv++;	/* r or s shorter than 32 bytes */
		free(sig);
	}
	printf("# %d of 600 signatures had a short r or s\n", shortv);
	check(bad == 0, "600 ES256 signatures: all 64 bytes and verify");
	msg[0] = '\0';
	{
		char *tp = acme_jwk_thumbprint(ec, &e);

		check(tp != NULL && strlen(tp) == 43,
		    "thumbprint of a fresh key: 43 base64url chars");
		free(tp);
	}
	EVP_PKEY_free(ec);
	EVP_PKEY_free(ec384);
	EVP_PKEY_free(rsa);
}

/* Independent check: python3 cryptography verifies our flattened JWS. */
static void
t_python(void)
{
	static const char py[] =
	    "import sys,json,base64\n"
	    "from cryptography.hazmat.primitives.asymmetric import ec,padding,"
	    "utils,rsa\n"
	    "from cryptography.hazmat.primitives import hashes\n"
	    "d=lambda s:base64.urlsafe_b64decode(s+'='*(-len(s)%4))\n"
	    "j=json.load(open(sys.argv[1]))\n"
	    "h=json.loads(d(j['protected']))\n"
	    "k=h['jwk'];i=lambda s:int.from_bytes(d(s),'big')\n"
	    "m=(j['protected']+'.'+j['payload']).encode();s=d(j['signature'])\n"
	    "if k['kty']=='EC':\n"
	    " p=ec.EllipticCurvePublicNumbers(i(k['x']),i(k['y']),ec.SECP256R1())"
	    ".public_key()\n"
	    " p.verify(utils.encode_dss_signature(int.from_bytes(s[:32],'big'),"
	    "int.from_bytes(s[32:],'big')),m,ec.ECDSA(hashes.SHA256()))\n"
	    "else:\n"
	    " p=rsa.RSAPublicNumbers(i(k['e']),i(k['n'])).public_key()\n"
	    " p.verify(s,m,padding.PKCS1v15(),hashes.SHA256())\n"
	    "print('verified',h['alg'])\n";
	char		 path[] = "/tmp/pkish-jws-XXXXXX", cmd[512];
	char		 pyp[] = "/tmp/pkish-jwspy-XXXXXX";
	FILE		*f;
	int		 i, fd;
	EVP_PKEY	*k;
	char		*j;

	if (system("python3 -c 'import cryptography' >/dev/null 2>&1") != 0) {
		printf("# skip python cross-check: no python3 cryptography\n");
		return;
	}
	if ((fd = mkstemp(pyp)) < 0 || (f = fdopen(fd, "w")) == NULL)
		return;
	fputs(py, f);
	fclose(f);
	for (i = 0; i < 2; i++) {
		k = i == 0 ? EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256") :
		    EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)2048);
		j = jws_k(k, NULL, "abc", "https://a/b", "{\"x\":\"y\"}",
		    NULL);
		strcpy(path, "/tmp/pkish-jws-XXXXXX");
		if (j != NULL && (fd = mkstemp(path)) >= 0 &&
		    (f = fdopen(fd, "w")) != NULL) {
			fputs(j, f);
			fclose(f);
			snprintf(cmd, sizeof(cmd), "python3 %s %s >/dev/null 2>&1",
			    pyp, path);
			check(system(cmd) == 0, i == 0 ?
			    "python verifies our ES256 JWS" :
			    "python verifies our RS256 JWS");
			unlink(path);
		} else
			check(0, "JWS for the python cross-check");
		free(j);
		EVP_PKEY_free(k);
	}
	unlink(pyp);
}

int
main(void)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	t_vectors();
	t_b64();
	t_jws();
	t_python();
	return t_report();
}
