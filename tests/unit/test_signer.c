/* tests/unit/test_signer.c - pki's signers (lib/signer.h): signatures
 * that verify with the public key DER they carry, RSA key-transport
 * decryption, EC without decrypt, keystore labels. */
#define _GNU_SOURCE
#include <openssl/evp.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>
#include "pki/key.h"
#include "pki/signer.h"
#include "tests/unit/testlib.h"

static int
verify(const struct signer *s, const char *md, const char *msg,
    const unsigned char *sig, size_t siglen)
{
	const unsigned char *p = s->pub_der;
	EVP_PKEY *pub = d2i_PUBKEY(NULL, &p, (long)s->pub_len);
	EVP_MD_CTX *c = EVP_MD_CTX_new();
	int ok = pub && c &&
	    EVP_DigestVerifyInit_ex(c, NULL, md, NULL, NULL, pub, NULL) == 1 &&
	    EVP_DigestVerify(c, sig, siglen, (const unsigned char *)msg,
	    strlen(msg)) == 1;

	EVP_MD_CTX_free(c);
	EVP_PKEY_free(pub);
	return ok;
}

static void
t_sign(const char *label, const char *md)
{
	struct signer s;
	struct err e = { 0 };
	unsigned char *sig = NULL;
	size_t n = 0;
	const char *msg = "signed attributes";

	check(pki_signer_open(label, &s, &e) == 0, "open %s %s", label, e.msg);
	check(s.sign(s.arg, md, (const unsigned char *)msg, strlen(msg), &sig,
	    &n, &e) == 0 && n > 0, "%s signs with %s", label, md);
	check(verify(&s, md, msg, sig, n), "%s %s signature verifies with "
	    "pub_der", label, md);
	if (n > 0)
		sig[n / 2] ^= 1;
	check(!verify(&s, md, msg, sig, n), "a changed signature does not");
	free(sig);
	pki_signer_close(&s);
	check(s.arg == NULL && s.pub_der == NULL, "close zeroes the signer");
}

static void
t_decrypt(void)
{
	struct signer s;
	struct err e = { 0 };
	const unsigned char cek[32] = "0123456789abcdef0123456789abcdef";
	unsigned char enc[512], *out = NULL;
	size_t elen = sizeof(enc), olen = 0;
	const unsigned char *p;
	EVP_PKEY *pub;
	EVP_PKEY_CTX *c;

	check(pki_signer_open("rsa", &s, &e) == 0, "open rsa");
	p = s.pub_der;
	pub = d2i_PUBKEY(NULL, &p, (long)s.pub_len);
	c = EVP_PKEY_CTX_new_from_pkey(NULL, pub, NULL);
	check(c && EVP_PKEY_encrypt_init(c) > 0 &&
	    EVP_PKEY_CTX_set_rsa_padding(c, RSA_PKCS1_PADDING) > 0 &&
	    EVP_PKEY_encrypt(c, enc, &elen, cek, sizeof(cek)) > 0,
	    "encrypt a CEK to the public key");
	check(s.decrypt && s.decrypt(s.arg, enc, elen, &out, &olen, &e) == 0 &&
	    olen == sizeof(cek) && memcmp(out, cek, olen) == 0,
	    "decrypt gives the CEK back");
	free(out);
	out = NULL;
	enc[3] ^= 0x55;
	check(s.decrypt(s.arg, enc, elen, &out, &olen, &e) == -1 ||
	    olen != sizeof(cek) || memcmp(out, cek, olen) != 0,
	    "a damaged blob does not decrypt to the CEK");
	free(out);
	EVP_PKEY_CTX_free(c);
	EVP_PKEY_free(pub);
	pki_signer_close(&s);
	check(pki_signer_open("ec", &s, &e) == 0 && s.decrypt == NULL,
	    "an EC signer has no decrypt");
	pki_signer_close(&s);
}

int
main(void)
{
	char kdir[300];
	struct err e = { 0 };
	struct signer s;

	if (t_mkdtemp("signer") == -1)
		return 1;
	snprintf(kdir, sizeof(kdir), "%s/keys", tmp);
	check(key_store_init(kdir, &e) == 0, "key_store_init");
	check(key_generate("rsa", KEY_RSA, 2048, 0, &e) == 0, "RSA key");
	check(key_generate("ec", KEY_EC, 256, 0, &e) == 0, "EC key");
	t_sign("rsa", "SHA256");
	t_sign("rsa", "SHA1");
	t_sign("ec", "SHA256");
	t_sign("ec", "SHA384");
	t_decrypt();
	e.code = E_OK;
	check(pki_signer_open("missing", &s, &e) == -1 && e.code != E_OK &&
	    s.arg == NULL, "no key, no signer (%s)", e.msg);
	pki_signer_close(&s);
	return t_finish();
}
