/* pki/init.c - process-wide start-up and shut-down of the PKI part */
#include <openssl/crypto.h>
#include "acme/acme.h"
#include "lib/log.h"
#include "pki/pki.h"
#include "pki/key.h"
#include "pki/renew.h"
#include "scep/scep.h"

/*
 * OpenSSL for pkish, first of all OpenSSL calls: no atexit tear-down (the
 * process's memory goes back whole, and freeing OpenSSL's tables one by
 * one only delayed every exit). The system configuration (openssl.cnf, or
 * OPENSSL_CONF) is read as every OpenSSL 3 program reads it: by OpenSSL
 * itself, the first time anything consults it (an algorithm fetch, an
 * object-table look-up, TLS), so a distribution's crypto policy applies
 * to pkish too; a daemon with nothing to do does not map the 1.5 MiB of
 * libcrypto that reading it takes.
 */
void
pkish_crypto_init(void)
{
	OPENSSL_init_crypto(OPENSSL_INIT_NO_ATEXIT, NULL);
}

/*
 * At exit: joins what runs (renewal jobs finish first) and closes what
 * talks to peers. The command graph is not freed: it is read-only, still
 * reachable, and freeing its thousand nodes only delayed every exit.
 */
void
pkish_shutdown(void)
{
	metrics_stop();		/* its scrapes read the timers */
	renew_stop();
	ca_shutdown();
	acme_cleanup();
	scep_cleanup();
	key_zeroize_drain();	/* replaced keys wiped before exit */
	log_shutdown();
}

/* The virtual clock moved (`clock set`): re-scan the timers now. */
void
pki_clock_changed(void)
{
	renew_kick();
}

static struct pki_sysinfo sysinfo;

void
pki_set_sysinfo(const struct pki_sysinfo *s)
{
	sysinfo = *s;
}

int
pki_if_addr(const char *ifname, char *addr, size_t len)
{
	return sysinfo.if_addr ? sysinfo.if_addr(ifname, addr, len) : -1;
}

int
pki_http_port(void)
{
	return sysinfo.http_port ? sysinfo.http_port() : 80;
}

void
pki_fqdn(char *buf, size_t len)
{
	if (sysinfo.fqdn)
		sysinfo.fqdn(buf, len);
	else if (len)
		buf[0] = '\0';
}
