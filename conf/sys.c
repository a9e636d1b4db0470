/* conf/sys.c - the system configuration store and its rendering */
#include <ctype.h>
#include <pthread.h>
#include <stdlib.h>
#include <strings.h>
#include <stdio.h>
#include <string.h>
#include "lib/clock.h"
#include "lib/log.h"
#include "lib/secret.h"
#include "conf/conf.h"

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static struct sys_conf conf;

static void
conf_free(struct sys_conf *c)
{
	free(c->users);
	free(c->ifs);
	free(c->if_hash);
}

void
sys_init(void)
{
	pthread_mutex_lock(&mu);
	conf_free(&conf);
	memset(&conf, 0, sizeof(conf));
	snprintf(conf.hostname, sizeof(conf.hostname), "pkish");
	conf.vty_first = 0;
	conf.vty_last = 15;
	conf.vty_login = 1;
	conf.vty_transport = TRANSPORT_TELNET | TRANSPORT_SSH;
	conf.vty_timeout = 600;
	conf.login_timeout = 30;
	conf.http_port = 80;
	pthread_mutex_unlock(&mu);
}

void
sys_free(void)
{
	pthread_mutex_lock(&mu);
	conf_free(&conf);
	memset(&conf, 0, sizeof(conf));
	pthread_mutex_unlock(&mu);
}

/* Grow an array of n elements of size sz to hold one more; 0 or -1. */
static int
grow(void *pp, int n, int *cap, size_t sz, int max)
{
	void *np;
	int nc;

	if (n < *cap)
		return 0;
	if (n >= max)
		return -1;
	nc = *cap ? *cap * 2 : 16;
	if (nc > max)
		nc = max;
	if ((np = realloc(*(void **)pp, (size_t)nc * sz)) == NULL)
		return -1;
	*(void **)pp = np;
	*cap = nc;
	return 0;
}

struct sys_user *
sys_user_find(struct sys_conf *c, const char *name)
{
	for (int i = 0; i < c->nusers; i++)
		if (strcmp(c->users[i].name, name) == 0)
			return &c->users[i];
	return NULL;
}

struct sys_user *
sys_user_add(struct sys_conf *c, const char *name)
{
	struct sys_user *u = sys_user_find(c, name);

	if (u != NULL)
		return u;
	if (strlen(name) >= sizeof(u->name) || grow(&c->users, c->nusers,
	    &c->cap_users, sizeof(*u), SYS_MAX_USERS) < 0)
		return NULL;
	u = &c->users[c->nusers++];
	memset(u, 0, sizeof(*u));
	snprintf(u->name, sizeof(u->name), "%s", name);
	return u;
}

void
sys_user_del(struct sys_conf *c, struct sys_user *u)
{
	size_t i = (size_t)(u - c->users);

	memmove(u, u + 1, ((size_t)c->nusers - i - 1) * sizeof(*u));
	c->nusers--;
}

static size_t
if_hashval(const char *s)
{
	size_t h = 5381;

	for (; *s; s++)
		h = h * 33 + (unsigned char)tolower((unsigned char)*s);
	return h;
}

/* Rebuild the interface index with room for twice the interfaces. */
static int
if_rehash(struct sys_conf *c)
{
	size_t n = 64, slot;
	int *h;

	while (n < (size_t)c->nifs * 2 + 2)
		n *= 2;
	if ((h = calloc(n, sizeof(*h))) == NULL)
		return -1;
	for (int i = 0; i < c->nifs; i++) {
		for (slot = if_hashval(c->ifs[i].name) & (n - 1); h[slot];
		    slot = (slot + 1) & (n - 1))
			;
		h[slot] = i + 1;
	}
	free(c->if_hash);
	c->if_hash = h;
	c->if_hash_n = n;
	return 0;
}

struct sys_if *
sys_if_find(struct sys_conf *c, const char *name)
{
	size_t slot, m = c->if_hash_n - 1;

	if (c->if_hash == NULL)
		return NULL;
	for (slot = if_hashval(name) & m; c->if_hash[slot];
	    slot = (slot + 1) & m) {
		struct sys_if *x = &c->ifs[c->if_hash[slot] - 1];
		if (strcasecmp(x->name, name) == 0)
			return x;
	}
	return NULL;
}

