/* tests/unit/test_url.c - url_check() on a table of good and bad URLs:
 * each bad one names its problem, each good one gives its parts. */
#include "tests/unit/testlib.h"
#include "lib/url.h"

static const struct {
	const char	*url;
	unsigned	 flags;
	const char	*want;		/* NULL: good; else part of the message */
	const char	*host;		/* good rows: host, port, path */
	unsigned	 port;
	const char	*path;
} rows[] = {
	{ "http://ca.example.test/scep", URL_WEB, NULL, "ca.example.test", 0,
	    "/scep" },
	{ "https://acme.example/dir", URL_WEB, NULL, "acme.example", 0,
	    "/dir" },
	{ "http://127.0.0.1:8080/cgi-bin/pkiclient.exe", URL_WEB, NULL,
	    "127.0.0.1", 8080, "/cgi-bin/pkiclient.exe" },
	{ "http://[::1]:14000/dir", URL_WEB, NULL, "::1", 14000, "/dir" },
	{ "https://[2001:db8::1]/x?y=1#f", URL_WEB, NULL, "2001:db8::1", 0,
	    "/x?y=1#f" },
	{ "HTTP://Host-1.example:1", URL_WEB, NULL, "Host-1.example", 1, "/" },
	{ "http://h:65535", URL_WEB, NULL, "h", 65535, "/" },
	{ "http://user:pw@h.example/p", URL_WEB, NULL, "h.example", 0, "/p" },
	{ "http://h/a%20b", URL_WEB, NULL, "h", 0, "/a%20b" },
	{ "http://h?q", URL_WEB, NULL, "h", 0, "?q" },
	{ "file:/tmp/a.p12", URL_FILE, NULL, "", 0, "/tmp/a.p12" },
	{ "file:///tmp/a.p12", URL_FILE, NULL, "", 0, "/tmp/a.p12" },
	{ "file://localhost/tmp/a", URL_FILE, NULL, "", 0, "/tmp/a" },
	{ "https://h/", URL_WEB | URL_FILE, NULL, "h", 0, "/" },
	{ "http://[::1", URL_WEB, "unclosed [IPv6] literal", NULL, 0, NULL },
	{ "http://[::1/dir", URL_WEB, "unclosed [IPv6] literal", NULL, 0, NULL },
	{ "http://[]/", URL_WEB, "empty [IPv6] literal", NULL, 0, NULL },
	{ "http://[1.2.3]/", URL_WEB, "bad IPv6 address [1.2.3]", NULL, 0, NULL },
	{ "http://[::1]x/", URL_WEB, "unexpected 'x' after the host", NULL, 0, NULL },
	{ "http://::1]/", URL_WEB, "missing host name", NULL, 0, NULL },
	{ "http://h]/", URL_WEB, "']' without '['", NULL, 0, NULL },
	{ "http://h[::1]/", URL_WEB, "'[' inside the host name", NULL, 0, NULL },
	{ "http:///dir", URL_WEB, "missing host name", NULL, 0, NULL },
	{ "http://", URL_WEB, "missing host name", NULL, 0, NULL },
	{ "http://:80/", URL_WEB, "missing host name", NULL, 0, NULL },
	{ "http://h:/", URL_WEB, "empty port after ':'", NULL, 0, NULL },
	{ "http://h:0/", URL_WEB, "port out of range (1-65535)", NULL, 0, NULL },
	{ "http://h:65536/", URL_WEB, "port out of range (1-65535)", NULL, 0, NULL },
	{ "http://h:99999999999999999999/", URL_WEB,
	    "port out of range (1-65535)", NULL, 0, NULL },
	{ "http://h:8o/", URL_WEB, "port is not a number", NULL, 0, NULL },
	{ "http://h:-1/", URL_WEB, "port is not a number", NULL, 0, NULL },
	{ "http://[::1]:/", URL_WEB, "empty port after ':'", NULL, 0, NULL },
	{ "http://h/a b", URL_WEB, "contains a space", NULL, 0, NULL },
	{ "http://h/a\tb", URL_WEB, "contains a control character", NULL, 0, NULL },
	{ "http://h/\x7f", URL_WEB, "contains a control character", NULL, 0, NULL },
	{ "http://h/\xc3\xa9", URL_WEB, "contains a non-ASCII character", NULL, 0, NULL },
	{ "http://h/%zz", URL_WEB, "bad %-escape (use %XX)", NULL, 0, NULL },
	{ "http://h/%4", URL_WEB, "bad %-escape (use %XX)", NULL, 0, NULL },
	{ "http:h/dir", URL_WEB, "missing \"//\" after http:", NULL, 0, NULL },
	{ "ca.example/scep", URL_WEB, "missing scheme (such as http://)", NULL, 0, NULL },
	{ "://h/", URL_WEB, "missing scheme (such as http://)", NULL, 0, NULL },
	{ "", URL_WEB, "empty", NULL, 0, NULL },
	{ "ftp://h/x", URL_WEB,
	    "scheme ftp: not allowed here (use http:// or https://)", NULL, 0, NULL },
	{ "file:/tmp/x", URL_WEB,
	    "scheme file: not allowed here (use http:// or https://)", NULL, 0, NULL },
	{ "http://h/x", URL_FILE, "scheme http: not allowed here (use file:)", NULL, 0, NULL },
	{ "tftp://h/x", URL_WEB | URL_FILE,
	    "not allowed here (use http://, https:// or file:)", NULL, 0, NULL },
	{ "http://a@b@h/", URL_WEB, "more than one '@' before the host", NULL, 0, NULL },
	{ "http://.h/", URL_WEB, "bad host name", NULL, 0, NULL },
	{ "http://a..b/", URL_WEB, "bad host name", NULL, 0, NULL },
	{ "http://h_%/", URL_WEB, "unexpected '%' after the host", NULL, 0, NULL },
	{ "file:tmp/a.p12", URL_FILE,
	    "file: needs an absolute path (file:/ABSOLUTE/PATH)", NULL, 0, NULL },
	{ "file://host/tmp/a", URL_FILE,
	    "file: takes no host (use file:/ABSOLUTE/PATH)", NULL, 0, NULL },
	{ "file:/", URL_FILE, "file: names no file", NULL, 0, NULL },
	{ "file:", URL_FILE,
	    "file: needs an absolute path (file:/ABSOLUTE/PATH)", NULL, 0, NULL },
};

