/* parser/cmd_pki.c - PKI command tables (trustpoints, keys, chains) */
#include "parser/commands.h"
#include "parser/vty.h"

void
pki_clock_changed(void)
{
}

void
cmds_pki_install(void)
{
}
