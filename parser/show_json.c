/* parser/show_json.c - the shared pieces of the `| json` documents:
 * times in RFC 3339, a certificate's typed fields, printing one document.
 * The show commands build their documents from the same data they print
 * as text. */
#include <stdio.h>
#include <string.h>
#include "parser/show_json.h"
#include "parser/vty.h"
#include "pki/pki.h"

json_object *
sj_time(time_t t)
{
	char b[32];

	return t ? json_object_new_string(cert_rfc3339(t, b, sizeof(b))) :
	    NULL;
}

json_object *
sj_str(const char *s)
{
	return s && *s ? json_object_new_string(s) : NULL;
}

static json_object *
key_obj(const struct cert_facts *f)
{
	json_object *k = json_object_new_object();

	json_object_object_add(k, "type", json_object_new_string(
	    f->key_type[0] ? f->key_type : "unknown"));
	json_object_object_add(k, "size", json_object_new_int(f->key_bits));
	if (f->curve[0])
		json_object_object_add(k, "curve", sj_str(f->curve));
	return k;
}

void
sj_cert_fields(json_object *o, X509 *x)
{
	struct cert_facts f;
	json_object *sans, *fp, *s;

	if (cert_facts_get(x, &f) < 0)
		return;
	json_object_object_add(o, "subject", json_object_new_string(
	    f.subject));
	json_object_object_add(o, "issuer", json_object_new_string(f.issuer));
	json_object_object_add(o, "serial", json_object_new_string(f.serial));
	json_object_object_add(o, "notBefore", sj_time(f.not_before));
	json_object_object_add(o, "notAfter", sj_time(f.not_after));
	sans = json_object_new_array();
	for (size_t i = 0; i < f.nsans; i++) {
		s = json_object_new_object();
		json_object_object_add(s, "type", sj_str(f.sans[i].type));
		json_object_object_add(s, "value", json_object_new_string(
		    f.sans[i].value));
		json_object_array_add(sans, s);
	}
	json_object_object_add(o, "sans", sans);
	json_object_object_add(o, "key", key_obj(&f));
	fp = json_object_new_object();
	json_object_object_add(fp, "sha1", json_object_new_string(f.sha1));
	json_object_object_add(fp, "sha256", json_object_new_string(f.sha256));
	json_object_object_add(o, "fingerprints", fp);
	json_object_object_add(o, "isCA", json_object_new_boolean(f.is_ca));
	json_object_object_add(o, "selfSigned", json_object_new_boolean(
	    f.self_signed));
}

json_object *
sj_cert(X509 *x)
{
	json_object *o;

	if (x == NULL)
		return NULL;
	o = json_object_new_object();
	sj_cert_fields(o, x);
	return o;
}

int
sj_emit(struct vty *v, json_object *root)
{
	const char *s;

	if (root == NULL) {
		vty_err(v, "Out of memory");
		return -1;
	}
	s = json_object_to_json_string_ext(root, JSON_C_TO_STRING_PRETTY |
	    JSON_C_TO_STRING_SPACED | JSON_C_TO_STRING_NOSLASHESCAPE);
	vty_json_write(v, s ? s : "null");
	json_object_put(root);
	return 0;
}
