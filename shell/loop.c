/* shell/loop.c - session lifecycle: registry, login, the command loop,
 * exec requests */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include "lib/clock.h"
#include "lib/log.h"
#include "lib/secret.h"
#include "conf/conf.h"
#include "parser/parser.h"
#include "shell/shell_int.h"

#define MAX_SESSIONS	256

static pthread_mutex_t reg_mu = PTHREAD_MUTEX_INITIALIZER;
static struct vty *sessions;
static unsigned char vty_used[MAX_SESSIONS];

void
sh_register(struct vty *v)
{
	pthread_mutex_lock(&reg_mu);
	if (v->transport != SH_CONSOLE) {
		for (v->line_no = 0; v->line_no < MAX_SESSIONS - 1 &&
		    vty_used[v->line_no]; v->line_no++)
			;
		vty_used[v->line_no] = 1;
		snprintf(v->line_name, sizeof(v->line_name), "vty %d",
		    v->line_no);
	} else
		snprintf(v->line_name, sizeof(v->line_name), "con 0");
	v->next = sessions;
	sessions = v;
	pthread_mutex_unlock(&reg_mu);
}

void
sh_unregister(struct vty *v)
{
	pthread_mutex_lock(&reg_mu);
	for (struct vty **pp = &sessions; *pp; pp = &(*pp)->next)
		if (*pp == v) {
			*pp = v->next;
			break;
		}
	if (v->transport != SH_CONSOLE)
		vty_used[v->line_no] = 0;
	pthread_mutex_unlock(&reg_mu);
}

/* Visit every session under the registry lock (show users). */
void
sh_foreach(void (*fn)(struct vty *, void *), void *ctx)
{
	pthread_mutex_lock(&reg_mu);
	for (struct vty *v = sessions; v; v = v->next)
		fn(v, ctx);
	pthread_mutex_unlock(&reg_mu);
}

int
sh_auth_password(const char *user, const char *pass, int *priv)
{
	struct sys_conf *c = sys_lock();
	struct sys_user *u = sys_user_find(c, user);
	char stored[160] = "";
	int p = 1;

	if (u != NULL) {
		snprintf(stored, sizeof(stored), "%s", u->secret);
		p = u->priv;
	}
	sys_unlock();
	if (stored[0] == '\0' || secret_verify(pass, stored) != 1)
		return -1;
	*priv = p;
	return 0;
}

/* %SEC_LOGIN-4-LOGIN_FAILED as IOS logs it, with the local port when
 * known (0 otherwise) and the time of the attempt. */
static void
login_failed(const char *user, const char *peer, int lport,
    const char *reason)
{
	static const char *const wd[] = { "Sun", "Mon", "Tue", "Wed", "Thu",
	    "Fri", "Sat" };
	char d[40];
	time_t now = clock_now();
	struct tm tm;

	gmtime_r(&now, &tm);
	clock_fmt_show(now, d, sizeof(d));	/* "hh:mm:ss UTC Mon d yyyy" */
	log_msg(SEV_WARN, "SEC_LOGIN", "LOGIN_FAILED",
	    "Login failed [user: %s] [Source: %s] [localport: %d] "
	    "[Reason: %s] at %.13s%s %s", user, peer, lport, reason, d,
	    wd[tm.tm_wday], d + 13);
}

/* The local port of a session's socket, 0 if it is not one. */
static int
local_port(int fd)
{
	struct sockaddr_storage ss;
	socklen_t sl = sizeof(ss);

	if (getsockname(fd, (struct sockaddr *)&ss, &sl) < 0)
		return 0;
	if (ss.ss_family == AF_INET)
		return ntohs(((struct sockaddr_in *)&ss)->sin_port);
	if (ss.ss_family == AF_INET6)
		return ntohs(((struct sockaddr_in6 *)&ss)->sin6_port);
	return 0;
}

void
sh_auth_failed(const char *user, const char *peer, const char *reason)
{
	login_failed(user, peer, 0, reason);
}

int
sh_transport_allowed(enum sh_transport t)
{
	int m;

	if (t == SH_CONSOLE)
		return 1;
	m = sys_lock()->vty_transport;
	sys_unlock();
	return (m & (t == SH_SSH ? TRANSPORT_SSH : TRANSPORT_TELNET)) != 0;
}

/* One login prompt: its answer must be complete within the line's
 * `timeout login response` (a silent or trickling peer is cut). */
