/* shell/vty_api.c - what command handlers may ask of or do to a session:
 * shell/'s side of the interface parser/vty.h declares (struct vty stays
 * opaque to the parser). */
#include <string.h>
#include "parser/parser.h"
#include "shell/shell_int.h"

enum mode
vty_mode(const struct vty *v)
{
	return v->mode;
}

const char *
vty_ctx(const struct vty *v)
{
	return v->ctx;
}

int
vty_priv(const struct vty *v)
{
	return v->priv;
}

void
vty_set_priv(struct vty *v, int priv)
{
	v->priv = priv;
}

int
vty_noecho(const struct vty *v)
{
	return v->noecho;
}

int
vty_exec_only(const struct vty *v)
{
	return v->wfn != NULL;
}

int
vty_on_console(const struct vty *v)
{
	return v->transport == SH_CONSOLE;
}

const char *
vty_user(const struct vty *v)
{
	return v->user;
}

int
vty_failed(const struct vty *v)
{
	return v->failed;
}

void
vty_fail(struct vty *v)
{
	v->failed = 1;
}

void
vty_close(struct vty *v)
{
	v->closing = 1;
}

void
vty_set_length(struct vty *v, int lines)
{
	v->term_len = lines;
	v->len_set = 1;		/* NAWS no longer changes it */
}

void
vty_set_width(struct vty *v, int columns)
{
	v->term_width = columns;
}

void
vty_set_monitor(struct vty *v, int on)
{
	__atomic_store_n(&v->monitor, on, __ATOMIC_RELAXED); /* log sink */
}

int
vty_do(struct vty *v, const char *line, size_t shift)
{
	enum mode m = v->mode;
	char ctx[sizeof(v->ctx)];
	int priv = v->priv, rc;

	memcpy(ctx, v->ctx, sizeof(ctx));
	v->caret_shift += shift;	/* the caret counts "do " too */
	v->mode = MODE_EXEC;
	rc = sh_execute_inner(v, line);
	v->priv = priv;
	v->mode = m;
	memcpy(v->ctx, ctx, sizeof(ctx));
	v->closing = 0;
	return rc;
}

void
vty_config_done(struct vty *v)
{
	sh_config_done(v);
}

const char *
vty_state_dir(void)
{
	return sh_state_dir();
}

void
vty_info(const struct vty *v, struct vty_info *i)
{
	long idle = (long)(sh_mono() - __atomic_load_n(&v->last_input,
	    __ATOMIC_RELAXED));

	memset(i, 0, sizeof(*i));
	i->vty = v;
	i->line = v->transport == SH_CONSOLE ? 0 : v->line_no + 2;
	i->line_name = v->line_name;
	i->user = v->user;
	i->peer = v->peer;
	i->kind = v->telnet ? "telnet" : v->transport == SH_SSH ? "ssh" : "";
	i->idle = idle < 0 ? 0 : idle;
	i->term_len = v->term_len;
	i->term_width = v->term_width;
	i->monitor = __atomic_load_n(&v->monitor, __ATOMIC_RELAXED);
	i->exec_timeout = v->exec_timeout;
	i->exec_only = v->wfn != NULL;
}

struct foreach_ctx {
	void	(*fn)(const struct vty_info *, void *);
	void	*arg;
};

static void
foreach_one(struct vty *v, void *arg)
{
	struct foreach_ctx *c = arg;
	struct vty_info i;

	vty_info(v, &i);
	c->fn(&i, c->arg);
}

void
vty_foreach(void (*fn)(const struct vty_info *, void *), void *arg)
{
	struct foreach_ctx c = { fn, arg };

	sh_foreach(foreach_one, &c);
}
