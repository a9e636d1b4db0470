/* parser/cmd_cs_show.c - `show crypto pki server [CS [requests |
 * certificates | crl]]` (reference 7.6-7.8) and the `| json` document of
 * `show crypto pki server` (docs/show-json.schema.json: serversDoc), built
 * from the same status snapshot as the text. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "parser/cs_cli.h"
#include "parser/show_json.h"
#include "parser/vty.h"
#include "pki/pki.h"

static json_object *
life_obj(const struct ca_cfg *c)
{
	json_object *o = json_object_new_object();

	json_object_object_add(o, "certificateMinutes", json_object_new_int64(
	    c->life_cert ? c->life_cert : CA_LIFE_CERT));
	json_object_object_add(o, "caCertificateMinutes",
	    json_object_new_int64(c->life_ca ? c->life_ca : CA_LIFE_CA));
	json_object_object_add(o, "crlMinutes", json_object_new_int64(
	    c->life_crl ? c->life_crl : CA_LIFE_CRL));
	json_object_object_add(o, "enrollmentRequestMinutes",
	    json_object_new_int64(c->life_req ? c->life_req : CA_LIFE_REQ));
	return o;
}

/* "AABBCCDD EEFF..." (IOS) -> "AA:BB:CC:DD:EE:FF..." (the schema's form). */
static const char *
colons(const char *ios, char *out, size_t len)
{
	size_t n = 0;

	for (const char *p = ios; *p && n + 3 < len; p++)
		if (*p != ' ') {
			if (n && n % 3 == 2)
				out[n++] = ':';
			out[n++] = *p;
		}
	out[n] = '\0';
	return out;
}

static json_object *
server_obj(const struct ca_status *s)
{
	json_object *o = json_object_new_object();
	char serial[24], fp[96];

	snprintf(serial, sizeof(serial), "%llX",
	    (unsigned long long)s->last_serial);
	json_object_object_add(o, "name", json_object_new_string(s->cfg.name));
	json_object_object_add(o, "enabled", json_object_new_boolean(
	    s->enabled));
	json_object_object_add(o, "locked", json_object_new_boolean(
	    s->enabled));
	json_object_object_add(o, "caCertificateExists",
	    json_object_new_boolean(s->has_cert));
	json_object_object_add(o, "issuer", json_object_new_string(s->issuer));
	json_object_object_add(o, "caFingerprintMd5", sj_str(colons(
	    s->fingerprint, fp, sizeof(fp))));
	json_object_object_add(o, "grantMode", json_object_new_string(
	    ca_grant_name(&s->cfg)));
	json_object_object_add(o, "grantTrustpoint", sj_str(s->cfg.grant_tp));
	json_object_object_add(o, "lastSerial", s->serial_known ?
	    json_object_new_string(serial) : NULL);
	json_object_object_add(o, "caExpires", sj_time(s->ca_expires));
	json_object_object_add(o, "crlNextUpdate", sj_time(s->enabled ?
	    s->crl_next : 0));
	json_object_object_add(o, "storage", json_object_new_string(
	    s->storage));
	json_object_object_add(o, "databaseLevel", json_object_new_string(
	    ca_level_name(s->cfg.level)));
	json_object_object_add(o, "lifetimes", life_obj(&s->cfg));
	json_object_object_add(o, "cdpUrl", sj_str(s->cfg.cdp_url));
	return o;
}

static int
show_json(struct vty *v, const struct ca_status *s)
{
	json_object *root = json_object_new_object();
	json_object *arr = json_object_new_array();

	if (s)
		json_object_array_add(arr, server_obj(s));
	json_object_object_add(root, "servers", arr);
	return sj_emit(v, root);
}

static int
print_text(struct vty *v, char *text, const struct err *e)
{
	if (text == NULL) {
		vty_err(v, "%s", e->msg[0] ? e->msg : "Out of memory");
		return -1;
	}
	vty_out(v, "%s", text);
	free(text);
	return 0;
}

static int
cmd_show_server(struct vty *v, struct args *a)
{
	const char *name = args_get(a, "server");
	struct ca_status s;
	struct err e = { 0 };
	int have = ca_status_get(&s) == 0;

	if (name && (!have || strcmp(s.cfg.name, name) != 0)) {
		vty_err(v, "Certificate server '%s' is not known", name);
		return -1;
	}
	if (args_has(a, "requests"))
		return print_text(v, ca_show_requests(&e), &e);
	if (args_has(a, "certificates"))
		return print_text(v, ca_show_certificates(&e), &e);
	if (args_has(a, "crl"))
		return print_text(v, ca_show_crl(&e), &e);
	if (vty_json(v))
		return show_json(v, have ? &s : NULL);
	return have ? print_text(v, ca_show_server(), &e) : 0;
}

static const struct cmd_def show_cmds[] = {
	{ M(MODE_EXEC), 1, "show crypto pki server [WORD$server [{requests|"
	    "certificates|crl}]]", "server=Show Certificate Server status\n"
	    "WORD=Certificate Server Name\nrequests=Show the enrollment "
	    "request database\ncertificates=Show the issued certificates\n"
	    "crl=Show the certificate revocation list", cmd_show_server, 0 },
	{ 0, 0, NULL, NULL, NULL, 0 }
};

void
cmds_cs_show_install(void)
{
	cmd_install(show_cmds);
}
