/* pkish - ISC license, see LICENSE */
/*
 * DOC: lib/json - the strict json-c wrapper every JSON consumer uses.
 * json-c's defaults accept trailing garbage, trailing commas and invalid
 * UTF-8, and its getters coerce (get_string on a number returns "42",
 * get_int on "12abc" returns 12). Here parsing is strict and whole-input,
 * and each getter checks the member's type and returns NULL / -1 rather
 * than a coerced value. Reentrant: no state outside the objects.
 */
#include <stdlib.h>
#include <string.h>
#include "json.h"
#include <json-c/json.h>

#define JSON_INT_MAX	((int64_t)1 << 53)	/* RFC 7493 section 2.2 */

/*
 * Parse exactly "len" bytes of "buf" as one JSON value; only whitespace
 * may follow it. Returns a new reference, or NULL with "e" set (E_PROTO).
 */
struct json_object *
json_strict_parse(const char *buf, size_t len, struct err *e)
{
	struct json_tokener	*tok;
	struct json_object	*o;
	enum json_tokener_error	 je;
	size_t			 end;

	if (buf == NULL || len == 0)
		return err_set(e, E_PROTO, "JSON: empty input"), NULL;
	if (len > (size_t)INT32_MAX)
		return err_set(e, E_PROTO, "JSON: input too large"), NULL;
	if ((tok = json_tokener_new_ex(JSON_MAX_DEPTH)) == NULL)
		return err_set(e, E_NOMEM, "JSON: out of memory"), NULL;
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT |
	    JSON_TOKENER_VALIDATE_UTF8);
	o = json_tokener_parse_ex(tok, buf, (int)len);
	je = json_tokener_get_error(tok);
	end = json_tokener_get_parse_end(tok);
	json_tokener_free(tok);
	if (o == NULL || je != json_tokener_success) {
		json_object_put(o);
		if (je == json_tokener_continue)
			err_set(e, E_PROTO, "JSON: truncated input");
		else
			err_set(e, E_PROTO, "JSON: %s at offset %zu",
			    json_tokener_error_desc(je), end);
		return NULL;
	}
	for (; end < len; end++)
		if (strchr(" \t\r\n", buf[end]) == NULL || buf[end] == '\0') {
			json_object_put(o);
			err_set(e, E_PROTO, "JSON: trailing data at offset %zu",
			    end);
			return NULL;
		}
	return o;
}

/* As json_strict_parse(), and the top-level value must be an object. */
struct json_object *
json_strict_parse_obj(const char *buf, size_t len, struct err *e)
{
	struct json_object *o;

	if ((o = json_strict_parse(buf, len, e)) == NULL)
		return NULL;
	if (!json_object_is_type(o, json_type_object)) {
		json_object_put(o);
		return err_set(e, E_PROTO, "JSON: top level is not an object"),
		    NULL;
	}
	return o;
}

static struct json_object *
member(const struct json_object *o, const char *key, enum json_type t)
{
	struct json_object *v = NULL;

	if (o == NULL || !json_object_is_type(o, json_type_object) ||
	    !json_object_object_get_ex(o, key, &v) ||
	    !json_object_is_type(v, t))
		return NULL;
	return v;
}

/* String member "key", or NULL if missing or not a string. Borrowed. */
const char *
json_get_str(const struct json_object *o, const char *key)
{
	struct json_object *v = member(o, key, json_type_string);

	return v ? json_object_get_string(v) : NULL;
}

/* Object member "key", or NULL. Borrowed. */
struct json_object *
json_get_obj(const struct json_object *o, const char *key)
{
	return member(o, key, json_type_object);
}

/* Array member "key", or NULL. Borrowed. */
struct json_object *
json_get_arr(const struct json_object *o, const char *key)
{
	return member(o, key, json_type_array);
}

/* Integer member "key" into *out; -1 if missing, not an int or too big. */
int
json_get_int(const struct json_object *o, const char *key, int64_t *out)
{
	struct json_object	*v = member(o, key, json_type_int);
	int64_t			 n;

	if (v == NULL)
		return -1;
	n = json_object_get_int64(v);
	if (n >= JSON_INT_MAX || n <= -JSON_INT_MAX)
		return -1;		/* json-c clamps overflow silently */
	*out = n;
	return 0;
}

/* Boolean member "key" into *out (0/1); -1 if missing or not a boolean. */
int
json_get_bool(const struct json_object *o, const char *key, int *out)
{
	struct json_object *v = member(o, key, json_type_boolean);

	if (v == NULL)
		return -1;
	*out = json_object_get_boolean(v) ? 1 : 0;
	return 0;
}

/* Number of elements of an array; 0 for NULL or a non-array. */
size_t
json_arr_len(const struct json_object *a)
{
	if (a == NULL || !json_object_is_type(a, json_type_array))
		return 0;
	return json_object_array_length(a);
}

/* Element i if it is an object, else NULL. Borrowed. */
struct json_object *
json_arr_obj(const struct json_object *a, size_t i)
{
	struct json_object *v;

	if (i >= json_arr_len(a))
		return NULL;
	v = json_object_array_get_idx(a, i);
	return json_object_is_type(v, json_type_object) ? v : NULL;
}

/* Element i if it is a string, else NULL. Borrowed. */
const char *
json_arr_str(const struct json_object *a, size_t i)
{
	struct json_object *v;

	if (i >= json_arr_len(a))
		return NULL;
	v = json_object_array_get_idx(a, i);
	return json_object_is_type(v, json_type_string) ?
	    json_object_get_string(v) : NULL;
}

/*
 * Serialize compactly, without json-c's "\/" escaping. Returns a malloc'd
 * NUL-terminated string the caller frees, or NULL with "e" set.
 */
char *
json_dump(struct json_object *o, struct err *e)
{
	const char	*s;
	char		*r;

	s = json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN |
	    JSON_C_TO_STRING_NOSLASHESCAPE);
	if (s == NULL || (r = strdup(s)) == NULL)
		return err_set(e, E_NOMEM, "JSON: serialization failed"), NULL;
	return r;
}

/* Drop a reference; NULL is fine. */
void
json_free(struct json_object *o)
{
	if (o != NULL)			/* json-c may not be loaded */
		json_object_put(o);
}
