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

struct ca_otp {
	char		 pw[24];
	time_t		 expires;
};

/* One per device. mu guards every field; it is never held across a
 * private-key operation: handlers take references and let go. */
struct ca_state {
	pthread_mutex_t	 mu;
	int		 exists;
	struct ca_cfg	 cfg;
	int		 enabled;
	char		 dir[1024];		/* database directory */
	struct ca_db	*db;
	X509		*cacert;		/* active CA certificate */
	X509		*rollover;		/* rollover slot (CS#), unused */
	EVP_PKEY	*key;			/* the CA key (label cfg.name) */
	X509_CRL	*crl;			/* current CRL */
	struct httpd	*httpd;
	struct ca_otp	 otp[CA_OTP_MAX];
};

extern struct ca_state ca_g;

/* References to what signing needs, taken under mu; -1 when disabled. */
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
/* pki/ca_issue.c */
const EVP_MD *ca_md(const struct ca_cfg *);
int	 ca_issue(struct ca_ref *, X509_REQ *, X509 **, struct err *);
int	 ca_make_cacert(const struct ca_cfg *, EVP_PKEY *, X509 **,
	    struct err *);
/* The same with a serial and a notBefore (a rollover CA certificate). */
int	 ca_make_cacert_at(const struct ca_cfg *, EVP_PKEY *, uint64_t serial,
	    time_t not_before, X509 **, struct err *);
/* An ASN1_TIME as UTC seconds (0 when unreadable). */
time_t	 ca_time(const ASN1_TIME *);
/* pki/ca_crl.c: build, store and publish a new CRL. */
int	 ca_crl_issue(struct ca_ref *, struct err *);
/* The current CRL (re-issued when expired), up-ref'd, or NULL. */
X509_CRL *ca_crl_current(struct err *);
/* pki/ca_scep.c */
int	 ca_scep_start(int port, struct err *);
void	 ca_scep_stop(void);
/* pki/ca_policy.c: one-time passwords. 1 matched (consumed). */
int	 ca_otp_use(const char *pw);
/* Challenge password of a CSR, or "" */
void	 ca_csr_challenge(X509_REQ *, char *, size_t);

#endif
