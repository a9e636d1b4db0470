/* pkish - ISC license, see LICENSE */
/*
 * DOC: lib/crypt_dl - libcrypt, loaded when a type 5 secret is first
 * checked (lib/secret.c).
 *
 * libcrypt is not linked: crypt_r for MD5-crypt is all pkish takes from
 * it (types 8 and 9 are libcrypto KDFs), and a start that never checks a
 * type 5 secret should not map it. The first crypt_dl_load() dlopen()s
 * libcrypt.so.1 and resolves crypt_r, once per process
 * (lib/dl.c); a failure is reported to every caller with the same
 * message. The library is never unloaded.
 */
#include <dlfcn.h>
#include "lib/dl.h"
#include "lib/crypt_dl.h"

DL_DEFINE(crypt, CRYPT_DL_FUNCS, CRYPT_DL_SONAME)
