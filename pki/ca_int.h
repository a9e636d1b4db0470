/* pki/ca_int.h - the certificate server's state, shared by pki/ca*.c. */
#ifndef PKI_CA_INT_H
#define PKI_CA_INT_H
#include <pthread.h>
#include <openssl/evp.h>
#include <openssl/x509.h>
#include "lib/signer.h"
#include "pki/ca.h"
#include "pki/ca_db.h"

#define CA_OTP_MAX	64
#define CA_OTP_LEN	16		/* characters of a one-time password */
#define CA_NONCES	4096		/* senderNonces remembered (replay) */
#define CA_MAX_BODY	(256u << 10)	/* longest PKIOperation POST */

struct ca_otp {
	char		 pw[24];
	time_t		 expires;	/* 0: slot free */
};

/* One per device. mu guards every field; it is never held across a
 * private-key operation: handlers take references (ca_ref) and let go.
 * The active CA is cacert/key; the rollover slot (CS#, pki/ca_rollover.c)
 * is rollover/rollover_key, promoted when the active one expires. */
struct ca_state {
	pthread_mutex_t	 mu;
	int		 exists;
	struct ca_cfg	 cfg;
	int		 enabled;
	char		 dir[1024];		/* database directory */
	struct ca_db	*db;
	X509		*cacert;		/* active CA certificate */
	EVP_PKEY	*key;			/* the CA key (label cfg.name) */
	unsigned char	*key_der;		/* its SubjectPublicKeyInfo */
	size_t		 key_der_len;
	X509		*rollover;		/* rollover CA certificate */
	EVP_PKEY	*rollover_key;		/* its key (label cfg.name#) */
	X509_CRL	*crl;			/* current CRL */
	struct httpd	*httpd;			/* SCEP listener (pki/ca_scep.c) */
	int		 port;			/* its port */
	char		 cdp_path[512];		/* CRL route, "" none */
	unsigned	 refs;			/* ca_ref outstanding */
	pthread_cond_t	 unref;			/* signalled as refs drop */
	struct ca_otp	 otp[CA_OTP_MAX];
	unsigned char	 nonces[CA_NONCES][16];	/* ring of senderNonces */
	unsigned	 nnonce;
	STACK_OF(X509)	*chain;			/* sub-CA: the CAs above cacert */
};

extern struct ca_state ca_g;

/* References to what signing needs, taken under mu; -1 when disabled.
 * ca_disable() waits until every reference is put back: never call it
 * while holding one. */
struct ca_ref {
	X509		*cacert;
	EVP_PKEY	*key;
	struct ca_db	*db;
	struct ca_cfg	 cfg;
	struct signer	 signer;	/* over key, for scep/ */
};
int	 ca_ref_get(struct ca_ref *);
void	 ca_ref_put(struct ca_ref *);
/* The same for the rollover CA certificate and key "<CS>#" (requests
 * encrypted to it: shadow certificates); -1 when there is none. */
int	 ca_rollover_ref(struct ca_ref *);
struct scep_srv_msg;
/* pki/ca_rollover.c: scep_srv_parse with r (ca_ref_get), else, for a
 * request encrypted to the rollover CA (a shadow request; *rollover = 1,
 * rollover may be NULL), with the rollover CA, which then replaces the
 * active one in r: issue and answer with r, ca_ref_put(r) as before. On
 * -1, r is unchanged and *fail, e are the active CA's (scep_srv_parse). */
int	 ca_rollover_parse(const unsigned char *der, size_t len,
	    struct ca_ref *r, int *rollover, struct scep_srv_msg *m,
	    int *fail, struct err *);
/* 1 when x is the rollover CA certificate (grant auto rollover ca-cert). */
int	 ca_rollover_is(X509 *x);

/* The database directory of c. */
void	 ca_db_dir(const struct ca_cfg *, char *, size_t);
/* <dir>/<name>.crt, the CA certificate (PEM). */
void	 ca_cert_path(const struct ca_cfg *, char *, size_t);
/* pki/ca_issue.c */
const EVP_MD *ca_md(const struct ca_cfg *);
int	 ca_issue(struct ca_ref *, X509_REQ *, X509 **, struct err *);
/* The same, the certificate recorded under SCEP transactionID tid. */
int	 ca_issue_tid(struct ca_ref *, X509_REQ *, const char *tid, X509 **,
	    struct err *);
/* The SCEP path: req's signature already verified by the caller, the
 * record's sync started, not waited for: the certificate may leave the
 * server only once ca_db_sync(r->db, *end) returns 0 (*end 0: nothing
 * to wait for). */
int	 ca_issue_verified(struct ca_ref *, X509_REQ *, const char *tid,
	    off_t *end, X509 **, struct err *);
