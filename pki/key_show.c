/* pkish - BSD-2-Clause */
/*
 * DOC: key display
 * `show crypto key mypubkey rsa|ec` (ios-pki.md section 3.4): one block per
 * key with the creation time, name, type, storage, usage, exportability and
 * the DER SubjectPublicKeyInfo in upper-case hex, 8 groups of 8 digits per
 * line, two-space indent, a space before each line break (as captured from
 * devices). EC keys show "Signature Key" usage as IOS does. No state.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "lib/clock.h"
#include "pki/cert.h"
#include "pki/key.h"

/*
 * The mypubkey block for label; every line ends in "\n". Returns a malloc'd
 * string or NULL (E_NOTFOUND if there is no such key).
 */
char *
key_show_mypubkey(const char *label, struct err *e)
{
	struct key_info ki;
	unsigned char *der = NULL;
	size_t len;
	char when[48], *hex = NULL, *out = NULL;

	if (key_info(label, &ki, e) == -1 ||
	    key_public_der(label, &der, &len, e) == -1)
		return NULL;
	if ((hex = cert_hex_lines(der, len, "  ", 1)) == NULL) {
		err_set(e, E_NOMEM, "out of memory");
		goto out;
	}
	clock_fmt_show(ki.created, when, sizeof(when));
	if (asprintf(&out, "%% Key pair was generated at: %s\n"
	    "Key name: %s\n"
	    "Key type: %s\n"
	    " Storage Device: %s\n"
	    " Usage: %s\n"
	    " Key is %sexportable.\n"
	    " Key Data:\n"
	    "%s", when, ki.label,
	    ki.type == KEY_RSA ? "RSA KEYS" : "EC KEYS",
	    /* a rollover key "<label>#" is not stored until active (9.7) */
	    ki.label[strlen(ki.label) - 1] == '#' ? "not specified" :
	    "private-config",
	    ki.type == KEY_RSA ? "General Purpose Key" : "Signature Key",
	    ki.exportable ? "" : "not ", hex) == -1) {
		out = NULL;
		err_set(e, E_NOMEM, "out of memory");
	}
 out:
	free(hex);
	free(der);
	return out;
}
