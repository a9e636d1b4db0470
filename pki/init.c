/* pki/init.c - process-wide start-up and shut-down of the PKI part */
#include "acme/acme.h"
#include "lib/log.h"
#include "parser/cmd.h"
#include "parser/commands.h"
#include "pki/pki.h"
#include "pki/renew.h"
#include "scep/scep.h"

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
