/* parser/xfer_install.c - installing an imported key, identity
 * certificate and CA chain (PKCS#12 or PEM) into a trustpoint, all or
 * nothing: the key is stored under a temporary label and moved into place
 * by tp_install() in the same step as the certificates; a key it replaces
 * is kept under a backup label until the install has succeeded. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <openssl/x509v3.h>
#include "lib/log.h"
#include "parser/pki_cli.h"
#include "parser/xfer.h"
#include "pki/pki.h"

/* "EC" for an EC key pair, else "RSA" (also when label is unknown), for
 * the IOS messages that name the key type. */
const char *
xfer_key_type(const char *label)
{
	struct key_info ki;

	if (key_info(label, &ki, NULL) == 0 && ki.type == KEY_EC)
		return "EC";
	return "RSA";
}

/* The refusal to export a key, with the command that makes one that can
 * be exported (a new key: the trustpoint must be enrolled again). */
void
xfer_not_exportable(struct vty *v, const char *label)
{
	struct key_info ki;
	int ec = key_info(label, &ki, NULL) == 0 && ki.type == KEY_EC;

	vty_err(v, "%s keypair %s is not exportable.", ec ? "EC" : "RSA",
	    label);
	if (ec)
		vty_err(v, "To export it, create it exportable: crypto key "
		    "generate ec keysize 256 label %s exportable", label);
	else
		vty_err(v, "To export it, create it exportable: crypto key "
		    "generate rsa general-keys label %s modulus 2048 "
		    "exportable", label);
}

/*
 * Log %PKI-6-CERT_INSTALL (continuation lines indented to column 22 as in
 * the captures) and %PKI-4-NOCONFIGAUTOSAVE for identity certificate x of
 * trustpoint tp. x is borrowed.
 */
void
xfer_log_installed(const char *tp, X509 *x)
{
	char *iss = cert_name_oneline_ios(X509_get_issuer_name(x));
	char *sub = cert_name_oneline_ios(X509_get_subject_name(x));
	char *ser = cert_serial_hex(x);
	char end[32] = "";
	struct tm tm;

	if (ASN1_TIME_to_tm(X509_get0_notAfter(x), &tm))
		strftime(end, sizeof(end), "%Y-%m-%dT%H:%M:%SZ", &tm);
	log_msg(SEV_INFO, "PKI", "CERT_INSTALL", "An ID certificate has been "
	    "installed under\n%22sTrustpoint   : %s\n%22sIssuer-name  : %s\n"
	    "%22sSubject-name : %s\n%22sSerial-number: %s\n%22sEnd-date     : "
	    "%s", "", tp, "", iss ? iss : "", "", sub ? sub : "", "",
	    ser ? ser : "", "", end);
	log_msg(SEV_WARN, "PKI", "NOCONFIGAUTOSAVE", "Configuration was "
	    "modified.  Issue \"write memory\" to save new IOS PKI "
	    "configuration");
	free(iss);
	free(sub);
	free(ser);
}

/* leaf, then its issuers found in cas, then the other cas (new stack of
 * borrowed pointers: free with sk_X509_free). */
static STACK_OF(X509) *
order_chain(X509 *leaf, STACK_OF(X509) *cas)
{
	STACK_OF(X509) *out = sk_X509_new_null(), *left;
	X509 *cur = leaf, *next;

	left = cas ? sk_X509_dup(cas) : sk_X509_new_null();
	if (out == NULL || left == NULL) {
		sk_X509_free(left);
		sk_X509_free(out);
		return NULL;
	}
	sk_X509_push(out, leaf);
	for (;;) {
		next = NULL;
		for (int i = 0; next == NULL && i < sk_X509_num(left); i++)
			if (X509_check_issued(sk_X509_value(left, i), cur) ==
			    X509_V_OK && X509_cmp(sk_X509_value(left, i),
			    cur) != 0)
				next = sk_X509_delete(left, i);
		if (next == NULL)
			break;
		sk_X509_push(out, next);
		cur = next;
	}
	for (int i = 0; i < sk_X509_num(left); i++)
		sk_X509_push(out, sk_X509_value(left, i));
	sk_X509_free(left);
	return out;
}

/* The bundle must hold CA certificates the identity chains to. */
static int
check_bundle(struct vty *v, const struct xfer_bundle *b)
{
	struct err e = { 0 };
	int n = b->cas ? sk_X509_num(b->cas) : 0;

	if (!cert_matches_key(b->cert, b->key)) {
		vty_err(v, "%s import failed: the certificate does not match "
		    "the private key", b->what);
		return -1;
	}
	for (int i = 0; i < n; i++)
		if (!cert_is_ca(sk_X509_value(b->cas, i))) {
			vty_err(v, "%s import failed: certificate %d of the CA "
			    "chain is not a CA certificate", b->what, i + 1);
			return -1;
		}
	if (n == 0 && cert_is_self_signed(b->cert))
		return 0;
	if (n == 0) {
		vty_err(v, "%s import failed: no CA certificate for the "
		    "identity certificate", b->what);
		return -1;
	}
	if (cert_verify_chain(b->cert, b->cas, 0, &e) < 0) {
		vty_err(v, "%s import failed: %s", b->what, e.msg);
		return -1;
	}
	return 0;
}

