/* lib/b64.h - base64 and base64url (RFC 4648) */
#ifndef LIB_B64_H
#define LIB_B64_H
#include <stddef.h>

/* Returns a NUL-terminated malloc'd string. url: base64url, no padding. */
char		*b64_encode(const void *, size_t, int url);
/* Decodes, skipping whitespace; padding optional. NULL on bad input. */
unsigned char	*b64_decode(const char *, size_t, size_t *outlen, int url);

#endif
