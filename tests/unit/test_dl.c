/* tests/unit/test_dl.c - lib/json_dl, lib/ssl_dl, lib/crypt_dl: json-c,
 * libssl and libcrypt are not mapped until the JSON parse, TLS context or
 * type 5 secret that needs them; a library that cannot serve is refused
 * with a clear message; calls through the loaded tables reach the
 * libraries. A child started with LD_LIBRARY_PATH naming a directory
 * where all three sonames are libz checks that each failure comes back
 * as the operation's own error (ACME E_NET 2, TLS E_CRYPTO 35, a type 5
 * secret that does not match and a log line), never a crash. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <link.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include "tests/unit/testlib.h"
#include "lib/crypt_dl.h"
#include "lib/http.h"
#include "lib/http_int.h"
#include "lib/json.h"
#include "lib/json_dl.h"
#include "lib/log.h"
#include "lib/secret.h"
#include "lib/ssl_dl.h"
#include "acme/acme.h"

/* hashcat's MD5-crypt example; the password is "hashcat". */
#define MD5_HASH	"$1$28772684$iEwNOgGugqO9.bIz5sk8k/"

/* Neither of the three libraries is mapped. */
static int
none_mapped(void)
{
	return mapped("libjson-c.so") == 0 && mapped("libssl.so") == 0 &&
	    mapped("libcrypt.so") == 0;
}

static void
t_probe(void)
{
	const char	*pfx = "cannot load libpkish-no-such-library.so.9: ";
	struct err	 e = { 0 };

	check(json_dl_probe("libpkish-no-such-library.so.9", &e) == -1 &&
	    e.code == E_NOTFOUND && strncmp(e.msg, pfx, strlen(pfx)) == 0 &&
	    strstr(e.msg, "No such file") != NULL,
	    "probe: a missing library is named, with the reason: %s", e.msg);
	check(ssl_dl_probe("libpkish-no-such-library.so.9", &e) == -1 &&
	    strncmp(e.msg, pfx, strlen(pfx)) == 0,
	    "probe: the same for libssl's table: %s", e.msg);
	check(crypt_dl_probe("libpkish-no-such-library.so.9", &e) == -1 &&
	    strncmp(e.msg, pfx, strlen(pfx)) == 0,
	    "probe: the same for libcrypt's table: %s", e.msg);
	check(json_dl_probe("libz.so.1", &e) == -1 && e.code == E_NOTFOUND &&
	    strcmp(e.msg, "cannot load libz.so.1: it has no "
	    "json_object_array_add") == 0,
	    "probe: a library without json-c's symbols is refused: %s", e.msg);
	check(ssl_dl_probe("libz.so.1", &e) == -1 && e.code == E_NOTFOUND &&
	    strcmp(e.msg, "cannot load libz.so.1: it has no SSL_CTX_ctrl") ==
	    0, "probe: one without libssl's is refused: %s", e.msg);
	check(crypt_dl_probe("libz.so.1", &e) == -1 && e.code == E_NOTFOUND &&
	    strcmp(e.msg, "cannot load libz.so.1: it has no crypt_r") == 0,
	    "probe: one without crypt_r is refused: %s", e.msg);
	check(none_mapped() && !json_dl_loaded() && !ssl_dl_loaded() &&
	    !crypt_dl_loaded(), "probe: still none of them mapped or loaded");
}

static void
t_json(void)
{
	struct json_object	*o;
	struct err		 e = { 0 };
	char			*d;

	o = json_strict_parse_obj("{\"a\":[1]}", 9, &e);
	check(o != NULL && json_dl_loaded() && mapped("libjson-c.so.5") == 1,
	    "json: the first parse loads libjson-c.so.5");
	check(mapped("libssl.so") == 0 && mapped("libcrypt.so") == 0,
	    "json: libssl and libcrypt still not mapped");
	json_object_object_add(o, "b", json_object_new_boolean(1));
	d = json_dump(o, &e);
	check(d != NULL && strcmp(d, "{\"a\":[1],\"b\":true}") == 0,
	    "json: calls through the table build and print objects");
	free(d);
	json_free(o);
	check(json_dl_load(&e) == 0, "json: a second load is a no-op");
	check(json_dl_probe(JSON_DL_SONAME, &e) == 0 &&
	    mapped("libjson-c.so.5") == 1,
	    "json: probe: the loaded soname passes and stays mapped");
}

