/* pki/init.c - process-wide start-up and shut-down of the PKI part */
#include "lib/log.h"
#include "parser/cmd.h"
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
