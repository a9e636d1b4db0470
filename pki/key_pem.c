/* pkish - BSD-2-Clause */
/*
 * DOC: private key PEM encoding
 * In-memory PEM encoding and decoding of private keys for the keystore and
 * for PEM bundles (`crypto pki export|import ... pem`). Encrypted output is
 * PKCS#8 with AES-256-CBC (PBES2). No password prompt is ever issued: a
 * missing password fails the read. Buffers holding key material use the
 * OpenSSL secure-memory BIO, which cleanses on free. No state.
 */
#define _GNU_SOURCE
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <openssl/bio.h>
#include <openssl/buffer.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include "pki/key.h"

/* Serialize a private key into a malloc'd NUL-terminated PEM string. */
int
key_pkey_to_pem(EVP_PKEY *pk, const char *pass, char **pem, struct err *e)
{
	BIO *bio = NULL;
	BUF_MEM *bm;
	int rc = -1;

	*pem = NULL;
	if (pass != NULL && pass[0] == '\0')
		return err_set(e, E_INVAL, "export password must not be empty");
	if ((bio = BIO_new(BIO_s_secmem())) == NULL)
		return err_ssl(e, "BIO_new");
	if (!PEM_write_bio_PrivateKey(bio, pk,
	    pass != NULL ? EVP_aes_256_cbc() : NULL,
	    (const unsigned char *)pass, pass != NULL ? (int)strlen(pass) : 0,
	    NULL, NULL)) {
		err_ssl(e, "cannot encode private key");
		goto out;
	}
	BIO_get_mem_ptr(bio, &bm);
	if ((*pem = malloc(bm->length + 1)) == NULL) {
		err_set(e, E_NOMEM, "out of memory");
		goto out;
	}
	memcpy(*pem, bm->data, bm->length);
	(*pem)[bm->length] = '\0';
	rc = 0;
 out:
	BIO_free(bio);
	return rc;
}

struct pass_arg {
	const char	*pass;		/* borrowed; NULL: none given */
};

/* Never prompts on a terminal: without a password the read fails. */
static int
pass_cb(char *buf, int size, int rwflag, void *u)
{
	const struct pass_arg *pa = u;
	size_t n;

	if (pa == NULL || pa->pass == NULL)
		return -1;
	n = strlen(pa->pass);
	if (n > (size_t)size)
		return -1;
	memcpy(buf, pa->pass, n);
	return (int)n;
}

/*
 * Parse one private key PEM. Returns a new EVP_PKEY or NULL: E_PERM when the
 * key is encrypted and the password is missing or wrong, E_INVAL otherwise.
 */
EVP_PKEY *
key_pkey_from_pem(const char *text, size_t len, const char *pass,
    struct err *e)
{
	struct pass_arg pa = { pass };
	BIO *bio;
	EVP_PKEY *pk;
	int encrypted;

	if (len > INT_MAX)
		return err_set(e, E_INVAL, "private key too large"), NULL;
	encrypted = memmem(text, len, "ENCRYPTED", 9) != NULL;
	if ((bio = BIO_new_mem_buf(text, (int)len)) == NULL)
		return err_ssl(e, "BIO_new_mem_buf"), NULL;
	pk = PEM_read_bio_PrivateKey(bio, NULL, pass_cb, &pa);
	BIO_free(bio);
	if (pk != NULL)
		return pk;
	ERR_clear_error();
	if (encrypted && pass == NULL)
		err_set(e, E_PERM, "private key is encrypted: password required");
	else if (encrypted)
		err_set(e, E_PERM, "private key password is wrong");
	else
		err_set(e, E_INVAL, "input is not a valid private key");
	return NULL;
}