static void
t_ssl(void)
{
	struct err	 e = { 0 };
	SSL_CTX		*ctx;

	ctx = http_tls_ctx_get1(NULL, &e);
	check(ctx != NULL && ssl_dl_loaded() && mapped("libssl.so.3") == 1,
	    "ssl: the first TLS context loads libssl.so.3");
	check(mapped("libcrypt.so") == 0, "ssl: libcrypt still not mapped");
	/* macros of <openssl/ssl.h> over SSL_CTX_ctrl, through the table */
	check(ctx != NULL && SSL_CTX_get_min_proto_version(ctx) ==
	    TLS1_2_VERSION && (SSL_CTX_get_mode(ctx) &
	    SSL_MODE_RELEASE_BUFFERS) != 0,
	    "ssl: SSL_CTX_ctrl macros reach libssl: TLS 1.2 at least");
	SSL_CTX_free(ctx);
	check(ssl_dl_probe(SSL_DL_SONAME, &e) == 0,
	    "ssl: probe: the loaded soname passes");
}

static void
t_crypt(void)
{
	struct crypt_data	*cd = calloc(1, sizeof(*cd));
	struct err		 e = { 0 };
	const char		*h;

	check(secret_verify("hashcat", MD5_HASH) == 1 && crypt_dl_loaded() &&
	    mapped("libcrypt.so.1") == 1,
	    "crypt: the first type 5 check loads libcrypt.so.1 and matches");
	h = cd ? crypt_r("hashcat", MD5_HASH, cd) : NULL;
	check(h != NULL && strcmp(h, MD5_HASH) == 0,
	    "crypt: crypt_r through the table");
	free(cd);
	check(crypt_dl_probe(CRYPT_DL_SONAME, &e) == 0,
	    "crypt: probe: the loaded soname passes");
}

/* ------------------------------------------- libraries that cannot serve */

/* A listening TCP socket on 127.0.0.1; its port in *port. */
static int
listener(int *port)
{
	struct sockaddr_in	 a = { .sin_family = AF_INET };
	socklen_t		 n = sizeof(a);
	int			 fd;

	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if ((fd = socket(AF_INET, SOCK_STREAM, 0)) == -1)
		return -1;
	if (bind(fd, (struct sockaddr *)&a, sizeof(a)) == -1 ||
	    listen(fd, 4) == -1 ||
	    getsockname(fd, (struct sockaddr *)&a, &n) == -1) {
		close(fd);
		return -1;
	}
	*port = ntohs(a.sin_port);
	return fd;
}

/* In the child: every soname is libz. */
static void
broken_json(void)
{
	const char		*why = "cannot load libjson-c.so.5: it has no "
				    "json_object_array_add";
	struct acme_params	 p = { .directory_url = "https://127.0.0.1/d" };
	const char		*dns[] = { "a.test" };
	struct acme_result	 r;
	struct err		 e = { 0 };
	char			 want[300];
	time_t			 a, b;

	snprintf(want, sizeof(want), "JSON: %s", why);
	check(json_strict_parse("{}", 2, &e) == NULL && e.code == E_NOTFOUND &&
	    strcmp(e.msg, want) == 0, "JSON parse fails: %s", e.msg);
	check(json_strict_parse("{}", 2, &e) == NULL && strcmp(e.msg, want) ==
	    0, "and again, with the same message");
	json_free(NULL);
	snprintf(want, sizeof(want), "ACME: %s", why);
	check(acme_ari_window(&p, NULL, &a, &b, &e) == -1 && e.code == E_NET &&
	    e.detail == 2 && strcmp(e.msg, want) == 0,
	    "ACME renewal info: E_NET 2, not E_NOTFOUND: %s", e.msg);
	p.dns = dns;
	p.ndns = 1;
	p.cert_key_label = "k";
	check(acme_enroll(&p, &r, &e) == -1 && e.code == E_NET &&
	    e.detail == 2 && strcmp(e.msg, want) == 0,
	    "ACME enrollment: E_NET 2: %s", e.msg);
}

static void
broken_ssl(void)
{
	struct http_client	*c = http_client_new();
	struct http_resp	 r;
	struct http_req		 q = { .method = "GET", .timeout_ms = 5000 };
	struct err		 e = { 0 };
	char			 url[64];
	int			 fd, port;

	if ((fd = listener(&port)) == -1 || c == NULL) {
		check(0, "TLS: test listener: %s", strerror(errno));
		http_client_free(c);
		return;
	}
	snprintf(url, sizeof(url), "https://127.0.0.1:%d/", port);
	q.url = url;
	check(http_do(c, &q, &r, &e) == -1 && e.code == E_CRYPTO &&
	    e.detail == HTTP_E_SSL_CONNECT && strcmp(e.msg, "TLS: cannot "
	    "load libssl.so.3: it has no SSL_CTX_ctrl") == 0,
	    "HTTPS request: E_CRYPTO 35: %s", e.msg);
	http_client_free(c);
	close(fd);
}

