/* pkish - ISC license, see LICENSE */
/*
 * DOC: shell/ssh_dl - libssh, loaded when the SSH server starts.
 *
 * libssh is not linked (with it come libgssapi_krb5, libkrb5 and half a
 * dozen more, a cost paid by every start). The first ssh_dl_load()
 * dlopen()s libssh.so.4 and resolves every entry of struct ssh_dl_api,
 * once per process (lib/dl.c); a failure is reported to every
 * caller with the same message. libssh's constructor initialises it on
 * load; ssh_init()/ssh_finalize() stay with the server's start and stop.
 * The library is never unloaded.
 */
#include <dlfcn.h>
#include "lib/dl.h"
#include "shell/ssh_dl.h"

static struct ssh_dl_api	 tab;		/* read-only once loaded */

const struct ssh_dl_api *const	 ssh_dl_api = &tab;

/* Every entry of the table from dl; NULL, or the first name missing. */
static const char *
resolve(void *dl, void *p)
{
	struct ssh_dl_api	*api = p;

#define SSH_DL_SYM(f) \
	if ((api->f = (__typeof__(api->f))dlsym(dl, #f)) == NULL) \
		return #f;
	SSH_DL_FUNCS(SSH_DL_SYM)
#undef SSH_DL_SYM
	return NULL;
}

static struct dl_lib	 lib = DL_LIB(SSH_DL_SONAME, resolve, tab);

int
ssh_dl_load(struct err *e)
{
	return dl_lib_load(&lib, e);
}

int
ssh_dl_loaded(void)
{
	return dl_lib_loaded(&lib);
}

int
ssh_dl_probe(const char *soname, struct err *e)
{
	return dl_lib_probe(&lib, soname, e);
}
