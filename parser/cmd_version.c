/* parser/cmd_version.c - `show version` in the IOS layout that
 * configuration tools parse: "<host> uptime is", the image file, the
 * "cisco <MODEL> (<PROCESSOR>) processor ... with <N>K bytes of memory."
 * line, "Processor board ID", "Configuration register is". The values are
 * pkish's own: model PKISH, the machine's architecture and memory, the
 * running executable, the board ID kept in the state directory. */
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/sysinfo.h>
#include <sys/utsname.h>
#include "lib/clock.h"
#include "parser/commands.h"
#include "conf/conf.h"
#include "parser/vty.h"
#include "pki/pki.h"

#define PKISH_VERSION "0.1.0"

static void
uptime_str(long s, char *buf, size_t len)
{
	long w = s / 604800, d = s / 86400 % 7, h = s / 3600 % 24,
	    m = s / 60 % 60;
	size_t n = 0;

	buf[0] = '\0';
	if (w)
		n += (size_t)snprintf(buf + n, len - n, "%ld week%s, ", w,
		    w == 1 ? "" : "s");
	if (w || d)
		n += (size_t)snprintf(buf + n, len - n, "%ld day%s, ", d,
		    d == 1 ? "" : "s");
	if (w || d || h)
		n += (size_t)snprintf(buf + n, len - n, "%ld hour%s, ", h,
		    h == 1 ? "" : "s");
	snprintf(buf + n, len - n, "%ld minute%s", m, m == 1 ? "" : "s");
}

/* The running executable as an IOS file-system URL ("file:/usr/...") */
static void
image_path(char *buf, size_t len)
{
	char exe[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);

	if (n <= 0)
		snprintf(exe, sizeof(exe), "pkish");
	else
		exe[n] = '\0';
	snprintf(buf, len, "file:%s", exe);
}

static int
cmd_show_version(struct vty *v, struct args *a)
{
	char host[64], up[96], img[PATH_MAX + 8];
	struct utsname u;
	struct sysinfo si;
	unsigned long long kb = 0;

	sys_hostname(host, sizeof(host));
	uptime_str((long)(time(NULL) - clock_started()), up, sizeof(up));
	image_path(img, sizeof(img));
	if (uname(&u) < 0)
		snprintf(u.machine, sizeof(u.machine), "unknown");
	if (sysinfo(&si) == 0)
		kb = (unsigned long long)si.totalram * si.mem_unit / 1024;
	vty_out(v, "pkish Software (PKISH-%s), Version %s, RELEASE SOFTWARE\n",
	    u.machine, PKISH_VERSION);
	vty_out(v, "Technical Support: see the pkish README\n");
	vty_out(v, "Copyright (c) 2026 the pkish authors\n\n");
	vty_out(v, "ROM: pkish\n\n");
	vty_out(v, "%s uptime is %s\n", host, up);
	vty_out(v, "System image file is \"%s\"\n\n", img);
	vty_out(v, "cisco PKISH (%s) processor (revision %s) with %lluK bytes "
	    "of memory.\n", u.machine, PKISH_VERSION, kb);
	vty_out(v, "Processor board ID %s\n", enroll_device_serial());
	vty_out(v, "Crypto: OpenSSL 3, ACME (RFC 8555), SCEP (RFC 8894)\n\n");
	vty_out(v, "Configuration register is 0x2102\n");
	return 0;
}

static const struct cmd_def version_cmds[] = {
	{ M(MODE_EXEC), 1, "show version", NULL, cmd_show_version, 0 },
	{ 0, 0, NULL, NULL, NULL, 0 }
};

void
cmds_version_install(void)
{
	cmd_install(version_cmds);
}
