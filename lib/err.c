#define _GNU_SOURCE
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <openssl/err.h>
#include "err.h"

int
err_set(struct err *e, enum err_code code, const char *fmt, ...)
{
	va_list ap;

	if (e == NULL)
		return -1;
	e->code = code;
	va_start(ap, fmt);
	vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
	va_end(ap);
	return -1;
}

int
err_ssl(struct err *e, const char *fmt, ...)
{
	va_list ap;
	unsigned long l;
	size_t n;
	char buf[256];

	if (e == NULL) {
		ERR_clear_error();
		return -1;
	}
	e->code = E_CRYPTO;
	va_start(ap, fmt);
	vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
	va_end(ap);
	if ((l = ERR_peek_last_error()) != 0) {
		ERR_error_string_n(l, buf, sizeof(buf));
		n = strlen(e->msg);
		snprintf(e->msg + n, sizeof(e->msg) - n, " (%s)", buf);
	}
	ERR_clear_error();
	return -1;
}

int
err_ctx(struct err *e, const char *fmt, ...)
{
	va_list ap;
	char pre[256], old[sizeof(e->msg)];
	size_t n, o;

	if (e == NULL)
		return -1;
	va_start(ap, fmt);
	vsnprintf(pre, sizeof(pre), fmt, ap);
	va_end(ap);
	memcpy(old, e->msg, sizeof(old));
	n = strlen(pre);
	if (n > sizeof(e->msg) - 3)
		n = sizeof(e->msg) - 3;
	memcpy(e->msg, pre, n);
	memcpy(e->msg + n, ": ", 2);
	n += 2;
	o = strnlen(old, sizeof(old) - 1);
	if (o > sizeof(e->msg) - 1 - n)
		o = sizeof(e->msg) - 1 - n;
	memcpy(e->msg + n, old, o);
	e->msg[n + o] = '\0';
	return -1;
}

const char *
err_code_name(enum err_code c)
{
	static const char *const names[E__MAX] = {
		"ok", "out of memory", "invalid", "not found", "exists", "I/O",
		"crypto", "network", "protocol", "timeout", "permission"
	};
	return c < E__MAX ? names[c] : "?";
}
