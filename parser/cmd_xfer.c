/* parser/cmd_xfer.c - `crypto pki import|export` (ios-pki.md sections 6.3
 * and 6.4), ASA `crypto ca import|export`: the identity certificate of a
 * terminal enrollment, PKCS#12 files (file:/ABSOLUTE/PATH) or terminal
 * base64 (ASA), PEM on the terminal. Private keys cross this file only as
 * EVP_PKEY handles (pki/key does the storing and the PEM encoding). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <openssl/crypto.h>
#include "lib/b64.h"
#include "lib/log.h"
#include "lib/url.h"
#include "parser/pki_cli.h"
#include "parser/xfer.h"
#include "pki/pki.h"

#define PASTE_MAX	(256 * 1024)

/* The trustpoint's CA and other chain certificates (borrowed from c). */
static STACK_OF(X509) *
tp_cas(struct tp_certs *c)
{
	STACK_OF(X509) *sk = sk_X509_new_null();

	if (sk == NULL)
		return NULL;
	if (c->ca)
		sk_X509_push(sk, c->ca);
	for (int i = 0; c->extra && i < sk_X509_num(c->extra); i++)
		sk_X509_push(sk, sk_X509_value(c->extra, i));
	return sk;
}

/* The pasted certificate that certifies pub; other pasted certificates
 * must already be CA certificates of the trustpoint. */
static X509 *
pick_identity(struct vty *v, STACK_OF(X509) *sk, EVP_PKEY *pub,
    STACK_OF(X509) *cas, const char *tp, const char *label)
{
	X509 *leaf = NULL, *x;

	for (int i = 0; leaf == NULL && i < sk_X509_num(sk); i++)
		if (cert_matches_key(sk_X509_value(sk, i), pub))
			leaf = sk_X509_value(sk, i);
	if (leaf == NULL) {
		vty_err(v, "The certificate does not match the key pair %s of "
		    "trustpoint %s; nothing imported", label, tp);
		log_msg(SEV_ERR, "PKI", "KEY_CMP_MISMATCH", "Key in the "
		    "certificate and stored key does not match for "
		    "Trustpoint-%s.", tp);
		return NULL;
	}
	for (int i = 0; i < sk_X509_num(sk); i++) {
		if ((x = sk_X509_value(sk, i)) == leaf)
			continue;
		for (int j = 0; x && j < sk_X509_num(cas); j++)
			if (X509_cmp(x, sk_X509_value(cas, j)) == 0)
				x = NULL;
		if (x != NULL) {
			vty_err(v, "Certificate %d is neither this router's "
			    "certificate nor the trustpoint's CA; nothing "
			    "imported", i + 1);
			return NULL;
		}
	}
	return leaf;
}

static int
cmd_import_cert(struct vty *v, struct args *a)
{
	const char *name = args_get(a, "tp");
	STACK_OF(X509) *sk = NULL, *cas = NULL;
	struct tp_certs c = { 0 };
	struct tp_cfg cfg;
	struct err e = { 0 };
	EVP_PKEY *pub = NULL;
	char label[160];
	X509 *leaf;
	int rc = -1;

	if (pki_need_tp(v, name, &cfg) < 0)
		return -1;
	tp_key_label(&cfg, label, sizeof(label));
	if (tp_get_certs(name, &c, &e) < 0 || c.ca == NULL) {
		vty_err(v, "You must authenticate the Certificate Authority "
		    "before you can import the router's certificate.");
		goto out;
	}
	if ((pub = key_get1_public(label, &e)) == NULL) {
		vty_err(v, "Trustpoint %s has no key pair %s: enroll first",
		    name, label);
		goto out;
	}
	if ((cas = tp_cas(&c)) == NULL ||
	    (sk = pki_read_pasted_certs(v, "certificate")) == NULL ||
	    (leaf = pick_identity(v, sk, pub, cas, name, label)) == NULL)
		goto out;
	if (cert_verify_chain(leaf, cas, 0, &e) < 0) {
		vty_err(v, "The certificate was not issued by the CA of "
		    "trustpoint %s: %s; nothing imported", name, e.msg);
		goto out;
	}
	if (tp_install(name, leaf, NULL, NULL, &e) < 0) {
		vty_err(v, "%s", e.msg);
		goto out;
	}
	vty_out(v, "\n%% Router Certificate successfully imported\n");
	xfer_log_installed(name, leaf);
	rc = 0;
 out:
	sk_X509_pop_free(sk, X509_free);
	sk_X509_free(cas);
	EVP_PKEY_free(pub);
	tp_certs_free(&c);
	return rc;
}

