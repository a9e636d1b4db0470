/* parser/cmd_sys.c - global configuration: hostname, users, enable
 * secret, domain, lines, interfaces, ip http, logging */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "lib/log.h"
#include "lib/secret.h"
#include "parser/commands.h"
#include "conf/conf.h"
#include "pki/pki.h"
#include "parser/vty.h"
#include "pki/pki.h"

#define LEVELS "{<0-7>$level|emergencies|alerts|critical|errors|warnings|" \
	"notifications|informational|debugging}"
#define LEVEL_HELP "<0-7>=Logging severity level\nemergencies=System is " \
	"unusable (severity=0)\nalerts=Immediate action needed " \
	"(severity=1)\ncritical=Critical conditions (severity=2)\n" \
	"errors=Error conditions (severity=3)\nwarnings=Warning conditions " \
	"(severity=4)\nnotifications=Normal but significant conditions " \
	"(severity=5)\ninformational=Informational messages (severity=6)\n" \
	"debugging=Debugging messages (severity=7)\n"

static void
changed(struct vty *v)
{
	sys_changed(vty_user(v)[0] ? vty_user(v) : "console");
}

static int
cmd_hostname(struct vty *v, struct args *a)
{
	const char *h = args_get(a, "hostname");
	struct sys_conf *c;

	if (a->no)
		h = "pkish";
	if (!isalpha((unsigned char)h[0]) || strlen(h) > 63) {
		vty_err(v, "Hostname must start with a letter and be at most "
		    "63 characters");
		return -1;
	}
	for (const char *p = h; *p; p++)
		if (!isalnum((unsigned char)*p) && *p != '-' && *p != '_' &&
		    *p != '.') {
			vty_err(v, "Invalid character '%c' in hostname", *p);
			return -1;
		}
	c = sys_lock();
	snprintf(c->hostname, sizeof(c->hostname), "%s", h);
	sys_unlock();
	log_set_hostname(h);
	changed(v);
	return 0;
}

static int
cmd_domain(struct vty *v, struct args *a)
{
	const char *d = a->no ? "" : args_get(a, "name");
	struct sys_conf *c;

	if (d == NULL)
		d = args_get(a, "domain-name");
	c = sys_lock();
	snprintf(c->domain, sizeof(c->domain), "%s", d ? d : "");
	sys_unlock();
	changed(v);
	return 0;
}

/* Turn "secret [TYPE] VALUE" into a stored hash. */
static int
make_secret(struct vty *v, const struct args *a, const char *val,
    char *out, size_t len)
{
	struct err e = { 0 };
	int t = args_has(a, "5") ? 5 : args_has(a, "8") ? 8 :
	    args_has(a, "9") ? 9 : 0;

	if (t == 0) {
		if (secret_hash9(val, out, len, &e) < 0) {
			vty_err(v, "%s", e.msg);
			return -1;
		}
		return 0;
	}
	if (secret_type(val) != t) {
		vty_err(v, "Invalid encrypted secret: %s", val);
		return -1;
	}
	snprintf(out, len, "%s", val);
	return 0;
}

static int
cmd_username(struct vty *v, struct args *a)
{
	const char *name = args_get(a, "name"), *val = args_get(a, "secret");
	char hash[160];
	struct sys_conf *c;
	struct sys_user *u;

	if (!a->no && make_secret(v, a, val, hash, sizeof(hash)) < 0)
		return -1;
	if (strlen(name) >= sizeof(u->name)) {
		vty_err(v, "Username too long (max %zu characters)",
		    sizeof(u->name) - 1);
		return -1;
	}
	c = sys_lock();
	if (a->no) {
		if ((u = sys_user_find(c, name)) != NULL)
			sys_user_del(c, u);
	} else if ((u = sys_user_add(c, name)) == NULL) {
		sys_unlock();
		vty_err(v, "Too many users (max %d)", SYS_MAX_USERS);
		return -1;
	} else {
		u->priv = (int)args_int(a, "privilege", 1);
		snprintf(u->secret, sizeof(u->secret), "%s", hash);
	}
	sys_unlock();
	changed(v);
	return 0;
}

static int
cmd_enable_secret(struct vty *v, struct args *a)
{
	char hash[160] = "";
	struct sys_conf *c;

	if (!a->no && make_secret(v, a, args_get(a, "secret"), hash,
	    sizeof(hash)) < 0)
		return -1;
	c = sys_lock();
	snprintf(c->enable_secret, sizeof(c->enable_secret), "%s", hash);
	sys_unlock();
	changed(v);
	return 0;
}

