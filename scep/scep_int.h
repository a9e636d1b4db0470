/* scep/scep_int.h - internal to scep/: attribute NIDs, the decryption
 * library context, HTTP plumbing. Not for other parts. */
#ifndef SCEP_SCEP_INT_H
#define SCEP_SCEP_INT_H
#include <openssl/asn1.h>
#include <openssl/crypto.h>
#include <openssl/pkcs7.h>
#include "lib/http.h"
#include "scep/scep.h"

/* SCEP signed attributes (RFC 8894 section 3.2.1) */
enum scep_attr {
	SA_MESSAGE_TYPE, SA_PKI_STATUS, SA_FAIL_INFO, SA_SENDER_NONCE,
	SA_RECIPIENT_NONCE, SA_TRANSACTION_ID, SA_FAIL_INFO_TEXT, SA__MAX
};

/* NID of an attribute (registered on first use); NID_undef if refused. */
int		 scep_nid(enum scep_attr);
/* Library context holding only OpenSSL's "legacy" provider, created on
 * the first call; for content ciphers the default context lacks (DES-CBC).
 * NULL when the legacy module cannot be loaded. */
OSSL_LIB_CTX	*scep_legacy_ctx(void);
/* d2i a whole PKCS#7 in ctx (NULL = default); trailing bytes rejected. */
PKCS7		*scep_p7_decode(const unsigned char *, size_t, OSSL_LIB_CTX *,
		    const char *what, struct err *);
/* A signed attribute as a string (octets: OCTET STRING), or NULL. */
const ASN1_STRING *scep_attr_get(PKCS7_SIGNER_INFO *, enum scep_attr,
		    int octets);
/* A decimal attribute value of 1-3 digits, or -1. */
int		 scep_attr_num(const ASN1_STRING *);
struct signer;
/* Decrypt a pkcsPKIEnvelope (EnvelopedData) addressed to cert through the
 * signer's decrypt (our key for a CertRep, the CA's in scep/server*.c);
 * *out is malloc'd. 0, or -1 with e set (scep/envelope_open.c). */
int		 scep_envelope_open_signer(PKCS7 *, const struct signer *,
		    X509 *cert, unsigned char **out, size_t *outlen,
		    struct err *);

/* scep/spki.c: a library context with only the null provider, where
 * parsed certificates and requests keep their public keys undecoded
 * (NULL when it cannot be made; the default context is used then). */
OSSL_LIB_CTX	*scep_nokey_ctx(void);
/* d2i of a whole DER item (trailing bytes rejected) in that context. */
void		*scep_d2i_nokey(const ASN1_ITEM *, const unsigned char *,
		    size_t);
/* 1 when pub's DER is exactly der: the same key. */
int		 scep_spki_is(X509_PUBKEY *pub, const unsigned char *der,
		    size_t len);
/* Key algorithm NID of a DER SubjectPublicKeyInfo, NID_undef if bad. */
int		 scep_spki_nid(const unsigned char *der, size_t len);
/* transactionID from a DER SubjectPublicKeyInfo (scep_transaction_id). */
int		 scep_transaction_id_der(const unsigned char *spki, size_t len,
		    char out[SCEP_TID_MAX + 1], struct err *);
/* scep_certs_pick for the key whose SubjectPublicKeyInfo is spki. */
int		 scep_certs_pick_spki(const unsigned char *der, size_t len,
		    const unsigned char *spki, size_t spkilen, X509 **cert,
		    STACK_OF(X509) **extra, struct err *);
/* scep_transient_cert, parsed in ctx (scep_nokey_ctx(): for signing a
 * request only; NULL: a complete certificate). */
X509		*scep_transient_make(const struct signer *,
		    const X509_NAME *subject, OSSL_LIB_CTX *ctx, struct err *);
/* scep_transient_make in scep_nokey_ctx(), reusing the certificate made
 * for the same key and subject while it is fresh; up-ref'd. */
X509		*scep_transient_get(const struct signer *,
		    const X509_NAME *subject, struct err *);
/* Drops the certificates scep_transient_get keeps (scep_cleanup). */
void		 scep_transient_flush(void);

/* GET base?operation=op[&message=msg] or, with body, POST it as
 * application/x-pki-message. Any HTTP status other than 200 is an
 * E_PROTO error unless allow_status is set. */
struct scep_http {
	const char		*url;
	const char		*op;
	const char		*msg;		/* GET message= value, or NULL */
	const unsigned char	*body;		/* POST body, or NULL */
	size_t			 body_len;
	long			 timeout_ms;
	int			 allow_status;	/* return non-200 as success */
};
int	 scep_http_do(const struct scep_http *, struct http_resp *,
	    struct err *);
/* PKIOperation with GET or POST per caps; *rep is the raw CertRep. */
int	 scep_pkiop(const struct scep_req *, const unsigned char *der,
	    size_t len, struct http_resp *rep, struct err *);
/* A DER certificate or degenerate PKCS#7 as an owned, non-empty stack;
 * what names the operation in errors. */
STACK_OF(X509) *scep_certs_from_der(const unsigned char *, size_t,
	    const char *what, struct err *);
/* Hex dump for debug lines; returns out. */
char	*scep_hex(const unsigned char *, size_t, char *out, size_t outlen);

#endif