static void
t_table(void)
{
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		struct url_parts u;
		struct err e = { 0 };
		int rc = url_check(rows[i].url, rows[i].flags, &u, &e);

		if (rows[i].want == NULL) {
			check(rc == 0 && strcmp(u.host, rows[i].host) == 0 &&
			    u.port == rows[i].port &&
			    strcmp(u.path, rows[i].path) == 0,
			    "good %s: host '%s' port %u path '%s' (%s)",
			    rows[i].url, u.host, u.port, u.path,
			    rc ? e.msg : "ok");
			continue;
		}
		check(rc == -1 && e.code == E_INVAL &&
		    strncmp(e.msg, "Invalid URL: ", 13) == 0 &&
		    strstr(e.msg, rows[i].want) != NULL,
		    "bad row %zu: \"%s\"", i, e.msg);
	}
}

static void
t_parts(void)
{
	struct url_parts u;
	struct err e = { 0 };

	check(url_check("https://[fe80::1]:443/d", URL_WEB, &u, &e) == 0 &&
	    u.ipv6 && strcmp(u.scheme, "https") == 0,
	    "IPv6 literal flagged, scheme lower case");
	check(url_check("http://h/", URL_WEB, NULL, NULL) == 0,
	    "out and err may be NULL");
	check(url_check(NULL, URL_WEB, &u, &e) == -1, "NULL refused");
}

int
main(void)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	t_table();
	t_parts();
	printf("%d passed, %d failed\n", npass, nfail);
	return nfail != 0;
}
