/* scep/scep.h - SCEP client engine (RFC 8894): the one public header of scep/.
 *
 * The engine registers its OIDs on first use (scep_init() does it now and
 * says whether OpenSSL accepted them). Every function is thread-safe as
 * long as callers do not share the objects they pass in. Errors follow lib/err.h: 0/-1 or pointer/NULL, the
 * struct err filled at the innermost failure site; protocol errors name
 * the RFC 8894 section. scep/ holds no private key: the requester's keys
 * are used through signers (lib/signer.h) made by pki/, and the request
 * arrives as a DER PKCS#10. */
#ifndef SCEP_SCEP_H
#define SCEP_SCEP_H
#include <stddef.h>
#include <openssl/evp.h>
#include <openssl/x509.h>
#include "lib/err.h"
#include "lib/signer.h"

#define SCEP_NONCE_LEN	16	/* senderNonce bytes (RFC 8894 3.2.1.5) */
#define SCEP_TID_MAX	128	/* longest transactionID we accept */

/* Registers the SCEP attribute OIDs (OpenSSL's legacy provider is loaded
 * later, into a private library context, when a CertRep may need DES-CBC).
 * Idempotent; call from main before threads. */
int	 scep_init(struct err *);
/* At shutdown, before OpenSSL ends: closes the calling thread's
 * connection. */
void	 scep_cleanup(void);
/* The requests of one operation share this thread's kept connection to
 * the CA; close it when the operation (authenticate, enroll, poll) ends. */
void	 scep_http_release(void);

/* GetCACaps (RFC 8894 section 3.5.2). */
struct scep_caps {
	unsigned	 post:1;	/* POSTPKIOperation */
	unsigned	 sha1:1;	/* SHA-1 */
	unsigned	 sha256:1;	/* SHA-256 (or implied by SCEPStandard) */
	unsigned	 sha512:1;	/* SHA-512 */
	unsigned	 aes:1;		/* AES (or implied by SCEPStandard) */
	unsigned	 des3:1;	/* DES3 */
	unsigned	 renewal:1;	/* Renewal */
	unsigned	 getnextca:1;	/* GetNextCACert */
	unsigned	 update:1;	/* Update */
	unsigned	 scepstd:1;	/* SCEPStandard */
	char		 raw[512];	/* as received, one keyword per line */
};

/* url: as configured; without a path "/cgi-bin/pkiclient.exe" is added.
 * A CA that answers GetCACaps with an HTTP error gets empty caps (RFC
 * 8894 3.5.1); a transport failure is -1 with E_NET (e->detail = curl
 * code, 7 = connection refused). */
int	 scep_get_caps(const char *url, struct scep_caps *, struct err *);
/* Parse a GetCACaps body (case-insensitive keywords, CR/LF tolerant). */
void	 scep_caps_parse(const char *body, size_t len, struct scep_caps *);
/* Strongest advertised algorithms: SHA-512 > SHA-256 > SHA-1 and
 * AES-256-CBC > DES-EDE3-CBC. caps may be NULL (SHA-1, DES3). */
const EVP_MD	 *scep_caps_md(const struct scep_caps *);
const EVP_CIPHER *scep_caps_cipher(const struct scep_caps *);

/* GetCACert (RFC 8894 section 4.2): a single DER certificate or a
 * degenerate PKCS#7 with CA and RA certificates. *certs is owned by the
 * caller; *ca, *ra_enc and *ra_sign are borrowed pointers into *certs
 * (ra_* NULL when there is no RA). Any of ca/ra_enc/ra_sign may be NULL. */
int	 scep_get_ca(const char *url, STACK_OF(X509) **certs, X509 **ca,
	    X509 **ra_enc, X509 **ra_sign, struct err *);
/* The same selection on a response body already fetched. */
int	 scep_ca_parse(const unsigned char *der, size_t len,
	    STACK_OF(X509) **certs, X509 **ca, X509 **ra_enc, X509 **ra_sign,
	    struct err *);
/* GetNextCACert (RFC 8894 section 4.7): the SignedData is verified to
 * chain to current_ca; *certs (owned by the caller) are the certificates
 * of the inner degenerate PKCS#7. */
int	 scep_get_next_ca(const char *url, X509 *current_ca,
	    STACK_OF(X509) **certs, struct err *);
int	 scep_next_ca_parse(const unsigned char *der, size_t len,
	    X509 *current_ca, STACK_OF(X509) **certs, struct err *);

/* pkiStatus (RFC 8894 section 3.2.1.3) */
enum scep_status {
	SCEP_SUCCESS = 0, SCEP_FAILURE = 2, SCEP_PENDING = 3
};

/* failInfo (RFC 8894 section 3.2.1.4) */
enum scep_fail {
	SCEP_BAD_ALG, SCEP_BAD_MESSAGE_CHECK, SCEP_BAD_REQUEST, SCEP_BAD_TIME,
	SCEP_BAD_CERT_ID, SCEP_FAIL__MAX
};
/* "badAlg" ... "badCertId"; "unknown" for anything else (e.g. -1). */
const char *scep_fail_info_name(int);

/* messageType (RFC 8894 section 3.2.1.2) */
enum scep_msg_type {
	SCEP_MT_CERTREP = 3, SCEP_MT_RENEWALREQ = 17, SCEP_MT_PKCSREQ = 19,
	SCEP_MT_CERTPOLL = 20, SCEP_MT_GETCERT = 21, SCEP_MT_GETCRL = 22
};

