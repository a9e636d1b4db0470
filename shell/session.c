/* shell/session.c - one session: login, prompt, read-eval loop */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "lib/clock.h"
#include "lib/log.h"
#include "parser/sys.h"
#include "parser/vty.h"
#include "shell/shell_int.h"

void
vty_log_sink(void *ctx, int sev, const char *line)
{
	struct vty *v = ctx;

	if (v->monitor || v->transport == SH_CONSOLE)
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
	v->login_time = v->last_input = clock_now();
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
	    v->priv >= 15 ? "#" : ">");
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

/* Split "show x | include y" (EXEC output modifiers only). */
static char *
split_filter(struct vty *v, char *line)
{
	char *p = line, *bar;

	while (*p == ' ')
		p++;
	if (v->mode != MODE_EXEC && strncmp(p, "do ", 3) == 0)
		p += 3;
	while (*p == ' ')
		p++;
	if (!(strncmp(p, "sh", 2) == 0 || strncmp(p, "more", 4) == 0) ||
	    (bar = strchr(p, '|')) == NULL)
		return NULL;
	*bar = '\0';
	return bar + 1;
}

static void
caret(struct vty *v, const char *line, size_t col)
{
	char prompt[160];
	size_t pl = 0;

	if (!v->wfn && !v->noecho) {
		sh_prompt(v, prompt, sizeof(prompt));
		pl = strlen(prompt);
	}
	(void)line;
	for (size_t i = 0; i < pl + col && i < 4200; i++)
		vty_term_write(v, " ", 1);
	vty_term_write(v, "^\n", 2);
	vty_puts(v, "% Invalid input detected at '^' marker.\n\n");
}

static int
run_filter(struct vty *v, const char *spec)
{
	switch (vty_filter_set(v, spec)) {
	case 0:
		return 0;
	case -2:
		vty_out(v, "%% Ambiguous command:  \"|%s\"\n", spec);
		break;
	case -3:
		vty_puts(v, "% Incomplete command.\n\n");
		break;
	default:
		vty_puts(v, "% Invalid input detected at '^' marker.\n\n");
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
		caret(v, line, p.err_col + v->caret_shift);
		v->failed = 1;
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
	char line[4200], *filt;
	const char *p;

	snprintf(line, sizeof(line), "%s", input);
	v->failed = 0;
	v->caret_shift = 0;
	filt = split_filter(v, line);
	for (p = line; *p == ' '; p++)
		;
	if (filt && run_filter(v, filt) < 0)
		return -1;
	sh_execute_inner(v, line);
	vty_filter_end(v);
	vty_flush(v);
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
