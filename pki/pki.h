/* pki/pki.h - the one header other parts include to use pki/: trustpoints,
 * the keystore, certificates, CSRs, PKCS#12, the trustpool, enrollment and
 * renewal. pki/ is the only part that touches private keys; acme/ and
 * scep/ below it get a signer (lib/signer.h) and DER CSRs instead.
 *
 * The declarations are kept by subject in the headers below, included
 * here; from outside pki/ include only this one (tests/check_includes.sh
 * enforces it). Headers of pki/ that are not listed (der.h, *_int.h) are
 * internal to the part.
 *
 *   pki/key.h        keystore: generate, import, export, list, zeroize keys
 *   pki/csr.h        PKCS#10 requests from trustpoint settings
 *   pki/cert.h       X.509 parsing, rendering (`show crypto pki
 *                    certificates`), verification, self-signed certificates
 *   pki/tp.h         the trustpoint store (configuration and certificates)
 *   pki/enroll.h     enrollment through ACME or SCEP, authenticate, revoke
 *   pki/renew.h      renewal timers
 *   pki/ca_rollover.h the certificate server's CA rollover
 *   pki/trustpool.h  CA certificates trusted for HTTPS
 *   pki/p12.h        PKCS#12 archives and PEM bundles
 *   pki/signer.h     signers over a keystore label for acme/ and scep/
 *   pki/cert_facts.h a certificate's fields as typed values (`| json`)
 *   pki/metrics.h    the Prometheus endpoint (`ip http metrics`)
 *   pki/ca.h         the certificate server (`crypto pki server`)
 *   pki/ca_view.h    its status snapshot and view hooks
 *   pki/crl.h        the client's CRL cache (`crypto pki crl request`)
 */
#ifndef PKI_PKI_H
#define PKI_PKI_H
#include <stddef.h>
#include "lib/err.h"
#include "pki/key.h"
#include "pki/csr.h"
#include "pki/cert.h"
#include "pki/tp.h"
#include "pki/enroll.h"
#include "pki/renew.h"
#include "pki/ca_rollover.h"
#include "pki/trustpool.h"
#include "pki/p12.h"
#include "pki/signer.h"
#include "pki/cert_facts.h"
#include "pki/metrics.h"
#include "pki/ca.h"
#include "pki/ca_view.h"
#include "pki/crl.h"

void	pkish_crypto_init(void);	/* first, before any OpenSSL call */
void	pkish_shutdown(void);

/* What pki/ needs from the system configuration. conf/ is pki's sibling
 * (neither includes the other), so main.c connects the two at start-up.
 * Unset: no interface has an address and `ip http port` is 80. */
struct pki_sysinfo {
	/* IPv4 address of an interface; 0 found, -1 not. */
	int	(*if_addr)(const char *ifname, char *addr, size_t len);
	int	(*http_port)(void);		/* `ip http port` */
	/* hostname, ".domain" after it when `ip domain name` is set */
	void	(*fqdn)(char *buf, size_t len);
};
void	pki_set_sysinfo(const struct pki_sysinfo *);	/* before threads */
int	pki_if_addr(const char *ifname, char *addr, size_t len);
int	pki_http_port(void);
void	pki_fqdn(char *buf, size_t len);	/* "" when unset */

#endif
