/* parser/cmd_pkishow.c - show crypto pki certificates / trustpoints,
 * ASA show crypto ca certificates */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "parser/pki_cli.h"
#include "pki/pki.h"
#include "parser/show_json.h"

#define MAX_BLOCKS	4096

struct block {
	X509		*x;		/* borrowed from certs[] */
	const char	*header;
	const char	*tps[32];
	size_t		 ntp;
	char		 key[160];
	time_t		 renew;
};

struct show {
	struct block	 b[MAX_BLOCKS];
	size_t		 n;
	struct tp_certs	*certs;
	size_t		 ncerts;
};

static void
add(struct show *s, X509 *x, const char *hdr, const char *tp,
    const char *key, time_t renew)
{
	struct block *b;

	if (x == NULL)
		return;
	for (size_t i = 0; i < s->n; i++)
		if (X509_cmp(s->b[i].x, x) == 0 &&
		    strcmp(s->b[i].header, hdr) == 0) {
			if (s->b[i].ntp < 32)
				s->b[i].tps[s->b[i].ntp++] = tp;
			return;
		}
	if (s->n == MAX_BLOCKS)
		return;
	b = &s->b[s->n++];
	memset(b, 0, sizeof(*b));
	b->x = x;
	b->header = hdr;
	b->tps[b->ntp++] = tp;
	snprintf(b->key, sizeof(b->key), "%s", key ? key : "");
	b->renew = renew;
}

/* Identity blocks first, then CA blocks (IOS order); ASA lists the CA
 * certificate first. */
static void
collect(struct show *s, char **names, size_t n, const char *only, int asa)
{
	s->certs = calloc(n ? n : 1, sizeof(*s->certs));
	s->ncerts = n;
	for (size_t i = 0; i < n; i++)
		tp_get_certs(names[i], &s->certs[i], NULL);
	for (int step = 0; step < 2; step++)
		for (size_t i = 0; i < n; i++) {
			int pass = asa ? 1 - step : step;
			struct tp_certs *c = &s->certs[i];
			struct tp_cfg cfg;
			char label[160];

			if (only && strcmp(only, names[i]) != 0)
				continue;
			if (tp_get_cfg(names[i], &cfg, NULL) < 0)
				continue;
			if (pass == 0) {
				tp_key_label(&cfg, label, sizeof(label));
				/* rollover first, as the CA blocks (seed) */
				add(s, c->cert_rollover, "Certificate (Rollover)",
				    names[i], label, renew_time(&cfg,
				    c->cert_rollover));
				add(s, c->cert, c->cert && cert_is_self_signed(
				    c->cert) ? "Router Self-Signed Certificate" :
				    "Certificate", names[i], label,
				    renew_time(&cfg, c->cert));
				continue;
			}
			add(s, c->ca_rollover, "CA Certificate (Rollover)",
			    names[i], NULL, 0);
			add(s, c->ca, "CA Certificate", names[i], NULL, 0);
			for (int k = 0; c->extra && k < sk_X509_num(c->extra); k++)
				add(s, sk_X509_value(c->extra, k),
				    "CA Certificate", names[i], NULL, 0);
		}
}

/* The block header as a JSON "kind". */
static const char *
block_kind(const char *header)
{
	static const char *const map[][2] = {
		{ "Certificate", "identity" },
		{ "Router Self-Signed Certificate", "self-signed" },
		{ "Certificate (Rollover)", "identity-rollover" },
		{ "CA Certificate", "ca" },
		{ "CA Certificate (Rollover)", "ca-rollover" } };

	for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (strcmp(header, map[i][0]) == 0)
			return map[i][1];
	return "other";
}

static json_object *
block_json(const struct block *b)
{
	json_object *o = json_object_new_object(), *tps;

	json_object_object_add(o, "kind", json_object_new_string(
	    block_kind(b->header)));
	json_object_object_add(o, "status", json_object_new_string(
	    "Available"));
	tps = json_object_new_array();
	for (size_t i = 0; i < b->ntp; i++)
		json_object_array_add(tps, json_object_new_string(b->tps[i]));
	json_object_object_add(o, "trustpoints", tps);
	json_object_object_add(o, "keyLabel", sj_str(b->key));
	json_object_object_add(o, "renewTime", sj_time(b->renew));
	sj_cert_fields(o, b->x);
	return o;
}

/* One block as text, IOS or ASA style; into arr instead when JSON. */
static void
block_out(struct vty *v, const struct block *b, int first, int asa,
    int verbose, json_object *arr)
{
	char *out;

	if (arr) {
		json_object_array_add(arr, block_json(b));
		return;
	}
	out = asa ? cert_show_asa(b->x, b->header, b->tps, b->ntp, b->renew) :
	    cert_show_ios(b->x, b->header, b->tps, b->ntp, b->key[0] ?
	    b->key : NULL, b->renew, verbose);
	if (out) {
		vty_out(v, "%s%s", first ? "" : "\n", out);
		free(out);
	}
}