static int
cmd_line(struct vty *v, struct args *a)
{
	struct sys_conf *c;
	int first, last;

	if (args_has(a, "con")) {
		vty_set_mode(v, MODE_LINE, "con");
		return 0;
	}
	first = (int)args_int(a, "first", 0);
	last = (int)args_int(a, "last", first);
	if (last < first) {
		vty_err(v, "Invalid line range %d %d", first, last);
		return -1;
	}
	c = sys_lock();
	c->vty_present = 1;
	c->vty_first = first;
	c->vty_last = last;
	sys_unlock();
	vty_set_mode(v, MODE_LINE, "vty");
	return 0;
}

/* Line settings apply to the vty lines; the console line has no login
 * or transports in pkish, so say so instead of dropping the command. */
static int
vty_line(struct vty *v)
{
	if (strcmp(vty_ctx(v), "vty") == 0)
		return 1;
	vty_err(v, "Not supported on line con 0 (only on line vty)");
	return 0;
}

static int
cmd_line_login(struct vty *v, struct args *a)
{
	if (!vty_line(v))
		return -1;
	sys_lock()->vty_login = !a->no;
	sys_unlock();
	changed(v);
	return 0;
}

static int
cmd_line_transport(struct vty *v, struct args *a)
{
	int m = 0;

	if (!vty_line(v))
		return -1;
	if (args_has(a, "all") || a->no)
		m = TRANSPORT_TELNET | TRANSPORT_SSH;
	if (args_has(a, "telnet"))
		m |= TRANSPORT_TELNET;
	if (args_has(a, "ssh"))
		m |= TRANSPORT_SSH;
	sys_lock()->vty_transport = m;
	sys_unlock();
	changed(v);
	return 0;
}

static int
cmd_line_timeout(struct vty *v, struct args *a)
{
	long s = a->no ? 600 : args_int(a, "min", 10) * 60 +
	    args_int(a, "sec", 0);

	if (!vty_line(v))
		return -1;
	sys_lock()->vty_timeout = (int)(s > 0x7fffffff ? 0x7fffffff : s);
	sys_unlock();
	changed(v);
	return 0;
}

/* `timeout login response N`: how long each login prompt waits for its
 * whole answer (IOS default 30 s). */
static int
cmd_line_login_timeout(struct vty *v, struct args *a)
{
	if (!vty_line(v))
		return -1;
	sys_lock()->login_timeout = a->no ? 30 :
	    (int)args_int(a, "seconds", 30);
	sys_unlock();
	changed(v);
	return 0;
}

static int
cmd_interface(struct vty *v, struct args *a)
{
	const char *name = args_get(a, "interface");
	struct sys_conf *c;
	struct sys_if *x;

	if (strlen(name) >= sizeof(x->name)) {
		vty_err(v, "Interface name too long (max %zu characters)",
		    sizeof(x->name) - 1);
		return -1;
	}
	c = sys_lock();
	if (a->no) {
		if ((x = sys_if_find(c, name)) != NULL)
			sys_if_del(c, x);
		sys_unlock();
		changed(v);
		return 0;
	}
	if ((x = sys_if_add(c, name)) == NULL) {
		sys_unlock();
		vty_err(v, "Too many interfaces (max %d)", SYS_MAX_IFS);
		return -1;
	}
	vty_set_mode(v, MODE_IF, x->name);	/* the stored spelling */
	sys_unlock();
	return 0;
}

static int
cmd_if_set(struct vty *v, struct args *a)
{
	struct sys_conf *c = sys_lock();
	struct sys_if *x = sys_if_find(c, vty_ctx(v));
	const char *ip = args_get(a, "address"), *mask = args_get(a, "mask");

	if (x == NULL) {
		sys_unlock();
		vty_err(v, "Interface %s no longer exists", vty_ctx(v));
		return -1;
	}
	if (args_has(a, "shutdown"))
		x->shutdown = !a->no;
	else if (args_has(a, "description"))
		snprintf(x->desc, sizeof(x->desc), "%s", a->no ? "" :
		    args_get(a, "description"));
	else if (a->no || ip == NULL)
		x->addr[0] = x->mask[0] = '\0';
	else {
		snprintf(x->addr, sizeof(x->addr), "%s", ip);
		snprintf(x->mask, sizeof(x->mask), "%s", mask);
	}
	sys_unlock();
	changed(v);
	return 0;
}

/* The certificate server's SCEP follows `ip http server` and its port. */
static int
http_follow(struct vty *v)
{
	struct err e = { 0 };

	if (ca_serve(sys_http_server() ? sys_http_port() : -1, &e) == 0)
		return 0;
	vty_err(v, "%s", e.msg);
	return -1;
}

/* Serve /metrics on port; the configuration keeps the command when the
 * port cannot be bound (it is tried again at the next `ip http port`). */