enum target { T_ERR = -1, T_FILE, T_TERM };

/* file:/ABS, terminal, or (ASA, no `password`) the passphrase itself. */
static enum target
p12_target(struct vty *v, struct args *a, const char **path,
    const char **pass)
{
	const char *url = args_get(a, "url");
	struct url_parts u;
	struct err e = { 0 };

	*pass = args_get(a, "pass");
	*path = NULL;
	if (*pass == NULL) {
		if (!args_has(a, "ca") || strchr(url, ':') ||
		    strcmp(url, "terminal") == 0) {
			vty_err(v, "A password is required: ... pkcs12 %s "
			    "password PASSPHRASE", url);
			return T_ERR;
		}
		*pass = url;		/* ASA: crypto ca ... pkcs12 PASS */
		return T_TERM;
	}
	if (strcmp(url, "terminal") == 0)
		return T_TERM;
	if (strncmp(url, "file:", 5) == 0 && url_check(url, URL_FILE, &u,
	    &e) == 0) {
		*path = url + strlen(url) - strlen(u.path);	/* its tail */
		return T_FILE;
	}
	if (e.msg[0])
		vty_err(v, "%s", e.msg);
	else
		vty_err(v, "Invalid URL %s: use file:/ABSOLUTE/PATH or "
		    "terminal", url);
	return T_ERR;
}

/* Base64 in 64-column lines between PKCS12 boundaries (ASA layout). */
static void
print_p12(struct vty *v, const unsigned char *der, size_t len)
{
	char *b = b64_encode(der, len, 0);
	size_t n = b ? strlen(b) : 0;

	vty_out(v, "\nExported pkcs12 follows:\n-----BEGIN PKCS12-----\n");
	for (size_t i = 0; i < n; i += 64)
		vty_out(v, "%.64s\n", b + i);
	vty_out(v, "-----END PKCS12-----\n");
	if (b)
		OPENSSL_cleanse(b, n);
	free(b);
}

/* The exportable key of an enrolled trustpoint; NULL after a % error. */
static EVP_PKEY *
export_key(struct vty *v, const struct tp_cfg *cfg, struct tp_certs *c)
{
	struct key_info ki;
	struct err e = { 0 };
	char label[160];
	EVP_PKEY *pk;

	tp_key_label(cfg, label, sizeof(label));
	if (c->cert == NULL) {
		vty_err(v, "The specified trustpoint is not enrolled (%s).",
		    cfg->name);
		return NULL;
	}
	if (key_info(label, &ki, &e) < 0) {
		vty_err(v, "Key pair %s of trustpoint %s: %s", label, cfg->name,
		    e.msg);
		return NULL;
	}
	if (!ki.exportable) {
		xfer_not_exportable(v, label);
		return NULL;
	}
	if ((pk = key_get1(label, &e)) == NULL)
		vty_err(v, "%s", e.msg);
	return pk;
}

/* The directory of an export file must exist (clear error up front). */
static int
check_dir(struct vty *v, const char *path)
{
	char dir[1024];
	const char *slash = strrchr(path, '/');
	struct stat st;

	snprintf(dir, sizeof(dir), "%.*s", (int)(slash - path), path);
	if (dir[0] == '\0')
		strcpy(dir, "/");
	if (slash[1] == '\0' || stat(dir, &st) < 0 || !S_ISDIR(st.st_mode)) {
		vty_err(v, "PKCS12 export failed: %s", slash[1] == '\0' ?
		    "no file name given" : "directory does not exist");
		return -1;
	}
	return 0;
}

