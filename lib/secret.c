/* pkish - ISC license, see LICENSE */
/*
 * DOC: IOS password hashes.
 *
 * Type 9 is scrypt (N=16384, r=1, p=1, 32-byte key) over a 14-character
 * salt drawn from the Cisco alphabet "./0-9A-Za-z"; the salt's ASCII text
 * itself is the scrypt salt. Type 8 is PBKDF2-HMAC-SHA256 with 20000
 * iterations over the same kind of salt. Both print the key in Cisco's
 * base64: standard base64 bit order, alphabet "./0-9A-Za-z", no padding,
 * so 32 bytes give 43 characters. Type 5 is MD5-crypt ("$1$salt$hash"),
 * checked with libcrypt's crypt_r(). Type 0 is a plaintext password, which callers
 * only see in `secret 0 PASS` and hash at once.
 *
 * Everything here is stateless and thread-safe: the OpenSSL KDF contexts
 * and the crypt_data buffer are per call. Derived keys are cleansed.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/kdf.h>
#include <openssl/params.h>
#include <openssl/rand.h>
#include <crypt.h>
#include "lib/secret.h"

#define SALT_LEN	14	/* type 8/9 salt characters */
#define KEY_LEN		32	/* derived key bytes */
#define KEY_B64_LEN	43	/* Cisco base64 of KEY_LEN bytes */
#define T89_LEN		(3 + SALT_LEN + 1 + KEY_B64_LEN)
#define PBKDF2_ITER	20000
#define MD5_HASH_LEN	22	/* MD5-crypt hash characters */

static const char cisco64[] =
    "./0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/* Nonzero if c is in the Cisco/crypt alphabet "./0-9A-Za-z". */
static int
is_c64(char c)
{
	return c != '\0' && strchr(cisco64, c) != NULL;
}

/* Nonzero if the n characters at s are all in the alphabet. */
static int
all_c64(const char *s, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++)
		if (!is_c64(s[i]))
			return 0;
	return 1;
}

/*
 * Cisco base64 of len bytes into out (4*len/3 rounded up characters plus
 * NUL): standard base64 grouping, Cisco alphabet, no padding.
 */
static void
c64_encode(const unsigned char *in, size_t len, char *out)
{
	size_t		i, o = 0;
	unsigned long	v;

	for (i = 0; i < len; i += 3) {
		v = (unsigned long)in[i] << 16;
		if (i + 1 < len)
			v |= (unsigned long)in[i + 1] << 8;
		if (i + 2 < len)
			v |= in[i + 2];
		out[o++] = cisco64[(v >> 18) & 63];
		out[o++] = cisco64[(v >> 12) & 63];
		if (i + 1 < len)
			out[o++] = cisco64[(v >> 6) & 63];
		if (i + 2 < len)
			out[o++] = cisco64[v & 63];
	}
	out[o] = '\0';
}

/* scrypt N=16384 r=1 p=1 into key[KEY_LEN]. 0 or -1 and e. */
static int
kdf_scrypt(const char *pw, const char *salt, unsigned char *key,
    struct err *e)
{
	EVP_KDF		*kdf = NULL;
	EVP_KDF_CTX	*kctx = NULL;
	OSSL_PARAM	 p[6];
	uint64_t	 n = 16384;
	uint32_t	 r = 1, par = 1;
	int		 rc = -1;

	p[0] = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_PASSWORD,
	    (void *)pw, strlen(pw));
	p[1] = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SALT,
	    (void *)salt, SALT_LEN);
	p[2] = OSSL_PARAM_construct_uint64(OSSL_KDF_PARAM_SCRYPT_N, &n);
	p[3] = OSSL_PARAM_construct_uint32(OSSL_KDF_PARAM_SCRYPT_R, &r);
	p[4] = OSSL_PARAM_construct_uint32(OSSL_KDF_PARAM_SCRYPT_P, &par);
	p[5] = OSSL_PARAM_construct_end();
	if ((kdf = EVP_KDF_fetch(NULL, "SCRYPT", NULL)) == NULL) {
		err_ssl(e, "secret: fetch SCRYPT");
		goto out;
	}
	if ((kctx = EVP_KDF_CTX_new(kdf)) == NULL) {
		err_ssl(e, "secret: EVP_KDF_CTX_new");
		goto out;
	}
	if (EVP_KDF_derive(kctx, key, KEY_LEN, p) <= 0) {
		err_ssl(e, "secret: scrypt");
		goto out;
	}
	rc = 0;
 out:
	EVP_KDF_CTX_free(kctx);
	EVP_KDF_free(kdf);
	return rc;
}

/* PBKDF2-HMAC-SHA256, 20000 iterations, into key[KEY_LEN]. */
static int
kdf_pbkdf2(const char *pw, const char *salt, unsigned char *key,
    struct err *e)
{
	if (PKCS5_PBKDF2_HMAC(pw, (int)strlen(pw),
	    (const unsigned char *)salt, SALT_LEN, PBKDF2_ITER, EVP_sha256(),
	    KEY_LEN, key) != 1)
		return err_ssl(e, "secret: PBKDF2");
	return 0;
}

/*
 * Hash password as IOS type 9 with a fresh random salt:
 * "$9$" salt(14) "$" key(43). out must hold SECRET_BUFSZ bytes.
 * Returns 0, or -1 and fills e (short buffer, RNG or KDF failure).
 */