static void
broken_crypt(void)
{
	char	 h[SECRET_BUFSZ], *log;
	size_t	 n;

	check(secret_verify("hashcat", MD5_HASH) == 0,
	    "type 5 secret: no match");
	log = log_buffer_dump(&n);
	check(log != NULL && strstr(log, "Type 5 secret cannot be checked: "
	    "cannot load libcrypt.so.1: it has no crypt_r") != NULL,
	    "type 5 secret: the log says why");
	free(log);
	check(secret_hash9("pw", h, sizeof(h), NULL) == 0 &&
	    secret_verify("pw", h) == 1, "type 9 secrets still work");
}

static int
broken(void)
{
	unsetenv("http_proxy");
	unsetenv("https_proxy");
	unsetenv("HTTPS_PROXY");
	unsetenv("all_proxy");
	unsetenv("ALL_PROXY");
	check(none_mapped(), "start: none mapped");
	broken_json();
	broken_ssl();
	broken_crypt();
	check(!json_dl_loaded() && !ssl_dl_loaded() && !crypt_dl_loaded(),
	    "none loaded");
	return t_report();
}

/* The path of the libz that dlopen("libz.so.1") finds, into path. */
static int
libz_path(char *path, size_t len)
{
	struct link_map	*lm;
	void		*dl = dlopen("libz.so.1", RTLD_NOW | RTLD_LOCAL);
	int		 rc = -1;

	if (dl == NULL)
		return -1;
	if (dlinfo(dl, RTLD_DI_LINKMAP, &lm) == 0 &&
	    (size_t)snprintf(path, len, "%s", lm->l_name) < len)
		rc = 0;
	dlclose(dl);
	return rc;
}

/* Run this test again as "broken" with the three sonames made libz;
 * its checks become ours. */
static void
t_broken(void)
{
	const char	*so[] = { JSON_DL_SONAME, SSL_DL_SONAME,
			    CRYPT_DL_SONAME };
	char		 dir[] = "/tmp/pkish-dl-XXXXXX", z[256], exe[512];
	char		 link[300], cmd[1024], line[600], *what;
	FILE		*f;
	ssize_t		 n;
	size_t		 i;
	int		 ok = 1, seen = 0;

	if (libz_path(z, sizeof(z)) == -1 || mkdtemp(dir) == NULL ||
	    (n = readlink("/proc/self/exe", exe, sizeof(exe) - 1)) <= 0) {
		check(0, "broken: set-up");
		return;
	}
	exe[n] = '\0';
	for (i = 0; i < sizeof(so) / sizeof(so[0]); i++) {
		snprintf(link, sizeof(link), "%s/%s", dir, so[i]);
		ok &= symlink(z, link) == 0;
	}
	snprintf(cmd, sizeof(cmd), "LD_LIBRARY_PATH=%s '%s' broken", dir, exe);
	if (ok && (f = popen(cmd, "r")) != NULL) {
		while (fgets(line, sizeof(line), f) != NULL) {
			line[strcspn(line, "\n")] = '\0';
			ok = strncmp(line, "ok ", 3) == 0;
			if (!ok && strncmp(line, "not ok ", 7) != 0)
				continue;
			what = strstr(line, " - ");
			check(ok, "broken libraries: %s",
			    what ? what + 3 : line);
			seen++;
		}
		check(pclose(f) == 0 && seen >= 10,
		    "broken libraries: the child passed %d checks", seen);
	} else
		check(0, "broken: cannot start the child");
	for (i = 0; i < sizeof(so) / sizeof(so[0]); i++) {
		snprintf(link, sizeof(link), "%s/%s", dir, so[i]);
		unlink(link);
	}
	rmdir(dir);
}

int
main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc == 2 && strcmp(argv[1], "broken") == 0)
		return broken();
	check(none_mapped() && !json_dl_loaded() && !ssl_dl_loaded() &&
	    !crypt_dl_loaded(),
	    "start: neither json-c nor libssl nor libcrypt is mapped");
	t_probe();
	t_json();
	t_ssl();
	t_crypt();
	t_broken();
	return t_report();
}
