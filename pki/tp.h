/* pki/tp.h - the trustpoint store: configuration and certificates of every
 * trustpoint, shared by the CLI, ACME and SCEP. One mutex guards it; it is
 * never held across network I/O. Sub-mode handlers hold a trustpoint by
 * name and look it up again on every command. */
#ifndef PKI_TP_H
#define PKI_TP_H
#include <stdio.h>
#include <time.h>
#include <openssl/x509.h>
#include "lib/err.h"

#define TP_NAME_MAX	64
#define TP_MAX_SANS	16

enum tp_enroll { TP_EN_NONE, TP_EN_URL, TP_EN_TERMINAL, TP_EN_SELFSIGNED,
	TP_EN_PKCS12, TP_EN_ACME, TP_EN_SCEP };

enum tp_status { TP_ST_NONE, TP_ST_GRANTED, TP_ST_PENDING, TP_ST_FAILED,
	TP_ST_REJECTED };

struct tp_cfg {
	char		 name[TP_NAME_MAX + 1];
	enum tp_enroll	 enroll;		/* the enrollment method */
	char		 url[512];		/* SCEP URL (url / protocol scep) */
	int		 terminal_pem;
	int		 mode_ra;
	int		 retry_count;		/* 0 = default (unlimited) */
	int		 retry_period;		/* minutes, 0 = default (1) */
	char		 enroll_if[64];		/* enrollment interface */
	char		 acme_url[512];
	char		 acme_http01_if[64];
	char		 acme_contact[128];
	int		 auto_enroll;		/* 1 when configured */
	int		 auto_pct;		/* 0 = not given */
	int		 auto_regen;
	char		 rsakeypair[128];
	int		 rsa_bits;		/* rsakeypair LABEL BITS, 0 = none */
	int		 rsa_bits2;
	char		 eckeypair[128];
	int		 keypair_modulus;	/* ASA keypair rsa modulus N */
	char		 subject[512];
	char		 sans[TP_MAX_SANS][256];
	int		 nsans;
	char		 fqdn[256];		/* "none" allowed */
	char		 ip_address[64];	/* IP, interface, or "none" */
	int		 serial;		/* 0 ask, 1 include, 2 none */
	char		 password[128];
	int		 password_type;
	char		 fingerprint[128];
	char		 revocation[64];	/* "" = default (crl) */
	char		 usage[64];
	char		 hash[16];
};

/* Certificates held by a trustpoint (each may be NULL). */
struct tp_certs {
	X509		*ca;		/* issuing CA (authenticated) */
	X509		*ca_rollover;	/* next CA (GetNextCACert) */
	X509		*cert;		/* identity */
	X509		*cert_rollover;	/* shadow identity */
	STACK_OF(X509)	*extra;		/* other chain certs (root above ca) */
	time_t		 installed;	/* identity install time */
	time_t		 requested;	/* last enrollment attempt */
	enum tp_status	 status;	/* last enrollment status */
};

int	 tp_create(const char *name, int *created, struct err *);
int	 tp_exists(const char *name);
int	 tp_delete(const char *name, struct err *);
/* Locked access to one trustpoint's configuration (NULL if unknown).
 * Release with tp_unlock(); do no I/O in between. */
struct tp_cfg	*tp_lock(const char *name);
void	 tp_unlock(void);
/* Copy of the configuration. */
int	 tp_get_cfg(const char *name, struct tp_cfg *, struct err *);
/* Up-referenced copies of the certificates; free with tp_certs_free. */
int	 tp_get_certs(const char *name, struct tp_certs *, struct err *);
void	 tp_certs_free(struct tp_certs *);
/* Names of all trustpoints in creation order; free with tp_names_free. */
char	**tp_names(size_t *n);
void	 tp_names_free(char **, size_t);

enum tp_slot { TP_CA, TP_CA_ROLLOVER, TP_CERT, TP_CERT_ROLLOVER, TP_EXTRA,
	TP_SLOT__MAX };
/* Put a certificate into a slot (up-refs x; NULL clears). */
int	 tp_set_cert(const char *name, enum tp_slot, X509 *, struct err *);
/* Remove the certificate with this IOS serial from any slot. */
int	 tp_remove_serial(const char *name, const char *serial, struct err *);
/* Install a newly issued identity certificate with its chain (leaf
 * first): the CA slot is filled from the chain when empty. When new_key
 * is set, the key under that label takes the trustpoint's key label in
 * the same step; a key already under that label is moved aside, put back
 * on failure and destroyed on success. All or nothing. */
int	 tp_install(const char *name, X509 *cert, STACK_OF(X509) *chain,
	    const char *new_key, struct err *);
void	 tp_set_status(const char *name, enum tp_status);
/* The rollover CA (and shadow identity) become the active ones: 1 done,
 * 0 nothing to promote, -1 unknown trustpoint (pki/tp_rollover.c). */
int	 tp_rollover_activate(const char *name, struct err *);
/* SCEP capabilities as received (shown by `show ... trustpoints status`). */
void	 tp_set_caps(const char *name, const char *caps);
void	 tp_get_caps(const char *name, char *, size_t);

/* The key label the trustpoint certifies: rsakeypair/eckeypair, else
 * "Auto.NAME" for ACME trustpoints, else NAME. */
void	 tp_key_label(const struct tp_cfg *, char *, size_t);
/* How to generate that key when it is missing. */
void	 tp_key_spec(const struct tp_cfg *, int *is_ec, int *bits);
/* Trustpoints sharing this CA certificate (for show). */
int	 tp_names_for_ca(X509 *, char *, size_t);

void	 tp_render(FILE *);		/* crypto pki trustpoint blocks */
void	 tp_render_chains(FILE *);	/* crypto pki certificate chain */
/* The same with the defaults written out (show running-config all), and
 * the chains without certificate data (show running-config brief). */
void	 tp_render_defaults(FILE *);
void	 tp_render_chains_brief(FILE *);

#endif
