/* bench/scep_load.h - the SCEP load client (bench/ca.sh and the CA tests):
 * requests are built before the clock starts, sent over K keep-alive
 * connections, and the CertReps are checked after it stops.
 *
 * Requester keys are throwaway RSA keys made here (a bench tool, not part
 * of pkish); the pkiMessage layer is pkish's own scep/ (RFC 8894). */
#ifndef BENCH_SCEP_LOAD_H
#define BENCH_SCEP_LOAD_H
#include <stddef.h>
#include <openssl/evp.h>
#include <openssl/x509.h>
#include "lib/err.h"
#include "scep/scep.h"

/* The CA as GetCACert and GetCACaps told it. */
struct target {
	const char	*url;		/* SCEP URL as given */
	struct scep_caps caps;
	STACK_OF(X509)	*certs;		/* owned */
	X509		*ca;		/* borrowed from certs */
	X509		*rcpt;		/* envelope recipient (RA or CA) */
	X509		*rep_signer;	/* CertRep signer (RA or CA) */
	long		 timeout_ms;	/* per request */
};

/* A requester identity: key, transient self-signed certificate. */
struct ident {
	EVP_PKEY	*key;
	struct signer	 sg;		/* over key (pki/signer.h) */
	X509		*cert;
};

/* Outcome of one request. */
enum outcome {
	O_NONE,		/* not sent */
	O_SUCCESS,	/* CertRep SUCCESS, certificate checked */
	O_FAILURE,	/* CertRep FAILURE */
	O_PENDING,	/* CertRep PENDING */
	O_HTTP,		/* HTTP status other than 200 */
	O_NET,		/* transport error after sending (outcome unknown) */
	O_BAD		/* a 200 reply that is not a valid CertRep for us */
};

/* One prebuilt request and what came back. */
struct req {
	struct scep_tx	 tx;		/* borrowed signer/cert from an ident */
	EVP_PKEY	*sign_key;	/* borrowed: the ident's key */
	char		 cn[64];	/* subject CN of the CSR */
	EVP_PKEY	*csr_key;	/* borrowed: the key certified */
	unsigned char	*msg;		/* DER pkiMessage, malloc'd */
	size_t		 msg_len;
	const char	*ctype;		/* request Content-Type (NULL: SCEP's) */
	int		 get;		/* send as GET ...&message= */
	/* filled by the run */
	long		 http;		/* status, 0 = none */
	int		 net_err;	/* curl code after sending */
	unsigned char	*rep;		/* response body, malloc'd */
	size_t		 rep_len;
	double		 ms;		/* send to last byte */
	/* filled by the check */
	enum outcome	 out;
	int		 fail_info;
	X509		*cert;		/* issued, owned */
	char		 serial[80];	/* hex, uppercase, no leading zeros */
};

/* scep_load_net.c */
int	 net_init(struct err *);
void	 net_cleanup(void);
/* GET URL?operation=OP; *body malloc'd. Returns the HTTP status or -1. */
long	 net_get(const char *url, const char *op, unsigned char **body,
	    size_t *len, struct err *);
/* How net_run goes on (NULL: every request once, no deadline). */
struct run_opts {
	int	 retry_refused;	/* a refused connect (CA down) is retried
				 * with the same message after 20 ms */
	double	 deadline;	/* net_now() seconds; 0 = none */
	/* build request i just before it is sent (soak); NULL: prebuilt */
	int	(*build)(void *arg, struct req *, size_t i);
	void	*barg;
};
/* Send reqs[0..n) over conns connections (each a keep-alive handle), in
 * index order as connections free up; fills http/rep/ms/net_err. Stops
 * early at the deadline or after SIGTERM (net_stop_on_term). Returns the
 * wall time in seconds from the first send to the last reply. */
double	 net_run(const struct target *, struct req *, size_t n, int conns,
	    const struct run_opts *);
void	 net_stop_on_term(void);
double	 net_now(void);

/* scep_load_build.c */
int	 target_load(struct target *, const char *url, struct err *);
void	 target_free(struct target *);
int	 ident_make(struct ident *, const char *cn, struct err *);
void	 ident_free(struct ident *);
/* CSR for csr_key (subject CN=cn, challengePassword if challenge) wrapped
 * in a PKCSReq signed by signer, transactionID tid (NULL: random). */
int	 req_build(struct req *, const struct target *, const struct ident *
	    signer, EVP_PKEY *csr_key, const char *cn, const char *challenge,
	    const char *tid, struct err *);
void	 req_free(struct req *);

/* scep_load_check.c */
/* Parse r->rep: outcome, certificate (verified against the CA, key and
 * subject checked), serial. */
void	 req_check(const struct target *, struct req *);
const char *outcome_name(enum outcome);
/* Write r->cert as PEM to DIR/NAME.pem. */
int	 req_save(const struct req *, const char *dir, const char *name,
	    struct err *);
/* Write the pkiMessage, the requester key and its transient certificate:
 * DIR/NAME.msg.pem (PEM "PKCS7"), NAME.key.pem, NAME.signer.pem. */
int	 req_dump(const struct req *, const char *dir, const char *name,
	    struct err *);

/* scep_load_bad.c - hostile requests; returns 0 when the CA refused the
 * case properly (FAILURE or HTTP 4xx), 1 when it accepted it, 2 on a
 * transport error, 3 on a local error. */
int	 bad_run(const struct target *, const char *which,
	    const char *challenge, const char *outdir);
/* The names of the cases, for usage. */
extern const char *const bad_cases;

#endif
