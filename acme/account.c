/* pkish - ISC license, see LICENSE */
/*
 * DOC: acme/account - the ACME account (RFC 8555 section 7.3). The
 * account key lives in the keystore under the caller's label and is
 * created as EC P-256 when missing. An existing key is first looked up
 * with onlyReturnExisting (section 7.3.1) and a new account is created
 * only if the server knows none; terms of service are agreed
 * (termsOfServiceAgreed, the URL is logged at debug level). The account
 * URL ("kid") is cached process-wide per (directory URL, contact, key
 * label) together with the key's thumbprint, so later exchanges skip
 * newAccount entirely. The account key's public half is decoded once per
 * process too (an OpenSSL 3 public key decode costs more than signing a
 * JWS): decoded keys and their thumbprints are kept by their DER, at most
 * AKEYS_MAX of them. Both caches are guarded by one mutex.
 */
#include <limits.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include "lib/json.h"
#include <json-c/json.h>
#include "lib/log.h"
#include "acme_int.h"

struct acct {
	char		*key;		/* "dir\ncontact\nlabel", owned */
	char		*thumb;		/* key thumbprint when cached, owned */
	char		*kid;		/* account URL, owned */
	struct acct	*next;
};

struct akey {
	unsigned char	*der;		/* SubjectPublicKeyInfo, owned */
	size_t		 len;
	EVP_PKEY	*pk;		/* decoded once, one reference */
	char		*thumb;		/* RFC 7638 thumbprint, owned */
	struct akey	*next;
};

#define AKEYS_MAX	8

static pthread_mutex_t	 cache_mu = PTHREAD_MUTEX_INITIALIZER;
static struct acct	*cache;		/* guarded by cache_mu */
static struct akey	*akeys;		/* guarded by cache_mu, newest first */

static void
akey_free(struct akey *k)
{
	struct akey *n;

	for (; k != NULL; k = n) {
		n = k->next;
		EVP_PKEY_free(k->pk);
		free(k->der);
		free(k->thumb);
		free(k);
	}
}

/* The decoded key and thumbprint of DER "der" when known: 0 with a
 * reference in *pk and a copy in *thumb, else -1. */
static int
akey_get(const unsigned char *der, size_t len, EVP_PKEY **pk, char **thumb)
{
	struct akey	*k;
	int		 rc = -1;

	pthread_mutex_lock(&cache_mu);
	for (k = akeys; k != NULL; k = k->next)
		if (k->len == len && memcmp(k->der, der, len) == 0)
			break;
	if (k != NULL && (*thumb = strdup(k->thumb)) != NULL &&
	    EVP_PKEY_up_ref(k->pk)) {
		*pk = k->pk;
		rc = 0;
	} else if (k != NULL) {
		free(*thumb);
		*thumb = NULL;
	}
	pthread_mutex_unlock(&cache_mu);
	return rc;
}

/* Remember the key and thumbprint of DER "der"; the oldest beyond
 * AKEYS_MAX are dropped. Best effort: nothing is kept if short of memory. */
static void
akey_put(const unsigned char *der, size_t len, EVP_PKEY *pk,
    const char *thumb)
{
	struct akey	*k = calloc(1, sizeof(*k)), **pp, *dead = NULL;
	int		 n = 0;

	if (k == NULL || (k->der = malloc(len)) == NULL ||
	    (k->thumb = strdup(thumb)) == NULL || !EVP_PKEY_up_ref(pk)) {
		akey_free(k);
		return;
	}
	memcpy(k->der, der, len);
	k->len = len;
	k->pk = pk;
	pthread_mutex_lock(&cache_mu);
	k->next = akeys;
	akeys = k;
	for (pp = &akeys; *pp != NULL && ++n <= AKEYS_MAX; pp = &(*pp)->next)
		;
	dead = *pp;
	*pp = NULL;
	pthread_mutex_unlock(&cache_mu);
	akey_free(dead);
}

