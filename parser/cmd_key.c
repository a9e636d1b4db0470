/* parser/cmd_key.c - key pairs: `crypto key generate rsa|ec`, `crypto key
 * zeroize`, `show crypto key mypubkey` (ios-pki.md section 3). Keys live
 * in the keystore (pki/key), never in the running-config. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "lib/b64.h"
#include "lib/log.h"
#include "parser/pki_cli.h"
#include "conf/conf.h"
#include "parser/show_json.h"
#include "pki/pki.h"

#define RSA_DEFAULT_BITS	2048

struct keygen {
	char		 label[128];
	enum key_type	 type;
	int		 bits;		/* 0: ask (RSA without modulus) */
	int		 exportable;
};

static const char *
type_name(enum key_type t)
{
	return t == KEY_RSA ? "RSA" : "EC";
}

/* label, or hostname.domain as IOS names unlabelled keys */
static int
resolve_label(struct vty *v, const char *label, char *out, size_t len)
{
	struct sys_conf *c;
	struct err e = { 0 };
	int n;

	if (label == NULL) {
		c = sys_lock();
		n = c->domain[0] ? snprintf(out, len, "%s.%s", c->hostname,
		    c->domain) : -1;
		sys_unlock();
		if (n < 0) {
			vty_err(v, "Please define a domain-name first.");
			return -1;
		}
	} else
		snprintf(out, len, "%s", label);
	if (key_label_valid(out, &e) < 0) {
		vty_err(v, "%s", e.msg);
		return -1;
	}
	return 0;
}

/* 1: go ahead (no key, or the user agreed to replace it), 0: keep it. */
static int
confirm_replace(struct vty *v, const char *label)
{
	struct key_info ki;

	if (key_info(label, &ki, NULL) < 0)
		return 1;
	vty_out(v, "%% You already have %s keys defined named %s.\n",
	    type_name(ki.type), label);
	if (vty_noecho(v)) {
		vty_err(v, "Keys %s not replaced: confirmation needed", label);
		return 0;
	}
	return vty_confirm(v, "% Do you really want to replace them? "
	    "[yes/no]: ", -1) == 1;
}

/* The IOS modulus question; 0 and *bits, or -1 after a % error. */
static int
ask_modulus(struct vty *v, int *bits)
{
	char buf[32], *end;
	long n;

	if (vty_noecho(v)) {
		*bits = RSA_DEFAULT_BITS;
		return 0;
	}
	vty_out(v, "Choose the size of the key modulus in the range of 1024 "
	    "to 4096 for your\n  General Purpose Keys. Choosing a key modulus "
	    "greater than 2048 may take\n  a few minutes.\n\n");
	if (vty_read_line(v, "How many bits in the modulus [2048]: ", buf,
	    sizeof(buf), 1) < 0) {
		vty_err(v, "Key generation aborted");
		return -1;
	}
	if (buf[0] == '\0') {
		*bits = RSA_DEFAULT_BITS;
		return 0;
	}
	n = strtol(buf, &end, 10);
	if (*end != '\0' || n < 1024 || n > 4096) {
		vty_err(v, "Invalid modulus '%s': choose a number between 1024 "
		    "and 4096; no key generated", buf);
		return -1;
	}
	*bits = (int)n;
	return 0;
}