static int
cmd_show_certs(struct vty *v, struct args *a)
{
	const char *only = args_get(a, "tp");
	int asa = args_has(a, "ca"), verbose = args_has(a, "verbose");
	struct show *s;
	size_t n;
	char **names;
	json_object *arr = NULL;

	if (only && !tp_exists(only)) {
		vty_err(v, "Certificate Authority (trustpoint) %s is unknown",
		    only);
		return -1;
	}
	if ((s = calloc(1, sizeof(*s))) == NULL)
		return -1;
	if (vty_json(v))
		arr = json_object_new_array();
	names = tp_names(&n);
	collect(s, names, n, only, asa);
	for (size_t i = 0; i < s->n; i++) {
		struct block *b = &s->b[i];
		if (strncmp(b->header, "CA ", 3) == 0 && b->ntp < 32 &&
		    trustpool_contains(b->x))
			b->tps[b->ntp++] = "Trustpool";
		block_out(v, b, i == 0, asa, verbose, arr);
	}
	for (size_t i = 0; i < s->ncerts; i++)
		tp_certs_free(&s->certs[i]);
	free(s->certs);
	free(s);
	tp_names_free(names, n);
	if (arr) {
		json_object *root = json_object_new_object();
		json_object_object_add(root, "certificates", arr);
		return sj_emit(v, root);
	}
	return 0;
}

static void
show_subject(struct vty *v, X509 *x, const char *indent)
{
	char *lines = cert_name_lines_ios(X509_get_subject_name(x), indent);

	vty_out(v, "%s", lines ? lines : "");
	free(lines);
}

/* The certificate a trustpoint's summary names: its CA's, or for a
 * self-signed trustpoint its own (IOS shows both that way). */
static X509 *
tp_issuing(const struct tp_cfg *c, struct tp_certs *k)
{
	if (k->ca)
		return k->ca;
	return c->enroll == TP_EN_SELFSIGNED ? k->cert : NULL;
}

static void
show_tp_plain(struct vty *v, const struct tp_cfg *c, struct tp_certs *k)
{
	X509 *ca = tp_issuing(c, k);
	char *serial, label[160];

	vty_out(v, "Trustpoint %s:\n", c->name);
	if (ca) {
		serial = cert_serial_hex(ca);
		vty_out(v, "    Subject Name:\n");
		show_subject(v, ca, "    ");
		vty_out(v, "          Serial Number (hex): %s\n", serial ?
		    serial : "");
		free(serial);
	}
	if (k->ca)
		vty_out(v, "    Certificate configured.\n");
	if (c->enroll == TP_EN_URL || c->enroll == TP_EN_SCEP)
		vty_out(v, "    SCEP URL: %s\n", c->url);
	if (c->enroll == TP_EN_ACME)
		vty_out(v, "    ACME URL: %s\n", c->acme_url);
	if (c->enroll == TP_EN_SELFSIGNED && k->cert) {
		tp_key_label(c, label, sizeof(label));
		vty_out(v, "    Persistent self-signed certificate trust "
		    "point\n    Using key label %s\n", label);
	}
	vty_out(v, "\n\n");
}

static void
show_cert_status(struct vty *v, const char *title, X509 *x)
{
	char fp[128], *one;

	vty_out(v, "  %s:\n    Subject Name:\n", title);
	one = cert_name_oneline_ios(X509_get_subject_name(x));
	vty_out(v, "     %s\n", one ? one : "");
	free(one);
	cert_fingerprint(x, "md5", fp, sizeof(fp));
	vty_out(v, "    Fingerprint MD5: %s \n", fp);
	cert_fingerprint(x, "sha1", fp, sizeof(fp));
	vty_out(v, "    Fingerprint SHA1: %s \n", fp);
}

static void
show_tp_status(struct vty *v, const struct tp_cfg *c, struct tp_certs *k)
{
	static const char *const st[] = { "None", "Granted", "Pending",
	    "Failed", "Rejected" };
	struct key_info ki;
	char label[160], caps[512];

	X509 *ca = tp_issuing(c, k);

	tp_key_label(c, label, sizeof(label));
	vty_out(v, "Trustpoint %s:\n", c->name);
	if (ca)
		show_cert_status(v, "Issuing CA certificate configured", ca);
	if (k->cert)
		show_cert_status(v, "Router General Purpose certificate "
		    "configured", k->cert);
	vty_out(v, "  Last enrollment status: %s\n", st[k->status]);
	vty_out(v, "  State:\n");
	if (key_info(label, &ki, NULL) == 0)
		vty_out(v, "    Keys generated ............. Yes (General "
		    "Purpose, %sexportable)\n", ki.exportable ? "" : "non-");
	else
		vty_out(v, "    Keys generated ............. No\n");
	vty_out(v, "    Issuing CA authenticated ....... %s\n", ca ? "Yes" :
	    "No");
	vty_out(v, "    Certificate request(s) ..... %s\n", k->cert ? "Yes" :
	    k->status == TP_ST_PENDING ? "Pending" : "None");
	tp_get_caps(c->name, caps, sizeof(caps));
	if (caps[0]) {
		vty_out(v, "  SCEP capabilities:\n");
		for (char *p = strtok(caps, "\n"); p; p = strtok(NULL, "\n"))
			vty_out(v, "    %s\n", p);
	}
	vty_out(v, "\n");
}

