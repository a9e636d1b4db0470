/* pkish - ISC license, see LICENSE */
/*
 * DOC: acme/jwk - the account key as a JSON Web Key (RFC 7517, RFC 7518
 * section 6: EC P-256/P-384 "crv","x","y", RSA "n","e") and its JWK
 * thumbprint (RFC 7638 section 3): SHA-256 over the required members in
 * lexicographic order without whitespace, built by hand because json-c
 * keeps insertion order. EC coordinates are padded to the field size
 * (RFC 7518 section 6.2.1.2); RSA integers are minimal (section 6.3.1).
 * Only public components are read. No state.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include "lib/b64.h"
#include <json-c/json.h>
#include "acme_int.h"

struct jwk_parts {
	const char	*kty;		/* "EC" or "RSA" */
	const char	*crv;		/* "P-256", "P-384"; NULL for RSA */
	char		*a;		/* EC x, RSA e: base64url, owned */
	char		*b;		/* EC y, RSA n: base64url, owned */
};

/* base64url of a BIGNUM, padded to "pad" bytes (0 = minimal). */
static char *
bn_b64(const BIGNUM *bn, int pad)
{
	unsigned char	*buf;
	char		*r;
	int		 n = pad > 0 ? pad : BN_num_bytes(bn);

	if (n <= 0 || n > 2048 || (buf = malloc((size_t)n)) == NULL)
		return NULL;
	if (BN_bn2binpad(bn, buf, n) != n) {
		free(buf);
		return NULL;
	}
	r = b64_encode(buf, (size_t)n, 1);
	free(buf);
	return r;
}

static int
parts_get(EVP_PKEY *k, struct jwk_parts *p, struct err *e)
{
	BIGNUM	*x = NULL, *y = NULL;
	char	 grp[64] = "";
	int	 flen = 0;

	memset(p, 0, sizeof(*p));
	if (EVP_PKEY_is_a(k, "EC")) {
		p->kty = "EC";
		EVP_PKEY_get_utf8_string_param(k, OSSL_PKEY_PARAM_GROUP_NAME,
		    grp, sizeof(grp), NULL);
		if (strcmp(grp, "prime256v1") == 0)
			p->crv = "P-256", flen = 32;
		else if (strcmp(grp, "secp384r1") == 0)
			p->crv = "P-384", flen = 48;
		else
			return err_set(e, E_CRYPTO, "RFC 7518 section 6.2.1.1: "
			    "unsupported EC curve \"%s\"", grp);
		if (!EVP_PKEY_get_bn_param(k, OSSL_PKEY_PARAM_EC_PUB_X, &x) ||
		    !EVP_PKEY_get_bn_param(k, OSSL_PKEY_PARAM_EC_PUB_Y, &y))
			return err_ssl(e, "JWK: EC public point");
	} else if (EVP_PKEY_is_a(k, "RSA")) {
		p->kty = "RSA";
		if (!EVP_PKEY_get_bn_param(k, OSSL_PKEY_PARAM_RSA_E, &x) ||
		    !EVP_PKEY_get_bn_param(k, OSSL_PKEY_PARAM_RSA_N, &y)) {
			BN_free(x);
			return err_ssl(e, "JWK: RSA public key");
		}
	} else
		return err_set(e, E_CRYPTO, "JWK: unsupported key type");
	p->a = bn_b64(x, flen);
	p->b = bn_b64(y, flen);
	BN_free(x);
	BN_free(y);
	if (p->a == NULL || p->b == NULL) {
		free(p->a);
		free(p->b);
		return err_set(e, E_NOMEM, "JWK: encoding failed");
	}
	return 0;
}

/* The JWS "alg" for a key (RFC 7518 section 3.1), or NULL. */
const char *
acme_jws_alg(EVP_PKEY *k)
{
	if (EVP_PKEY_is_a(k, "RSA"))
		return "RS256";
	if (EVP_PKEY_is_a(k, "EC"))
		return EVP_PKEY_get_bits(k) == 256 ? "ES256" :
		    EVP_PKEY_get_bits(k) == 384 ? "ES384" : NULL;
	return NULL;
}

/* The public JWK of "k" as a new json-c object, or NULL with "e" set. */
struct json_object *
acme_jwk(EVP_PKEY *k, struct err *e)
{
	struct jwk_parts	 p;
	struct json_object	*o;

	if (parts_get(k, &p, e) == -1)
		return NULL;
	o = json_object_new_object();
	if (p.crv != NULL) {
		json_object_object_add(o, "crv", json_object_new_string(p.crv));
		json_object_object_add(o, "kty", json_object_new_string("EC"));
		json_object_object_add(o, "x", json_object_new_string(p.a));
		json_object_object_add(o, "y", json_object_new_string(p.b));
	} else {
		json_object_object_add(o, "e", json_object_new_string(p.a));
		json_object_object_add(o, "kty", json_object_new_string("RSA"));
		json_object_object_add(o, "n", json_object_new_string(p.b));
	}
	free(p.a);
	free(p.b);
	return o;
}

/*
 * RFC 7638 thumbprint of "k": base64url(SHA-256(canonical JWK)).
 * Returns a malloc'd string, or NULL with "e" set.
 */
char *
acme_jwk_thumbprint(EVP_PKEY *k, struct err *e)
{
	struct jwk_parts	p;
	unsigned char		md[32];
	unsigned int		mdlen = 0;
	char			*canon = NULL, *r = NULL;
	int			n;

	if (parts_get(k, &p, e) == -1)
		return NULL;
	if (p.crv != NULL)	/* members in lexicographic order */
		n = asprintf(&canon, "{\"crv\":\"%s\",\"kty\":\"EC\",\"x\":\"%s\","
		    "\"y\":\"%s\"}", p.crv, p.a, p.b);
	else
		n = asprintf(&canon, "{\"e\":\"%s\",\"kty\":\"RSA\",\"n\":\"%s\"}",
		    p.a, p.b);
	free(p.a);
	free(p.b);
	if (n < 0)
		return err_set(e, E_NOMEM, "out of memory"), NULL;
	if (!EVP_Digest(canon, (size_t)n, md, &mdlen, EVP_sha256(), NULL))
		err_ssl(e, "RFC 7638 section 3: SHA-256");
	else if ((r = b64_encode(md, mdlen, 1)) == NULL)
		err_set(e, E_NOMEM, "out of memory");
	free(canon);
	return r;
}
