/* lib/type7.h - IOS type 7 passwords: the reversible obfuscation IOS uses
 * for passwords it must read back (e.g. `database archive ... password 7`).
 * Not encryption: it only keeps a password off the screen. */
#ifndef LIB_TYPE7_H
#define LIB_TYPE7_H
#include <stddef.h>

/* Encode pw into out ("SS" seed + 2 hex digits per character); the seed
 * comes from the password, so the rendering is stable. 0, or -1 when out
 * is too small (2 * strlen(pw) + 3 bytes suffice). */
int	type7_encode(const char *pw, char *out, size_t len);
/* Decode; 0, or -1 when s is not a type 7 string or out is too small. */
int	type7_decode(const char *s, char *out, size_t len);

#endif