static const char *
enroll_name(enum tp_enroll e)
{
	static const char *const n[] = { "none", "url", "terminal",
	    "selfsigned", "pkcs12", "acme", "scep" };

	return (size_t)e < sizeof(n) / sizeof(n[0]) ? n[e] : "none";
}

/* The facts both text forms print, as one JSON object. */
static json_object *
tp_json(const struct tp_cfg *c, struct tp_certs *k)
{
	static const char *const st[] = { "None", "Granted", "Pending",
	    "Failed", "Rejected" };
	json_object *o = json_object_new_object(), *ae = NULL;
	struct key_info ki;
	char label[160];
	X509 *ca = tp_issuing(c, k);
	int have_key;

	tp_key_label(c, label, sizeof(label));
	have_key = key_info(label, &ki, NULL) == 0;
	json_object_object_add(o, "name", json_object_new_string(c->name));
	json_object_object_add(o, "enrollment", json_object_new_string(
	    enroll_name(c->enroll)));
	json_object_object_add(o, "url", sj_str(c->enroll == TP_EN_ACME ?
	    c->acme_url : c->url));
	json_object_object_add(o, "keyLabel", json_object_new_string(label));
	json_object_object_add(o, "keysGenerated",
	    json_object_new_boolean(have_key));
	json_object_object_add(o, "caAuthenticated",
	    json_object_new_boolean(ca != NULL));
	json_object_object_add(o, "status", json_object_new_string(
	    st[k->status]));
	if (c->auto_enroll) {
		ae = json_object_new_object();
		json_object_object_add(ae, "percent", c->auto_pct ?
		    json_object_new_int(c->auto_pct) : NULL);
		json_object_object_add(ae, "regenerate",
		    json_object_new_boolean(c->auto_regen));
	}
	json_object_object_add(o, "autoEnroll", ae);
	json_object_object_add(o, "renewTime", k->cert ?
	    sj_time(renew_time(c, k->cert)) : NULL);
	json_object_object_add(o, "caCertificate", sj_cert(ca));
	json_object_object_add(o, "certificate", sj_cert(k->cert));
	return o;
}

static int
cmd_show_tps(struct vty *v, struct args *a)
{
	const char *only = args_get(a, "tp");
	size_t n;
	char **names;
	json_object *arr = NULL, *root;

	if (only && !tp_exists(only)) {
		vty_err(v, "Certificate Authority (trustpoint) %s is unknown",
		    only);
		return -1;
	}
	if (vty_json(v))
		arr = json_object_new_array();
	names = tp_names(&n);
	for (size_t i = 0; i < n; i++) {
		struct tp_cfg c;
		struct tp_certs k;
		if ((only && strcmp(only, names[i]) != 0) ||
		    tp_get_cfg(names[i], &c, NULL) < 0 ||
		    tp_get_certs(names[i], &k, NULL) < 0)
			continue;
		if (arr)
			json_object_array_add(arr, tp_json(&c, &k));
		else if (args_has(a, "status"))
			show_tp_status(v, &c, &k);
		else
			show_tp_plain(v, &c, &k);
		tp_certs_free(&k);
	}
	tp_names_free(names, n);
	if (arr == NULL)
		return 0;
	root = json_object_new_object();
	json_object_object_add(root, "trustpoints", arr);
	return sj_emit(v, root);
}

static const struct cmd_def show_cmds[] = {
	{ M(MODE_EXEC), 1, "show crypto pki certificates {* [verbose] "
	    "[WORD$tp] *}", "crypto=Encryption module\npki=Public Key "
	    "components\ncertificates=Show certificates\nverbose=Display in "
	    "verbose mode\nWORD=Trustpoint name", cmd_show_certs, 0 },
	{ M(MODE_EXEC), 1, "show crypto ca certificates [WORD$tp]",
	    "ca=Certification authority\nWORD=Trustpoint name",
	    cmd_show_certs, 0 },
	{ M(MODE_EXEC), 1, "show crypto {pki|ca} trustpoints [WORD$tp] "
	    "[status]", "trustpoints=Show trustpoints\nWORD=Trustpoint name\n"
	    "status=Show trustpoint status", cmd_show_tps, 0 },
	{ 0, 0, NULL, NULL, NULL, 0 }
};

void
cmds_pkishow_install(void)
{
	cmd_install(show_cmds);
}
