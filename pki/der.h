/* pki/der.h - DER from OpenSSL's i2d_*() into memory the caller frees
 * with free(). No state; thread-safe. */
#ifndef PKI_DER_H
#define PKI_DER_H
#include <stddef.h>
#include "lib/err.h"

/*
 * Take "n" bytes of DER that an i2d_*() call allocated at "tmp" (n <= 0:
 * the encoding failed): copy them to malloc'd memory, wipe and release
 * tmp. Returns the copy with *len set, or NULL with e set ("cannot encode
 * <what>" or out of memory).
 */
unsigned char	*der_take(unsigned char *tmp, int n, size_t *len,
		    const char *what, struct err *e);

#endif
