/* SPDX-License-Identifier: ISC */
/*
 * pki/der.c - one place that moves DER encoded by OpenSSL (i2d_*() with
 * a NULL output pointer allocates with OPENSSL_malloc) into malloc'd
 * memory, so every DER buffer pkish hands out is freed with free(). The
 * OpenSSL copy is wiped: some of it (PKCS#12) wraps private keys.
 */
#include <stdlib.h>
#include <string.h>
#include <openssl/crypto.h>
#include "pki/der.h"

unsigned char *
der_take(unsigned char *tmp, int n, size_t *len, const char *what,
    struct err *e)
{
	unsigned char *der;

	if (n <= 0 || tmp == NULL) {
		OPENSSL_free(tmp);
		err_ssl(e, "cannot encode %s", what);
		return NULL;
	}
	if ((der = malloc((size_t)n)) == NULL)
		err_set(e, E_NOMEM, "out of memory");
	else {
		memcpy(der, tmp, (size_t)n);
		*len = (size_t)n;
	}
	OPENSSL_clear_free(tmp, (size_t)n);
	return der;
}
