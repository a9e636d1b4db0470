/* pkish - ISC license, see LICENSE */
/*
 * DOC: unit tests for parser/sys.c, the system configuration store:
 * interfaces in a growable array with a case-insensitive hash index
 * (thousands of them, deletions keep the order and the index right),
 * users by exact name, limits, and the running-config rendering order.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "conf/conf.h"
#include "tests/unit/testlib.h"



#define NIF	5000

static int
all_found(struct sys_conf *c, int step, int upper)
{
	char name[64];

	for (int i = 0; i < NIF; i += step) {
		snprintf(name, sizeof(name), upper ? "GIGABITETHERNET0/%d" :
		    "GigabitEthernet0/%d", i);
		struct sys_if *x = sys_if_find(c, name);
		if (x == NULL || strcasecmp(x->name, name) != 0)
			return 0;
	}
	return 1;
}

static void
t_interfaces(void)
{
	struct sys_conf *c;
	char name[64], big[80];
	int ok = 1, order = 1;

	sys_init();
	c = sys_lock();
	for (int i = 0; i < NIF && ok; i++) {
		snprintf(name, sizeof(name), "GigabitEthernet0/%d", i);
		ok = sys_if_add(c, name) != NULL;
	}
	check(ok && c->nifs == NIF, "5000 interfaces added");
	check(all_found(c, 1, 0), "each found by its name");
	check(all_found(c, 7, 1), "lookups ignore case");
	check(sys_if_add(c, "gigabitethernet0/17") == &c->ifs[17] &&
	    c->nifs == NIF, "adding an existing name (other case) returns it");
	check(sys_if_find(c, "GigabitEthernet0/5000") == NULL &&
	    sys_if_find(c, "GigabitEthernet0/") == NULL, "absent names");
	for (int i = NIF - 1; i >= 0; i -= 3) {
		snprintf(name, sizeof(name), "GigabitEthernet0/%d", i);
		sys_if_del(c, sys_if_find(c, name));
	}
	check(c->nifs == NIF - (NIF + 2) / 3, "every third deleted");
	for (int i = 0, k = 0; i < NIF; i++) {
		snprintf(name, sizeof(name), "GigabitEthernet0/%d", i);
		int gone = (NIF - 1 - i) % 3 == 0;
		struct sys_if *x = sys_if_find(c, name);
		if (gone ? x != NULL : x != &c->ifs[k])
			order = 0;
		if (!gone)
			k++;
	}
	check(order, "deleted ones gone, the others found in creation order");
	check(sys_if_add(c, "Loopback0") == &c->ifs[c->nifs - 1] &&
	    sys_if_find(c, "loopback0") == &c->ifs[c->nifs - 1],
	    "an add after deletions goes to the end and is indexed");
	memset(name, 'x', 63);
	name[63] = '\0';
	check(sys_if_add(c, name) != NULL, "a 63-character name fits");
	memset(big, 'y', 64);
	big[64] = '\0';
	check(sys_if_add(c, big) == NULL, "a 64-character name is refused");
	sys_unlock();
}

static void
t_users(void)
{
	struct sys_conf *c;
	char name[16];
	int n = 0;

	sys_init();
	c = sys_lock();
	check(sys_user_add(c, "admin") != NULL && sys_user_add(c, "oper") !=
	    NULL && sys_user_add(c, "Admin") != NULL && c->nusers == 3,
	    "users: names are case-sensitive");
	sys_user_del(c, sys_user_find(c, "admin"));
	check(c->nusers == 2 && strcmp(c->users[0].name, "oper") == 0 &&
	    strcmp(c->users[1].name, "Admin") == 0 &&
	    sys_user_find(c, "admin") == NULL, "user deletion keeps the order");
	for (int i = 0; i < SYS_MAX_USERS + 10; i++) {
		snprintf(name, sizeof(name), "u%d", i);
		n += sys_user_add(c, name) != NULL;
	}
	check(c->nusers == SYS_MAX_USERS && n == SYS_MAX_USERS - 2,
	    "users stop at SYS_MAX_USERS");
	sys_unlock();
}

static void
t_render(void)
{
	struct sys_conf *c;
	char *buf = NULL;
	size_t len = 0;
	FILE *f;

	sys_init();
	c = sys_lock();
	sys_if_add(c, "Loopback9");
	snprintf(sys_if_add(c, "Loopback1")->addr, 16, "10.0.0.1");
	snprintf(c->ifs[1].mask, 16, "255.255.255.255");
	c->ifs[0].shutdown = 1;
	sys_unlock();
	if ((f = open_memstream(&buf, &len)) == NULL)
		return;
	sys_render(f);
	fclose(f);
	check(buf != NULL && strstr(buf, "interface Loopback9\n no ip address\n"
	    " shutdown\n!\ninterface Loopback1\n ip address 10.0.0.1 "
	    "255.255.255.255\n!\n") != NULL, "interfaces render in creation "
	    "order, IOS sub-commands");
	free(buf);
	sys_free();
}

int
main(void)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	t_interfaces();
	t_users();
	t_render();
	return t_report();
}
