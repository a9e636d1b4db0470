/* parser/cmd_crl.c - the client's CRLs: `crypto pki crl request TP`
 * fetches the trustpoint's CRL from the distribution point of its
 * certificate, `show crypto pki crls` shows the cached ones. */
#include <stdio.h>
#include <stdlib.h>
#include "parser/pki_cli.h"
#include "parser/vty.h"
#include "pki/pki.h"

static int
cmd_crl_request(struct vty *v, struct args *a)
{
	const char *tp = args_get(a, "tp");
	struct tp_cfg c;
	struct err e = { 0 };

	if (pki_need_tp(v, tp, &c) < 0)
		return -1;
	vty_flush(v);
	if (crl_request(tp, &e) < 0) {
		vty_err(v, "%s", e.msg);
		return -1;
	}
	return 0;
}

static int
cmd_show_crls(struct vty *v, struct args *a)
{
	char *buf = NULL;
	size_t n = 0;
	FILE *f = open_memstream(&buf, &n);

	if (f == NULL) {
		vty_err(v, "Out of memory");
		return -1;
	}
	crl_show(f);
	fclose(f);
	vty_out(v, "%s", buf ? buf : "");
	free(buf);
	return 0;
}

static const struct cmd_def crl_cmds[] = {
	{ M(MODE_CONFIG), 15, "crypto pki crl request WORD$tp", "crl="
	    "Certificate Revocation List\nrequest=Request a CRL now\nWORD="
	    "Trustpoint name", cmd_crl_request, 0 },
	{ M(MODE_EXEC), 1, "show crypto pki crls", "crls=Show cached CRLs",
	    cmd_show_crls, 0 },
	{ 0, 0, NULL, NULL, NULL, 0 }
};

void
cmds_crl_install(void)
{
	cmd_install(crl_cmds);
}
