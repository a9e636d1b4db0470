/* pki/enroll.h - one enrollment of a trustpoint through its engine. The
 * CLI runs the IOS dialog first and passes the answers; background
 * renewals pass none. Progress lines go to progress() when set. */
#ifndef PKI_ENROLL_H
#define PKI_ENROLL_H
#include <openssl/x509.h>
#include "lib/err.h"
#include "pki/csr.h"
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
};
void	enroll_csr_params(const struct tp_cfg *, const struct enroll_ctx *,
	    struct enroll_csr *);
/* Make sure the trustpoint's key exists (generate it when missing);
 * with regenerate, generate a fresh key under a temporary label and
 * return that label in tmp (else tmp is the trustpoint's label). */
int	enroll_prepare_key(const struct tp_cfg *, int regenerate, char *tmp,
	    size_t len, int *generated, struct err *);
/* The device serial number used for `serial-number`. */
const char *enroll_device_serial(void);

/* Engines (pki/enroll_acme.c, pki/enroll_scep.c). 0 granted; for SCEP
 * *pending is set when the CA answered PENDING (polling continues). */
int	enroll_acme(const char *tp, const struct enroll_ctx *, struct err *);
/* A SCEP request the CA answered PENDING: polled with CertPoll. */
struct enroll_pending {
	int	 active;
	char	 tid[129];		/* transactionID */
	char	 key[192];		/* key label of the request */
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
 * CA to show and accept (owned by the caller). */
int	authenticate_scep(const char *tp, X509 **ca, struct err *);

#endif
