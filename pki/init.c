/* pki/init.c - process-wide start-up and shut-down of the PKI part */
#include <stdlib.h>
#include <openssl/crypto.h>
#include "acme/acme.h"
#include "lib/log.h"
#include "parser/cmd.h"
#include "parser/commands.h"
#include "pki/pki.h"
#include "pki/renew.h"
#include "scep/scep.h"

/*
 * OpenSSL for pkish, first of all OpenSSL calls: openssl.cnf is read only
 * when OPENSSL_CONF names one. pkish's crypto settings are its own
 * configuration; parsing the system file cost every start ~1 ms for
 * nothing (Debian's sets no provider or TLS policy).
 */
void
pkish_crypto_init(void)
{
	if (getenv("OPENSSL_CONF") == NULL)
		OPENSSL_init_crypto(OPENSSL_INIT_NO_LOAD_CONFIG, NULL);
	else
		OPENSSL_init_crypto(OPENSSL_INIT_LOAD_CONFIG, NULL);
}

int
pkish_init(struct err *e)
{
	return scep_init(e);
}

void
pkish_shutdown(void)
{
	renew_stop();
	acme_cleanup();
	cmd_free_all();
	log_shutdown();
}

/* The virtual clock moved (`clock set`): re-scan the timers now. */
void
pki_clock_changed(void)
{
	renew_kick();
}
