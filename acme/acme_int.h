/* acme/acme_int.h - internal to acme/: the exchange context, one object
 * per RFC 8555 step, and the request plumbing. Not for other parts. */
#ifndef ACME_ACME_INT_H
#define ACME_ACME_INT_H
#include <stddef.h>
#include <openssl/evp.h>
#include <openssl/x509.h>
#include "lib/err.h"
#include "lib/http.h"
#include "acme.h"

struct json_object;
struct httpd;

#define ACME_NONCE_MAX		8	/* nonces kept from responses */
#define ACME_NONCE_LEN		256	/* longest nonce accepted */
#define ACME_BADNONCE_TRIES	30	/* RFC 8555 section 6.5 retries */
#define ACME_RATELIMIT_TRIES	3	/* waits on rateLimited / 503 */
#define ACME_MAX_BODY		(512 * 1024)	/* any response */
#define ACME_REQ_TIMEOUT_MS	30000	/* one request */
#define ACME_POLL_START_US	1000	/* first poll delay, microseconds */
#define ACME_POLL_MAX_US	2000000	/* poll delay cap */
#define ACME_RETRY_AFTER_MAX	60	/* seconds honoured per wait */
#define ACME_ERROR_NS		"urn:ietf:params:acme:error:"

struct acme_dir {			/* RFC 8555 section 7.1.1 */
	char	*new_nonce;		/* owned, all of these */
	char	*new_account;
	char	*new_order;
	char	*revoke_cert;		/* may be NULL */
	char	*key_change;		/* may be NULL */
	char	*renewal_info;		/* RFC 9773; may be NULL */
	char	*tos;			/* meta.termsOfService; may be NULL */
	int	 eab_required;		/* meta.externalAccountRequired */
};

struct acme_nonces {			/* RFC 8555 section 6.5 */
	char	*v[ACME_NONCE_MAX];	/* owned; newest last */
	size_t	 n;
};

struct acme_ctx {
	struct http_client *http;	/* owned: one keep-alive handle */
	const char	*dir_url;	/* borrowed from the params */
	const char	*extra_ca_pem;	/* borrowed */
	struct acme_dir	 dir;
	struct acme_nonces nonces;
	const struct signer *asigner;	/* account key, borrowed */
	EVP_PKEY	*akey;		/* its public key, owned */
	int		 account_new;	/* key just made (first lookup) */
	const unsigned char *csr;	/* the CSR DER (borrowed), NULL
					 * until params->csr_get gave it */
	size_t		 csr_len;
	unsigned char	*cert_spki;	/* SubjectPublicKeyInfo DER of the
					 * CSR sent, owned */
	size_t		 cert_spki_len;
	char		*kid;		/* account URL, owned */
	char		*thumb;		/* RFC 7638 thumbprint, owned */
	int		 from_cache;	/* kid came from the process cache */
	long long	 dir_ms;	/* monotonic ms the dir was fetched */
	long long	 deadline;	/* monotonic ms */
	struct httpd	*http01;	/* a responder reference no longer
					 * needed: dropped in the next wait */
	void		(*progress)(void *, const char *);
	void		*progress_ctx;
};

struct acme_order {			/* RFC 8555 section 7.1.3 */
	char	*url;			/* order URL (Location), owned */
	char	*status;		/* owned, all of these */
	char	*finalize;
	char	*cert;			/* set once valid */
	char	**authz;		/* authorization URLs */
	size_t	 nauthz;
	char	 error[300];		/* order "error" problem, if any */
};

struct acme_authz {			/* RFC 8555 section 7.1.4 */
	char	*url;			/* owned, all of these */
	char	*status;
	char	*ident;			/* "dns:name" / "ip:addr" */
	char	*chall_url;		/* the http-01 challenge */
	char	*chall_status;
	char	*token;
	int	 retry_after;		/* seconds from the last fetch, or -1 */
	char	 error[300];		/* challenge "error" problem */
};

/* ctx.c: context, deadline, waits, progress */
int	 acme_ctx_init(struct acme_ctx *, const struct acme_params *,
	    struct err *);
void	 acme_ctx_free(struct acme_ctx *);
int	 acme_ctx_csr(struct acme_ctx *, const struct acme_params *,
	    struct err *);
long long acme_now_ms(void);
long	 acme_remaining_ms(const struct acme_ctx *, struct err *);
int	 acme_timeout(struct err *, const char *what);
int	 acme_wait(struct acme_ctx *, long *delay_us, int retry_after,
	    struct err *);
void	 acme_progress(struct acme_ctx *, const char *, ...)
	    __attribute__((format(printf, 2, 3)));

