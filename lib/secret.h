/* lib/secret.h - IOS password hashes: type 9 (scrypt), 8 (PBKDF2), 5 (MD5-crypt), 0 */
#ifndef LIB_SECRET_H
#define LIB_SECRET_H
#include <stddef.h>
#include "lib/err.h"

/* "$9$" + 14-char salt + "$" + 43-char key, plus NUL. */
#define SECRET_HASH9_LEN	61
#define SECRET_BUFSZ		(SECRET_HASH9_LEN + 1)

/* Hash password as IOS type 9 into out (outlen >= SECRET_BUFSZ).
 * 0 on success, -1 and e on failure. Thread-safe. */
int	secret_hash9(const char *password, char *out, size_t outlen,
	    struct err *);
/* 1 if password matches stored (type 9, 8, 5 or plaintext 0), else 0.
 * Malformed hashes never match. Constant-time compare; thread-safe. */
int	secret_verify(const char *password, const char *stored);
/* 9, 8, 5 or 0 (plaintext) for stored; -1 if malformed. */
int	secret_type(const char *stored);

#endif
