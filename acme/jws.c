/* pkish - ISC license, see LICENSE */
/*
 * DOC: acme/jws - JWS in flattened JSON serialization (RFC 7515 section
 * 7.2.2) as ACME requires it (RFC 8555 section 6.2): protected header
 * with "alg", "nonce", "url" and either "jwk" (newAccount) or "kid" (the
 * account URL). ES256/ES384 signatures are the raw r||s form of RFC 7518
 * section 3.4, each integer left-padded to the field size (OpenSSL emits
 * DER, whose integers drop leading zeros); RS256 is PKCS#1 v1.5 (section
 * 3.3). The key is borrowed; nothing is kept.
 */
#include <stdlib.h>
#include <string.h>
#include <openssl/ecdsa.h>
#include <openssl/evp.h>
#include "lib/b64.h"
#include "lib/json.h"
#include <json-c/json.h>
#include "acme_int.h"

static const char *
alg_md(EVP_PKEY *k)
{
	const char *alg = acme_jws_alg(k);

	if (alg == NULL)
		return NULL;
	return strcmp(alg, "ES384") == 0 ? "SHA384" : "SHA256";
}

/* DER ECDSA-Sig-Value -> r||s, each "flen" bytes. */
static int
der_to_raw(const unsigned char *der, size_t derlen, int flen,
    unsigned char *raw, struct err *e)
{
	const unsigned char	*p = der;
	const BIGNUM		*r, *s;
	ECDSA_SIG		*sig;
	int			 ok;

	if ((sig = d2i_ECDSA_SIG(NULL, &p, (long)derlen)) == NULL)
		return err_ssl(e, "RFC 7518 section 3.4: ECDSA signature");
	ECDSA_SIG_get0(sig, &r, &s);
	ok = BN_bn2binpad(r, raw, flen) == flen &&
	    BN_bn2binpad(s, raw + flen, flen) == flen;
	ECDSA_SIG_free(sig);
	return ok ? 0 : err_set(e, E_CRYPTO, "RFC 7518 section 3.4: ECDSA "
	    "signature too long");
}

/*
 * Sign "msg" through "s" for the JWS algorithm of its public key "k".
 * Returns 0 and a malloc'd signature (raw r||s for EC) in *sig, or -1
 * with "e" set.
 */
int
acme_sign(const struct signer *s, EVP_PKEY *k, const void *msg, size_t len,
    unsigned char **sig, size_t *siglen, struct err *e)
{
	unsigned char	*der = NULL, *raw = NULL;
	size_t		 dlen = 0;
	int		 flen, rc = -1;

	*sig = NULL;
	if (alg_md(k) == NULL)
		return err_set(e, E_CRYPTO, "RFC 7518 section 3.1: no JWS "
		    "algorithm for this account key");
	if (s->sign(s->arg, alg_md(k), msg, len, &der, &dlen, e) == -1) {
		err_ctx(e, "RFC 7515 section 5.1");
		goto out;
	}
	if (EVP_PKEY_is_a(k, "EC")) {
		flen = (EVP_PKEY_get_bits(k) + 7) / 8;
		if ((raw = malloc(2 * (size_t)flen)) == NULL ||
		    der_to_raw(der, dlen, flen, raw, e) == -1)
			goto out;
		*sig = raw;
		*siglen = 2 * (size_t)flen;
		raw = NULL;
	} else {
		*sig = der;
		*siglen = dlen;
		der = NULL;
	}
	rc = 0;
 out:
	free(der);
	free(raw);
	return rc;
}

/*
 * Verify a JWS signature (raw r||s for EC) over "msg" with public key
 * "k". Returns 0 if valid, -1 otherwise ("e" says why).
 */
