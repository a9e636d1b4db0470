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

DL_DEFINE(ssh, SSH_DL_FUNCS, SSH_DL_SONAME)
