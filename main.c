/* pkish - an IOS-style PKI shell. main: flags, state dir, start-up. */
#include <errno.h>
#include <getopt.h>
#include <malloc.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "lib/fileio.h"
#include "lib/http.h"
#include "lib/log.h"
#include "conf/conf.h"
#include "parser/parser.h"
#include "pki/pki.h"
#include "shell/shell.h"

#define PKISH_VERSION "0.1.0"

static void
usage(FILE *f)
{
	fprintf(f, "usage: pkish [--state DIR] [--telnet [ADDR:]PORT] "
	    "[--ssh [ADDR:]PORT] [--no-console]\n"
	    "       pkish --version\n");
}

/* "[ADDR:]PORT", "[v6]:PORT" */
static int
parse_hostport(const char *s, char *addr, size_t len, int *port)
{
	const char *colon = strrchr(s, ':');
	char *end;
	long p;

	addr[0] = '\0';
	if (colon) {
		size_t n = (size_t)(colon - s);
		if (s[0] == '[' && n >= 2 && s[n - 1] == ']') {
			s++;
			n -= 2;
		}
		if (n >= len)
			return -1;
		memcpy(addr, s, n);
		addr[n] = '\0';
		s = colon + 1;
	}
	p = strtol(s, &end, 10);
	if (*s == '\0' || *end != '\0' || p < 1 || p > 65535)
		return -1;
	*port = (int)p;
	return 0;
}

static void *
signal_thread(void *arg)
{
	sigset_t *set = arg;
	int sig;

	sigwait(set, &sig);
	sh_stop();
	return NULL;
}

static const char *
default_state(void)
{
	static char buf[4096];
	const char *h = getenv("HOME");

	snprintf(buf, sizeof(buf), "%s/.pkish", h && *h ? h : ".");
	return buf;
}

struct opts {
	const char	*state;
	char		 taddr[256], saddr[256];
	int		 tport, sport, console;
};

static int
parse_args(int argc, char **argv, struct opts *o)
{
	static const struct option lo[] = {
		{ "state", required_argument, NULL, 'd' },
		{ "telnet", required_argument, NULL, 't' },
		{ "ssh", required_argument, NULL, 's' },
		{ "no-console", no_argument, NULL, 'n' },
		{ "version", no_argument, NULL, 'V' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 } };
	int c;

	o->state = default_state();
	o->console = 1;
	while ((c = getopt_long(argc, argv, "d:t:s:nVh", lo, NULL)) != -1) {
		switch (c) {
		case 'd': o->state = optarg; break;
		case 't':
			if (parse_hostport(optarg, o->taddr, sizeof(o->taddr),
			    &o->tport) < 0)
				goto bad;
			break;
		case 's':
			if (parse_hostport(optarg, o->saddr, sizeof(o->saddr),
			    &o->sport) < 0)
				goto bad;
			break;
		case 'n': o->console = 0; break;
		case 'V': printf("pkish %s\n", PKISH_VERSION); exit(0);
		case 'h': usage(stdout); exit(0);
		default: goto bad;
		}
	}
	if (optind == argc)
		return 0;
bad:
	usage(stderr);
	return -1;
}

static int
start(struct opts *o)
{
	char keys[4200];
	struct err e = { 0 };

	if (file_mkdirs(o->state, 0700, &e) < 0) {
		fprintf(stderr, "pkish: %s\n", e.msg);
		return -1;
	}
	sh_set_state_dir(o->state);
	snprintf(keys, sizeof(keys), "%s/keys", o->state);
	if (key_store_init(keys, &e) < 0) {
		fprintf(stderr, "pkish: %s\n", e.msg);
		return -1;
	}
	if (board_id_init(o->state, &e) < 0)
		fprintf(stderr, "pkish: board ID: %s\n", e.msg);
	if (trustpool_init(o->state, &e) < 0)
		fprintf(stderr, "pkish: trustpool: %s\n", e.msg);
	ca_init(o->state);
	sys_init();
	pki_set_sysinfo(&(const struct pki_sysinfo){ sys_if_addr,
	    sys_http_port, sys_fqdn });
	cmds_install_all();
	sh_load_startup();
	if (renew_start(o->state, &e) < 0) {
		fprintf(stderr, "pkish: %s\n", e.msg);
		return -1;
	}
	if (o->tport && telnet_server_start(o->taddr, o->tport, &e) < 0) {
		fprintf(stderr, "pkish: telnet: %s\n", e.msg);
		return -1;
	}
	if (o->sport && ssh_server_start(o->saddr, o->sport, &e) < 0) {
		fprintf(stderr, "pkish: ssh: %s\n", e.msg);
		return -1;
	}
	return 0;
}

int
main(int argc, char **argv)
{
	struct opts o = { 0 };
	sigset_t set;
	pthread_t st;
	int rc = 0;

	/* A fixed mmap threshold: glibc's dynamic one rises after the first
	 * large free (scrypt's 2 MiB at every login), and each session
	 * thread's arena then keeps that much resident: bench/config.sh
	 * measures 629 KiB per telnet session without it, 25 KiB with it. */
	mallopt(M_MMAP_THRESHOLD, 128 * 1024);
	pkish_crypto_init();
	if (parse_args(argc, argv, &o) < 0)
		return 2;
	signal(SIGPIPE, SIG_IGN);
	log_journal_init();
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	pthread_create(&st, NULL, signal_thread, &set);
	if (start(&o) < 0)
		rc = 1;
	else if (o.console) {
		console_run();
		sh_stop();	/* console EOF ends the vty sessions too */
	} else
		while (!sh_stopping())
			usleep(100000);
	if (o.sport)
		ssh_server_stop();
	if (o.tport)
		telnet_server_stop();
	pkish_shutdown();
	http_global_cleanup();
	pthread_kill(st, SIGTERM);	/* end the signal thread */
	pthread_join(st, NULL);
	return rc;
}