/* session.c: parked keep-alive clients, directories and nonces */
int	 acme_session_take(struct acme_ctx *);
void	 acme_session_park(struct acme_ctx *);
void	 acme_session_flush(void);
void	 acme_account_flush(void);
void	 acme_chain_flush(void);

/* request.c: the one GET and the one POST-as-JWS with nonce retry */
int	 acme_get(struct acme_ctx *, const char *url, int head,
	    struct http_resp *, struct err *);
int	 acme_post(struct acme_ctx *, const char *url,
	    struct json_object *payload, struct http_resp *, struct err *);
struct json_object *acme_resp_json(const struct http_resp *, struct err *);
int	 acme_retry_after(const struct http_resp *);
int	 acme_retry_after_parse(const char *, time_t now);

/* problem.c: RFC 7807 / RFC 8555 section 6.7 */
int	 acme_problem_parse(const char *body, size_t len, long status,
	    char *type, size_t typelen, struct err *);
void	 acme_problem_fmt(const struct json_object *, char *, size_t);
void	 acme_sanitize(char *);

/* nonce.c */
int	 acme_nonce_put(struct acme_nonces *, const char *);
char	*acme_nonce_take(struct acme_nonces *);
void	 acme_nonce_free(struct acme_nonces *);
char	*acme_nonce_get(struct acme_ctx *, struct err *);

/* directory.c */
int	 acme_dir_parse(struct acme_dir *, const char *, size_t,
	    struct err *);
int	 acme_dir_fetch(struct acme_ctx *, struct err *);
void	 acme_dir_free(struct acme_dir *);

/* jwk.c / jws.c: RFC 7517, 7638, 7515, 7518 */
struct json_object *acme_jwk(EVP_PKEY *, struct err *);
char	*acme_jwk_thumbprint(EVP_PKEY *, struct err *);
const char *acme_jws_alg(EVP_PKEY *);
/* Signature for the JWS algorithm of pub (the signer's public key), raw
 * r||s for EC. */
int	 acme_sign(const struct signer *, EVP_PKEY *pub, const void *, size_t,
	    unsigned char **, size_t *, struct err *);
int	 acme_verify(EVP_PKEY *, const void *, size_t, const unsigned char *,
	    size_t, struct err *);
char	*acme_jws(const struct signer *, EVP_PKEY *pub, const char *kid, const char *nonce,
	    const char *url, const char *payload, struct err *);

/* account.c */
int	 acme_account(struct acme_ctx *, const struct acme_params *,
	    struct err *);
void	 acme_account_forget(struct acme_ctx *, const struct acme_params *);

/* order.c */
int	 acme_order_new(struct acme_ctx *, const struct acme_params *,
	    struct acme_order *, struct err *);
int	 acme_order_parse(struct acme_order *, const struct json_object *,
	    struct err *);
int	 acme_order_poll(struct acme_ctx *, struct acme_order *,
	    const char *until, long first_us, struct err *);
void	 acme_order_free(struct acme_order *);

/* authz.c */
int	 acme_authz_fetch(struct acme_ctx *, const char *url,
	    struct acme_authz *, struct err *);
int	 acme_authz_parse(struct acme_authz *, const struct json_object *,
	    struct err *);
void	 acme_authz_free(struct acme_authz *);

/* challenge.c */
char	*acme_key_authz(const struct acme_ctx *, const char *token);
int	 acme_challenge_start(struct acme_ctx *, struct acme_authz *,
	    struct err *);
int	 acme_authz_wait(struct acme_ctx *, struct acme_authz *,
	    struct err *);

/* http01.c: one shared responder per address and port */
struct httpd *acme_http01_acquire(const char *addr, int port, struct err *);
void	 acme_http01_release(struct httpd *);

/* finalize.c / cert.c */
int	 acme_finalize(struct acme_ctx *, struct acme_order *,
	    const struct acme_params *, struct err *);
STACK_OF(X509) *acme_chain_parse(const char *, size_t, struct err *);
int	 acme_chain_check(STACK_OF(X509) *, const unsigned char *spki,
	    size_t spki_len, const struct acme_params *, struct err *);
/* The SubjectPublicKeyInfo inside a DER CSR (RFC 2986 section 4.1):
 * its offset in *off and length in *len; -1 if the CSR is malformed. */
int	 acme_csr_spki(const unsigned char *, size_t, size_t *off,
	    size_t *len);
STACK_OF(X509) *acme_cert_fetch(struct acme_ctx *, const char *url,
	    struct err *);

#endif
