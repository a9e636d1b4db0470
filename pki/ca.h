/* pki/ca.h - pkish's certificate server (`crypto pki server`): one IOS CA
 * per device with its configuration, its key and CA certificate (key and
 * trustpoint named after the server), its database (pki/ca_db.h) and its
 * SCEP service (RFC 8894) on the `ip http` listener. The only code that
 * uses the CA's private key. Thread-safe. */
#ifndef PKI_CA_H
#define PKI_CA_H
#include <stdint.h>
#include <stdio.h>
#include <openssl/x509.h>
#include "lib/err.h"

#define CA_NAME_MAX	64

/* CA_GRANT_RA_AUTO: `grant ra-auto`, requests an RA forwards (signed by
 * an RA certificate of this CA) are granted, the rest wait. */
enum ca_grant { CA_GRANT_MANUAL, CA_GRANT_AUTO, CA_GRANT_NONE,
	CA_GRANT_RA_AUTO };
enum ca_level { CA_LEVEL_MINIMUM, CA_LEVEL_NAMES, CA_LEVEL_COMPLETE };
enum ca_archive { CA_ARCH_PKCS12, CA_ARCH_PEM, CA_ARCH_NONE };
/* `mode`: a root CA (default), `mode sub-cs` (the CA certificate is
 * enrolled from the upstream CA of the trustpoint of the same name,
 * pki/ca_sub.c), `mode ra [transparent]`. */
enum ca_mode { CA_MODE_ROOT, CA_MODE_SUB, CA_MODE_RA };

struct ca_cfg {
	char		 name[CA_NAME_MAX + 1];
	char		 issuer[512];		/* "" = CN=<name> */
	enum ca_grant	 grant;
	char		 grant_tp[CA_NAME_MAX + 1]; /* grant auto trustpoint */
	long		 life_cert;		/* minutes; 0 = default */
	long		 life_ca;
	long		 life_crl;
	long		 life_req;
	enum ca_level	 level;
	char		 db_url[512];		/* "" = nvram: */
	enum ca_archive	 archive;
	char		 archive_pw[208];	/* "" = ask */
	char		 cdp_url[512];
	char		 hash[16];		/* "" = sha256 */
	char		 eku[128];		/* "client-auth server-auth" */
	int		 serial_set;
	uint64_t	 serial;
	int		 shutdown;		/* 1 = shut (default) */
	int		 rollover_set;		/* auto-rollover configured */
	long		 rollover_min;		/* its overlap, minutes */
	int		 grant_rollover;	/* grant auto rollover ca-cert */
	enum ca_mode	 mode;			/* defines the CA certificate */
	int		 ra_transparent;	/* mode ra transparent */
	char		 db_user[64];		/* database username */
	char		 db_pw[128];		/* its password (clear) */
};

#define CA_LIFE_CERT	(365L * 24 * 60)
#define CA_LIFE_CA	(1095L * 24 * 60)
#define CA_LIFE_CRL	(6L * 60)
#define CA_LIFE_REQ	(168L * 60)

/* The state directory (nvram: is <state>/nvram). Once, from main. */
void	 ca_init(const char *state_dir);
void	 ca_shutdown(void);
/* 1 and a copy of the configuration when a server exists. */
int	 ca_cfg_get(struct ca_cfg *);
/* Create (0, *created) or find the server; another name is E_EXISTS. */
int	 ca_create(const char *name, int *created, struct err *);
/* Store a changed configuration. Settings that define the CA certificate
 * are refused with E_PERM once it exists. */
int	 ca_cfg_set(const struct ca_cfg *, struct err *);
/* 1 once the CA certificate exists. */
int	 ca_has_cert(void);
/* Delete the server with its key, certificate and database. */
int	 ca_delete(struct err *);

/* What `no shutdown` prints as it goes (one line each). */
typedef void (*ca_say_fn)(void *, const char *line);
/* 1 when enabling will ask for an archive passphrase. */
int	 ca_needs_passphrase(void);
/* Enable: key, CA certificate, archive (pass or the configured one),
 * database, CRL, SCEP on http_port (0: any free port, < 0: not served
 * until ca_serve). */
int	 ca_enable(const char *pass, int http_port, ca_say_fn, void *,
	    struct err *);
void	 ca_disable(void);
int	 ca_enabled(void);
/* While enabled, serve SCEP on port (moving it there), or stop serving
 * (port < 0): `ip http server` given or taken after `no shutdown`. */
int	 ca_serve(int port, struct err *);

/* EXEC: grant/reject/remove (id 0 = all), revoke/unrevoke. */
int	 ca_req_grant(unsigned id, struct err *);
int	 ca_req_reject(unsigned id, struct err *);
int	 ca_req_remove(unsigned id, struct err *);
int	 ca_revoke(uint64_t serial, int unrevoke, struct err *);
/* One-time challenge password valid for minutes; *pw malloc'd. */
int	 ca_password_generate(int minutes, char **pw, struct err *);
/* Sign a CSR (request pkcs10); *cert owned by the caller. */
int	 ca_sign_csr(X509_REQ *, X509 **cert, struct err *);

/* pki/ca_sub.c. 1 while a `mode sub-cs` server waits for its CA
 * certificate from the upstream CA (State: enrolling). */
int	 ca_sub_enrolling(void);
/* The certificate of trustpoint tp was installed (pki/enroll_log.c): a
 * waiting sub-CA takes it as its CA certificate and is enabled. */
void	 ca_sub_arrived(const char *tp);
/* The trustpoint of a `mode sub-cs` server c is usable: it has the
 * enrollment url of the issuing CA and certifies the server's key. */
int	 ca_sub_check(const struct ca_cfg *c, struct err *);
/* CSR settings of trustpoint tp when it requests the certificate of a
 * `mode sub-cs` server (*ca 1, subject the issuer-name) or of a `mode ra`
 * one (*ca 0, subject with "OU=ioscs RA"): 1, else 0. */
int	 ca_sub_csr(const char *tp, char *subject, size_t len, int *ca);

/* Views (malloc'd text, IOS layouts). */
char	*ca_show_server(void);
char	*ca_show_requests(struct err *);
char	*ca_show_certificates(struct err *);
char	*ca_show_crl(struct err *);
void	 ca_render(FILE *);	/* running-config block */

#endif