int	 ca_make_cacert(const struct ca_cfg *, EVP_PKEY *, X509 **,
	    struct err *);
/* The same with a serial and a notBefore (a rollover CA certificate). */
int	 ca_make_cacert_at(const struct ca_cfg *, EVP_PKEY *, uint64_t serial,
	    time_t not_before, X509 **, struct err *);
/* An ASN1_TIME as UTC seconds (0 when unreadable). */
time_t	 ca_time(const ASN1_TIME *);
/* pki/ca_crl.c: build, store and publish a new CRL. */
int	 ca_crl_issue(struct ca_ref *, struct err *);
/* ca_db_revoke and a CRL numbered before it (a revocation recorded is in
 * the CRL served); *crl_rc: 0, or -1 when the CRL file (e) failed. */
int	 ca_crl_revoke(struct ca_ref *, uint64_t serial, time_t when,
	    int *crl_rc, struct err *);
/* The current CRL (re-issued when expired), up-ref'd, or NULL. */
X509_CRL *ca_crl_current(struct err *);
/* pki/ca_scep.c */
int	 ca_scep_start(int port, struct err *);
void	 ca_scep_stop(void);
int	 ca_scep_port(void);		/* bound port, 0 when not serving */
/* pki/ca_scep_op.c: one PKIOperation message (DER) to its answer:
 * 200 and a CertRep, or an HTTP error status (400 not a pkiMessage,
 * 503 disabled). *out malloc'd. peer for syslog. */
int	 ca_scep_pkiop(const unsigned char *msg, size_t len, const char *peer,
	    unsigned char **out, size_t *outlen);
/* pki/ca_policy.c: one-time passwords. 1 matched (consumed). */
int	 ca_otp_use(const char *pw);
/* Challenge password of a CSR, or "" */
void	 ca_csr_challenge(X509_REQ *, char *, size_t);
/* A senderNonce seen before (then 1), else remembered (0). */
int	 ca_nonce_seen(const unsigned char nonce[16]);

/* What the policy says of an enrollment request. */
enum ca_verdict { CA_V_ISSUE, CA_V_QUEUE, CA_V_REJECT, CA_V_BADPW };
/* signer: the certificate that signed the pkiMessage (transient or a
 * current one: renewal). */
enum ca_verdict ca_policy(struct ca_ref *, X509_REQ *, X509 *signer);
/* 1 when x was issued by the CA of r, is in force and not revoked. */
int	 ca_cert_current(struct ca_ref *, X509 *x);
/* Pending requests older than `lifetime enrollment-request` are
 * removed (ER EXPIRE); called before the queue is shown or used. */
void	 ca_req_expire(void);

/* pki/ca_sub.c: `mode sub-cs`. */
/* 1 when req asks for a CA certificate (basicConstraints cA TRUE in its
 * extensionRequest): a subordinate CA's request. */
int	 ca_req_wants_ca(X509_REQ *req);
/* The extensions of a subordinate CA certificate for req, issued by ca. */
int	 ca_sub_exts(X509 *x, X509 *ca, X509_REQ *req, const struct ca_cfg *,
	    struct err *);
/* The CA certificate of a sub-CA: the stored one, else enrolled through
 * the trustpoint of the server's name. 0 and *x, *chain; 1 when the
 * upstream CA answered PENDING (enrolling); -1 e. */
int	 ca_sub_cert(const struct ca_cfg *, const char *dir, const char *pass,
	    EVP_PKEY *key, int http_port, ca_say_fn, void *, X509 **x,
	    STACK_OF(X509) **chain, struct err *);
/* pki/ca_ra.c: `mode ra`. 1 when x names "ioscs RA" (an RA certificate). */
int	 ca_cert_is_ra(X509 *x);
/* In place of issuing: req forwarded to the issuing CA, signed by the RA
 * (r); the certificate returned is recorded under tid (may be NULL). */
int	 ca_ra_forward(struct ca_ref *r, X509_REQ *req, const char *tid,
	    X509 **out, struct err *);
/* Enrolling stops (shutdown, delete). */
void	 ca_sub_cancel(void);
/* The archive passphrase kept while enrolling ("" none). */
void	 ca_sub_pass(char *buf, size_t len);
/* <dir>/<name>.chain, the CAs above a sub-CA (PEM); NULL when none. */
STACK_OF(X509) *ca_chain_load(const struct ca_cfg *);
/* GetCACert of a sub-CA: a degenerate PKCS#7 of the CA certificate and
 * the chain above it (*der malloc'd). 1 made, 0 no chain, -1 error. */
int	 ca_chain_reply(unsigned char **der, size_t *len);

#endif
