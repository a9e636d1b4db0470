#define _GNU_SOURCE
#include <stdlib.h>
#include <string.h>
#include "b64.h"

static const char std_tab[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
static const char url_tab[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

char *
b64_encode(const void *in, size_t n, int url)
{
	const unsigned char *p = in;
	const char *t = url ? url_tab : std_tab;
	char *out, *o;
	size_t i;
	unsigned v;

	if ((out = malloc((n + 2) / 3 * 4 + 1)) == NULL)
		return NULL;
	o = out;
	for (i = 0; i + 2 < n; i += 3) {
		v = (unsigned)p[i] << 16 | (unsigned)p[i + 1] << 8 | p[i + 2];
		*o++ = t[v >> 18 & 63];
		*o++ = t[v >> 12 & 63];
		*o++ = t[v >> 6 & 63];
		*o++ = t[v & 63];
	}
	if (i < n) {
		v = (unsigned)p[i] << 16 | (i + 1 < n ? (unsigned)p[i + 1] << 8 : 0);
		*o++ = t[v >> 18 & 63];
		*o++ = t[v >> 12 & 63];
		if (i + 1 < n)
			*o++ = t[v >> 6 & 63];
		else if (!url)
			*o++ = '=';
		if (!url)
			*o++ = '=';
	}
	*o = '\0';
	return out;
}

static int
val(int c, int url)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == (url ? '-' : '+'))
		return 62;
	if (c == (url ? '_' : '/'))
		return 63;
	return -1;
}

unsigned char *
b64_decode(const char *s, size_t len, size_t *outlen, int url)
{
	unsigned char *out;
	size_t i, o = 0;
	unsigned acc = 0;
	int bits = 0, pad = 0, v;

	if ((out = malloc(len / 4 * 3 + 3)) == NULL)
		return NULL;
	for (i = 0; i < len; i++) {
		int c = (unsigned char)s[i];
		if (c == ' ' || c == '\t' || c == '\r' || c == '\n')
			continue;
		if (c == '=') {
			pad++;
			continue;
		}
		if (pad || (v = val(c, url)) < 0)
			goto bad;
		acc = acc << 6 | (unsigned)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			out[o++] = (unsigned char)(acc >> bits);
			acc &= (1u << bits) - 1;
		}
	}
	if (bits >= 6 || pad > 2 || acc != 0)
		goto bad;
	*outlen = o;
	return out;
bad:
	free(out);
	return NULL;
}
