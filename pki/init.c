/* pki/init.c - process-wide start-up and shut-down of the PKI part */
#include "lib/log.h"
#include "parser/cmd.h"
#include "parser/commands.h"
#include "pki/pki.h"
#include "scep/scep.h"

int
pkish_init(struct err *e)
{
	return scep_init(e);
}

void
pkish_shutdown(void)
{
	cmd_free_all();
	log_shutdown();
}

/* The virtual clock moved (`clock set`): the renewal timers are derived
 * from certificates and the clock on every tick, so nothing is cached
 * here yet. */
void
pki_clock_changed(void)
{
}