static char *
cache_key(const struct acme_params *p)
{
	char *k;

	if (asprintf(&k, "%s\n%s\n%s", p->directory_url, p->contact ?
	    p->contact : "", p->account_key_label) < 0)
		return NULL;
	return k;
}

/* Cached kid for p whose key still has thumbprint "thumb"; malloc'd. */
static char *
cache_get(const struct acme_params *p, const char *thumb)
{
	struct acct	*a;
	char		*k, *kid = NULL;

	if ((k = cache_key(p)) == NULL)
		return NULL;
	pthread_mutex_lock(&cache_mu);
	for (a = cache; a != NULL; a = a->next)
		if (strcmp(a->key, k) == 0 && strcmp(a->thumb, thumb) == 0)
			kid = strdup(a->kid);
	pthread_mutex_unlock(&cache_mu);
	free(k);
	return kid;
}

/* Drop the cache entry of p (the account is gone or the key changed). */
void
acme_account_forget(struct acme_ctx *ctx, const struct acme_params *p)
{
	struct acct	**pp, *a;
	char		*k;

	ctx->from_cache = 0;
	if ((k = cache_key(p)) == NULL)
		return;
	pthread_mutex_lock(&cache_mu);
	for (pp = &cache; (a = *pp) != NULL; )
		if (strcmp(a->key, k) == 0) {
			*pp = a->next;
			free(a->key);
			free(a->thumb);
			free(a->kid);
			free(a);
		} else
			pp = &a->next;
	pthread_mutex_unlock(&cache_mu);
	free(k);
}

/* Forget every cached account URL (at shutdown). */
void
acme_account_flush(void)
{
	struct acct *a, *n;

	struct akey *k;

	pthread_mutex_lock(&cache_mu);
	a = cache;
	cache = NULL;
	k = akeys;
	akeys = NULL;
	pthread_mutex_unlock(&cache_mu);
	akey_free(k);
	for (; a != NULL; a = n) {
		n = a->next;
		free(a->key);
		free(a->thumb);
		free(a->kid);
		free(a);
	}
}

static void
cache_put(struct acme_ctx *ctx, const struct acme_params *p)
{
	struct acct *a;

	acme_account_forget(ctx, p);
	if ((a = calloc(1, sizeof(*a))) == NULL)
		return;
	a->key = cache_key(p);
	a->thumb = strdup(ctx->thumb);
	a->kid = strdup(ctx->kid);
	if (a->key == NULL || a->thumb == NULL || a->kid == NULL) {
		free(a->key);
		free(a->thumb);
		free(a->kid);
		free(a);
		return;
	}
	pthread_mutex_lock(&cache_mu);
	a->next = cache;
	cache = a;
	pthread_mutex_unlock(&cache_mu);
}

static struct json_object *
account_payload(const struct acme_params *p, int only_existing)
{
	struct json_object	*o = json_object_new_object(), *c;
	char			*mailto;

	if (only_existing) {
		json_object_object_add(o, "onlyReturnExisting",
		    json_object_new_boolean(1));
		return o;
	}
	json_object_object_add(o, "termsOfServiceAgreed",
	    json_object_new_boolean(1));
	if (p->contact != NULL && *p->contact != '\0' &&
	    asprintf(&mailto, "%s%s", strncmp(p->contact, "mailto:", 7) == 0 ?
	    "" : "mailto:", p->contact) >= 0) {
		c = json_object_new_array();
		json_object_array_add(c, json_object_new_string(mailto));
		json_object_object_add(o, "contact", c);
		free(mailto);
	}
	return o;
}

/*
 * POST newAccount (RFC 8555 section 7.3), signed with the JWK. On 200 or
 * 201 the Location header is the account URL, kept in ctx->kid.
 */
