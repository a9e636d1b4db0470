/* pkish - ISC license, see LICENSE */
/*
 * DOC: parser/cmd_acme - `crypto pki acme revoke TP [reason R]` (and the
 * ASA spelling `crypto ca acme revoke`): revokes the identity certificate
 * of an ACME trustpoint at its ACME server (RFC 8555 section 7.6), signed
 * with the trustpoint's account key. A thin handler over revoke_acme();
 * the reason keywords map to RFC 5280 section 5.3.1 CRLReason codes.
 */
#include <stdio.h>
#include <string.h>
#include "parser/pki_cli.h"
#include "pki/pki.h"

static const struct {
	const char	*kw;		/* CLI keyword */
	int		 code;		/* RFC 5280 CRLReason */
} reasons[] = {
	{ "unspecified", 0 },
	{ "key-compromise", 1 },
	{ "affiliation-changed", 3 },
	{ "superseded", 4 },
	{ "cessation-of-operation", 5 },
};

static int
cmd_acme_revoke(struct vty *v, struct args *a)
{
	struct tp_cfg	 c;
	struct err	 e = { 0 };
	int		 reason = 0;

	if (pki_need_tp(v, args_get(a, "revoke"), &c) < 0)
		return -1;
	for (size_t i = 0; i < sizeof(reasons) / sizeof(reasons[0]); i++)
		if (args_has(a, reasons[i].kw))
			reason = reasons[i].code;
	if (revoke_acme(c.name, reason, &e) < 0) {
		if (e.detail)
			vty_err(v, "Revocation failed, error %d: %s", e.detail,
			    e.msg);
		else
			vty_err(v, "Revocation failed: %s", e.msg);
		return -1;
	}
	vty_out(v, "%% Certificate of trustpoint %s revoked (reason %d)\n",
	    c.name, reason);
	return 0;
}

static const struct cmd_def acme_cmds[] = {
	{ M(MODE_CONFIG), 15, "crypto {pki|ca} acme revoke WORD$revoke "
	    "[reason {unspecified|key-compromise|superseded|"
	    "cessation-of-operation|affiliation-changed}]",
	    "acme=Automatic Certificate Management Environment\n"
	    "revoke=Revoke the certificate of an ACME trustpoint\n"
	    "WORD=Trustpoint name\n"
	    "reason=Revocation reason (default unspecified)\n"
	    "unspecified=Unspecified (0)\n"
	    "key-compromise=Key compromise (1)\n"
	    "superseded=Superseded (4)\n"
	    "cessation-of-operation=Cessation of operation (5)\n"
	    "affiliation-changed=Affiliation changed (3)",
	    cmd_acme_revoke, 0 },
	{ 0, 0, NULL, NULL, NULL, 0 }
};

void
cmds_acme_install(void)
{
	cmd_install(acme_cmds);
}