static int
generate(struct vty *v, struct keygen *k)
{
	struct err e = { 0 };
	struct timespec t0, t1;

	if (!confirm_replace(v, k->label))
		return vty_failed(v) ? -1 : 0;
	vty_out(v, "The name for the keys will be: %s\n", k->label);
	if (k->bits == 0) {
		if (ask_modulus(v, &k->bits) < 0)
			return -1;
	} else if (k->type == KEY_RSA)
		vty_out(v, "\n%% The key modulus size is %d bits\n", k->bits);
	else
		vty_out(v, "\n");
	vty_out(v, "%% Generating %d bit %s keys, keys will be %sexportable..."
	    "\n", k->bits, type_name(k->type), k->exportable ? "" : "non-");
	vty_flush(v);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	if (key_generate(k->label, k->type, k->bits, k->exportable, &e) < 0) {
		vty_err(v, "Key generation failed: %s", e.msg);
		return -1;
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	vty_out(v, "[OK] (elapsed time was %ld seconds)\n",
	    (long)(t1.tv_sec - t0.tv_sec));
	log_msg(SEV_NOTICE, "CRYPTO_ENGINE", "KEY_ADDITION", "A key named %s "
	    "has been generated or imported by crypto-engine", k->label);
	return 0;
}

static int
cmd_key_generate(struct vty *v, struct args *a)
{
	struct keygen k = { .type = KEY_RSA };

	if (resolve_label(v, args_get(a, "label"), k.label,
	    sizeof(k.label)) < 0)
		return -1;
	k.exportable = args_has(a, "exportable");
	if (args_has(a, "ec")) {
		k.type = KEY_EC;
		k.bits = args_has(a, "521") ? 521 : args_has(a, "384") ? 384 :
		    256;
	} else
		k.bits = (int)args_int(a, "modulus", 0);
	return generate(v, &k);
}

/* Identity certificates certified by label go with the key (IOS). */
static int
drop_certs_of(const char *label)
{
	char **names, l[160];
	struct tp_certs c;
	struct tp_cfg cfg;
	size_t n;
	int dropped = 0;

	names = tp_names(&n);
	for (size_t i = 0; i < n; i++) {
		if (tp_get_cfg(names[i], &cfg, NULL) < 0)
			continue;
		tp_key_label(&cfg, l, sizeof(l));
		if (strcmp(l, label) != 0 ||
		    tp_get_certs(names[i], &c, NULL) < 0)
			continue;
		if (c.cert || c.cert_rollover) {
			tp_set_cert(names[i], TP_CERT, NULL, NULL);
			tp_set_cert(names[i], TP_CERT_ROLLOVER, NULL, NULL);
			dropped = 1;
		}
		tp_certs_free(&c);
	}
	tp_names_free(names, n);
	return dropped;
}

/* Keys selected by type (-1: any) and label (NULL: all); *n matches. */
static struct key_info *
select_keys(struct vty *v, int type, const char *label, int quiet,
    size_t *n)
{
	struct key_info *ks = NULL;
	struct err e = { 0 };
	size_t nk = 0, m = 0;

	if (key_list(&ks, &nk, &e) < 0) {
		vty_err(v, "%s", e.msg);
		return NULL;
	}
	for (size_t i = 0; i < nk; i++) {
		if (label && strcmp(ks[i].label, label) == 0 && type >= 0 &&
		    (int)ks[i].type != type) {
			vty_err(v, "Key pair %s is an %s key, not %s", label,
			    type_name(ks[i].type),
			    type_name((enum key_type)type));
			free(ks);
			return NULL;
		}
		if ((type < 0 || (int)ks[i].type == type) &&
		    (label == NULL || strcmp(ks[i].label, label) == 0))
			ks[m++] = ks[i];
	}
	if (m == 0) {
		if (label)
			vty_err(v, "No key pair named %s", label);
		else if (!quiet)
			vty_err(v, "No %skeys found in configuration.",
			    type < 0 ? "" : type == KEY_RSA ? "RSA " : "EC ");
		free(ks);
		return NULL;
	}
	*n = m;
	return ks;
}

static int
cmd_key_zeroize(struct vty *v, struct args *a)
{
	int type = args_has(a, "rsa") ? KEY_RSA : args_has(a, "ec") ? KEY_EC :
	    -1, dropped = 0, rc = 0;
	const char *label = args_get(a, "label");
	struct key_info *ks;
	struct err e = { 0 };
	size_t n;

	if ((ks = select_keys(v, type, label, 0, &n)) == NULL)
		return -1;
	if (label)
		vty_out(v, "%% Keys to be removed are named '%s'.\n", label);
	else
		vty_out(v, "%% All %skeys will be removed.\n", type < 0 ? "" :
		    type == KEY_RSA ? "RSA " : "EC ");
	vty_out(v, "%% All router certs issued using these keys will also be "
	    "removed.\n");
	if (vty_noecho(v) || vty_confirm(v, "Do you really want to remove these "
	    "keys? [yes/no]: ", -1) != 1) {
		free(ks);
		return 0;
	}
	for (size_t i = 0; i < n; i++) {
		if (key_zeroize(ks[i].label, &e) < 0) {
			vty_err(v, "%s", e.msg);
			rc = -1;
			continue;
		}
		dropped |= drop_certs_of(ks[i].label);
	}
	if (dropped)
		log_msg(SEV_WARN, "PKI", "NOCONFIGAUTOSAVE", "Configuration "
		    "was modified.  Issue \"write memory\" to save new IOS "
		    "PKI configuration");
	free(ks);
	return rc;
}

/* One key as JSON: what the text block shows, the public key as base64
 * DER SubjectPublicKeyInfo. NULL (and e) when it cannot be read. */
static json_object *
key_json(const struct key_info *k, struct err *e)
{
	json_object *o;
	unsigned char *der = NULL;
	size_t len;
	char *b64;

	if (key_public_der(k->label, &der, &len, e) < 0)
		return NULL;
	b64 = b64_encode(der, len, 0);
	free(der);
	o = json_object_new_object();
	json_object_object_add(o, "label", json_object_new_string(k->label));
	json_object_object_add(o, "type", json_object_new_string(
	    k->type == KEY_RSA ? "rsa" : "ec"));
	json_object_object_add(o, "size", json_object_new_int(k->bits));
	json_object_object_add(o, "usage", json_object_new_string(
	    k->type == KEY_RSA ? "General Purpose Key" : "Signature Key"));
	json_object_object_add(o, "exportable",
	    json_object_new_boolean(k->exportable));
	json_object_object_add(o, "created", sj_time(k->created));
	json_object_object_add(o, "publicKey", sj_str(b64));
	free(b64);
	return o;
}

static int
cmd_show_mypubkey(struct vty *v, struct args *a)
{
	int type = args_has(a, "rsa") ? KEY_RSA : args_has(a, "ec") ? KEY_EC :
	    -1;
	const char *label = args_get(a, "label");
	struct key_info *ks;
	struct err e = { 0 };
	size_t n;
	char *out;

	json_object *arr = NULL, *o, *root;

	if ((ks = select_keys(v, type, label, 1, &n)) == NULL && !vty_json(v))
		return vty_failed(v) ? -1 : 0;
	if (vty_json(v)) {
		if (vty_failed(v))
			return -1;
		arr = json_object_new_array();
	}
	for (size_t i = 0; ks && i < n; i++) {
		if (arr) {
			if ((o = key_json(&ks[i], &e)) == NULL)
				vty_err(v, "%s", e.msg);
			else
				json_object_array_add(arr, o);
			continue;
		}
		if ((out = key_show_mypubkey(ks[i].label, &e)) == NULL) {
			vty_err(v, "%s", e.msg);
			continue;
		}
		vty_out(v, "%s", out);
		free(out);
	}
	free(ks);
	if (arr == NULL)
		return 0;
	root = json_object_new_object();
	json_object_object_add(root, "keys", arr);
	return sj_emit(v, root);
}

static const struct cmd_def key_cmds[] = {
	{ M(MODE_CONFIG), 15, "crypto key generate rsa {* [general-keys] "
	    "[label WORD$label] [modulus <1024-4096>$modulus] [exportable] *}",
	    "key=Long term key operations\ngenerate=Generate new keys\nrsa="
	    "Generate RSA keys\ngeneral-keys=Generate a general purpose RSA "
	    "key pair for signing and encryption\nlabel=Provide a label\nWORD="
	    "RSA keypair label\nmodulus=Provide number of modulus bits on the "
	    "command line\n<1024-4096>=size of the key modulus\nexportable="
	    "Allow the key to be exported", cmd_key_generate, 0 },
	{ M(MODE_CONFIG), 15, "crypto key generate ec keysize {256|384|521} "
	    "{* [label WORD$label] [exportable] *}", "ec=Generate EC keys\n"
	    "keysize=Number of bits\n256=P-256 curve\n384=P-384 curve\n521="
	    "P-521 curve\nlabel=Provide a label\nWORD=EC keypair label\n"
	    "exportable=Allow the key to be exported", cmd_key_generate, 0 },
	{ M(MODE_CONFIG), 15, "crypto key zeroize [{rsa|ec} [{label "
	    "WORD$label|WORD$label}]]", "zeroize=Remove keys\nrsa=Remove RSA "
	    "keys\nec=Remove EC keys\nlabel=Key pair label\nWORD=Key pair "
	    "label", cmd_key_zeroize, 0 },
	{ M(MODE_EXEC), 1, "show crypto key mypubkey {rsa|ec|all} "
	    "[WORD$label]", "key=Show long term public keys\nmypubkey=Show "
	    "public keys associated with this router\nrsa=Show RSA public "
	    "keys\nec=Show EC public keys\nall=Show all public keys\nWORD=Key "
	    "pair label", cmd_show_mypubkey, 0 },
	{ 0, 0, NULL, NULL, NULL, 0 }
};

void
cmds_key_install(void)
{
	cmd_install(key_cmds);
}