static int
new_account(struct acme_ctx *ctx, const struct acme_params *p,
    int only_existing, struct err *e)
{
	struct json_object	*pl = account_payload(p, only_existing), *o;
	struct http_resp	 r;
	const char		*loc, *st;
	int			 rc = -1;

	free(ctx->kid);
	ctx->kid = NULL;
	if (acme_post(ctx, ctx->dir.new_account, pl, &r, e) == -1) {
		json_free(pl);
		return err_ctx(e, "RFC 8555 section 7.3 newAccount");
	}
	json_free(pl);
	o = acme_resp_json(&r, NULL);
	st = json_get_str(o, "status");
	if ((loc = http_resp_header(&r, "Location")) == NULL)
		err_set(e, E_PROTO, "RFC 8555 section 7.3: newAccount "
		    "response has no Location");
	else if (st != NULL && strcmp(st, "valid") != 0)
		err_set(e, E_PROTO, "RFC 8555 section 7.1.2: account is %.20s",
		    st);
	else if ((ctx->kid = strdup(loc)) == NULL)
		err_set(e, E_NOMEM, "out of memory");
	else
		rc = 0;
	if (rc == 0)
		log_dbg(DBG_ACME, 2, "CRYPTO_PKI: ACME: account %s (%s)",
		    ctx->kid, r.status == 201 ? "created" : "existing");
	json_free(o);
	http_resp_free(&r);
	return rc;
}

/* The account key's public half (the signer keeps the private one); 1 if
 * the key was just made (pki/ creates it as EC P-256 when missing). */
static int
account_key(struct acme_ctx *ctx, const struct acme_params *p,
    struct err *e)
{
	const char *label = p->account_key_label;
	const unsigned char *der;
	size_t len;
	int created = ctx->account_new;

	ctx->account_new = 0;
	if (p->account_signer == NULL)
		return err_set(e, E_INVAL, "ACME: no signer for account key %s",
		    label);
	der = p->account_signer->pub_der;
	len = p->account_signer->pub_len;
	ctx->asigner = p->account_signer;
	if (akey_get(der, len, &ctx->akey, &ctx->thumb) == 0)
		return created;
	if (len > LONG_MAX ||
	    (ctx->akey = d2i_PUBKEY(NULL, &der, (long)len)) == NULL)
		return err_ssl(e, "ACME account key %s", label);
	if (acme_jws_alg(ctx->akey) == NULL)
		return err_set(e, E_CRYPTO, "RFC 7518 section 3.1: account key "
		    "%s is neither RSA nor EC P-256/P-384", label);
	if ((ctx->thumb = acme_jwk_thumbprint(ctx->akey, e)) == NULL)
		return -1;
	akey_put(p->account_signer->pub_der, len, ctx->akey, ctx->thumb);
	return created;
}

/*
 * Make ctx ready to sign as an account: key, thumbprint and account URL
 * (cached, existing, or newly created). Returns 0 or -1 with "e" set.
 */
int
acme_account(struct acme_ctx *ctx, const struct acme_params *p,
    struct err *e)
{
	int created;

	if (p->account_key_label == NULL || *p->account_key_label == '\0')
		return err_set(e, E_INVAL, "ACME: no account key label");
	if ((created = account_key(ctx, p, e)) == -1)
		return -1;
	if ((ctx->kid = cache_get(p, ctx->thumb)) != NULL) {
		ctx->from_cache = 1;
		log_dbg(DBG_ACME, 3, "CRYPTO_PKI: ACME: account %s (cached)",
		    ctx->kid);
		return 0;
	}
	if (!created) {
		if (new_account(ctx, p, 1, e) == 0) {
			cache_put(ctx, p);
			return 0;
		}
		if (strstr(e->msg, "accountDoesNotExist") == NULL)
			return -1;
	}
	if (ctx->dir.eab_required)
		return err_set(e, E_PROTO, "RFC 8555 section 7.3.4: the server "
		    "requires external account binding (not supported)");
	if (new_account(ctx, p, 0, e) == -1)
		return -1;
	cache_put(ctx, p);
	acme_progress(ctx, "ACME account registered: %s", ctx->kid);
	return 0;
}