static void
metrics_on(struct vty *v, int port)
{
	struct err e = { 0 };

	if (metrics_start(port, &e) < 0)
		vty_err(v, "Metrics endpoint not started on port %d: %s", port,
		    e.msg);
}

static int
cmd_http_port(struct vty *v, struct args *a)
{
	struct sys_conf *c = sys_lock();
	int port, metrics;

	port = c->http_port = a->no ? 80 : (int)args_int(a, "port", 80);
	metrics = c->http_metrics;
	sys_unlock();
	if (metrics)
		metrics_on(v, port);
	changed(v);
	return http_follow(v);
}

static int
cmd_http_metrics(struct vty *v, struct args *a)
{
	struct sys_conf *c = sys_lock();
	int port = c->http_port;

	c->http_metrics = !a->no;
	sys_unlock();
	if (a->no)
		metrics_stop();
	else
		metrics_on(v, port);
	changed(v);
	return 0;
}

static int
cmd_http_server(struct vty *v, struct args *a)
{
	sys_lock()->http_server = !a->no;
	sys_unlock();
	changed(v);
	return http_follow(v);
}

static int
level_of(const struct args *a, int dflt)
{
	static const char *const n[] = { "emergencies", "alerts", "critical",
	    "errors", "warnings", "notifications", "informational",
	    "debugging" };

	for (int i = 0; i < 8; i++)
		if (args_has(a, n[i]))
			return i;
	return (int)args_int(a, "level", dflt);
}

static int
cmd_logging(struct vty *v, struct args *a)
{
	struct log_cfg c;

	log_cfg_get(&c);
	/* IOS: `no logging buffered|console|monitor` turn the sink off;
	 * `no logging trap` restores the default level */
	if (args_has(a, "buffered")) {
		if (!a->no)
			c.buffered_size = (int)args_int(a, "buffered", 4096);
		c.buffered_level = a->no ? -1 : level_of(a, SEV_DEBUG);
	} else if (args_has(a, "console"))
		c.console_level = a->no ? -1 : level_of(a, SEV_DEBUG);
	else if (args_has(a, "monitor"))
		c.monitor_level = a->no ? -1 : level_of(a, SEV_DEBUG);
	else if (args_has(a, "trap"))
		c.trap_level = a->no ? SEV_INFO : level_of(a, SEV_INFO);
	log_cfg_set(&c);
	changed(v);
	return 0;
}

static int
cmd_logging_host(struct vty *v, struct args *a)
{
	const char *h = args_get(a, "host");

	if (a->no)
		log_host_del(h);
	else if (log_host_add(h, (int)args_int(a, "port", 514)) < 0) {
		vty_err(v, "Too many logging hosts");
		return -1;
	}
	changed(v);
	return 0;
}

static int
cmd_ignore(struct vty *v, struct args *a)
{
	return 0;
}

