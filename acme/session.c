/* pkish - ISC license, see LICENSE */
/*
 * DOC: acme/session - idle connections kept between exchanges. Opening a
 * TLS connection costs far more than a whole ACME exchange on it (loading
 * the trust bundle, the handshake), so when an exchange ends its HTTP
 * client (with its keep-alive connection), the directory and the unused
 * nonces (RFC 8555 section 6.5) are parked here, keyed by directory URL
 * and a SHA-256 of the extra trust anchors, and the next exchange with the
 * same server takes them over. A parked directory older than
 * ACME_DIR_TTL_MS is fetched again; sessions idle longer than
 * ACME_IDLE_MS are closed. Like the account cache this is process-wide
 * state, guarded by one mutex; a session is used by one exchange at a
 * time.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <openssl/evp.h>
#include "acme_int.h"

#define ACME_SESSIONS_MAX	4
#define ACME_IDLE_MS		(120 * 1000LL)
#define ACME_DIR_TTL_MS		(600 * 1000LL)

struct session {
	char			*key;	/* "url\nsha256(extra CA)", owned */
	struct http_client	*http;	/* owned */
	struct acme_dir		 dir;
	long long		 dir_ms; /* when dir was fetched */
	struct acme_nonces	 nonces;
	long long		 idle_ms; /* parked since */
	struct session		*next;
};

static pthread_mutex_t	 sess_mu = PTHREAD_MUTEX_INITIALIZER;
static struct session	*parked;	/* guarded by sess_mu, newest first */

/* The trust anchors' SHA-256 in hex; the last one is kept, as every
 * exchange asks twice (take and park) for the same trustpool. */
static int
ca_digest(const char *ca, char hex[65])
{
	static pthread_mutex_t	 mu = PTHREAD_MUTEX_INITIALIZER;
	static char		*last, last_hex[65];	/* guarded by mu */
	unsigned char		 md[32];
	size_t			 n = strlen(ca);
	int			 i, hit;

	pthread_mutex_lock(&mu);
	if ((hit = last != NULL && strcmp(last, ca) == 0))
		memcpy(hex, last_hex, 65);
	pthread_mutex_unlock(&mu);
	if (hit)
		return 0;
	if (!EVP_Digest(ca, n, md, NULL, EVP_sha256(), NULL))
		return -1;
	for (i = 0; i < 32; i++)
		snprintf(hex + 2 * i, 3, "%02x", md[i]);
	pthread_mutex_lock(&mu);
	free(last);
	if ((last = strdup(ca)) != NULL)
		memcpy(last_hex, hex, 65);
	pthread_mutex_unlock(&mu);
	return 0;
}

static char *
session_key(const char *url, const char *extra_ca)
{
	char	hex[65], *k;

	if (ca_digest(extra_ca ? extra_ca : "", hex) == -1)
		return NULL;
	if (asprintf(&k, "%s\n%s", url, hex) < 0)
		return NULL;
	return k;
}

static void
session_free(struct session *s)
{
	if (s == NULL)
		return;
	http_client_free(s->http);
	acme_dir_free(&s->dir);
	acme_nonce_free(&s->nonces);
	free(s->key);
	free(s);
}

/* Unlink and return sessions idle too long (and beyond the cap). */
static struct session *
expire_locked(long long now)
{
	struct session	**pp, *s, *dead = NULL;
	int		 n = 0;

	for (pp = &parked; (s = *pp) != NULL; ) {
		if (now - s->idle_ms > ACME_IDLE_MS ||
		    ++n > ACME_SESSIONS_MAX) {
			*pp = s->next;
			s->next = dead;
			dead = s;
		} else
			pp = &s->next;
	}
	return dead;
}

static void
free_list(struct session *s)
{
	struct session *n;

	for (; s != NULL; s = n) {
		n = s->next;
		session_free(s);
	}
}

/*
 * Give ctx a parked session for its server, if there is one: its HTTP
 * client, nonces and (if fresh) directory. Returns 1 if the directory is
 * usable as is, 0 if it must be fetched.
 */
int
acme_session_take(struct acme_ctx *ctx)
{
	struct session	**pp, *s = NULL, *dead;
	char		 *k = session_key(ctx->dir_url, ctx->extra_ca_pem);
	long long	  now = acme_now_ms();
	int		  fresh = 0;

	if (k == NULL)
		return 0;
	pthread_mutex_lock(&sess_mu);
	dead = expire_locked(now);
	for (pp = &parked; *pp != NULL; pp = &(*pp)->next)
		if (strcmp((*pp)->key, k) == 0) {
			s = *pp;
			*pp = s->next;
			break;
		}
	pthread_mutex_unlock(&sess_mu);
	free_list(dead);
	free(k);
	if (s == NULL)
		return 0;
	ctx->http = s->http;
	ctx->nonces = s->nonces;
	s->http = NULL;
	memset(&s->nonces, 0, sizeof(s->nonces));
	if (now - s->dir_ms < ACME_DIR_TTL_MS) {
		ctx->dir = s->dir;
		ctx->dir_ms = s->dir_ms;
		memset(&s->dir, 0, sizeof(s->dir));
		fresh = 1;
	}
	session_free(s);
	return fresh;
}

/*
 * Park the HTTP client, directory and nonces of ctx for the next exchange
 * with the same server; ctx no longer owns them afterwards.
 */
void
acme_session_park(struct acme_ctx *ctx)
{
	struct session *s, *dead;

	if (ctx->http == NULL || ctx->dir.new_nonce == NULL ||
	    (s = calloc(1, sizeof(*s))) == NULL)
		return;
	if ((s->key = session_key(ctx->dir_url, ctx->extra_ca_pem)) == NULL) {
		free(s);
		return;
	}
	s->http = ctx->http;
	s->dir = ctx->dir;
	s->dir_ms = ctx->dir_ms;
	s->nonces = ctx->nonces;
	s->idle_ms = acme_now_ms();
	ctx->http = NULL;
	memset(&ctx->dir, 0, sizeof(ctx->dir));
	memset(&ctx->nonces, 0, sizeof(ctx->nonces));
	pthread_mutex_lock(&sess_mu);
	s->next = parked;
	parked = s;
	dead = expire_locked(s->idle_ms);
	pthread_mutex_unlock(&sess_mu);
	free_list(dead);
}

/* Close every parked session (at shutdown). */
void
acme_session_flush(void)
{
	struct session *all;

	pthread_mutex_lock(&sess_mu);
	all = parked;
	parked = NULL;
	pthread_mutex_unlock(&sess_mu);
	free_list(all);
}

/* Public: drop parked connections and cached account URLs. */
void
acme_cleanup(void)
{
	acme_session_flush();
	acme_account_flush();
	acme_chain_flush();
}
