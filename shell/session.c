/* shell/session.c - one session: login, prompt, read-eval loop */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>
#include "lib/clock.h"
#include "lib/log.h"
#include "conf/conf.h"
#include "parser/parser.h"
#include "shell/shell_int.h"

/* Seconds on a clock that `clock set` does not move (idle times). */
time_t
sh_mono(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec;
}

void
vty_log_sink(void *ctx, int sev, const char *line)
{
	struct vty *v = ctx;

	if (__atomic_load_n(&v->monitor, __ATOMIC_RELAXED) ||
	    v->transport == SH_CONSOLE)
		vty_post(v, line);
}

struct vty *
vty_new(int in_fd, int out_fd, const struct sh_origin *o)
{
	struct vty *v = calloc(1, sizeof(*v));

	if (v == NULL)
		return NULL;
	v->in_fd = in_fd;
	v->out_fd = out_fd;
	v->transport = o->transport;
	v->interactive = o->interactive;
	v->telnet = o->telnet_options;
	v->crlf = o->interactive || o->telnet_options ||
	    o->transport != SH_CONSOLE;
	v->term_len = o->interactive ? 24 : 0;
	v->term_width = 80;
	v->priv = o->user ? o->privilege : 1;
	snprintf(v->user, sizeof(v->user), "%s", o->user ? o->user : "");
	snprintf(v->peer, sizeof(v->peer), "%s", o->peer ? o->peer : "");
	v->login_time = clock_now();
	v->last_input = sh_mono();
	pthread_mutex_init(&v->qmu, NULL);
	v->sink_id = -1;
	return v;
}

void
vty_free(struct vty *v)
{
	if (v == NULL)
		return;
	if (v->sink_id >= 0)
		log_sink_del(v->sink_id);
	pthread_mutex_lock(&v->qmu);
	for (size_t i = 0; i < v->qn; i++)
		free(v->q[i]);
	free(v->q);
	pthread_mutex_unlock(&v->qmu);
	pthread_mutex_destroy(&v->qmu);
	for (int i = 0; i < v->nhist; i++)
		free(v->hist[i]);
	free(v->obuf);
	free(v);
}

void
sh_prompt(struct vty *v, char *buf, size_t len)
{
	char host[64];

	sys_hostname(host, sizeof(host));
	snprintf(buf, len, "%s%s%s", host, mode_get(v->mode)->prompt,
	    v->priv > 1 ? "#" : ">");	/* IOS: levels 2-15 are privileged */
}

void
vty_set_mode(struct vty *v, enum mode m, const char *ctx)
{
	v->mode = m;
	if (ctx)
		snprintf(v->ctx, sizeof(v->ctx), "%s", ctx);
	else if (m == MODE_EXEC || m == MODE_CONFIG)
		v->ctx[0] = '\0';
}

/* Split "show x | include y" (and "do show x | ..." in config modes):
 * output modifiers apply to show commands only, so a '|' elsewhere (a
 * description, a password) stays part of the command. */
static char *
split_filter(struct vty *v, char *line)
{
	char *p = line + strspn(line, " \t"), *bar;
	size_t n;

	if (v->mode != MODE_EXEC) {
		if (strncasecmp(p, "do", 2) != 0 ||
		    (p[2] != ' ' && p[2] != '\t'))
			return NULL;
		p += 2;
		p += strspn(p, " \t");
	}
	n = strcspn(p, " \t|");
	if (n == 0 || n > 4 || strncasecmp(p, "show", n) != 0 ||
	    (bar = strchr(p, '|')) == NULL)
		return NULL;
	*bar = '\0';
	return bar + 1;
}

/* Width of the prompt the command was typed after (0 when not echoed). */
static size_t
prompt_len(struct vty *v)
{
	char prompt[160];

	if (v->wfn || v->noecho)
		return 0;
	sh_prompt(v, prompt, sizeof(prompt));
	return strlen(prompt);
}

/* IOS: a '^' under the first bad character, counting the prompt. */
static void
caret(struct vty *v, size_t col)
{
	static const char sp[64] = "                                        "
	    "                        ";

	if (col > SH_LINE_MAX + 200)
		col = SH_LINE_MAX + 200;
	for (; col > sizeof(sp); col -= sizeof(sp))
		vty_term_write(v, sp, sizeof(sp));
	vty_term_write(v, sp, col);
	vty_term_write(v, "^\n", 2);
	vty_puts(v, "% Invalid input detected at '^' marker.\n\n");
	v->failed = 1;
}

static int
run_filter(struct vty *v, const char *line, const char *spec)
{
	size_t bad = 0;

	switch (vty_filter_set(v, spec, &bad)) {
	case 0:
		return 0;
	case -3:
		vty_puts(v, "% Incomplete command.\n\n");
		break;
	default:
		caret(v, v->caret_shift + (size_t)(spec - line) + bad);
		break;
	}
	v->failed = 1;
	return -1;
}

int
sh_execute_inner(struct vty *v, const char *line)
{
	struct args a;
	struct parse p;

	cmd_parse(line, v->mode, v->priv, &p, &a);
	switch (p.rc) {
	case P_EMPTY:
		return 0;
	case P_INVALID:
		caret(v, p.err_col + v->caret_shift);
		return -1;
	case P_INCOMPLETE:
		vty_puts(v, "% Incomplete command.\n\n");
		v->failed = 1;
		return -1;
	case P_AMBIGUOUS:
		vty_out(v, "%% Ambiguous command:  \"%s\"\n", p.amb);
		v->failed = 1;
		return -1;
	case P_OK:
		break;
	}
	if (p.mode != v->mode)
		vty_set_mode(v, p.mode, NULL);
	if (p.cmd->fn(v, &a) < 0)
		v->failed = 1;
	return v->failed ? -1 : 0;
}

int
sh_execute(struct vty *v, const char *input)
{
	char line[SH_LINE_MAX], *filt;

	v->failed = 0;
	if (strlen(input) >= sizeof(line)) {
		vty_err(v, "Input line too long (max %d characters); "
		    "ignored", SH_LINE_MAX - 1);
		return -1;
	}
	memcpy(line, input, strlen(input) + 1);
	v->caret_shift = prompt_len(v);
	filt = split_filter(v, line);
	if (filt && run_filter(v, line, filt) < 0)
		return -1;
	sh_execute_inner(v, line);
	vty_filter_end(v);	/* the last partial line goes out too */
	return v->failed ? -1 : 0;
}

void
sh_config_done(struct vty *v)
{
	if (v->transport == SH_CONSOLE && v->user[0] == '\0')
		log_msg(SEV_NOTICE, "SYS", "CONFIG_I",
		    "Configured from console by console");
	else
		log_msg(SEV_NOTICE, "SYS", "CONFIG_I",
		    "Configured from console by %s on vty%d (%s)",
		    v->user[0] ? v->user : "unknown", v->line_no, v->peer);
}