static int
login_read(struct vty *v, const char *prompt, char *buf, size_t len,
    int echo)
{
	int rc, secs = sys_lock()->login_timeout;

	sys_unlock();
	v->deadline = sh_mono() + (secs > 0 ? secs : 30);
	rc = vty_read_line(v, prompt, buf, len, echo);
	v->deadline = 0;
	if (rc == -2 && !sh_stopping())
		vty_out(v, "%% %s timeout expired!\n", prompt);
	return rc;
}

static int
login(struct vty *v)
{
	char user[64], pass[128];
	int priv, nusers, local;

	struct sys_conf *c = sys_lock();

	nusers = c->nusers;
	local = c->vty_login;
	sys_unlock();
	if (!local) {
		v->priv = 1;
		return 0;
	}
	if (nusers == 0) {
		vty_puts(v, "Password required, but none set\n");
		return -1;
	}
	vty_puts(v, "\nUser Access Verification\n\n");
	for (int tries = 0; tries < 3; tries++) {
		if (login_read(v, "Username: ", user, sizeof(user), 1) < 0 ||
		    login_read(v, "Password: ", pass, sizeof(pass), 0) < 0)
			return -1;
		if (sh_auth_password(user, pass, &priv) == 0) {
			/* show users reads it from other threads */
			pthread_mutex_lock(&reg_mu);
			snprintf(v->user, sizeof(v->user), "%s", user);
			pthread_mutex_unlock(&reg_mu);
			v->priv = priv;
			explicit_bzero(pass, sizeof(pass));
			return 0;
		}
		explicit_bzero(pass, sizeof(pass));
		login_failed(user, v->peer, local_port(v->in_fd),
		    "Login Authentication Failed");
		vty_puts(v, "% Login invalid\n\n");
	}
	return -1;
}

void
sh_console_loop(struct vty *v)
{
	char prompt[160], line[SH_LINE_MAX];
	int rc;

	while (!v->closing && !v->dead && !sh_stopping()) {
		vty_drain(v);
		sh_prompt(v, prompt, sizeof(prompt));
		rc = le_readline(v, prompt, line, sizeof(line), LE_EDIT);
		if (rc == -1 || rc == -2)
			break;
		if (rc == -5) {
			vty_err(v, "Input line too long (max %d characters); "
			    "ignored", SH_LINE_MAX - 1);
			continue;
		}
		if (rc == -3 || rc == -4) {
			if (v->mode != MODE_EXEC) {
				vty_set_mode(v, MODE_EXEC, NULL);
				sh_config_done(v);
			}
			continue;
		}
		sh_execute(v, line);
	}
}

/* A vty session beyond the configured lines (line vty 0 N: N + 1 of
 * them) is told so and closed; exec requests are never refused. */
static int
line_free(struct vty *v)
{
	int lines = sys_lock()->vty_last + 1;

	sys_unlock();
	if (v->transport == SH_CONSOLE || v->line_no < lines)
		return 1;
	vty_out(v, "%% All %d vty lines are in use; try again later\n",
	    lines);
	log_msg(SEV_WARN, "SYS", "VTY_BUSY", "vty connection from %s "
	    "refused: all %d vty lines are in use", v->peer, lines);
	return 0;
}

void
sh_session_run(int fd, const struct sh_origin *o)
{
	struct vty *v = vty_new(fd, fd, o);

	if (v == NULL)
		return;
	sh_register(v);
	v->sink_id = log_sink_add(vty_log_sink, v,
	    o->transport == SH_CONSOLE);
	if (v->telnet)
		vty_telnet_start(v);
	if (!sh_transport_allowed(o->transport) || !line_free(v))
		goto out;
	if (o->transport != SH_CONSOLE) {
		v->exec_timeout = sys_lock()->vty_timeout;
		sys_unlock();
	}
	if (o->transport == SH_TELNET && login(v) < 0)
		goto out;
	vty_term_write(v, "\n", 1);
	sh_console_loop(v);
out:
	vty_flush(v);
	sh_unregister(v);
	vty_free(v);
}

int
sh_exec(const char *line, const struct sh_origin *o, sh_write_fn fn,
    void *ctx)
{
	struct vty *v = vty_new(-1, -1, o);
	int rc;

	if (v == NULL)
		return 1;
	v->wfn = fn;
	v->wctx = ctx;
	v->crlf = 1;
	sh_register(v);
	rc = sh_execute(v, line);
	sh_unregister(v);
	vty_free(v);
	return rc < 0 ? 1 : 0;
}
