/* scep/scep_server.h - the CA side of SCEP (RFC 8894): pkiMessage parsing
 * and CertRep building for pkish's certificate server. The CA's private
 * key is reached only through a struct signer (lib/signer.h); the policy
 * (grant, queue, issue) is the caller's (pki/ca*.c). Thread-safe. */
#ifndef SCEP_SCEP_SERVER_H
#define SCEP_SCEP_SERVER_H
#include <stddef.h>
#include <openssl/x509.h>
#include "lib/err.h"
#include "lib/signer.h"
#include "scep/scep.h"

struct httpd_request;

/* A request as the CA received it. Owns signer_cert and content. */
struct scep_srv_msg {
	int		 type;			/* messageType, -1 unknown */
	char		 tid[SCEP_TID_MAX + 1];	/* transactionID */
	unsigned char	 nonce[SCEP_NONCE_LEN];	/* senderNonce */
	int		 have_ids;		/* tid+nonce: a CertRep can go */
	X509		*signer_cert;		/* the requester's certificate */
	const EVP_MD	*md;			/* digest the requester used */
	const EVP_CIPHER *cipher;		/* for the CertRep's envelope */
	unsigned char	*content;		/* decrypted messageData */
	size_t		 content_len;
};

/* Parse and verify a pkiMessage, decrypting its envelope with the CA key
 * (sg) addressed to ca. 0 on success; -1 with *fail = SCEP_BAD_* when a
 * FAILURE CertRep can be sent (m->have_ids), or *fail = -1 when it is not
 * a pkiMessage at all (HTTP 400). */
int	 scep_srv_parse(const unsigned char *der, size_t len,
	    const struct signer *sg, X509 *ca, struct scep_srv_msg *m,
	    int *fail, struct err *);
void	 scep_srv_msg_free(struct scep_srv_msg *);

/* What the CA answers. Everything borrowed. */
struct scep_srv_rep {
	enum scep_status	 status;
	int			 fail_info;	/* FAILURE: SCEP_BAD_* */
	STACK_OF(X509)		*certs;		/* SUCCESS: issued first */
	X509_CRL		*crl;		/* SUCCESS to GetCRL */
};

/* A CertRep to m signed by the CA (ca, sg); *der malloc'd. */
int	 scep_srv_certrep(const struct scep_srv_msg *m,
	    const struct scep_srv_rep *, const struct signer *sg, X509 *ca,
	    unsigned char **der, size_t *len, struct err *);
/* A degenerate (certificates-only) PKCS#7 of certs and crl (either may be
 * NULL); *der malloc'd. GetCACert with an RA, and CertRep contents. */
int	 scep_srv_degenerate(STACK_OF(X509) *certs, X509_CRL *crl,
	    unsigned char **der, size_t *len, struct err *);

/* The operation of a SCEP HTTP request (RFC 8894 section 4.1) and, for
 * PKIOperation, its message: POST body or base64 GET message= (*msg
 * malloc'd). 0, or -1 when the request is malformed. */
int	 scep_srv_http_msg(const struct httpd_request *, const char **op,
	    unsigned char **msg, size_t *len);

/* The same from its parts: method "POST" takes body, otherwise message
 * is the (URL-decoded) base64 GET argument. */
int	 scep_srv_msg_decode(const char *method, const char *message,
	    const unsigned char *body, size_t body_len, unsigned char **msg,
	    size_t *len);

/* IssuerAndSerialNumber (GetCert, GetCRL) from DER: issuer and serial
 * (owned by the caller). IssuerAndSubject (CertPoll): subject. */
int	 scep_srv_ias(const unsigned char *der, size_t len, X509_NAME **issuer,
	    ASN1_INTEGER **serial, X509_NAME **subject, struct err *);

#endif