/* One enrollment or poll. Everything is borrowed. */
struct scep_req {
	const char		*url;		/* as configured */
	const struct scep_caps	*caps;		/* NULL: SHA-1, DES3, GET */
	X509			*ca;		/* issuing CA */
	X509			*ra_enc;	/* RA encryption cert or NULL */
	X509			*ra_sign;	/* RA signing cert or NULL */
	const struct signer	*key;		/* the key being certified */
	const unsigned char	*csr_der;	/* PKCS#10 for it, with the
						 * challenge, DER */
	size_t			 csr_len;
	X509			*signer_cert;	/* renewal: current identity */
	const struct signer	*signer_key;	/* renewal: its key (NULL:
						 * key) */
	int			 renewal;	/* RenewalReq if advertised */
	long			 timeout_ms;	/* per HTTP request; 0 = 30 s */
};

/* The outcome of a PKIOperation. Owns cert and extra. */
struct scep_resp {
	enum scep_status	 status;
	int			 fail_info;	/* SCEP_BAD_*, -1 if absent */
	char			 fail_text[128]; /* failInfoText, may be "" */
	X509			*cert;		/* SUCCESS: cert for our key */
	STACK_OF(X509)		*extra;		/* SUCCESS: other certs */
	char			 transaction_id[SCEP_TID_MAX + 1];
	int			 msg_type;	/* what we sent: 17, 19, 20 */
};

/* PKCSReq (19) or RenewalReq (17) (RFC 8894 section 3.3.1): returns 0 with
 * resp->status SUCCESS (cert set), FAILURE (fail_info set) or PENDING
 * (poll with scep_poll using resp->transaction_id); -1 on any transport,
 * crypto or protocol error (a CertRep whose signature, messageType,
 * recipientNonce or transactionID is wrong is an E_PROTO error). */
int	 scep_enroll(const struct scep_req *, struct scep_resp *, struct err *);
/* CertPoll (20, GetCertInitial) for a PENDING transaction (RFC 8894
 * section 3.3.3): issuer = CA subject, subject = the CSR's subject. */
int	 scep_poll(const struct scep_req *, const char *transaction_id,
	    struct scep_resp *, struct err *);
/* Frees what resp holds and zeroes it; NULL is fine. */
void	 scep_resp_free(struct scep_resp *);

/*
 * Message layer (RFC 8894 section 3), exported for unit tests.
 */

/* The requester's side of one message. Everything is borrowed. */
struct scep_tx {
	enum scep_msg_type	 type;		/* 17, 19, 20, 21 */
	char			 transaction_id[SCEP_TID_MAX + 1];
	unsigned char		 sender_nonce[SCEP_NONCE_LEN];
	const EVP_MD		*md;		/* signature digest */
	const EVP_CIPHER	*cipher;	/* pkcsPKIEnvelope cipher */
	X509			*recipient;	/* CA or RA encryption cert */
	X509			*signer_cert;	/* transient or identity cert */
	const struct signer	*signer;	/* its key: signs the message,
						 * opens the CertRep envelope */
};

/* Build a pkiMessage: content (DER CSR or IssuerAndSubject) enveloped to
 * tx->recipient, signed by tx->signer_*, with messageType, transactionID
 * and senderNonce. *der is malloc'd (free()). */
int	 scep_msg_build(const struct scep_tx *, const unsigned char *content,
	    size_t len, unsigned char **der, size_t *derlen, struct err *);

/* A verified CertRep. Owns inner. */
struct scep_certrep {
	enum scep_status	 status;
	int			 fail_info;	/* -1 when absent */
	char			 fail_text[128];
	unsigned char		*inner;		/* SUCCESS: decrypted degenerate
						 * PKCS#7 DER, malloc'd */
	size_t			 inner_len;
};

/* Parse a CertRep: signature checked against rep_signer only (the CA or
 * RA signing cert), messageType 3, transactionID and recipientNonce equal
 * to tx's, pkiStatus; on SUCCESS the envelope is decrypted with
 * tx->signer for tx->signer_cert. -1 and E_PROTO/E_CRYPTO on any fault. */
int	 scep_certrep_parse(const unsigned char *der, size_t len,
	    const struct scep_tx *, X509 *rep_signer, struct scep_certrep *,
	    struct err *);
void	 scep_certrep_free(struct scep_certrep *);
/* From a degenerate PKCS#7, the certificate whose public key is key
 * (a public key: the CSR's)
 * (*cert, owned) and all others (*extra, owned; may be empty). */
int	 scep_certs_pick(const unsigned char *der, size_t len, EVP_PKEY *key,
	    X509 **cert, STACK_OF(X509) **extra, struct err *);
/* IssuerAndSubject (RFC 8894 section 3.3.3) DER; *der malloc'd. */
int	 scep_issuer_and_subject(const X509_NAME *issuer,
	    const X509_NAME *subject, unsigned char **der, size_t *len,
	    struct err *);
/* Uppercase hex SHA-256 of the DER SubjectPublicKeyInfo of (public) key. */
int	 scep_transaction_id(EVP_PKEY *key, char out[SCEP_TID_MAX + 1],
	    struct err *);
/* A one-day self-signed certificate over the signer's key, signed
 * through it (RFC 8894 section 2.3), subject from the CSR (or
 * CN=pkish-scep when empty); SHA-256 with RSA or ECDSA. */
X509	*scep_transient_cert(const struct signer *, const X509_NAME *subject,
	    struct err *);

/* Transport helpers (RFC 8894 section 4.1), exported for unit tests. */
/* base URL + "?operation=op" [+ "&message=" + URL-escaped msg]. */
char	*scep_url(const char *base, const char *op, const char *msg);
/* Percent-encode everything but unreserved characters (RFC 3986). */
char	*scep_url_escape(const char *);

/* The CA side (pkish's certificate server): scep/scep_server.h. */
#include "scep/scep_server.h"

#endif