static int
cmd_export_p12(struct vty *v, struct args *a)
{
	const char *name = args_get(a, "tp"), *path, *pass;
	int legacy = args_has(a, "legacy"), rc = -1;
	enum target t = p12_target(v, a, &path, &pass);
	struct tp_certs c = { 0 };
	STACK_OF(X509) *cas = NULL;
	struct tp_cfg cfg;
	struct err e = { 0 };
	unsigned char *der = NULL;
	EVP_PKEY *pk = NULL;
	size_t len = 0;

	if (t == T_ERR || pki_need_tp(v, name, &cfg) < 0 ||
	    (t == T_FILE && check_dir(v, path) < 0))
		return -1;
	tp_get_certs(name, &c, NULL);
	if ((pk = export_key(v, &cfg, &c)) == NULL || (cas = tp_cas(&c)) ==
	    NULL)
		goto out;
	if (t == T_FILE)
		rc = p12_export(path, pass, pk, c.cert, cas, legacy, &e);
	else
		rc = p12_export_mem(pass, pk, c.cert, cas, legacy, &der, &len,
		    &e);
	if (rc < 0) {
		vty_err(v, "PKCS12 export failed: %s", e.msg);
		goto out;
	}
	if (t == T_FILE)
		vty_out(v, "Writing pkcs12 file to file:%s\nCRYPTO_PKI: "
		    "Exported PKCS12 file successfully.\n", path);
	else
		print_p12(v, der, len);
	log_msg(SEV_INFO, "PKI", "PKCS12EXPORT_SUCCESS", "PKCS #12 "
	    "Successfully Exported.");
 out:
	if (der)
		OPENSSL_cleanse(der, len);
	free(der);
	sk_X509_free(cas);
	EVP_PKEY_free(pk);
	tp_certs_free(&c);
	return rc;
}

/* DER of a pasted base64 PKCS#12 (ASA); NULL after a % error. */
static unsigned char *
read_p12_paste(struct vty *v, size_t *len)
{
	unsigned char *der = NULL;
	char *text, *p;

	vty_out(v, "Enter the base 64 encoded pkcs12.\nEnd with the word "
	    "\"quit\" on a line by itself:\n");
	vty_flush(v);
	if ((text = vty_read_paste(v, PASTE_MAX, 0)) == NULL) {
		if (!vty_failed(v))
			vty_err(v, "Input aborted");
		return NULL;
	}
	/* drop the -----BEGIN/END PKCS12----- lines */
	for (p = text; (p = strstr(p, "-----")) != NULL; ) {
		char *eol = strchr(p, '\n');
		memset(p, ' ', eol ? (size_t)(eol - p) : strlen(p));
	}
	if ((der = b64_decode(text, strlen(text), len, 0)) == NULL ||
	    *len == 0) {
		vty_err(v, "Import PKCS12 operation failed: input is not "
		    "base64");
		free(der);
		der = NULL;
	}
	OPENSSL_cleanse(text, strlen(text));
	free(text);
	return der;
}

