/* lib/url.c - strict URL check (see url.h) */
#include "lib/url.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#define BAD(...) err_set(e, E_INVAL, "Invalid URL: " __VA_ARGS__)

static const struct {
	const char	*name;
	unsigned	 flag;
} schemes[] = {
	{ "http", URL_HTTP }, { "https", URL_HTTPS }, { "file", URL_FILE },
};

/* Bytes every URL must not hold: space, control characters, non-ASCII. */
static int
check_bytes(const char *url, struct err *e)
{
	for (const unsigned char *p = (const unsigned char *)url; *p; p++) {
		if (*p == ' ')
			return BAD("contains a space");
		if (*p < 0x20 || *p == 0x7f)
			return BAD("contains a control character");
		if (*p > 0x7e)
			return BAD("contains a non-ASCII character");
	}
	return 0;
}

/* "%" is followed by two hex digits everywhere in s. */
static int
check_escapes(const char *s, struct err *e)
{
	for (; *s; s++)
		if (*s == '%' && !(isxdigit((unsigned char)s[1]) &&
		    isxdigit((unsigned char)s[2])))
			return BAD("bad %%-escape (use %%XX)");
	return 0;
}

/* The scheme up to ':'; its flag, or -1 with the problem. */
static int
get_scheme(const char *url, unsigned flags, struct url_parts *u,
    const char **rest, struct err *e)
{
	size_t n = strspn(url, "abcdefghijklmnopqrstuvwxyz"
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+.-");

	if (n == 0 || url[n] != ':' || !isalpha((unsigned char)url[0]))
		return BAD("missing scheme (such as http://)");
	for (size_t i = 0; i < sizeof(schemes) / sizeof(schemes[0]); i++) {
		if (strlen(schemes[i].name) != n ||
		    strncasecmp(url, schemes[i].name, n) != 0)
			continue;
		if (!(flags & schemes[i].flag))
			break;
		snprintf(u->scheme, sizeof(u->scheme), "%s", schemes[i].name);
		*rest = url + n + 1;
		return (int)schemes[i].flag;
	}
	if (flags == URL_FILE)
		return BAD("scheme %.*s: not allowed here (use file:)", (int)n,
		    url);
	if (flags & URL_FILE)
		return BAD("scheme %.*s: not allowed here (use http://, "
		    "https:// or file:)", (int)n, url);
	return BAD("scheme %.*s: not allowed here (use http:// or https://)",
	    (int)n, url);
}

/* ":PORT" at p (up to end); 0 or -1. */
static int
get_port(const char *p, const char *end, struct url_parts *u, struct err *e)
{
	unsigned long v = 0;

	if (p == end)
		return 0;
	if (*p != ':')
		return BAD("unexpected '%c' after the host", *p);
	if (++p == end)
		return BAD("empty port after ':'");
	for (const char *q = p; q < end; q++) {
		if (!isdigit((unsigned char)*q))
			return BAD("port is not a number");
		if ((v = v * 10 + (unsigned long)(*q - '0')) > 65535)
			break;
	}
	if (v < 1 || v > 65535)
		return BAD("port out of range (1-65535)");
	u->port = (unsigned)v;
	return 0;
}

/* [IPv6] literal at a (a[0] == '['), authority ending at end. */
static int
get_ipv6(const char *a, const char *end, struct url_parts *u, struct err *e)
{
	const char *close = memchr(a, ']', (size_t)(end - a));
	unsigned char bin[16];
	size_t n;

	if (close == NULL)
		return BAD("unclosed [IPv6] literal");
	n = (size_t)(close - a - 1);
	if (n == 0)
		return BAD("empty [IPv6] literal");
	if (n >= sizeof(u->host))
		return BAD("host name too long");
	memcpy(u->host, a + 1, n);
	u->host[n] = '\0';
	if (inet_pton(AF_INET6, u->host, bin) != 1)
		return BAD("bad IPv6 address [%s]", u->host);
	u->ipv6 = 1;
	return get_port(close + 1, end, u, e);
}

/* A host name or IPv4 address at a, authority ending at end. */
static int
get_name(const char *a, const char *end, struct url_parts *u, struct err *e)
{
	size_t n = strspn(a, "abcdefghijklmnopqrstuvwxyz"
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~");

	if (a + n > end)
		n = (size_t)(end - a);
	if (a[n] == ']')
		return BAD("']' without '['");
	if (a[n] == '[')
		return BAD("'[' inside the host name");
	if (n == 0)
		return BAD("missing host name");
	if (n >= sizeof(u->host))
		return BAD("host name too long");
	if (a[0] == '.' || a[0] == '-' || memmem(a, n, "..", 2) != NULL)
		return BAD("bad host name");
	memcpy(u->host, a, n);
	u->host[n] = '\0';
	return get_port(a + n, end, u, e);
}

/* http(s): "//" [userinfo@] host [:port] [/path] [?query] [#frag]. */
static int
check_web(const char *rest, struct url_parts *u, struct err *e)
{
	const char *a, *end, *at;

	if (strncmp(rest, "//", 2) != 0)
		return BAD("missing \"//\" after %s:", u->scheme);
	a = rest + 2;
	end = a + strcspn(a, "/?#");
	if ((at = memchr(a, '@', (size_t)(end - a))) != NULL)
		a = at + 1;
	if (memchr(a, '@', (size_t)(end - a)) != NULL)
		return BAD("more than one '@' before the host");
	if (*a == '[') {
		if (get_ipv6(a, end, u, e) < 0)
			return -1;
	} else if (get_name(a, end, u, e) < 0)
		return -1;
	if (check_escapes(end, e) < 0)
		return -1;
	if (strlen(end) >= sizeof(u->path))
		return BAD("path too long");
	snprintf(u->path, sizeof(u->path), "%s", *end ? end : "/");
	return 0;
}

/* file: an absolute path, as file:/P, file:///P or file://localhost/P. */
static int
check_file(const char *rest, struct url_parts *u, struct err *e)
{
	if (strncmp(rest, "//", 2) == 0) {
		rest += 2;
		if (strncasecmp(rest, "localhost", 9) == 0)
			rest += 9;
		if (*rest != '/')
			return BAD("file: takes no host (use file:/ABSOLUTE/PATH)");
	}
	if (*rest != '/')
		return BAD("file: needs an absolute path (file:/ABSOLUTE/PATH)");
	if (rest[1] == '\0')
		return BAD("file: names no file");
	if (strlen(rest) >= sizeof(u->path))
		return BAD("path too long");
	snprintf(u->path, sizeof(u->path), "%s", rest);
	return 0;
}

int
url_check(const char *url, unsigned flags, struct url_parts *out,
    struct err *e)
{
	struct url_parts tmp, *u = out ? out : &tmp;
	const char *rest = NULL;
	int s;

	memset(u, 0, sizeof(*u));
	if (url == NULL || *url == '\0')
		return BAD("empty");
	if (check_bytes(url, e) < 0 ||
	    (s = get_scheme(url, flags, u, &rest, e)) < 0)
		return -1;
	return s == URL_FILE ? check_file(rest, u, e) : check_web(rest, u, e);
}
