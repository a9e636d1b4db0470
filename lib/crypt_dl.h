/* lib/crypt_dl.h - libcrypt (libxcrypt), loaded on first use. Include
 * this instead of <crypt.h> (lib/secret.c). */
#ifndef LIB_CRYPT_DL_H
#define LIB_CRYPT_DL_H
#include <crypt.h>
#include "lib/dl.h"
#include "lib/err.h"

/*
 * libcrypt is not linked: pkish needs only crypt_r, for type 5
 * (MD5-crypt) secrets, and mapping it cost every start. crypt_dl_load()
 * dlopen()s CRYPT_DL_SONAME and fills the table below; the macro further
 * down sends crypt_r through it. A libcrypt function used without an
 * entry here is an undefined reference at link time.
 */
#define CRYPT_DL_SONAME	"libcrypt.so.1"

#define CRYPT_DL_FUNCS(X) \
	X(crypt_r)

DL_DECLARE(crypt, CRYPT_DL_FUNCS)

/* Function-like, so that only calls are redirected. Valid once
 * crypt_dl_load() has returned 0. */
#define CRYPT_DL_CALL(f)	(crypt_dl_api->f)
#define crypt_r(...)		CRYPT_DL_CALL(crypt_r)(__VA_ARGS__)

#endif