static int
cmd_import_p12(struct vty *v, struct args *a)
{
	struct xfer_bundle b = { .tp = args_get(a, "tp"), .exportable = 1,
	    .what = "PKCS12" };
	const char *path, *pass;
	enum target t = p12_target(v, a, &path, &pass);
	STACK_OF(X509) *cas = NULL;
	struct err e = { 0 };
	unsigned char *der = NULL;
	size_t len = 0;
	int rc = -1;

	if (t == T_ERR)
		return -1;
	if (t == T_FILE) {
		vty_out(v, "%% Importing pkcs12...\nReading file from "
		    "file:%s\n", path);
		rc = p12_import(path, pass, &b.key, &b.cert, &cas, &e);
	} else if ((der = read_p12_paste(v, &len)) != NULL)
		rc = p12_import_mem(der, len, pass, &b.key, &b.cert, &cas, &e);
	else
		return -1;
	if (rc < 0) {
		vty_err(v, "Import PKCS12 operation failed: %s", e.msg);
		log_msg(SEV_ERR, "PKI", "PKCS12_IMPORT_FAILURE", "PKCS #12 "
		    "import failed for trustpoint: %s. Reason: %s", b.tp,
		    e.msg);
		goto out;
	}
	b.cas = cas;
	if ((rc = xfer_install_bundle(v, &b)) < 0)
		goto out;
	vty_out(v, t == T_FILE ? "CRYPTO_PKI: Imported PKCS12 file "
	    "successfully.\n" : "INFO: Import PKCS12 operation completed "
	    "successfully\n");
	xfer_log_installed(b.tp, b.cert);
 out:
	if (der)
		OPENSSL_cleanse(der, len);
	free(der);
	EVP_PKEY_free(b.key);
	X509_free(b.cert);
	sk_X509_pop_free(cas, X509_free);
	return rc;
}

/* One pasted section of a PEM import (IOS prompts). */
static char *
pem_section(struct vty *v, const char *what, int blank_ends)
{
	char *t;

	vty_out(v, "%% Enter PEM-formatted %s.\n%% End with %s\"quit\" on a "
	    "line by itself.\n", what, blank_ends ? "a blank line or " : "");
	vty_flush(v);
	t = vty_read_paste(v, PASTE_MAX, blank_ends);
	if (t == NULL && !vty_failed(v))
		vty_err(v, "PEM files import failed: input aborted");
	return t;
}

/* Parse the three pasted sections into b; % error and -1 on failure. */
static int
pem_parse(struct vty *v, char *sec[3], const char *pass,
    struct xfer_bundle *b, STACK_OF(X509) **cas)
{
	struct err e = { 0 };
	STACK_OF(X509) *ids = NULL;

	if ((*cas = cert_parse_any(sec[0], strlen(sec[0]), &e)) == NULL) {
		vty_err(v, "PEM files import failed: CA certificate: %s",
		    e.msg);
		return -1;
	}
	if ((b->key = key_pkey_from_pem(sec[1], strlen(sec[1]), pass,
	    &e)) == NULL) {
		vty_err(v, "PEM files import failed: private key: %s", e.code ==
		    E_PERM ? "wrong password or damaged key" : e.msg);
		return -1;
	}
	if ((ids = cert_parse_any(sec[2], strlen(sec[2]), &e)) == NULL) {
		vty_err(v, "PEM files import failed: certificate: %s", e.msg);
		return -1;
	}
	b->cert = sk_X509_shift(ids);
	while (sk_X509_num(ids) > 0)		/* a chain pasted with it */
		sk_X509_push(*cas, sk_X509_shift(ids));
	sk_X509_free(ids);
	return 0;
}

static int
cmd_import_pem(struct vty *v, struct args *a)
{
	struct xfer_bundle b = { .tp = args_get(a, "tp"),
	    .exportable = args_has(a, "exportable"), .what = "PEM" };
	static const char *const what[3] = { "CA certificate",
	    "encrypted private General Purpose key",
	    "General Purpose certificate" };
	STACK_OF(X509) *cas = NULL;
	char *sec[3] = { NULL, NULL, NULL };
	int rc = -1;

	/* read all three sections before judging, so none is run as CLI */
	for (int i = 0; i < 3; i++)
		if ((sec[i] = pem_section(v, what[i], i != 1)) == NULL)
			goto out;
	if (pem_parse(v, sec, args_get(a, "pass"), &b, &cas) < 0)
		goto out;
	b.cas = cas;
	if (xfer_install_bundle(v, &b) < 0) {
		vty_err(v, "PEM files import failed.");
		goto out;
	}
	vty_out(v, "%% PEM files import succeeded.\n");
	xfer_log_installed(b.tp, b.cert);
	rc = 0;
 out:
	for (int i = 0; i < 3; i++) {
		if (sec[i])
			OPENSSL_cleanse(sec[i], strlen(sec[i]));
		free(sec[i]);
	}
	EVP_PKEY_free(b.key);
	X509_free(b.cert);
	sk_X509_pop_free(cas, X509_free);
	return rc;
}