static const struct cmd_def sys_cmds[] = {
	{ M(MODE_CONFIG), 15, "hostname WORD", "WORD=This system's network "
	    "name", cmd_hostname, CMD_NO },
	{ M(MODE_CONFIG), 15, "ip {domain name|domain-name} WORD$name",
	    "domain=IP DNS Resolver\nname=Define the default domain name\n"
	    "domain-name=Define the default domain name\nWORD=Default domain "
	    "name", cmd_domain, CMD_NO },
	{ M(MODE_CONFIG), 15, "username WORD$name [privilege <0-15>] secret "
	    "[{0|5|8|9}] LINE$secret", "WORD=User name\n<0-15>=User "
	    "privilege level\n0=Specifies an UNENCRYPTED secret will follow\n"
	    "5=Specifies a MD5 HASHED secret will follow\n8=Specifies a "
	    "PBKDF2 HASHED secret will follow\n9=Specifies a SCRYPT HASHED "
	    "secret will follow\nLINE=The secret for the user",
	    cmd_username, 0 },
	{ M(MODE_CONFIG), 15, "username WORD$name", "WORD=User name",
	    cmd_username, CMD_NOONLY },
	{ M(MODE_CONFIG), 15, "enable secret [{0|5|8|9}] LINE$secret",
	    "enable=Modify enable password parameters\nsecret=Assign the "
	    "privileged level secret\nLINE=The UNENCRYPTED (cleartext) "
	    "'enable' secret", cmd_enable_secret, CMD_NO },
	{ M(MODE_CONFIG), 15, "line vty <0-255>$first [<0-255>$last]",
	    "vty=Virtual terminal\n<0-255>=First Line number",
	    cmd_line, 0 },
	{ M(MODE_CONFIG), 15, "line con 0", "con=Primary terminal line\n"
	    "0=First Line number", cmd_line, 0 },
	{ M(MODE_LINE), 15, "login [local]", "local=Local password checking",
	    cmd_line_login, CMD_NO },
	{ M(MODE_LINE), 15, "transport input {all|none|telnet [ssh]|"
	    "ssh [telnet]}", "input=Define which protocols to use when "
	    "connecting to the terminal server\nall=All protocols\nnone=No "
	    "protocols\ntelnet=TCP/IP Telnet protocol\nssh=TCP/IP SSH protocol",
	    cmd_line_transport, CMD_NO },
	{ M(MODE_LINE), 15, "transport input", "input=Define which protocols "
	    "to use when connecting to the terminal server",
	    cmd_line_transport, CMD_NOONLY },
	{ M(MODE_LINE), 15, "exec-timeout <0-35791>$min [<0-2147483>$sec]",
	    "<0-35791>=Timeout in minutes\n<0-2147483>=Timeout in seconds",
	    cmd_line_timeout, CMD_NO },
	{ M(MODE_LINE), 15, "timeout login response <1-300>$seconds",
	    "timeout=Timeouts\nlogin=Timeouts related to the login sequence\n"
	    "response=Timeout for any user input during login sequences\n"
	    "<1-300>=Timeout in seconds", cmd_line_login_timeout, CMD_NO },
	{ M(MODE_CONFIG), 15, "interface WORD", "WORD=Interface name",
	    cmd_interface, 0 },
	{ M(MODE_CONFIG), 15, "interface WORD", "WORD=Interface name",
	    cmd_interface, CMD_NOONLY },
	{ M(MODE_IF), 15, "ip address A.B.C.D$address A.B.C.D$mask",
	    "ip=Interface Internet Protocol config commands\naddress=Set the "
	    "IP address of an interface\nA.B.C.D=IP address", cmd_if_set,
	    CMD_NO },
	{ M(MODE_IF), 15, "shutdown", NULL, cmd_if_set, CMD_NO },
	{ M(MODE_IF), 15, "description LINE", "description=Interface specific "
	    "description\nLINE=Up to 240 characters describing this interface",
	    cmd_if_set, CMD_NO },
	{ M(MODE_CONFIG), 15, "ip http port <1-65535>", "port=HTTP server port"
	    "\n<1-65535>=Port number", cmd_http_port, CMD_NO },
	{ M(MODE_CONFIG), 15, "ip http server", "server=Enable HTTP server "
	    "(SCEP of the certificate server)", cmd_http_server, CMD_NO },
	{ M(MODE_CONFIG), 15, "ip http metrics", "metrics=Serve Prometheus "
	    "metrics at /metrics", cmd_http_metrics, CMD_NO },
	{ M(MODE_CONFIG), 15, "logging buffered [<4096-2147483647>] [" LEVELS
	    "]", LEVEL_HELP "buffered=Set buffered logging parameters\n"
	    "<4096-2147483647>=Logging buffer size", cmd_logging, CMD_NO },
	{ M(MODE_CONFIG), 15, "logging console [" LEVELS "]", LEVEL_HELP
	    "console=Set console logging parameters", cmd_logging, CMD_NO },
	{ M(MODE_CONFIG), 15, "logging {monitor|trap} " LEVELS, LEVEL_HELP
	    "monitor=Set terminal line (monitor) logging parameters\n"
	    "trap=Set syslog server logging level", cmd_logging, CMD_NO },
	{ M(MODE_CONFIG), 15, "logging host A.B.C.D [transport udp port "
	    "<1-65535>]", "A.B.C.D=IP address of the syslog server\n"
	    "transport=Specify the transport protocol (default=UDP)\n"
	    "udp=UDP based syslog\nport=Specify the UDP port (default=514)",
	    cmd_logging_host, 0 },
	{ M(MODE_CONFIG), 15, "logging host A.B.C.D [transport udp port "
	    "<1-65535>]", "A.B.C.D=IP address of the syslog server\n"
	    "transport=Specify the transport protocol (default=UDP)\n"
	    "udp=UDP based syslog\nport=Specify the UDP port (default=514)",
	    cmd_logging_host, CMD_NOONLY },
	{ M(MODE_CONFIG), 15, "version LINE", NULL, cmd_ignore, CMD_HIDDEN },
	{ M(MODE_CONFIG) | M(MODE_EXEC), 15, "Building LINE", NULL,
	    cmd_ignore, CMD_HIDDEN },
	{ M(MODE_CONFIG) | M(MODE_EXEC), 15, "Current LINE", NULL, cmd_ignore,
	    CMD_HIDDEN },
	{ 0, 0, NULL, NULL, NULL, 0 }
};

void
cmds_sys_install(void)
{
	cmd_install(sys_cmds);
}