struct sys_if *
sys_if_add(struct sys_conf *c, const char *name)
{
	struct sys_if *x = sys_if_find(c, name);
	size_t slot, m;

	if (x != NULL)
		return x;
	if (strlen(name) >= sizeof(x->name) || grow(&c->ifs, c->nifs,
	    &c->cap_ifs, sizeof(*x), SYS_MAX_IFS) < 0)
		return NULL;
	x = &c->ifs[c->nifs++];
	memset(x, 0, sizeof(*x));
	snprintf(x->name, sizeof(x->name), "%s", name);
	if ((size_t)c->nifs * 2 >= c->if_hash_n) {
		if (if_rehash(c) < 0) {
			c->nifs--;
			return NULL;
		}
		return x;		/* the rehash indexed it */
	}
	m = c->if_hash_n - 1;
	for (slot = if_hashval(name) & m; c->if_hash[slot];
	    slot = (slot + 1) & m)
		;
	c->if_hash[slot] = c->nifs;
	return x;
}

void
sys_if_del(struct sys_conf *c, struct sys_if *x)
{
	size_t i = (size_t)(x - c->ifs);

	memmove(x, x + 1, ((size_t)c->nifs - i - 1) * sizeof(*x));
	c->nifs--;
	if_rehash(c);	/* positions moved; deletions are rare */
}

struct sys_conf *
sys_lock(void)
{
	pthread_mutex_lock(&mu);
	return &conf;
}

void
sys_unlock(void)
{
	pthread_mutex_unlock(&mu);
}

void
sys_hostname(char *buf, size_t len)
{
	pthread_mutex_lock(&mu);
	snprintf(buf, len, "%s", conf.hostname);
	pthread_mutex_unlock(&mu);
}

void
sys_fqdn(char *buf, size_t len)
{
	pthread_mutex_lock(&mu);
	snprintf(buf, len, "%s%s%s", conf.hostname, conf.domain[0] ? "." : "",
	    conf.domain);
	pthread_mutex_unlock(&mu);
}

int
sys_http_server(void)
{
	int on;

	pthread_mutex_lock(&mu);
	on = conf.http_server;
	pthread_mutex_unlock(&mu);
	return on;
}

int
sys_http_port(void)
{
	int p;

	pthread_mutex_lock(&mu);
	p = conf.http_port;
	pthread_mutex_unlock(&mu);
	return p;
}

int
sys_if_addr(const char *name, char *addr, size_t len)
{
	struct sys_if *x;
	int rc = -1;

	pthread_mutex_lock(&mu);
	if ((x = sys_if_find(&conf, name)) != NULL && x->addr[0]) {
		snprintf(addr, len, "%s", x->addr);
		rc = 0;
	}
	pthread_mutex_unlock(&mu);
	return rc;
}

void
sys_changed(const char *by)
{
	pthread_mutex_lock(&mu);
	conf.changed = clock_now();
	snprintf(conf.changed_by, sizeof(conf.changed_by), "%s", by);
	pthread_mutex_unlock(&mu);
}

static const char *const sev_names[] = { "emergencies", "alerts",
	"critical", "errors", "warnings", "notifications", "informational",
	"debugging" };

/* The logging block: only what differs from the defaults (4096 bytes
 * at debugging for the buffer, debugging on console and monitor,
 * informational for hosts), IOS order. */
