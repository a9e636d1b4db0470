/* pki/tp.c - the trustpoint store */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "lib/clock.h"
#include "lib/log.h"
#include "pki/cert.h"
#include "pki/key.h"
#include "pki/tp.h"
#include "pki/tp_int.h"

pthread_mutex_t tp_mu = PTHREAD_MUTEX_INITIALIZER;
struct tp *tp_list;		/* creation order */
static struct tp *tp_tail;
static struct tp **buckets;	/* name index */
static size_t nbuckets, ntps;

static size_t
bucket(const char *name)
{
	unsigned h = 2166136261u;

	while (*name)
		h = (h ^ (unsigned char)*name++) * 16777619u;
	return h & (nbuckets - 1);
}

static void
index_grow(void)
{
	size_t n = nbuckets ? nbuckets * 2 : 64;
	struct tp **nb = calloc(n, sizeof(*nb));

	if (nb == NULL)
		return;
	free(buckets);
	buckets = nb;
	nbuckets = n;
	for (struct tp *t = tp_list; t; t = t->next) {
		size_t b = bucket(t->cfg.name);
		t->hnext = buckets[b];
		buckets[b] = t;
	}
}

static void
index_del(struct tp *t)
{
	struct tp **pp = &buckets[bucket(t->cfg.name)];

	for (; *pp; pp = &(*pp)->hnext)
		if (*pp == t) {
			*pp = t->hnext;
			return;
		}
}

struct tp *
tp_find_locked(const char *name)
{
	if (nbuckets == 0)
		return NULL;
	for (struct tp *t = buckets[bucket(name)]; t; t = t->hnext)
		if (strcmp(t->cfg.name, name) == 0)
			return t;
	return NULL;
}

static void
tp_free(struct tp *t)
{
	for (int i = 0; i < TP_EXTRA; i++)
		X509_free(t->slot[i]);
	sk_X509_pop_free(t->extra, X509_free);
	free(t);
}

int
tp_create(const char *name, int *created, struct err *e)
{
	struct tp *t;
	size_t n = strlen(name);

	if (n == 0 || n > TP_NAME_MAX)
		return err_set(e, E_INVAL, "Trustpoint name must be 1 to %d "
		    "characters", TP_NAME_MAX);
	for (const char *p = name; *p; p++)
		if (*p <= ' ' || *p == '/' || *p == '"' || *p == 0x7f)
			return err_set(e, E_INVAL, "Invalid character in "
			    "trustpoint name");
	if (created)
		*created = 0;
	pthread_mutex_lock(&tp_mu);
	if (tp_find_locked(name) == NULL) {
		if ((t = calloc(1, sizeof(*t))) == NULL) {
			pthread_mutex_unlock(&tp_mu);
			return err_set(e, E_NOMEM, "out of memory");
		}
		snprintf(t->cfg.name, sizeof(t->cfg.name), "%s", name);
		t->extra = sk_X509_new_null();
		if (tp_tail)
			tp_tail->next = t;
		else
			tp_list = t;
		tp_tail = t;
		if (++ntps > nbuckets)
			index_grow();
		else {
			size_t b = bucket(name);
			t->hnext = buckets[b];
			buckets[b] = t;
		}
		if (created)
			*created = 1;
	}
	pthread_mutex_unlock(&tp_mu);
	return 0;
}

int
tp_exists(const char *name)
{
	int r;

	pthread_mutex_lock(&tp_mu);
	r = tp_find_locked(name) != NULL;
	pthread_mutex_unlock(&tp_mu);
	return r;
}

int
tp_delete(const char *name, struct err *e)
{
	struct tp **pp, *t, *prev = NULL;

	pthread_mutex_lock(&tp_mu);
	if ((t = tp_find_locked(name)) == NULL) {
		pthread_mutex_unlock(&tp_mu);
		return err_set(e, E_NOTFOUND, "Can't find policy %s", name);
	}
	for (pp = &tp_list; *pp != t; pp = &(*pp)->next)
		prev = *pp;
	*pp = t->next;
	if (tp_tail == t)
		tp_tail = prev;
	index_del(t);
	ntps--;
	pthread_mutex_unlock(&tp_mu);
	tp_free(t);
	return 0;
}

struct tp_cfg *
tp_lock(const char *name)
{
	struct tp *t;

	pthread_mutex_lock(&tp_mu);
	if ((t = tp_find_locked(name)) == NULL) {
		pthread_mutex_unlock(&tp_mu);
		return NULL;
	}
	return &t->cfg;
}

void
tp_unlock(void)
{
	pthread_mutex_unlock(&tp_mu);
}

int
tp_get_cfg(const char *name, struct tp_cfg *out, struct err *e)
{
	struct tp_cfg *c = tp_lock(name);

	if (c == NULL)
		return err_set(e, E_NOTFOUND, "Certificate Authority "
		    "(trustpoint) %s is unknown", name);
	*out = *c;
	tp_unlock();
	return 0;
}

