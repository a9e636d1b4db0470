/* lib/url.h - strict URL check for every command that takes a URL */
#ifndef LIB_URL_H
#define LIB_URL_H

#include "lib/err.h"

/* Schemes a command accepts (flags of url_check). */
enum {
	URL_HTTP  = 1 << 0,
	URL_HTTPS = 1 << 1,
	URL_FILE  = 1 << 2,		/* file:/ABS, file:///ABS, file://localhost/ABS */
	URL_WEB   = URL_HTTP | URL_HTTPS,
};

struct url_parts {
	char		 scheme[8];	/* lower case: "http", "https", "file" */
	char		 host[256];	/* without the brackets of an IPv6 literal */
	int		 ipv6;		/* host was a [IPv6] literal */
	unsigned	 port;		/* 0 when none was given */
	char		 path[1024];	/* from the first '/' on (file: the path) */
};

/*
 * Check url against RFC 3986 as far as pkish uses it: a scheme allowed by
 * flags, "//" and a non-empty host (name, IPv4, or a closed [IPv6]
 * literal) for http(s), an optional numeric port 1-65535, an absolute path
 * for file:, no space or control character, well-formed %-escapes. out
 * (may be NULL) gets the parts. 0, or -1 with E_INVAL and a message
 * "Invalid URL: <problem>" in e.
 */
int	url_check(const char *url, unsigned flags, struct url_parts *out,
	    struct err *e);

#endif
