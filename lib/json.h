/* lib/json.h - strict JSON parsing and type-checked getters (json-c).
 * Parsing uses depth 32, STRICT and VALIDATE_UTF8, and rejects trailing
 * data; getters return NULL or -1 when a member is missing or has the wrong
 * type, never a coerced value. Objects are json-c refcounted objects. */
#ifndef LIB_JSON_H
#define LIB_JSON_H
#include <stddef.h>
#include <stdint.h>
#include "err.h"

struct json_object;

#define JSON_MAX_DEPTH	32

/* Parse exactly len bytes (trailing whitespace allowed). New reference. */
struct json_object *json_strict_parse(const char *, size_t, struct err *);
/* Same, and the top-level value must be an object. */
struct json_object *json_strict_parse_obj(const char *, size_t,
	    struct err *);
/* Members of an object. Borrowed pointers, valid while the parent lives. */
const char	*json_get_str(const struct json_object *, const char *key);
struct json_object *json_get_obj(const struct json_object *, const char *key);
struct json_object *json_get_arr(const struct json_object *, const char *key);
/* Integers only (no doubles, no strings), |v| < 2^53 (RFC 7493 I-JSON). */
int		 json_get_int(const struct json_object *, const char *key,
		    int64_t *);
int		 json_get_bool(const struct json_object *, const char *key,
		    int *);
/* Arrays: length is 0 for a non-array. */
size_t		 json_arr_len(const struct json_object *);
struct json_object *json_arr_obj(const struct json_object *, size_t);
const char	*json_arr_str(const struct json_object *, size_t);
/* Compact text without slash escaping; malloc'd. */
char		*json_dump(struct json_object *, struct err *);
void		 json_free(struct json_object *);

#endif