static X509 *
up(X509 *x)
{
	if (x)
		X509_up_ref(x);
	return x;
}

int
tp_get_certs(const char *name, struct tp_certs *c, struct err *e)
{
	struct tp *t;

	memset(c, 0, sizeof(*c));
	pthread_mutex_lock(&tp_mu);
	if ((t = tp_find_locked(name)) == NULL) {
		pthread_mutex_unlock(&tp_mu);
		return err_set(e, E_NOTFOUND, "Certificate Authority "
		    "(trustpoint) %s is unknown", name);
	}
	c->ca = up(t->slot[TP_CA]);
	c->ca_rollover = up(t->slot[TP_CA_ROLLOVER]);
	c->cert = up(t->slot[TP_CERT]);
	c->cert_rollover = up(t->slot[TP_CERT_ROLLOVER]);
	c->extra = X509_chain_up_ref(t->extra);
	c->installed = t->installed;
	c->requested = t->requested;
	c->status = t->status;
	pthread_mutex_unlock(&tp_mu);
	return 0;
}

void
tp_certs_free(struct tp_certs *c)
{
	X509_free(c->ca);
	X509_free(c->ca_rollover);
	X509_free(c->cert);
	X509_free(c->cert_rollover);
	sk_X509_pop_free(c->extra, X509_free);
	memset(c, 0, sizeof(*c));
}

char **
tp_names(size_t *n)
{
	char **v = NULL;
	size_t k = 0;

	pthread_mutex_lock(&tp_mu);
	for (struct tp *t = tp_list; t; t = t->next) {
		char **nv = realloc(v, (k + 1) * sizeof(*v));
		if (nv == NULL)
			break;
		v = nv;
		v[k++] = strdup(t->cfg.name);
	}
	pthread_mutex_unlock(&tp_mu);
	*n = k;
	return v;
}

void
tp_names_free(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

int
tp_set_cert(const char *name, enum tp_slot s, X509 *x, struct err *e)
{
	struct tp *t;

	pthread_mutex_lock(&tp_mu);
	if ((t = tp_find_locked(name)) == NULL) {
		pthread_mutex_unlock(&tp_mu);
		return err_set(e, E_NOTFOUND, "Certificate Authority "
		    "(trustpoint) %s is unknown", name);
	}
	if (s == TP_EXTRA) {
		if (x)
			sk_X509_push(t->extra, up(x));
	} else {
		X509_free(t->slot[s]);
		t->slot[s] = up(x);
	}
	pthread_mutex_unlock(&tp_mu);
	return 0;
}

static int
serial_is(X509 *x, const char *serial)
{
	char *s;
	int r;

	if (x == NULL || (s = cert_serial_hex(x)) == NULL)
		return 0;
	r = strcasecmp(s, serial) == 0;
	free(s);
	return r;
}

int
tp_remove_serial(const char *name, const char *serial, struct err *e)
{
	struct tp *t;
	int found = 0;

	pthread_mutex_lock(&tp_mu);
	if ((t = tp_find_locked(name)) == NULL) {
		pthread_mutex_unlock(&tp_mu);
		return err_set(e, E_NOTFOUND, "Certificate Authority "
		    "(trustpoint) %s is unknown", name);
	}
	for (int i = 0; i < TP_EXTRA; i++)
		if (serial_is(t->slot[i], serial)) {
			X509_free(t->slot[i]);
			t->slot[i] = NULL;
			found = 1;
		}
	for (int i = sk_X509_num(t->extra) - 1; i >= 0; i--)
		if (serial_is(sk_X509_value(t->extra, i), serial)) {
			X509_free(sk_X509_delete(t->extra, i));
			found = 1;
		}
	pthread_mutex_unlock(&tp_mu);
	if (!found)
		return err_set(e, E_NOTFOUND, "Certificate %s not found in "
		    "chain %s", serial, name);
	return 0;
}

void
tp_set_status(const char *name, enum tp_status st)
{
	struct tp *t;

	pthread_mutex_lock(&tp_mu);
	if ((t = tp_find_locked(name)) != NULL) {
		t->status = st;
		t->requested = clock_now();
	}
	pthread_mutex_unlock(&tp_mu);
}

void
tp_set_caps(const char *name, const char *caps)
{
	struct tp *t;

	pthread_mutex_lock(&tp_mu);
	if ((t = tp_find_locked(name)) != NULL)
		snprintf(t->caps, sizeof(t->caps), "%s", caps);
	pthread_mutex_unlock(&tp_mu);
}

void
tp_get_caps(const char *name, char *buf, size_t len)
{
	struct tp *t;

	buf[0] = '\0';
	pthread_mutex_lock(&tp_mu);
	if ((t = tp_find_locked(name)) != NULL)
		snprintf(buf, len, "%s", t->caps);
	pthread_mutex_unlock(&tp_mu);
}
