/* pki/signer.h - signers (lib/signer.h) over keystore keys, the only way
 * a private key is used outside pki/. */
#ifndef PKI_SIGNER_H
#define PKI_SIGNER_H
#include <openssl/evp.h>
#include "lib/err.h"
#include "lib/signer.h"

/* A signer over the key `label` of the keystore (loaded once, kept until
 * pki_signer_close). -1 E_NOTFOUND when there is no such key. */
int	pki_signer_open(const char *label, struct signer *, struct err *);
/* The same over a key already in hand (takes a reference), e.g. a
 * freshly made or imported key inside pki/, or a unit test's key. */
int	pki_signer_pkey(EVP_PKEY *, struct signer *, struct err *);
/* The same with the key's SubjectPublicKeyInfo DER already encoded
 * (copied): no encoding per use of a long-lived key. */
int	pki_signer_pkey_der(EVP_PKEY *, const unsigned char *der, size_t len,
	    struct signer *, struct err *);
/* Frees what open/pkey made and zeroes s; a zeroed signer is fine. */
void	pki_signer_close(struct signer *);

#endif
