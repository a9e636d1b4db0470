/* parser/cmd_exec.c - EXEC commands: enable, configure, terminal, clock,
 * write, copy, show version/clock/users, exit */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "lib/clock.h"
#include "lib/fileio.h"
#include "lib/log.h"
#include "lib/secret.h"
#include "parser/commands.h"
#include "parser/render.h"
#include "conf/conf.h"
#include "parser/vty.h"

static int
cmd_enable(struct vty *v, struct args *a)
{
	char stored[160], pass[128];
	int lvl = (int)args_int(a, "enable", 15);

	snprintf(stored, sizeof(stored), "%s", sys_lock()->enable_secret);
	sys_unlock();
	if (lvl <= vty_priv(v)) {
		vty_set_priv(v, lvl);
		return 0;
	}
	if (stored[0] == '\0') {
		if (!vty_on_console(v)) {
			vty_err(v, "No password set");
			return -1;
		}
		vty_set_priv(v, lvl);
		return 0;
	}
	for (int i = 0; i < 3; i++) {
		if (vty_read_line(v, "Password: ", pass, sizeof(pass), 0) < 0)
			return -1;
		if (secret_verify(pass, stored) == 1) {
			explicit_bzero(pass, sizeof(pass));
			vty_set_priv(v, lvl);
			return 0;
		}
	}
	explicit_bzero(pass, sizeof(pass));
	vty_err(v, "Bad secrets");
	return -1;
}

static int
cmd_disable(struct vty *v, struct args *a)
{
	vty_set_priv(v, 1);
	return 0;
}

static int
cmd_exit(struct vty *v, struct args *a)
{
	if (vty_mode(v) == MODE_EXEC) {
		vty_close(v);
		return 0;
	}
	if (vty_mode(v) == MODE_CONFIG) {
		vty_set_mode(v, MODE_EXEC, NULL);
		vty_config_done(v);
		return 0;
	}
	vty_set_mode(v, mode_get(vty_mode(v))->parent, NULL);
	return 0;
}

static int
cmd_end(struct vty *v, struct args *a)
{
	vty_set_mode(v, MODE_EXEC, NULL);
	vty_config_done(v);
	return 0;
}

static int
cmd_do(struct vty *v, struct args *a)
{
	const char *p = a->line;

	p += strspn(p, " \t");
	p += strcspn(p, " \t");
	p += strspn(p, " \t");
	return vty_do(v, p, (size_t)(p - a->line));
}

static int
cmd_configure(struct vty *v, struct args *a)
{
	if (!vty_noecho(v) && !vty_exec_only(v))
		vty_out(v, "Enter configuration commands, one per line.  "
		    "End with CNTL/Z.\n");
	vty_set_mode(v, MODE_CONFIG, NULL);
	return 0;
}

static int
cmd_terminal(struct vty *v, struct args *a)
{
	if (args_has(a, "length"))
		vty_set_length(v, (int)args_int(a, "length", 24));
	else if (args_has(a, "width"))
		vty_set_width(v, (int)args_int(a, "width", 80));
	else if (args_has(a, "monitor"))
		vty_set_monitor(v, !a->no && !args_has(a, "no"));
	return 0;
}

static const char *const months[] = { "january", "february", "march",
	"april", "may", "june", "july", "august", "september", "october",
	"november", "december" };

/* The month keyword given (IOS parses months as keywords, so "sept"
 * and "Jan" work and "ju" is ambiguous), 0-11. */
static int
month_of(const struct args *a)
{
	for (int i = 0; i < 12; i++)
		if (args_has(a, months[i]))
			return i;
	return 0;
}

static int
cmd_clock_set(struct vty *v, struct args *a)
{
	const char *t = args_get(a, "set");
	struct tm tm = { 0 };
	char old[40], now[40];
	time_t before = clock_now(), when;
	int day;

	sscanf(t, "%d:%d:%d", &tm.tm_hour, &tm.tm_min, &tm.tm_sec);
	tm.tm_mday = (int)args_int(a, "day", 1);
	tm.tm_mon = month_of(a);
	tm.tm_year = (int)args_int(a, "year", 2026) - 1900;
	day = tm.tm_mday;
	when = timegm(&tm);	/* normalises tm: 31 February -> 3 March */
	if (tm.tm_mday != day) {
		vty_err(v, "Invalid date: %s has no day %d",
		    months[month_of(a)], day);
		return -1;
	}
	clock_set(when);
	log_msg(SEV_INFO, "SYS", "CLOCKUPDATE", "System clock has been updated "
	    "from %s to %s, configured from console by %s.",
	    clock_fmt_show(before, old, sizeof(old)),
	    clock_fmt_show(when, now, sizeof(now)),
	    vty_user(v)[0] ? vty_user(v) : "console");
	log_msg(SEV_INFO, "PKI", "AUTHORITATIVE_CLOCK",
	    "The system clock has been set.");
	pki_clock_changed();
	return 0;
}

