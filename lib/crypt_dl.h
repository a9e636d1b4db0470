/* lib/crypt_dl.h - libcrypt (libxcrypt), loaded on first use. Include
 * this instead of <crypt.h> (lib/secret.c). */
#ifndef LIB_CRYPT_DL_H
#define LIB_CRYPT_DL_H
#include <crypt.h>
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

/* One pointer per libcrypt function, typed like its prototype. */
struct crypt_dl_api {
#define CRYPT_DL_MEMBER(f)	__typeof__(&f) f;
	CRYPT_DL_FUNCS(CRYPT_DL_MEMBER)
#undef CRYPT_DL_MEMBER
};

/* The table; filled once by crypt_dl_load(), read-only afterwards. */
extern const struct crypt_dl_api *const crypt_dl_api;

/* Load libcrypt and resolve the table, once per process (thread-safe).
 * 0, or -1 and e (E_NOTFOUND): "cannot load libcrypt.so.1: why", on
 * every call. */
int	crypt_dl_load(struct err *);
/* 1 once crypt_dl_load() has succeeded. */
int	crypt_dl_loaded(void);
/* Open soname and resolve every entry as crypt_dl_load() would, into a
 * scratch table, then close it again (for tests). 0, or -1 and e. */
int	crypt_dl_probe(const char *soname, struct err *);

/* Function-like, so that only calls are redirected. Valid once
 * crypt_dl_load() has returned 0. */
#define CRYPT_DL_CALL(f)	(crypt_dl_api->f)
#define crypt_r(...)		CRYPT_DL_CALL(crypt_r)(__VA_ARGS__)

#endif
