/* lib/signer.h - the private-key seam: a key used through callbacks.
 *
 * Only pki/ touches private keys. acme/ and scep/ (below pki/) never
 * hold an EVP_PKEY of a private key: pki/ builds a signer over a keystore
 * label (pki/signer.h: pki_signer_open) and hands it down, together with
 * CSRs as DER. What a signer offers:
 *
 *   sign     a signature over DATA with digest MD ("SHA256", "SHA384",
 *            "SHA512", "SHA1"): RSA PKCS#1 v1.5, or the DER
 *            ECDSA-Sig-Value for EC (JWS callers convert to r||s);
 *   decrypt  RSA PKCS#1 v1.5 decryption of a key-transport blob, i.e. the
 *            encrypted content-encryption key of an EnvelopedData
 *            recipient (RFC 5652 section 6.2.1); NULL for EC keys;
 *   pub_der  the key's SubjectPublicKeyInfo DER, for JWKs, transaction
 *            IDs, certificate matching and the identifiers of a
 *            SignerInfo.
 *
 * Whole messages are assembled by the part that speaks the protocol: a
 * PKCS#7 SignedData is built in scep/ (the DER of the signed attributes
 * goes through sign), an EnvelopedData is opened in scep/ (the recipient's
 * encrypted key goes through decrypt, the symmetric decryption stays in
 * scep/), a JWS is built in acme/. Callbacks are thread-safe; *sig and
 * *out are malloc'd and the caller frees them. The creator of a signer
 * closes it (pki_signer_close); users only borrow it.
 */
#ifndef LIB_SIGNER_H
#define LIB_SIGNER_H
#include <stddef.h>
#include "lib/err.h"

struct signer {
	void	*arg;		/* pki's, e.g. the key label */
	int	(*sign)(void *arg, const char *md, const unsigned char *data,
		    size_t len, unsigned char **sig, size_t *siglen,
		    struct err *);
	int	(*decrypt)(void *arg, const unsigned char *in, size_t len,
		    unsigned char **out, size_t *outlen, struct err *);
	const unsigned char *pub_der;	/* SubjectPublicKeyInfo DER */
	size_t	 pub_len;
};

#endif
