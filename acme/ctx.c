/* pkish - ISC license, see LICENSE */
/*
 * DOC: acme/ctx - the state of one exchange: its HTTP client (one curl
 * handle, so one keep-alive connection, taken over from an earlier
 * exchange when one is parked, see session.c), directory, nonce pool,
 * account and deadline. Also the waits between polls: they start short
 * (ACME_POLL_START_US) and grow by half up to ACME_POLL_MAX_US (1, 1.5,
 * 2.25, 3.4, 5.1 ... ms: a server that validates or issues in a few
 * milliseconds, as pebble does, is not waited for much longer), honour
 * Retry-After
 * (RFC 8555 section 8.2) up to ACME_RETRY_AFTER_MAX seconds, and never
 * sleep past the deadline, which ends the exchange with E_TIMEOUT and
 * detail 124 (the ASA "ACME processing timed out" code). A context is
 * used by one thread.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <json-c/json.h>
#include "lib/log.h"
#include "acme_int.h"

long long
acme_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Fail with the ACME processing timeout (E_TIMEOUT, detail 124). */
int
acme_timeout(struct err *e, const char *what)
{
	err_set(e, E_TIMEOUT, "ACME processing timed out (%s)", what);
	if (e != NULL)
		e->detail = ACME_ERR_TIMEOUT;
	return -1;
}

/* Milliseconds left before the deadline, or -1 (timeout set in "e"). */
long
acme_remaining_ms(const struct acme_ctx *ctx, struct err *e)
{
	long long left = ctx->deadline - acme_now_ms();

	if (left <= 0)
		return acme_timeout(e, "deadline reached");
	return (long)left;
}

static long long
now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* Drop the responder reference the exchange no longer needs (stopping
 * the responder if it was the last); the microseconds that took. */
static long
release_http01(struct acme_ctx *ctx)
{
	long long t0;

	if (ctx->http01 == NULL)
		return 0;
	t0 = now_us();
	acme_http01_release(ctx->http01);
	ctx->http01 = NULL;
	return (long)(now_us() - t0);
}

/*
 * Sleep before the next poll: the larger of *delay_us and the server's
 * Retry-After (seconds, -1 if none; capped), then grow *delay_us by half
 * (to at least ACME_POLL_START_US) up to ACME_POLL_MAX_US. A wait that
 * would pass the deadline is shortened to allow one last poll; -1
 * (timeout) once there is no time left for one.
 */
int
acme_wait(struct acme_ctx *ctx, long *delay_us, int retry_after,
    struct err *e)
{
	struct timespec	ts;
	long		us = *delay_us, left;

	if (retry_after > ACME_RETRY_AFTER_MAX)
		retry_after = ACME_RETRY_AFTER_MAX;
	if (retry_after >= 0 && retry_after * 1000000L > us)
		us = retry_after * 1000000L;
	if ((left = acme_remaining_ms(ctx, e)) < 0)
		return -1;
	if (us / 1000 >= left - 50) {	/* one last look before the end */
		if (left <= 100)
			return acme_timeout(e, "still waiting for the server");
		us = (left - 50) * 1000L;
	}
	if ((us -= release_http01(ctx)) < 0)
		us = 0;
	ts.tv_sec = us / 1000000;
	ts.tv_nsec = (us % 1000000) * 1000L;
	while (us > 0 && nanosleep(&ts, &ts) == -1)
		;
	if (*delay_us < ACME_POLL_START_US)
		*delay_us = ACME_POLL_START_US;
	else
		*delay_us = *delay_us + *delay_us / 2 > ACME_POLL_MAX_US ?
		    ACME_POLL_MAX_US : *delay_us + *delay_us / 2;
	return 0;
}

/* Report one progress line to the caller's callback, if any. */
void
acme_progress(struct acme_ctx *ctx, const char *fmt, ...)
{
	char	line[300];
	va_list	ap;

	if (ctx->progress == NULL)
		return;
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	ctx->progress(ctx->progress_ctx, line);
}

/*
 * The CSR pki/ made (params->csr_der, or what params->csr_get gives the
 * first time it is needed) and its public key, to check the issued
 * certificate against (RFC 8555 section 7.4.2): its SubjectPublicKeyInfo
 * as sent, so the check compares bytes and decodes no key (OpenSSL 3
 * decoding a public key costs more than signing a JWS).
 */
int
acme_ctx_csr(struct acme_ctx *ctx, const struct acme_params *p,
    struct err *e)
{
	const unsigned char	*der = p->csr_der;
	size_t			 n = p->csr_len, off, len;

	if (ctx->csr != NULL)
		return 0;
	if (der == NULL && p->csr_get != NULL &&
	    p->csr_get(p->csr_arg, &der, &n, e) == -1)
		return -1;
	if (der == NULL || n == 0)
		return err_set(e, E_INVAL, "RFC 8555 section 7.4: no CSR");
	if (acme_csr_spki(der, n, &off, &len) == -1)
		return err_set(e, E_CRYPTO, "RFC 8555 section 7.4: CSR is not "
		    "DER (RFC 2986)");
	if ((ctx->cert_spki = malloc(len)) == NULL)
		return err_set(e, E_NOMEM, "out of memory");
	memcpy(ctx->cert_spki, der + off, len);
	ctx->cert_spki_len = len;
	ctx->csr = der;
	ctx->csr_len = n;
	return 0;
}

/*
 * Set up "ctx" for one exchange with the server of "p": HTTP client,
 * deadline, and the directory (RFC 8555 section 7.1.1). Returns 0, or -1
 * with "e" set; acme_ctx_free() is safe either way.
 */
int
acme_ctx_init(struct acme_ctx *ctx, const struct acme_params *p,
    struct err *e)
{
	int t = p->timeout_s > 0 ? p->timeout_s : ACME_TIMEOUT_DEFAULT;

	memset(ctx, 0, sizeof(*ctx));
	ctx->deadline = acme_now_ms() + t * 1000LL;
	ctx->dir_url = p->directory_url;
	ctx->extra_ca_pem = p->extra_ca_pem;
	ctx->progress = p->progress;
	ctx->progress_ctx = p->progress_ctx;
	ctx->account_new = p->account_new;
	if (p->csr_der != NULL && acme_ctx_csr(ctx, p, e) == -1)
		return -1;
	if (p->directory_url == NULL ||
	    strncmp(p->directory_url, "https://", 8) != 0)
		return err_set(e, E_INVAL, "RFC 8555 section 6.1: the ACME "
		    "directory URL must be https");
	if (acme_session_take(ctx) == 1)
		return 0;		/* parked client, fresh directory */
	if (ctx->http == NULL && (ctx->http = http_client_new()) == NULL)
		return err_set(e, E_NOMEM, "ACME: cannot create HTTP client");
	ctx->dir_ms = acme_now_ms();
	return acme_dir_fetch(ctx, e);
}

/* End an exchange; its connection is parked for the next one. */
void
acme_ctx_free(struct acme_ctx *ctx)
{
	release_http01(ctx);
	acme_session_park(ctx);
	http_client_free(ctx->http);
	acme_dir_free(&ctx->dir);
	acme_nonce_free(&ctx->nonces);
	EVP_PKEY_free(ctx->akey);
	free(ctx->cert_spki);
	free(ctx->kid);
	free(ctx->thumb);
	memset(ctx, 0, sizeof(*ctx));
}