/* Two sessions saving at once would share the temp file name of
 * file_write_atomic() (it is per process): one save at a time. */
static pthread_mutex_t save_mu = PTHREAD_MUTEX_INITIALIZER;

static int
cmd_write_memory(struct vty *v, struct args *a)
{
	char path[4096], *cfg;
	size_t len;
	struct err e = { 0 };
	int rc = 0;

	vty_out(v, "Building configuration...\n");
	vty_flush(v);
	snprintf(path, sizeof(path), "%s/startup-config", vty_state_dir());
	pthread_mutex_lock(&save_mu);
	if ((cfg = render_config(&len)) == NULL)
		rc = err_set(&e, E_NOMEM, "out of memory");
	else
		rc = file_write_atomic(path, cfg, len, 0600, &e);
	pthread_mutex_unlock(&save_mu);
	free(cfg);
	if (rc < 0) {
		vty_err(v, "Error writing startup-config: %s", e.msg);
		return -1;
	}
	vty_out(v, "[OK]\n");
	return 0;
}

static int
cmd_copy_run_start(struct vty *v, struct args *a)
{
	char ans[128];

	if (vty_read_line(v, "Destination filename [startup-config]? ", ans,
	    sizeof(ans), 1) < 0)
		return -1;
	if (ans[0] && strcmp(ans, "startup-config") != 0) {
		vty_err(v, "Only startup-config is supported as destination");
		return -1;
	}
	return cmd_write_memory(v, a);
}

#define MONTHS	"{january|february|march|april|may|june|july|august|" \
	"september|october|november|december}"
#define MONTH_HELP "january=Month of the year\nfebruary=Month of the year\n" \
	"march=Month of the year\napril=Month of the year\nmay=Month of " \
	"the year\njune=Month of the year\njuly=Month of the year\n" \
	"august=Month of the year\nseptember=Month of the year\n" \
	"october=Month of the year\nnovember=Month of the year\n" \
	"december=Month of the year"

static const struct cmd_def exec_cmds[] = {
	{ M(MODE_EXEC), 0, "enable [<0-15>]", "<0-15>=Enable level",
	    cmd_enable, 0 },
	{ M(MODE_EXEC), 1, "disable", NULL, cmd_disable, 0 },
	{ M(MODE_EXEC), 0, "{exit|logout|quit}", "logout=Exit from the EXEC\n"
	    "quit=Exit from the EXEC", cmd_exit, 0 },
	{ M_CFGANY, 0, "exit", "exit=Exit from configure mode", cmd_exit, 0 },
	{ M_CFGANY, 0, "end", NULL, cmd_end, 0 },
	{ M_CFGANY, 0, "do LINE", "LINE=Exec Command", cmd_do, 0 },
	{ M(MODE_EXEC), 15, "configure [terminal]",
	    "terminal=Configure from the terminal", cmd_configure, 0 },
	{ M(MODE_EXEC), 1, "terminal length <0-512>",
	    "<0-512>=Number of lines on screen (0 for no pausing)",
	    cmd_terminal, 0 },
	{ M(MODE_EXEC), 1, "terminal width <0-512>",
	    "<0-512>=Number of characters on a screen line", cmd_terminal, 0 },
	{ M(MODE_EXEC), 1, "terminal [no] monitor", NULL, cmd_terminal, 0 },
	{ M(MODE_EXEC), 15, "clock set HH:MM:SS {<1-31>$day " MONTHS "|"
	    MONTHS " <1-31>$day} <1993-2035>$year",
	    "set=Set the time and date\nHH:MM:SS=Current Time\n"
	    "<1-31>=Day of the month\n<1993-2035>=Year\n" MONTH_HELP,
	    cmd_clock_set, 0 },
	{ M(MODE_EXEC), 15, "write [memory]", NULL, cmd_write_memory, 0 },
	{ M(MODE_EXEC), 15, "copy running-config startup-config",
	    "copy=Copy from one file to another", cmd_copy_run_start, 0 },
	{ 0, 0, NULL, NULL, NULL, 0 }
};

void
cmds_exec_install(void)
{
	cmd_install(exec_cmds);
}
