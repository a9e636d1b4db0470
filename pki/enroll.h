/* pki/enroll.h - one enrollment of a trustpoint through its engine. The
 * CLI runs the IOS dialog first and passes the answers; background
 * renewals pass none. Progress lines go to progress() when set. */
#ifndef PKI_ENROLL_H
#define PKI_ENROLL_H
#include <openssl/x509.h>
#include "lib/err.h"
#include "pki/csr.h"
#include "pki/key.h"
#include "pki/tp.h"

typedef void (*enroll_progress_fn)(void *ctx, const char *line);

struct enroll_ctx {
	int		 automatic;	/* renewal timer, not an operator */
	int		 regenerate;	/* new key pair, switched on success */
	const char	*challenge;	/* dialog answer, else cfg password */
	int		 include_serial;/* dialog answer (serial-number unset) */
	const char	*ip;		/* dialog answer or resolved ip-address */
	enroll_progress_fn progress;
	void		*pctx;
};

/* Everything a CSR needs, from the trustpoint settings. */
struct enroll_csr {
	struct csr_params p;
	const char	*dns[TP_MAX_SANS + 1];
	const char	*ips[1];
	char		 serial[64];
	char		 hostname[192];
	char		 subject[512];	/* a sub-CA's: its issuer-name */
};
void	enroll_csr_params(const struct tp_cfg *, const struct enroll_ctx *,
	    struct enroll_csr *);
/* The FQDN an IOS request (SCEP, terminal) carries as unstructuredName
 * (IOS hostname=): `fqdn NAME`, else hostname[.domain]; NULL with
 * `fqdn none` and for self-signed, PKCS#12 and ACME trustpoints. */
const char *enroll_fqdn(const struct tp_cfg *, char *buf, size_t len);
/* Make sure the trustpoint's key exists (generate it when missing);
 * with regenerate, generate a fresh key under a temporary label and
 * return that label in tmp (else tmp is the trustpoint's label). */
int	enroll_prepare_key(const struct tp_cfg *, int regenerate, char *tmp,
	    size_t len, int *generated, struct err *);
/* What enroll_prepare_key would do: 1 when a key of *type and *bits is
 * to be made under tmp, 0 when tmp (the trustpoint's label) exists. */
int	enroll_key_plan(const struct tp_cfg *, int regenerate, char *tmp,
	    size_t len, enum key_type *type, int *bits);
/* The device serial number used for `serial-number` and shown as the
 * Processor board ID (pki/board.c): kept in <state>/board-id, made on
 * the first start. */
const char *enroll_device_serial(void);
int	board_id_init(const char *state, struct err *);

/* Engines (pki/enroll_acme.c, pki/enroll_scep.c). 0 granted; for SCEP
 * *pending is set when the CA answered PENDING (polling continues). */
int	enroll_acme(const char *tp, const struct enroll_ctx *, struct err *);
/* A SCEP request the CA answered PENDING: polled with CertPoll. */
struct enroll_pending {
	int	 active;
	char	 tid[129];		/* transactionID */
	char	 key[192];		/* key label of the request */
	int	 renewal;		/* signed by the identity certificate */
	int	 shadow;		/* for the rollover CA (SHADOW) */
	int	 include_serial;	/* dialog answers, for the subject */
	char	 ip[64];
};
int	enroll_scep(const char *tp, const struct enroll_ctx *,
	    struct enroll_pending *, struct err *);
/* One CertPoll; 0 with *granted 1 (installed) or 0 (still pending). */
int	poll_scep(const char *tp, const struct enroll_pending *, int *granted,
	    struct err *);
/* %PKI-6-CERT_INSTALL and %PKI-4-NOCONFIGAUTOSAVE (pki/enroll_log.c) */
void	enroll_log_install(const char *tp, X509 *);
int	revoke_acme(const char *tp, int reason, struct err *);
/* SCEP GetCACert + GetCACaps for `crypto pki authenticate`: *ca is the
 * CA to show and accept (owned by the caller); when ra is not NULL, *ra
 * gets the RA encryption and signing certificates (owned; NULL when the
 * CA has no RA). */
int	authenticate_scep(const char *tp, X509 **ca, STACK_OF(X509) **ra,
	    struct err *);

/* SCEP CA rollover (pki/scep_rollover.c). The SHADOW time of a CA
 * certificate: notBefore + 90 % of its lifetime (IOS). */
time_t	scep_shadow_time(X509 *ca);
/* GetNextCACert (RFC 8894 section 4.7) when the CA advertises it (caps as
 * received, one keyword a line), the trustpoint has no rollover CA yet and
 * the SHADOW time of ca has come (force: any time). The certificate is
 * stored in the TP_CA_ROLLOVER slot. 1 fetched, 0 nothing to do, -1 e. */
int	scep_rollover_fetch(const char *tp, const char *url, const char *caps,
	    X509 *ca, int force, struct err *);
/* tp_rollover_activate + %PKI-6-CA_ROLLOVER_ACTIVE; same results. */
int	scep_rollover_promote(const char *tp, struct err *);
/* The SHADOW job: promote the rollover CA once the active CA expired;
 * else GetCACaps, then scep_rollover_fetch; for the renewal
 * scheduler and tests. Same results. */
int	scep_rollover_check(const char *tp, struct err *);
/* 1 when renewing cert is a SHADOW renewal: it ends with (or after) its
 * CA certificate ca (ios-pki.md section 9.3). */
int	scep_renew_is_shadow(X509 *ca, X509 *cert);
/* The rollover CA certificate for a SHADOW renewal (stored, else fetched
 * now with GetNextCACert), up-ref'd; NULL with e set when the CA does not
 * offer or answer it properly. */
X509	*scep_shadow_ca(const char *tp, const char *url, const char *caps,
	    struct err *);
/* Keep cert, issued by the rollover CA next for the key labelled key, as
 * the shadow identity of tp (a regenerated key waits as "<label>#").
 * 0, or -1 with e set. */
int	scep_shadow_install(const char *tp, const char *label, const char *key,
	    X509 *cert, X509 *next, struct err *);

#endif
