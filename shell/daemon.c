/* shell/daemon.c - process-wide shell state: state dir, stop flag,
 * startup-config replay */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "lib/fileio.h"
#include "parser/parser.h"
#include "shell/shell_int.h"

static char state_dir[4096];
static int stopping;

void
sh_set_state_dir(const char *d)
{
	snprintf(state_dir, sizeof(state_dir), "%s", d);
}

const char *
sh_state_dir(void)
{
	return state_dir;
}

void
sh_stop(void)
{
	__atomic_store_n(&stopping, 1, __ATOMIC_RELEASE);
}

int
sh_stopping(void)
{
	return __atomic_load_n(&stopping, __ATOMIC_ACQUIRE);
}

struct capture {
	char	*buf;
	size_t	 len;
};

static void
capture(void *ctx, const char *s, size_t len)
{
	struct capture *c = ctx;

	if (c->len > 4096)
		return;
	c->buf = realloc(c->buf, c->len + len + 1);
	memcpy(c->buf + c->len, s, len);
	c->len += len;
	c->buf[c->len] = '\0';
}

/* Replay configuration text through the parser in config mode. Bad lines
 * are reported with their line number on stderr; the rest still loads. */
int
sh_replay(const char *text, size_t len, const char *what)
{
	struct sh_origin o = { SH_CONSOLE, "startup", 15, "", 0, 0 };
	struct capture cap = { NULL, 0 };
	struct vty *v = vty_new(-1, -1, &o);
	char line[SH_LINE_MAX];
	long no;
	int bad = 0, rc;

	if (v == NULL)
		return -1;
	v->in_mem = text;
	v->in_memlen = len;
	v->noecho = 1;
	v->wfn = capture;
	v->wctx = &cap;
	v->crlf = 0;
	v->mode = MODE_CONFIG;
	while ((rc = le_readline(v, "", line, sizeof(line), 0)) != -1) {
		cap.len = 0;
		if (rc == -5) {
			bad++;
			fprintf(stderr, "%% %s line %ld: line too long (max %d "
			    "characters); ignored\n", what, v->lines_read,
			    SH_LINE_MAX - 1);
			continue;
		}
		if (rc < 0 || strcmp(line, "end") == 0)
			break;
		no = v->lines_read;	/* a dialog may read more lines */
		if (sh_execute(v, line) < 0) {
			bad++;
			fprintf(stderr, "%% %s line %ld: %s\n%s", what, no,
			    line, cap.buf ? cap.buf : "");
		}
		if (v->mode == MODE_EXEC)
			v->mode = MODE_CONFIG;
	}
	free(cap.buf);
	vty_free(v);
	return bad ? -1 : 0;
}

/* A write killed between its temp file and the rename leaves
 * "startup-config.tmp.PID" behind; the old file is intact, drop these. */
static void
remove_stale_temps(void)
{
	DIR *d = opendir(state_dir);
	struct dirent *de;
	char path[sizeof(state_dir) + 2 + sizeof(de->d_name)];

	if (d == NULL)
		return;
	while ((de = readdir(d)) != NULL) {
		if (strncmp(de->d_name, "startup-config.tmp.", 19) != 0)
			continue;
		snprintf(path, sizeof(path), "%s/%s", state_dir, de->d_name);
		unlink(path);
	}
	closedir(d);
}

int
sh_load_startup(void)
{
	char path[4200], *text;
	size_t len;
	struct err e = { 0 };
	int rc;

	remove_stale_temps();
	snprintf(path, sizeof(path), "%s/startup-config", state_dir);
	if ((text = file_read(path, 64 << 20, &len, &e)) == NULL)
		return e.code == E_NOTFOUND ? 0 : -1;
	rc = sh_replay(text, len, "startup-config");
	free(text);
	return rc;
}
