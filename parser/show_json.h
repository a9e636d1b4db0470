/* parser/show_json.h - the JSON documents of `show ... | json`
 * (docs/show-json.schema.json describes them). Objects are json-c's. */
#ifndef PARSER_SHOW_JSON_H
#define PARSER_SHOW_JSON_H
#include <time.h>
#include <json-c/json.h>
#include <openssl/x509.h>

struct vty;

/* RFC 3339 UTC string, or JSON null for 0. */
json_object	*sj_time(time_t);
/* A string, or null for NULL or "". */
json_object	*sj_str(const char *);
/* The certificate's typed fields added to obj (subject, issuer, serial,
 * notBefore, notAfter, sans, key, fingerprints, isCA, selfSigned). */
void		 sj_cert_fields(json_object *obj, X509 *);
/* sj_cert_fields into a new object, or null for NULL. */
json_object	*sj_cert(X509 *);
/* Print root as the command's document and release it. 0 or -1. */
int		 sj_emit(struct vty *, json_object *root);

#endif