int
acme_verify(EVP_PKEY *k, const void *msg, size_t len, const unsigned char *sig,
    size_t siglen, struct err *e)
{
	EVP_MD_CTX	*md = NULL;
	ECDSA_SIG	*es = NULL;
	unsigned char	*der = NULL;
	int		 flen, dlen = 0, ok = 0;

	if (alg_md(k) == NULL)
		return err_set(e, E_CRYPTO, "JWS: unsupported key");
	if (EVP_PKEY_is_a(k, "EC")) {
		flen = (EVP_PKEY_get_bits(k) + 7) / 8;
		if (siglen != 2 * (size_t)flen)
			return err_set(e, E_CRYPTO, "RFC 7518 section 3.4: "
			    "signature is %zu bytes, want %d", siglen, 2 * flen);
		if ((es = ECDSA_SIG_new()) == NULL || !ECDSA_SIG_set0(es,
		    BN_bin2bn(sig, flen, NULL), BN_bin2bn(sig + flen, flen,
		    NULL)) || (dlen = i2d_ECDSA_SIG(es, &der)) <= 0) {
			ECDSA_SIG_free(es);
			return err_ssl(e, "JWS: ECDSA signature");
		}
		ECDSA_SIG_free(es);
		sig = der;
		siglen = (size_t)dlen;
	}
	if ((md = EVP_MD_CTX_new()) != NULL &&
	    EVP_DigestVerifyInit_ex(md, NULL, alg_md(k), NULL, NULL, k,
	    NULL) == 1)
		ok = EVP_DigestVerify(md, sig, siglen, msg, len) == 1;
	EVP_MD_CTX_free(md);
	OPENSSL_free(der);
	if (!ok)
		return err_ssl(e, "RFC 7515 section 5.2: signature does not "
		    "verify");
	return 0;
}

static char *
protected_b64(EVP_PKEY *k, const char *kid, const char *nonce,
    const char *url, struct err *e)
{
	struct json_object	*h, *jwk = NULL;
	char			*txt, *r = NULL;

	if (kid == NULL && (jwk = acme_jwk(k, e)) == NULL)
		return NULL;
	h = json_object_new_object();
	json_object_object_add(h, "alg",
	    json_object_new_string(acme_jws_alg(k)));
	if (kid != NULL)
		json_object_object_add(h, "kid", json_object_new_string(kid));
	else
		json_object_object_add(h, "jwk", jwk);
	json_object_object_add(h, "nonce", json_object_new_string(nonce));
	json_object_object_add(h, "url", json_object_new_string(url));
	if ((txt = json_dump(h, e)) != NULL &&
	    (r = b64_encode(txt, strlen(txt), 1)) == NULL)
		err_set(e, E_NOMEM, "out of memory");
	free(txt);
	json_free(h);
	return r;
}

/*
 * Flattened JWS (RFC 8555 section 6.2) of "payload" (JSON text, or ""
 * for POST-as-GET) for "url" with "nonce", keyed by "kid" or, when kid
 * is NULL, by the embedded public "jwk". Returns malloc'd JSON text.
 */
char *
acme_jws(const struct signer *s, EVP_PKEY *k, const char *kid,
    const char *nonce, const char *url, const char *payload, struct err *e)
{
	struct json_object	*o = NULL;
	char			*prot, *pl = NULL, *in = NULL, *sig64 = NULL;
	char			*r = NULL;
	unsigned char		*sig = NULL;
	size_t			 siglen = 0;

	if (acme_jws_alg(k) == NULL)
		return err_set(e, E_CRYPTO, "RFC 7518 section 3.1: no JWS "
		    "algorithm for this account key"), NULL;
	if ((prot = protected_b64(k, kid, nonce, url, e)) == NULL)
		return NULL;
	if ((pl = b64_encode(payload, strlen(payload), 1)) == NULL ||
	    asprintf(&in, "%s.%s", prot, pl) < 0) {
		in = NULL;
		err_set(e, E_NOMEM, "out of memory");
		goto out;
	}
	if (acme_sign(s, k, in, strlen(in), &sig, &siglen, e) == -1)
		goto out;
	if ((sig64 = b64_encode(sig, siglen, 1)) == NULL) {
		err_set(e, E_NOMEM, "out of memory");
		goto out;
	}
	o = json_object_new_object();
	json_object_object_add(o, "protected", json_object_new_string(prot));
	json_object_object_add(o, "payload", json_object_new_string(pl));
	json_object_object_add(o, "signature", json_object_new_string(sig64));
	r = json_dump(o, e);
 out:
	json_free(o);
	free(prot);
	free(pl);
	free(in);
	free(sig);
	free(sig64);
	return r;
}
