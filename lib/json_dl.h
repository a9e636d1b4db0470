/* lib/json_dl.h - json-c, loaded on first use. Include this instead of
 * <json-c/json.h> wherever json-c is called (lib/json.c, acme/). */
#ifndef LIB_JSON_DL_H
#define LIB_JSON_DL_H
#include <json-c/json.h>
#include "lib/dl.h"
#include "lib/err.h"

/*
 * json-c is not linked: only the ACME engine uses it, and mapping it cost
 * every start of pkish. json_dl_load() dlopen()s JSON_DL_SONAME and fills
 * the table below; the macros further down send each json-c call through
 * it, so callers keep calling json-c by its own names. A json-c function
 * used without an entry here is an undefined reference at link time.
 * json-c's own macros (json_object_object_foreach and friends) call
 * json_object_get_object and walk its hash table: not usable here.
 */
#define JSON_DL_SONAME	"libjson-c.so.5"

#define JSON_DL_FUNCS(X) \
	X(json_object_array_add) X(json_object_array_get_idx) \
	X(json_object_array_length) X(json_object_get_boolean) \
	X(json_object_get_int64) X(json_object_get_string) \
	X(json_object_is_type) X(json_object_new_array) \
	X(json_object_new_boolean) X(json_object_new_int) \
	X(json_object_new_object) X(json_object_new_string) \
	X(json_object_object_add) X(json_object_object_get_ex) \
	X(json_object_put) X(json_object_to_json_string_ext) \
	X(json_tokener_error_desc) X(json_tokener_free) \
	X(json_tokener_get_error) X(json_tokener_get_parse_end) \
	X(json_tokener_new_ex) X(json_tokener_parse_ex) \
	X(json_tokener_set_flags)

DL_DECLARE(json, JSON_DL_FUNCS)

/*
 * Function-like, so that only calls are redirected: the member names
 * above (not followed by '(') stay as they are. Valid once json_dl_load()
 * has returned 0; a json_object exists only after that.
 */
#define JSON_DL_CALL(f)	(json_dl_api->f)
#define json_object_array_add(...) \
	JSON_DL_CALL(json_object_array_add)(__VA_ARGS__)
#define json_object_array_get_idx(...) \
	JSON_DL_CALL(json_object_array_get_idx)(__VA_ARGS__)
#define json_object_array_length(...) \
	JSON_DL_CALL(json_object_array_length)(__VA_ARGS__)
#define json_object_get_boolean(...) \
	JSON_DL_CALL(json_object_get_boolean)(__VA_ARGS__)
#define json_object_get_int64(...) \
	JSON_DL_CALL(json_object_get_int64)(__VA_ARGS__)
#define json_object_get_string(...) \
	JSON_DL_CALL(json_object_get_string)(__VA_ARGS__)
#define json_object_is_type(...) \
	JSON_DL_CALL(json_object_is_type)(__VA_ARGS__)
#define json_object_new_array(...) \
	JSON_DL_CALL(json_object_new_array)(__VA_ARGS__)
#define json_object_new_boolean(...) \
	JSON_DL_CALL(json_object_new_boolean)(__VA_ARGS__)
#define json_object_new_int(...) \
	JSON_DL_CALL(json_object_new_int)(__VA_ARGS__)
#define json_object_new_object(...) \
	JSON_DL_CALL(json_object_new_object)(__VA_ARGS__)
#define json_object_new_string(...) \
	JSON_DL_CALL(json_object_new_string)(__VA_ARGS__)
#define json_object_object_add(...) \
	JSON_DL_CALL(json_object_object_add)(__VA_ARGS__)
#define json_object_object_get_ex(...) \
	JSON_DL_CALL(json_object_object_get_ex)(__VA_ARGS__)
#define json_object_put(...)	JSON_DL_CALL(json_object_put)(__VA_ARGS__)
#define json_object_to_json_string_ext(...) \
	JSON_DL_CALL(json_object_to_json_string_ext)(__VA_ARGS__)
#define json_tokener_error_desc(...) \
	JSON_DL_CALL(json_tokener_error_desc)(__VA_ARGS__)
#define json_tokener_free(...)	JSON_DL_CALL(json_tokener_free)(__VA_ARGS__)
#define json_tokener_get_error(...) \
	JSON_DL_CALL(json_tokener_get_error)(__VA_ARGS__)
#define json_tokener_get_parse_end(...) \
	JSON_DL_CALL(json_tokener_get_parse_end)(__VA_ARGS__)
#define json_tokener_new_ex(...) \
	JSON_DL_CALL(json_tokener_new_ex)(__VA_ARGS__)
#define json_tokener_parse_ex(...) \
	JSON_DL_CALL(json_tokener_parse_ex)(__VA_ARGS__)
#define json_tokener_set_flags(...) \
	JSON_DL_CALL(json_tokener_set_flags)(__VA_ARGS__)

#endif
