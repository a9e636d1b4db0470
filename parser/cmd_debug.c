/* pkish - ISC license, see LICENSE */
/*
 * DOC: parser/cmd_debug - the debug switches in EXEC: `debug crypto pki
 * {transactions|messages|server}` (server: the certificate server's
 * CRYPTO_CS lines), `debug crypto ca acme [<1-255>]`, each with its `no`
 * and `undebug` forms, `undebug all` / `no debug all`, and `show
 * debugging`: every switch that is on, under "Cryptographic Subsystem:"
 * as IOS lists them (nothing when all are off).
 */
#include <stdio.h>
#include "lib/log.h"
#include "parser/commands.h"
#include "parser/vty.h"

/* Each switch: its keyword in the command and its name in the answers. */
static const struct {
	enum log_dbg	 d;
	const char	*kw;
	const char	*name;
} dbgs[] = {
	{ DBG_PKI_MSG, "messages", "Crypto PKI Msg" },
	{ DBG_PKI_TRANS, "transactions", "Crypto PKI Trans" },
	{ DBG_PKI_CA, "server", "Crypto PKI Certificate Server" },
	{ DBG_ACME, "acme", "Crypto CA ACME" },
};
#define NDBGS	(sizeof(dbgs) / sizeof(dbgs[0]))

static int
cmd_debug(struct vty *v, struct args *a)
{
	int on = !a->no && !args_has(a, "undebug");

	if (args_has(a, "all")) {
		for (int d = 0; d < DBG__MAX; d++)
			log_dbg_set(d, 0);
		vty_out(v, "All possible debugging has been turned off\n");
		return 0;
	}
	for (size_t i = 0; i < NDBGS; i++) {
		if (!args_has(a, dbgs[i].kw))
			continue;
		/* the ACME switch has a level (default 1), the others are on */
		log_dbg_set(dbgs[i].d, on ? (int)args_int(a, dbgs[i].kw, 1) : 0);
		vty_out(v, "%s debugging is %s\n", dbgs[i].name,
		    on ? "on" : "off");
	}
	return 0;
}

static int
cmd_show_debugging(struct vty *v, struct args *a)
{
	int head = 0, lvl;

	(void)a;
	for (size_t i = 0; i < NDBGS; i++) {
		if ((lvl = log_dbg_level(dbgs[i].d)) == 0)
			continue;
		if (!head++)
			vty_out(v, "Cryptographic Subsystem:\n");
		vty_out(v, "  %s debugging is on", dbgs[i].name);
		if (dbgs[i].d == DBG_ACME)
			vty_out(v, " (level %d)", lvl);
		vty_out(v, "\n");
	}
	return 0;
}

#define UNDEBUG	"undebug=Disable debugging functions (see also 'debug')\n"
#define PKI_KW	"transactions=PKI transactions\nmessages=PKI messages\n" \
	"server=Certificate server debugging"

static const struct cmd_def debug_cmds[] = {
	{ M(MODE_EXEC), 15, "[no] debug crypto ca acme [<1-255>]",
	    "ca=Certification authority\nacme=ACME debugging\n"
	    "<1-255>=Debug level", cmd_debug, 0 },
	{ M(MODE_EXEC), 15, "undebug crypto ca acme", UNDEBUG
	    "ca=Certification authority\nacme=ACME debugging", cmd_debug, 0 },
	{ M(MODE_EXEC), 15, "[no] debug crypto pki "
	    "{transactions|messages|server}", PKI_KW, cmd_debug, 0 },
	{ M(MODE_EXEC), 15, "undebug crypto pki "
	    "{transactions|messages|server}", UNDEBUG PKI_KW, cmd_debug, 0 },
	{ M(MODE_EXEC), 15, "{undebug|no debug} all", UNDEBUG
	    "all=Disable all debugging", cmd_debug, 0 },
	{ M(MODE_EXEC), 15, "show debugging", "debugging=State of each "
	    "debugging option", cmd_show_debugging, 0 },
	{ 0, 0, NULL, NULL, NULL, 0 }
};

void
cmds_debug_install(void)
{
	cmd_install(debug_cmds);
}
