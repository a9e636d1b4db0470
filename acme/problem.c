/* pkish - ISC license, see LICENSE */
/*
 * DOC: acme/problem - RFC 7807 problem documents as ACME uses them (RFC
 * 8555 section 6.7): the "type" in the urn:ietf:params:acme:error:
 * namespace, "detail", and "subproblems" with their identifiers (section
 * 6.7.1). A problem becomes one line of struct err text:
 *   "rejectedIdentifier: detail; dns:a.test: caa: detail; ..."
 * Server text is sanitized (no control characters). No state.
 */
#include <stdio.h>
#include <string.h>
#include "lib/json.h"
#include "acme_int.h"

#define SUBPROBLEMS_MAX	8

/* Replace control characters (terminal escapes, newlines) with '?'. */
void
acme_sanitize(char *s)
{
	for (; s != NULL && *s != '\0'; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			*s = '?';
}

/* The short error token: the type without the ACME namespace. */
static const char *
short_type(const char *type)
{
	if (type == NULL)
		return NULL;
	if (strncmp(type, ACME_ERROR_NS, strlen(ACME_ERROR_NS)) == 0)
		return type + strlen(ACME_ERROR_NS);
	return type;
}

static void
append(char *buf, size_t len, const char *fmt, const char *a, const char *b,
    const char *c)
{
	size_t n = strlen(buf);

	if (n + 1 < len)
		snprintf(buf + n, len - n, fmt, a, b, c);
}

/*
 * Format a problem object (a response body, or an "error" member of an
 * order or challenge) into buf as "token: detail" followed by
 * "; ident: token: detail" for each subproblem (at most 8).
 */
void
acme_problem_fmt(const struct json_object *p, char *buf, size_t len)
{
	const struct json_object *subs, *sp, *id;
	const char	*t, *d;
	char		 ident[160];
	size_t		 i;

	if (len == 0)
		return;
	buf[0] = '\0';
	t = short_type(json_get_str(p, "type"));
	d = json_get_str(p, "detail");
	append(buf, len, "%s%s%s", t ? t : "error", d ? ": " : "", d ? d : "");
	subs = json_get_arr(p, "subproblems");
	for (i = 0; i < json_arr_len(subs) && i < SUBPROBLEMS_MAX; i++) {
		if ((sp = json_arr_obj(subs, i)) == NULL)
			continue;
		id = json_get_obj(sp, "identifier");
		snprintf(ident, sizeof(ident), "%s:%s",
		    json_get_str(id, "type") ? json_get_str(id, "type") : "?",
		    json_get_str(id, "value") ? json_get_str(id, "value") : "?");
		t = short_type(json_get_str(sp, "type"));
		d = json_get_str(sp, "detail");
		append(buf, len, "; %s: %s: %s", ident, t ? t : "error",
		    d ? d : "");
	}
	if (json_arr_len(subs) > SUBPROBLEMS_MAX)
		append(buf, len, "%s%s%s", "; ...", "", "");
	acme_sanitize(buf);
}

/*
 * Turn an error response (HTTP "status", body) into "e": E_PROTO with
 * the formatted problem, or "HTTP <status>" when the body is not a
 * problem document. The short type token ("badNonce") is copied to
 * "type" ("" if none) so that callers can react to it. Always -1.
 */
int
acme_problem_parse(const char *body, size_t len, long status, char *type,
    size_t typelen, struct err *e)
{
	struct json_object	*o;
	const char		*t;
	char			 msg[sizeof(e->msg)];

	if (typelen > 0)
		type[0] = '\0';
	o = json_strict_parse_obj(body, len, NULL);
	t = json_get_str(o, "type");
	if (o == NULL || (t == NULL && json_get_str(o, "detail") == NULL)) {
		err_set(e, E_PROTO, "HTTP %ld without a problem document "
		    "(RFC 8555 section 6.7)", status);
	} else {
		acme_problem_fmt(o, msg, sizeof(msg));
		err_set(e, E_PROTO, "%s", msg);
		if (t != NULL && typelen > 0)
			snprintf(type, typelen, "%s", short_type(t));
	}
	if (e != NULL)
		e->detail = 0;
	json_free(o);
	return -1;
}