/* A free label derived from base ("L.tmp0", ...), or -1. */
static int
spare_label(const char *base, const char *tag, char *out, size_t len)
{
	for (int i = 0; i < 100; i++) {
		int n = snprintf(out, len, "%s.%s%d", base, tag, i);

		if (n < 0 || (size_t)n >= len || strlen(out) > 127)
			return -1;
		if (!key_exists(out))
			return 0;
	}
	return -1;
}

/* Trustpoint free to take a bundle: new, or without certificates. */
static int
tp_free_for_import(struct vty *v, const char *tp, int *created)
{
	struct tp_certs c;
	struct err e = { 0 };
	int used;

	*created = 0;
	if (tp_get_certs(tp, &c, NULL) == 0) {
		used = c.ca || c.cert || c.ca_rollover || c.cert_rollover;
		tp_certs_free(&c);
		if (used) {
			vty_err(v, "Trustpoint '%s' is in use.", tp);
			vty_err(v, "Please delete it or use a different "
			    "label.");
			return -1;
		}
		return 0;
	}
	if (tp_create(tp, created, &e) < 0) {
		vty_err(v, "%s", e.msg);
		return -1;
	}
	return 0;
}

/* 1 go on, 0 the user keeps the existing key (or no one to ask). */
static int
replace_ok(struct vty *v, const char *label)
{
	if (!key_exists(label))
		return 1;
	vty_out(v, "%% You already have %s keys defined named %s.\n",
	    xfer_key_type(label), label);
	if (vty_noecho(v))
		return 0;
	return vty_confirm(v, "% Do you really want to replace them? "
	    "[yes/no]: ", -1) == 1;
}

/* Key under a temporary label, then tp_install swaps it in with the
 * certificates (the old key, if any, is kept until that succeeds). */
static int
swap_in(struct vty *v, const struct xfer_bundle *b, const char *label,
    STACK_OF(X509) *chain)
{
	struct err e = { 0 };
	char tmp[160];

	if (spare_label(label, "import", tmp, sizeof(tmp)) < 0) {
		vty_err(v, "%s import failed: key label %s is too long",
		    b->what, label);
		return -1;
	}
	if (key_import(tmp, b->key, b->exportable, &e) < 0) {
		vty_err(v, "%s import failed: %s", b->what, e.msg);
		return -1;
	}
	if (tp_install(b->tp, b->cert, chain, tmp, &e) < 0) {
		key_zeroize(tmp, NULL);
		vty_err(v, "%s import failed: %s", b->what, e.msg);
		return -1;
	}
	return 0;
}

/*
 * Install b into its trustpoint (created when missing): key under the
 * trustpoint's key label, identity certificate, CA chain. A trustpoint
 * that already holds certificates is refused; an existing key of that
 * label is replaced only after confirmation. Nothing changes on failure.
 */
int
xfer_install_bundle(struct vty *v, const struct xfer_bundle *b)
{
	STACK_OF(X509) *chain = NULL;
	struct tp_cfg cfg;
	char label[160];
	int created = 0, rc = -1;

	if (check_bundle(v, b) < 0 ||
	    tp_free_for_import(v, b->tp, &created) < 0)
		return -1;
	if (tp_get_cfg(b->tp, &cfg, NULL) < 0) {
		vty_err(v, "Trustpoint %s no longer exists", b->tp);
		return -1;
	}
	tp_key_label(&cfg, label, sizeof(label));
	if (!replace_ok(v, label)) {
		vty_err(v, "%s import aborted: key pair %s kept", b->what,
		    label);
		goto out;
	}
	if ((chain = order_chain(b->cert, b->cas)) == NULL) {
		vty_err(v, "out of memory");
		goto out;
	}
	if (swap_in(v, b, label, chain) < 0)
		goto out;
	if (created)
		log_msg(SEV_INFO, "PKI", "TRUSTPOINT_CREATE", "Trustpoint: %s "
		    "created succesfully", b->tp);
	log_msg(SEV_NOTICE, "CRYPTO_ENGINE", "KEY_ADDITION", "A key named %s "
	    "has been generated or imported by pki", label);
	rc = 0;
 out:
	if (rc < 0 && created)
		tp_delete(b->tp, NULL);
	sk_X509_free(chain);
	return rc;
}
