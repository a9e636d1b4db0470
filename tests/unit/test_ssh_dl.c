/* tests/unit/test_ssh_dl.c - shell/ssh_dl: libssh is not mapped until
 * ssh_dl_load(), a library that cannot serve is refused with a clear
 * message, and calls through the loaded table reach libssh. */
#define _GNU_SOURCE
#include "tests/unit/testlib.h"
#include "shell/ssh_dl.h"

static void
t_probe(void)
{
	const char	*pfx = "cannot load libpkish-no-such-library.so.9: ";
	struct err	 e = { 0 };

	check(ssh_dl_probe("libpkish-no-such-library.so.9", &e) == -1 &&
	    e.code == E_NOTFOUND && strncmp(e.msg, pfx, strlen(pfx)) == 0 &&
	    strstr(e.msg, "No such file") != NULL,
	    "probe: a missing library is named, with the reason: %s", e.msg);
	check(ssh_dl_probe("libz.so.1", &e) == -1 &&
	    e.code == E_NOTFOUND &&
	    strcmp(e.msg, "cannot load libz.so.1: it has no "
	    "ssh_bind_accept_fd") == 0,
	    "probe: a library without the ssh_* symbols is refused: %s",
	    e.msg);
	check(mapped("libssh") == 0, "probe: libssh still not mapped");
}

static void
t_load(void)
{
	struct err	e = { 0 };
	ssh_session	s;

	check(ssh_dl_load(&e) == 0 && ssh_dl_loaded() &&
	    mapped("libssh.so.4") == 1,
	    "load: libssh.so.4 is loaded with every entry");
	check(ssh_dl_load(&e) == 0, "load: a second call is a no-op");
	check(ssh_init() == SSH_OK, "load: ssh_init through the table");
	s = ssh_new();
	check(s != NULL && ssh_get_fd(s) == SSH_INVALID_SOCKET &&
	    !ssh_is_connected(s), "load: a new session, not connected");
	if (s != NULL)
		ssh_free(s);
	check(ssh_finalize() == SSH_OK, "load: ssh_finalize through the table");
	check(ssh_dl_probe(SSH_DL_SONAME, &e) == 0 &&
	    mapped("libssh.so.4") == 1,
	    "probe: the loaded soname passes and stays mapped");
}

int
main(void)
{
	check(!ssh_dl_loaded() && mapped("libssh") == 0 &&
	    mapped("libkrb5") == 0,
	    "start: neither libssh nor Kerberos is mapped");
	t_probe();
	t_load();
	return t_report();
}