int
secret_hash9(const char *password, char *out, size_t outlen, struct err *e)
{
	unsigned char	rnd[SALT_LEN], key[KEY_LEN];
	char		salt[SALT_LEN + 1], enc[KEY_B64_LEN + 1];
	size_t		i;

	if (password == NULL || out == NULL)
		return err_set(e, E_INVAL, "secret: no password");
	if (outlen < SECRET_BUFSZ)
		return err_set(e, E_INVAL, "secret: buffer too small");
	if (RAND_bytes(rnd, sizeof(rnd)) != 1)
		return err_ssl(e, "secret: RAND_bytes");
	for (i = 0; i < SALT_LEN; i++)
		salt[i] = cisco64[rnd[i] & 63];	/* 64 symbols: unbiased */
	salt[SALT_LEN] = '\0';
	if (kdf_scrypt(password, salt, key, e) == -1)
		return -1;
	c64_encode(key, KEY_LEN, enc);
	OPENSSL_cleanse(key, sizeof(key));
	snprintf(out, outlen, "$9$%s$%s", salt, enc);
	return 0;
}

/* Shape of "$1$salt$hash": salt 1-8 crypt characters, hash 22. */
static int
md5crypt_ok(const char *s)
{
	const char	*d;
	size_t		 sl;

	if ((d = strchr(s + 3, '$')) == NULL)
		return 0;
	sl = (size_t)(d - (s + 3));
	if (sl < 1 || sl > 8 || !all_c64(s + 3, sl))
		return 0;
	return strlen(d + 1) == MD5_HASH_LEN && all_c64(d + 1, MD5_HASH_LEN);
}

/*
 * Classify a stored secret: 9, 8, 5, or 0 for plaintext. Strings that
 * start like a crypt hash ("$X$") must be a well-formed type 9, 8 or 5,
 * otherwise -1; so are NULL and "".
 */
int
secret_type(const char *stored)
{
	if (stored == NULL || *stored == '\0')
		return -1;
	if (stored[0] != '$' || stored[1] == '\0' || stored[2] != '$')
		return 0;
	switch (stored[1]) {
	case '9':
	case '8':
		if (strlen(stored) != T89_LEN || stored[3 + SALT_LEN] != '$' ||
		    !all_c64(stored + 3, SALT_LEN) ||
		    !all_c64(stored + 4 + SALT_LEN, KEY_B64_LEN))
			return -1;
		return stored[1] - '0';
	case '1':
		return md5crypt_ok(stored) ? 5 : -1;
	default:
		return -1;
	}
}

/* Type 8/9: derive with the stored salt, compare the encodings. */
static int
verify_t89(const char *pw, const char *stored, int type)
{
	unsigned char	key[KEY_LEN];
	char		salt[SALT_LEN + 1], enc[KEY_B64_LEN + 1];
	int		rc;

	memcpy(salt, stored + 3, SALT_LEN);
	salt[SALT_LEN] = '\0';
	rc = type == 9 ? kdf_scrypt(pw, salt, key, NULL) :
	    kdf_pbkdf2(pw, salt, key, NULL);
	if (rc == -1)
		return 0;
	c64_encode(key, KEY_LEN, enc);
	OPENSSL_cleanse(key, sizeof(key));
	rc = CRYPTO_memcmp(enc, stored + 4 + SALT_LEN, KEY_B64_LEN) == 0;
	OPENSSL_cleanse(enc, sizeof(enc));
	return rc;
}

/* Type 5: MD5-crypt through crypt_r with a per-call crypt_data. */
static int
verify_t5(const char *pw, const char *stored)
{
	struct crypt_data	*cd;
	const char		*h;
	size_t			 n = strlen(stored);
	int			 rc = 0;

	if ((cd = calloc(1, sizeof(*cd))) == NULL)	/* ~32 KiB: not on stack */
		return 0;
	h = crypt_r(pw, stored, cd);
	if (h != NULL && strlen(h) == n)
		rc = CRYPTO_memcmp(h, stored, n) == 0;
	OPENSSL_cleanse(cd, sizeof(*cd));
	free(cd);
	return rc;
}

/* Type 0: compare SHA-256 digests so time depends on neither text. */
static int
verify_t0(const char *pw, const char *stored)
{
	unsigned char	a[32], b[32];
	int		rc;

	if (EVP_Digest(pw, strlen(pw), a, NULL, EVP_sha256(), NULL) != 1 ||
	    EVP_Digest(stored, strlen(stored), b, NULL, EVP_sha256(),
	    NULL) != 1)
		return 0;
	rc = CRYPTO_memcmp(a, b, sizeof(a)) == 0;
	OPENSSL_cleanse(a, sizeof(a));
	OPENSSL_cleanse(b, sizeof(b));
	return rc;
}

/*
 * Check password against a stored secret of any supported type.
 * Returns 1 on a match, 0 otherwise (including malformed input).
 */
int
secret_verify(const char *password, const char *stored)
{
	if (password == NULL)
		return 0;
	switch (secret_type(stored)) {
	case 9:
		return verify_t89(password, stored, 9);
	case 8:
		return verify_t89(password, stored, 8);
	case 5:
		return verify_t5(password, stored);
	case 0:
		return verify_t0(password, stored);
	default:
		return 0;
	}
}
