/* lib/signer.h - a private key as callbacks: acme/ and scep/ sign and
 * decrypt through it, pki/ holds the key. */
#ifndef LIB_SIGNER_H
#define LIB_SIGNER_H
#include <stddef.h>
#include "lib/err.h"

struct signer {
	void	*arg;		/* pki's, e.g. the key label */
	/* Signature over DATA with digest MD ("SHA256", ...): RSA PKCS#1 v1.5,
	 * or DER ECDSA-Sig-Value for EC. *sig is malloc'd; the caller frees. */
	int	(*sign)(void *arg, const char *md, const unsigned char *data,
		    size_t len, unsigned char **sig, size_t *siglen, struct err *);
	/* RSA PKCS#1 v1.5 decryption of a key-transport blob (the encrypted
	 * content-encryption key of an EnvelopedData). *out malloc'd. */
	int	(*decrypt)(void *arg, const unsigned char *in, size_t len,
		    unsigned char **out, size_t *outlen, struct err *);
	const unsigned char *pub_der;	/* SubjectPublicKeyInfo DER of the key */
	size_t	 pub_len;
};

#endif