static void
print_pem(struct vty *v, const char *title, X509 *x)
{
	char *pem = cert_to_pem(x);

	vty_out(v, "%% %s:\n%s", title, pem ? pem : "");
	free(pem);
}

static int
cmd_export_pem(struct vty *v, struct args *a)
{
	const char *name = args_get(a, "tp"), *pass = args_get(a, "pass");
	struct tp_certs c = { 0 };
	struct tp_cfg cfg;
	struct err e = { 0 };
	char label[160], *key = NULL;
	int rc = -1;

	if (pki_need_tp(v, name, &cfg) < 0)
		return -1;
	tp_get_certs(name, &c, NULL);
	tp_key_label(&cfg, label, sizeof(label));
	if (c.cert == NULL) {
		vty_out(v, "%% The specified trustpoint is not enrolled "
		    "(%s).\n", name);
		if (c.ca == NULL) {
			vty_err(v, "Trustpoint %s holds no certificate", name);
			goto out;
		}
		vty_out(v, "%% Only export the CA certificate in PEM "
		    "format.\n");
		print_pem(v, "CA certificate", c.ca);
		rc = 0;
		goto out;
	}
	if (pass && key_export_pem(label, pass, &key, &e) < 0) {
		if (e.code == E_PERM)
			xfer_not_exportable(v, label);
		else
			vty_err(v, "%s", e.msg);
		goto out;
	}
	if (c.ca)
		print_pem(v, "CA certificate", c.ca);
	else
		print_pem(v, "Self-signed CA certificate", c.cert);
	if (key)
		vty_out(v, "\n%% Key name: %s\n   Usage: %s\n%s", label,
		    strcmp(xfer_key_type(label), "EC") == 0 ? "Signature Key" :
		    "General Purpose Key", key);
	vty_out(v, "\n");
	print_pem(v, "General Purpose Certificate", c.cert);
	rc = 0;
 out:
	if (key)
		OPENSSL_cleanse(key, strlen(key));
	free(key);
	tp_certs_free(&c);
	return rc;
}

#define XFER_HELP "import=Import certificates or keys\nexport=Export " \
	"certificates or keys\nWORD=Trustpoint name\ncertificate=Import " \
	"the router certificate (terminal enrollment)\npkcs12=PKCS #12 " \
	"file\npem=PEM formatted certificates and key\nURL=file:/PATH, " \
	"or terminal\npassword=Passphrase\nterminal=Cut and paste on the " \
	"terminal\nlegacy=3DES and SHA-1 (older consumers)\nexportable=" \
	"Imported key can be exported\naes=AES-256 encrypted key\n"

static const struct cmd_def xfer_cmds[] = {
	{ M(MODE_CONFIG), 15, "crypto {pki|ca} import WORD$tp certificate",
	    XFER_HELP, cmd_import_cert, 0 },
	{ M(MODE_CONFIG), 15, "crypto {pki|ca} import WORD$tp pkcs12 URL$url "
	    "[password WORD$pass]", XFER_HELP, cmd_import_p12, 0 },
	{ M(MODE_CONFIG), 15, "crypto {pki|ca} import WORD$tp pem [exportable] "
	    "terminal password WORD$pass", XFER_HELP, cmd_import_pem, 0 },
	{ M(MODE_CONFIG), 15, "crypto {pki|ca} export WORD$tp pkcs12 URL$url "
	    "[password WORD$pass] [legacy]", XFER_HELP, cmd_export_p12, 0 },
	{ M(MODE_CONFIG), 15, "crypto {pki|ca} export WORD$tp pem terminal "
	    "[[aes] password WORD$pass]", XFER_HELP, cmd_export_pem, 0 },
	{ 0, 0, NULL, NULL, NULL, 0 }
};

void
cmds_xfer_install(void)
{
	cmd_install(xfer_cmds);
}
