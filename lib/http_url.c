/* pkish - ISC license, see LICENSE */
/*
 * DOC: lib/http_url - splits an http:// or https:// URL (RFC 3986
 * section 3) into what the built-in client needs: scheme, host (a name
 * or an address literal, IPv6 without its brackets), port (80 or 443 by
 * default), the Host header value (RFC 9110 section 7.2) and the
 * request target (path and query, fragment cut). URLs the built-in
 * client does not take are refused without a message so that libcurl
 * decides about them. No state; any thread may call.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "http.h"
#include "http_int.h"

/* The authority h..t: host bounds (*hs, *he) and port start *pe. 0/-1. */
static int
split_host(const char *h, const char *t, const char **hs, const char **he,
    const char **pe, int *v6)
{
	*hs = h;
	*v6 = 0;
	if (memchr(h, '@', (size_t)(t - h)) != NULL)
		return -1;			/* userinfo: libcurl */
	if (*h == '[') {
		if ((*he = memchr(h, ']', (size_t)(t - h))) == NULL)
			return -1;
		*v6 = 1;
		*hs = h + 1;
		*pe = *he + 1;
		if (memchr(*hs, '%', (size_t)(*he - *hs)) != NULL)
			return -1;		/* zone id: libcurl */
		return 0;
	}
	if ((*he = memchr(h, ':', (size_t)(t - h))) == NULL)
		*he = t;
	*pe = *he;
	return 0;
}

/* ":port" between pe and t, if any, into *port. 0 or -1. */
static int
parse_port(const char *pe, const char *t, unsigned long *port)
{
	if (pe == t)
		return 0;
	if (*pe != ':' || pe + 1 == t || t - pe > 6 ||
	    strspn(pe + 1, "0123456789") != (size_t)(t - pe - 1))
		return -1;
	*port = strtoul(pe + 1, NULL, 10);
	return *port == 0 || *port > 65535 ? -1 : 0;
}

/*
 * Split an http:// or https:// URL into scheme, host, port, Host header
 * and request target. Anything the built-in client does not take (see
 * http_int.h) is -1.
 */
int
http_url_parse(const char *url, struct http_url *u)
{
	const char	*p, *h, *hs, *he, *pe, *t;
	unsigned long	 port, dflt;
	size_t		 hl;
	int		 v6;

	memset(u, 0, sizeof(*u));
	if (strncasecmp(url, "https://", 8) == 0)
		u->tls = 1;
	else if (strncasecmp(url, "http://", 7) != 0)
		return -1;
	for (p = url; *p != '\0'; p++)
		if ((unsigned char)*p <= 0x20 || (unsigned char)*p >= 0x7f)
			return -1;
	dflt = port = u->tls ? 443 : 80;
	h = url + (u->tls ? 8 : 7);
	t = h + strcspn(h, "/?#");
	if (split_host(h, t, &hs, &he, &pe, &v6) == -1 ||
	    (hl = (size_t)(he - hs)) == 0 || hl >= sizeof(u->host) ||
	    parse_port(pe, t, &port) == -1)
		return -1;
	memcpy(u->host, hs, hl);
	snprintf(u->port, sizeof(u->port), "%lu", port);
	snprintf(u->hostport, sizeof(u->hostport), "%s%s%s%s%s",
	    v6 ? "[" : "", u->host, v6 ? "]" : "", port == dflt ? "" : ":",
	    port == dflt ? "" : u->port);
	if (*t == '/' || *t == '?') {
		u->target = t;
		u->target_len = strcspn(t, "#");
	}
	return 0;
}
