/* shell/vty_in.c - session input: bytes (telnet IAC aware), dialogs,
 * pastes, and the async message queue */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "parser/parser.h"
#include "shell/shell_int.h"

#define IAC	255
#define SB	250
#define SE	240
#define NAWS	31

static int
fill(struct vty *v, int timeout_ms)
{
	struct pollfd p = { v->in_fd, POLLIN, 0 };
	ssize_t n;
	int rc;

	if (v->ipos < v->ilen)
		return 0;
	if (v->in_mem) {
		size_t k = v->in_memlen - v->in_mempos;
		if (k == 0)
			return -1;
		if (k > sizeof(v->ibuf))
			k = sizeof(v->ibuf);
		memcpy(v->ibuf, v->in_mem + v->in_mempos, k);
		v->in_mempos += k;
		v->ilen = k;
		v->ipos = 0;
		return 0;
	}
	if (v->wfn || v->in_fd < 0 || v->dead)
		return -1;
	vty_sync(v);
	if (v->dead)
		return -1;
	do
		rc = poll(&p, 1, timeout_ms < 0 ? -1 : timeout_ms);
	while (rc < 0 && errno == EINTR);
	if (rc == 0)
		return -2;
	if (rc < 0)
		return -1;
	do
		n = read(v->in_fd, v->ibuf, sizeof(v->ibuf));
	while (n < 0 && errno == EINTR);
	if (n <= 0)
		return -1;
	v->ilen = (size_t)n;
	v->ipos = 0;
	/* idle time and exec-timeout; show users reads it elsewhere */
	__atomic_store_n(&v->last_input, sh_mono(), __ATOMIC_RELAXED);
	return 0;
}

static int
next(struct vty *v, int timeout_ms)
{
	int rc = fill(v, timeout_ms);

	return rc < 0 ? rc : v->ibuf[v->ipos++];
}

/* Telnet sub-negotiation up to IAC SE (RFC 855). IAC IAC inside is a
 * data byte 255 (a NAWS size of 255 is sent that way). NAWS (RFC 1073)
 * sets the width, and the length unless `terminal length` was given. */
static void
subneg(struct vty *v)
{
	unsigned char sb[16];
	size_t n = 0;
	int c, iac = 0;

	while ((c = next(v, 2000)) >= 0) {
		if (iac && c == SE)
			break;
		if (c == IAC && !iac) {
			iac = 1;
			continue;
		}
		iac = 0;
		if (n < sizeof(sb))
			sb[n++] = (unsigned char)c;
	}
	if (n >= 5 && sb[0] == NAWS) {
		int w = sb[1] << 8 | sb[2], h = sb[3] << 8 | sb[4];
		if (w > 0)
			v->term_width = w > 512 ? 512 : w;
		if (h > 0 && !v->len_set)
			v->term_len = h > 512 ? 512 : h;
	}
}

int
vty_getbyte(struct vty *v, int timeout_ms)
{
	int c;

	for (;;) {
		if ((c = next(v, timeout_ms)) < 0 || !v->telnet || c != IAC)
			return c;
		if ((c = next(v, 2000)) < 0)
			return c;
		if (c == IAC)
			return IAC;
		if (c == SB)
			subneg(v);
		else if (c >= 251 && c <= 254)
			next(v, 2000);	/* WILL/WONT/DO/DONT option */
	}
}

int
vty_getkey(struct vty *v, int timeout_ms)
{
	int c = vty_getbyte(v, timeout_ms);

	if (c == '\r') {
		v->last_cr = 1;
		return '\r';
	}
	if ((c == '\n' || c == 0) && v->last_cr) {
		v->last_cr = 0;
		return vty_getkey(v, timeout_ms);
	}
	v->last_cr = 0;
	return c;
}

/* A key for the pager: waits, but gives up (-1) at EOF, on shutdown and
 * after the exec-timeout. */
int
vty_waitkey(struct vty *v)
{
	int c;

	for (;;) {
		c = vty_getkey(v, 250);
		if (c >= 0)
			return c;
		if (c == -1 || sh_stopping() || v->dead)
			return -1;
		if (v->exec_timeout > 0 &&
		    sh_mono() - v->last_input >= v->exec_timeout)
			return -1;
	}
}

void
vty_telnet_start(struct vty *v)
{
	/* WILL ECHO, WILL SUPPRESS-GO-AHEAD, DO NAWS, DONT LINEMODE */
	static const unsigned char neg[] = { IAC, 251, 1, IAC, 251, 3,
	    IAC, 253, NAWS, IAC, 254, 34 };

	vty_raw_write(v, (const char *)neg, sizeof(neg));
}

int
vty_read_line(struct vty *v, const char *prompt, char *buf, size_t len,
    int echo)
{
	vty_flush(v);
	return le_readline(v, prompt, buf, len, echo ? 0 : LE_NOECHO);
}

int
vty_confirm(struct vty *v, const char *q, int dflt)
{
	char ans[16];

	for (;;) {
		if (vty_read_line(v, q, ans, sizeof(ans), 1) < 0)
			return -1;
		if (ans[0] == '\0' && dflt >= 0)
			return dflt;
		if (ans[0] && strncasecmp("yes", ans, strlen(ans)) == 0)
			return 1;
		if (ans[0] && strncasecmp("no", ans, strlen(ans)) == 0)
			return 0;
		vty_out(v, "%% Please answer 'yes' or 'no'.\n");
	}
}

char *
vty_read_paste(struct vty *v, size_t max, int blank_ends)
{
	char line[4096], *out = NULL;
	size_t len = 0, l;

	for (;;) {
		if (le_readline(v, "", line, sizeof(line), 0) < 0) {
			free(out);
			return NULL;
		}
		l = strlen(line);
		while (l && (line[l - 1] == ' ' || line[l - 1] == '\t'))
			line[--l] = '\0';
		char *t = line;
		while (*t == ' ' || *t == '\t')
			t++;
		if (strcmp(t, "quit") == 0 || (blank_ends && *t == '\0' &&
		    len > 0))
			break;
		if (len + l + 2 > max) {
			free(out);
			vty_err(v, "Input too large");
			return NULL;
		}
		out = realloc(out, len + l + 2);
		memcpy(out + len, line, l);
		len += l;
		out[len++] = '\n';
		out[len] = '\0';
	}
	if (out == NULL)
		out = calloc(1, 1);
	return out;
}

void
vty_post(struct vty *v, const char *line)
{
	char **nq;

	pthread_mutex_lock(&v->qmu);
	if (v->qn < 1000 && (nq = realloc(v->q, (v->qn + 1) *
	    sizeof(*nq))) != NULL) {
		v->q = nq;
		v->q[v->qn++] = strdup(line);
	}
	pthread_mutex_unlock(&v->qmu);
}

int
vty_drain(struct vty *v)
{
	char **q;
	size_t n;

	pthread_mutex_lock(&v->qmu);
	q = v->q;
	n = v->qn;
	v->q = NULL;
	v->qn = 0;
	pthread_mutex_unlock(&v->qmu);
	for (size_t i = 0; i < n; i++) {
		vty_term_write(v, q[i], strlen(q[i]));
		vty_term_write(v, "\n", 1);
		free(q[i]);
	}
	free(q);
	return (int)n;
}