static void
render_logging(FILE *f)
{
	struct log_cfg c;
	char addr[64];
	int port, any = 0;

	log_cfg_get(&c);
	if (c.buffered_level < 0) {
		fprintf(f, "no logging buffered\n");
		any = 1;
	} else if (c.buffered_size != 4096 || c.buffered_level != SEV_DEBUG) {
		fprintf(f, "logging buffered");
		if (c.buffered_size != 4096)
			fprintf(f, " %d", c.buffered_size);
		if (c.buffered_level != SEV_DEBUG)
			fprintf(f, " %s", sev_names[c.buffered_level]);
		fprintf(f, "\n");
		any = 1;
	}
	if (c.console_level != SEV_DEBUG) {
		if (c.console_level < 0)
			fprintf(f, "no logging console\n");
		else
			fprintf(f, "logging console %s\n",
			    sev_names[c.console_level]);
		any = 1;
	}
	if (c.monitor_level != SEV_DEBUG) {
		if (c.monitor_level < 0)
			fprintf(f, "no logging monitor\n");
		else
			fprintf(f, "logging monitor %s\n",
			    sev_names[c.monitor_level]);
		any = 1;
	}
	if (c.trap_level != SEV_INFO) {
		fprintf(f, "logging trap %s\n", sev_names[c.trap_level]);
		any = 1;
	}
	for (int i = 0; log_host_get(i, addr, sizeof(addr), &port) == 0; i++) {
		if (port == 514)
			fprintf(f, "logging host %s\n", addr);
		else
			fprintf(f, "logging host %s transport udp port %d\n",
			    addr, port);
		any = 1;
	}
	if (any)
		fprintf(f, "!\n");
}

void
sys_render(FILE *f)
{
	pthread_mutex_lock(&mu);
	fprintf(f, "hostname %s\n!\n", conf.hostname);
	if (conf.enable_secret[0])
		fprintf(f, "enable secret %d %s\n!\n",
		    secret_type(conf.enable_secret), conf.enable_secret);
	for (int i = 0; i < conf.nusers; i++)
		fprintf(f, "username %s privilege %d secret %d %s\n",
		    conf.users[i].name, conf.users[i].priv,
		    secret_type(conf.users[i].secret), conf.users[i].secret);
	if (conf.nusers)
		fprintf(f, "!\n");
	if (conf.domain[0])
		fprintf(f, "ip domain name %s\n!\n", conf.domain);
	pthread_mutex_unlock(&mu);
	render_logging(f);
	pthread_mutex_lock(&mu);
	for (int i = 0; i < conf.nifs; i++) {
		struct sys_if *x = &conf.ifs[i];
		fprintf(f, "interface %s\n", x->name);
		if (x->desc[0])
			fprintf(f, " description %s\n", x->desc);
		if (x->addr[0])
			fprintf(f, " ip address %s %s\n", x->addr, x->mask);
		else
			fprintf(f, " no ip address\n");
		if (x->shutdown)
			fprintf(f, " shutdown\n");
		fprintf(f, "!\n");
	}
	if (conf.http_server)
		fprintf(f, "ip http server\n");
	if (conf.http_port != 80)
		fprintf(f, "ip http port %d\n", conf.http_port);
	if (conf.http_metrics)
		fprintf(f, "ip http metrics\n");
	if (conf.http_server || conf.http_port != 80 || conf.http_metrics)
		fprintf(f, "!\n");
	pthread_mutex_unlock(&mu);
}

void
sys_render_lines(FILE *f)
{
	pthread_mutex_lock(&mu);
	fprintf(f, "line con 0\n");
	if (conf.vty_present || conf.vty_login != 1 ||
	    conf.vty_transport != (TRANSPORT_TELNET | TRANSPORT_SSH) ||
	    conf.vty_timeout != 600 || conf.login_timeout != 30) {
		fprintf(f, "line vty %d %d\n", conf.vty_first, conf.vty_last);
		if (conf.vty_timeout != 600)
			fprintf(f, " exec-timeout %d %d\n",
			    conf.vty_timeout / 60, conf.vty_timeout % 60);
		if (conf.login_timeout != 30)
			fprintf(f, " timeout login response %d\n",
			    conf.login_timeout);
		fprintf(f, conf.vty_login ? " login local\n" : " no login\n");
		switch (conf.vty_transport) {
		case 0: fprintf(f, " transport input none\n"); break;
		case TRANSPORT_TELNET: fprintf(f, " transport input telnet\n");
			break;
		case TRANSPORT_SSH: fprintf(f, " transport input ssh\n"); break;
		default: fprintf(f, " transport input all\n"); break;
		}
	}
	fprintf(f, "!\n");
	pthread_mutex_unlock(&mu);
}
