/* acme/acme.h - the ACME client (RFC 8555) with HTTP-01 (section 8.3),
 * IP identifiers (RFC 8738) and renewal information (RFC 9773 ARI).
 * Every call is synchronous (one HTTP client, one nonce pool, one
 * deadline); several may run in parallel threads. Process-wide, behind
 * mutexes: the account URL per (directory, contact, key label), and idle
 * keep-alive connections with their directory and nonces per server, so
 * that repeated exchanges skip TLS setup (acme_cleanup() drops both).
 * acme/ holds no private key: the account key is used through a signer
 * (lib/signer.h) and the certificate request arrives as DER, both made
 * by pki/. */
#ifndef ACME_ACME_H
#define ACME_ACME_H
#include <stddef.h>
#include <time.h>
#include <openssl/x509.h>
#include "lib/err.h"
#include "lib/signer.h"

#define ACME_TIMEOUT_DEFAULT	120	/* seconds, whole enrollment */
#define ACME_ERR_TIMEOUT	124	/* e->detail when the deadline passes */

struct acme_params {
	const char	*directory_url;	/* https://... */
	const char	*contact;	/* "admin@example.test" (sent as
					   mailto:) or NULL */
	const char	*account_key_label; /* keystore label: names the
					   account in caches and logs */
	const struct signer *account_signer; /* the account key (RSA, EC
					   P-256 or P-384), borrowed */
	int		 account_new;	/* the key was just made: no
					   account to look up */
	const char *const *dns;		/* DNS identifiers */
	size_t		 ndns;
	const char *const *ips;		/* RFC 8738 IP identifiers */
	size_t		 nips;
	const char	*cert_key_label; /* keystore label of the cert key */
	const unsigned char *csr_der;	/* PKCS#10 for that key and the
					   identifiers, DER (RFC 8555 7.4) */
	size_t		 csr_len;
	/* Without csr_der: called once when the CSR is first needed (at
	 * finalize), so that pki/ can make the key and CSR while the order
	 * is in flight. Fills *der (pki's, valid until acme_enroll returns)
	 * and *len, or returns -1 with "e" set, which ends the enrollment. */
	int		(*csr_get)(void *arg, const unsigned char **der,
			    size_t *len, struct err *);
	void		*csr_arg;
	const char	*subject;	/* CSR subject "CN=..", or NULL */
	const char	*http_addr;	/* HTTP-01 responder bind, NULL = any */
	int		 http_port;	/* 0 = 80 */
	const char	*extra_ca_pem;	/* trustpool PEM, or NULL */
	const char	*replaces;	/* RFC 9773 certID being replaced */
	int		 timeout_s;	/* whole call; 0 = default */
	void		(*progress)(void *ctx, const char *line);
	void		*progress_ctx;	/* passed to progress() */
	const char	*trustpoint;	/* if set, acme_enroll logs ASA
					   717067/717068/717069 with it */
	int		 automatic;	/* mode for 717067: 0 manual */
	const char	*regenerated_key; /* if set (with trustpoint), the
					   label logged in 717070 right
					   after 717067 */
};

struct acme_result {
	STACK_OF(X509)	*chain;		/* [0] = leaf, then issuers; owned */
	char		*cert_url;	/* certificate URL; owned */
};

/* Whole enrollment. On success fills res (acme_result_free it). On
 * failure e: E_NET/E_TIMEOUT/E_CRYPTO with curl's code in e->detail
 * (7, 28, 60, ...), E_TIMEOUT detail 124 when timeout_s passed, E_PROTO
 * for ACME problems ("type: detail; subproblems ..."). */
int	 acme_enroll(const struct acme_params *, struct acme_result *,
	    struct err *);
void	 acme_result_free(struct acme_result *);
/* The directory of p->directory_url (RFC 8555 section 7.1.1), fetched
 * now and kept with its connection for the exchange that follows: pki/
 * asks before it makes any key for an enrollment, so that a server that
 * cannot be reached (or is no ACME server) leaves no key behind. Same
 * errors as acme_enroll. */
int	 acme_directory_check(const struct acme_params *, struct err *);
/* RFC 8555 section 7.6, signed with the account key; reason is the RFC
 * 5280 CRLReason code (0 unspecified, 1 keyCompromise, 3
 * affiliationChanged, 4 superseded, 5 cessationOfOperation). */
int	 acme_revoke(const struct acme_params *, X509 *cert, int reason,
	    struct err *);
/* RFC 9773 section 4.1 certID "b64url(AKI keyid).b64url(serial)". */
char	*acme_ari_cert_id(X509 *cert, struct err *);
/* Suggested renewal window; -1 E_NOTFOUND when the directory has no
 * renewalInfo. */
int	 acme_ari_window(const struct acme_params *, X509 *cert,
	    time_t *start, time_t *end, struct err *);
/* Parse a RenewalInfo object (RFC 9773 section 4.2). */
int	 acme_ari_parse(const char *json, size_t len, time_t *start,
	    time_t *end, struct err *);
/* Close parked keep-alive connections and forget cached account URLs
 * (at shutdown, or to force fresh lookups). Safe at any time. */
void	 acme_cleanup(void);
/* ASA 717070, seed wording (acme_enroll logs it itself when
 * params->regenerated_key is set). */
void	 acme_log_key_regenerated(const char *key_label,
	    const char *trustpoint, int automatic);

#endif
