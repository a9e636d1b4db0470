/* lib/dl.h - dlopen for the libraries pkish loads on first use
 * (lib/json_dl, lib/ssl_dl, lib/crypt_dl): the common half of each
 * table's loader, with one wording for every failure. */
#ifndef LIB_DL_H
#define LIB_DL_H
#include <stddef.h>

/* dlopen(soname, RTLD_NOW | RTLD_LOCAL); the handle, or NULL and why:
 * "cannot load soname: reason". */
void	*dl_open(const char *soname, char *why, size_t whylen);
/* sym is missing from dl: why "cannot load soname: it has no sym", dl
 * closed. Returns -1. */
int	 dl_refuse(void *dl, const char *soname, const char *sym, char *why,
	    size_t whylen);

#endif
