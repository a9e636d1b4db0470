/* fuzz/common.c - start-up shared by the fuzz targets */
#include <ifaddrs.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "conf/conf.h"
#include "lib/log.h"
#include "parser/commands.h"
#include "pki/key.h"
#include "pki/pki.h"
#include "pki/trustpool.h"
#include "shell/shell.h"
#include "fuzz/fuzz.h"

static char state[64];

/* Hostile input may name any address (`logging host`, an enrollment
 * URL): no interface but loopback may be up while a target runs. */
static void
require_no_network(void)
{
	struct ifaddrs *ifa, *i;

	if (getenv("FUZZ_ALLOW_NET"))
		return;
	if (getifaddrs(&ifa) < 0) {
		perror("getifaddrs");
		exit(2);
	}
	for (i = ifa; i; i = i->ifa_next) {
		if (!(i->ifa_flags & IFF_UP) || (i->ifa_flags & IFF_LOOPBACK))
			continue;
		fprintf(stderr, "fuzz: interface %s is up; run the target "
		    "under `unshare --net`\n", i->ifa_name);
		exit(2);
	}
	freeifaddrs(ifa);
}

static void
rm_state(void)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", state);
	if (system(cmd) != 0)
		fprintf(stderr, "fuzz: could not remove %s\n", state);
}

void
fz_init(int full)
{
	char keys[128];
	struct err e = { 0 };

	require_no_network();
	pkish_crypto_init();
	snprintf(state, sizeof(state), "/tmp/pkish-fuzz.XXXXXX");
	if (mkdtemp(state) == NULL) {
		perror("mkdtemp");
		exit(2);
	}
	atexit(rm_state);
	if (!full)
		return;
	sh_set_state_dir(state);
	snprintf(keys, sizeof(keys), "%s/keys", state);
	if (key_store_init(keys, &e) < 0 || trustpool_init(state, &e) < 0) {
		fprintf(stderr, "fuzz: %s\n", e.msg);
		exit(2);
	}
	sys_init();
	cmds_install_all();
}

const char *
fz_state(void)
{
	return state;
}

char *
fz_str(const uint8_t *d, size_t n)
{
	char *s = malloc(n + 1);

	if (s == NULL)
		abort();
	memcpy(s, d, n);
	s[n] = '\0';
	return s;
}
