/* parser/cmd_show.c - show clock/users/running-config/
 * startup-config/logging, clear logging */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "lib/clock.h"
#include "lib/fileio.h"
#include "lib/log.h"
#include "parser/commands.h"
#include "parser/render.h"
#include "conf/conf.h"
#include "parser/vty.h"

static int
cmd_show_clock(struct vty *v, struct args *a)
{
	static const char *const wd[] = { "Sun", "Mon", "Tue", "Wed", "Thu",
	    "Fri", "Sat" };
	static const char *const mon[] = { "Jan", "Feb", "Mar", "Apr", "May",
	    "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
	struct timeval tv;
	struct tm tm;

	clock_now_tv(&tv);
	gmtime_r(&tv.tv_sec, &tm);
	vty_out(v, "%s%02d:%02d:%02d.%03d UTC %s %s %d %d\n",
	    clock_user_set() ? "" : "*", tm.tm_hour, tm.tm_min, tm.tm_sec,
	    (int)(tv.tv_usec / 1000), wd[tm.tm_wday], mon[tm.tm_mon],
	    tm.tm_mday, tm.tm_year + 1900);
	if (args_has(a, "detail"))
		vty_out(v, "Time source is %s\n", clock_user_set() ?
		    "user configuration" : "hardware calendar");
	return 0;
}

struct users_ctx {
	struct vty	*self;
	struct vty	*out;
};

/* One `show users` row, IOS columns: "*" for the asking session, the
 * absolute line number (con 0 = 0, vty N = N + 2), line, user, host,
 * idle time, location. Runs under the registry lock. */
static void
user_line(const struct vty_info *s, void *arg)
{
	struct users_ctx *u = arg;
	long idle = s->idle;
	char b[256];
	size_t n;

	if (s->exec_only)
		return;		/* a one-shot SSH exec, not a line */
	snprintf(b, sizeof(b), "%c%3d %-9s %-10s %-20s %02ld:%02ld:%02ld %s",
	    s->vty == u->self ? '*' : ' ', s->line, s->line_name, s->user,
	    "idle", idle / 3600, idle / 60 % 60, idle % 60, s->peer);
	for (n = strlen(b); n > 0 && b[n - 1] == ' '; n--)
		b[n - 1] = '\0';
	vty_out(u->out, "%s\n", b);
}

static int
cmd_show_users(struct vty *v, struct args *a)
{
	struct users_ctx u = { v, v };

	vty_out(v, "    Line       User       Host(s)              Idle       "
	    "Location\n");
	vty_foreach(user_line, &u);
	vty_out(v, "\n  Interface    User               Mode         Idle     "
	    "Peer Address\n");
	return 0;
}

/* The first lines of IOS `show terminal`: what `terminal length/width/
 * monitor`, NAWS and the line's exec-timeout set for this session. */
static int
cmd_show_terminal(struct vty *v, struct args *a)
{
	struct vty_info i;
	int t;

	vty_info(v, &i);
	vty_out(v, "Line %d, Location: \"%s\", Type: \"%s\"\n", i.line,
	    i.peer, i.kind);
	vty_out(v, "Length: %d lines, Width: %d columns\n", i.term_len,
	    i.term_width);
	vty_out(v, "Capabilities: %s\n", i.monitor ?
	    "Receives Logging Output" : "none");
	t = i.exec_timeout;
	if (t <= 0)
		vty_out(v, "Idle EXEC timeout is never.\n");
	else if (t % 60 == 0)
		vty_out(v, "Idle EXEC timeout is %d minutes.\n", t / 60);
	else
		vty_out(v, "Idle EXEC timeout is %02d:%02d:%02d.\n", t / 3600,
		    t / 60 % 60, t % 60);
	return 0;
}

static int
cmd_show_privilege(struct vty *v, struct args *a)
{
	vty_out(v, "Current privilege level is %d\n", vty_priv(v));
	return 0;
}

static int
cmd_show_running(struct vty *v, struct args *a)
{
	size_t len;
	enum render_view rv = args_has(a, "all") ? RV_ALL : args_has(a,
	    "brief") ? RV_BRIEF : args_has(a, "full") ? RV_FULL : RV_NORMAL;
	char *cfg = render_config_view(rv, &len);

	if (cfg == NULL) {
		vty_err(v, "Out of memory");
		return -1;
	}
	vty_out(v, "Building configuration...\n\n");
	vty_out(v, "Current configuration : %zu bytes\n", len);
	vty_write(v, cfg, len);
	free(cfg);
	return 0;
}

static int
cmd_show_startup(struct vty *v, struct args *a)
{
	char path[4096], *cfg;
	size_t len;
	struct err e = { 0 };

	snprintf(path, sizeof(path), "%s/startup-config", vty_state_dir());
	if ((cfg = file_read(path, 64 << 20, &len, &e)) == NULL) {
		if (e.code == E_NOTFOUND)
			vty_out(v, "startup-config is not present\n");
		else
			vty_err(v, "%s", e.msg);
		return e.code == E_NOTFOUND ? 0 : -1;
	}
	vty_out(v, "Using %zu out of 2097152 bytes\n", len);
	vty_write(v, cfg, len);
	free(cfg);
	return 0;
}

static const char *const sevn[] = { "emergencies", "alerts", "critical",
	"errors", "warnings", "notifications", "informational", "debugging" };

static const char *
lvl(int l)
{
	return l < 0 ? "disabled" : sevn[l];
}

/* A `logging host` in IOS `show logging`. */
static void
host_state(struct vty *v, const char *addr, int port, unsigned long logged)
{
	static const char in[] = "              ";

	vty_out(v, "        Logging to %s  (udp port %d, audit disabled,\n"
	    "%slink up),\n%s%lu message lines logged,\n"
	    "%s0 message lines rate-limited,\n"
	    "%s0 message lines dropped-by-MD,\n"
	    "%sxml disabled, sequence number disabled\n"
	    "%sfiltering disabled\n", addr, port, in, in, logged, in, in, in,
	    in);
}

/* One sink in IOS `show logging`: "    Console logging: level ..." */
static void
sink_state(struct vty *v, const char *name, int level, unsigned long logged,
    int indent)
{
	if (level < 0) {
		vty_out(v, "    %sdisabled\n", name);
		return;
	}
	vty_out(v, "    %slevel %s, %lu messages logged, xml disabled,\n"
	    "%*sfiltering disabled\n", name, lvl(level), logged, indent, "");
}

static int
cmd_show_logging(struct vty *v, struct args *a)
{
	struct log_cfg c;
	unsigned long logged, dropped;
	char *buf, addr[64];
	int port;

	log_cfg_get(&c);
	log_stats(&logged, &dropped);
	vty_out(v, "Syslog logging: enabled (%lu messages dropped, 0 messages "
	    "rate-limited, 0 flushes, 0 overruns, xml disabled, filtering "
	    "disabled)\n\nNo Active Message Discriminator.\n\n"
	    "No Inactive Message Discriminator.\n\n", dropped);
	sink_state(v, "Console logging: ", c.console_level, logged, 21);
	sink_state(v, "Monitor logging: ", c.monitor_level, logged, 21);
	sink_state(v, "Buffer logging:  ", c.buffered_level, logged, 20);
	vty_out(v, "    Exception Logging: size (4096 bytes)\n"
	    "    Count and timestamp logging messages: disabled\n"
	    "    Persistent logging: disabled\n\nNo active filter modules.\n"
	    "\n");
	vty_out(v, "    Trap logging: level %s, %lu message lines logged\n",
	    lvl(c.trap_level), logged);
	for (int i = 0; log_host_get(i, addr, sizeof(addr), &port) == 0; i++)
		host_state(v, addr, port, logged);
	vty_out(v, "\nLog Buffer (%d bytes):\n", c.buffered_size);
	if ((buf = log_buffer_dump(NULL)) != NULL) {
		vty_write(v, buf, strlen(buf));
		free(buf);
	}
	return 0;
}

static int
cmd_clear_logging(struct vty *v, struct args *a)
{
	if (vty_confirm(v, "Clear logging buffer [confirm]", 1) != 1)
		return 0;
	log_buffer_clear();
	return 0;
}

static const struct cmd_def show_cmds[] = {
	{ M(MODE_EXEC), 1, "show clock [detail]", "clock=Display the system "
	    "clock\ndetail=Display detailed information", cmd_show_clock, 0 },
	{ M(MODE_EXEC), 1, "show users", NULL, cmd_show_users, 0 },
	{ M(MODE_EXEC), 1, "show terminal", "terminal=Display terminal "
	    "configuration parameters", cmd_show_terminal, 0 },
	{ M(MODE_EXEC), 0, "show privilege", "privilege=Show current "
	    "privilege level", cmd_show_privilege, 0 },
	{ M(MODE_EXEC), 15, "show running-config [{all|brief|full}]",
	    "all=Configuration with defaults\nbrief=configuration without "
	    "certificate data\nfull=full configuration", cmd_show_running, 0 },
	{ M(MODE_EXEC), 15, "write terminal", "terminal=Write to terminal",
	    cmd_show_running, 0 },
	{ M(MODE_EXEC), 15, "show startup-config", NULL, cmd_show_startup, 0 },
	{ M(MODE_EXEC), 1, "show logging", "logging=Show the contents of "
	    "logging buffers", cmd_show_logging, 0 },
	{ M(MODE_EXEC), 15, "clear logging", "logging=Clear logging buffer",
	    cmd_clear_logging, 0 },
	{ 0, 0, NULL, NULL, NULL, 0 }
};

void
cmds_show_install(void)
{
	cmd_install(show_cmds);
}
