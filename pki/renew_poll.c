/* pki/renew_poll.c - pending SCEP requests survive a restart: one file
 * per trustpoint in <state>/pending, and the timer snapshot for show */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "lib/clock.h"
#include "lib/fileio.h"
#include "pki/ca_rollover.h"
#include "pki/cert.h"
#include "pki/renew_int.h"

static char dir[4096];

void
poll_set_dir(const char *state)
{
	snprintf(dir, sizeof(dir), "%s/pending", state);
}

void
poll_save(const struct rstate *s)
{
	char path[4400], buf[700];
	int n;

	if (dir[0] == '\0' || file_mkdirs(dir, 0700, NULL) < 0)
		return;
	snprintf(path, sizeof(path), "%s/%s", dir, s->tp);
	n = snprintf(buf, sizeof(buf), "%s\n%s\n%lld\n%d\n%d\n%d\n%d\n%s\n"
	    "%d\n", s->poll.tid, s->poll.key, (long long)s->poll_next,
	    s->poll_minutes, s->poll_count, s->poll.renewal,
	    s->poll.include_serial, s->poll.ip[0] ? s->poll.ip : "-",
	    s->poll.shadow);
	file_write_atomic(path, buf, (size_t)n, 0600, NULL);
}

void
poll_remove(const char *tp)
{
	char path[4400];

	if (dir[0] == '\0')
		return;
	snprintf(path, sizeof(path), "%s/%s", dir, tp);
	unlink(path);
}

static void
load_one(const char *name)
{
	char path[4400], tid[129], key[192], ip[64] = "-", *text;
	long long next;
	int mins, count, renewal = 0, serial = 0, shadow = 0;
	struct rstate *s;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if ((text = file_read(path, 4096, NULL, NULL)) == NULL)
		return;
	/* the last four fields were added later: optional */
	if (sscanf(text, "%128s %191s %lld %d %d %d %d %63s %d", tid, key,
	    &next, &mins, &count, &renewal, &serial, ip, &shadow) >= 5 &&
	    tp_exists(name)) {
		pthread_mutex_lock(&renew_mu);
		if ((s = rstate_get(name)) != NULL) {
			s->poll.active = 1;
			snprintf(s->poll.tid, sizeof(s->poll.tid), "%s", tid);
			snprintf(s->poll.key, sizeof(s->poll.key), "%s", key);
			s->poll.renewal = renewal;
			s->poll.shadow = shadow;
			s->poll.include_serial = serial;
			snprintf(s->poll.ip, sizeof(s->poll.ip), "%s",
			    strcmp(ip, "-") ? ip : "");
			/* resume: the wall clock may have moved on */
			s->poll_next = next;
			s->poll_minutes = mins > 0 ? mins : 1;
			s->poll_count = count;
		}
		pthread_mutex_unlock(&renew_mu);
	}
	free(text);
}

void
poll_load_all(void)
{
	DIR *d;
	struct dirent *de;

	if ((d = opendir(dir)) == NULL)
		return;
	while ((de = readdir(d)) != NULL)
		if (de->d_name[0] != '.' && !strstr(de->d_name, ".tmp."))
			load_one(de->d_name);
	closedir(d);
}

static void
add(struct renew_timer **v, size_t *n, const char *group, const char *kind,
    const char *tp, time_t when, const char *note)
{
	struct renew_timer *t;
	int paren = kind[strlen(kind) - 1] == '(';

	if ((t = realloc(*v, (*n + 1) * sizeof(**v))) == NULL)
		return;
	*v = t;
	t += (*n)++;
	snprintf(t->group, sizeof(t->group), "%s", group);
	snprintf(t->name, sizeof(t->name), "%s%s%s%s", kind, paren || !*tp ?
	    "" : " ", tp, paren ? ")" : "");
	t->when = when;
	snprintf(t->note, sizeof(t->note), "%s", note ? note : "");
}

static void
timers_of(const char *tp, struct renew_timer **v, size_t *n)
{
	struct tp_cfg c;
	struct tp_certs k;
	struct rstate *s;
	char note[96], caps[512];
	time_t due;
	int scep, shadow, renew;

	if (tp_get_cfg(tp, &c, NULL) < 0 || tp_get_certs(tp, &k, NULL) < 0)
		return;
	tp_get_caps(tp, caps, sizeof(caps));
	scep = c.enroll == TP_EN_URL || c.enroll == TP_EN_SCEP;
	/* ios-pki.md 9.3: an identity that ends with its CA renews SHADOW */
	shadow = scep && k.cert_rollover == NULL &&
	    scep_renew_is_shadow(k.ca, k.cert);
	pthread_mutex_lock(&renew_mu);
	s = rstate_get(tp);
	if (s && s->poll.active)
		add(v, n, "PKI Timers", "POLL", tp, s->poll_next, NULL);
	renew = s && !s->poll.active && rstate_renew_at(s, &c, &k,
	    clock_now(), &due, note, sizeof(note)) == 0;
	if (renew)
		add(v, n, "PKI Timers", shadow ? "SHADOW" : "RENEW", tp, due,
		    note);
	/* 9.5: GetNextCACert at 90 % of the CA certificate's lifetime */
	if (scep && k.ca && k.ca_rollover == NULL && !(renew && shadow) &&
	    strcasestr(caps, "GetNextCACert") != NULL)
		add(v, n, "PKI Timers", "SHADOW", tp, scep_shadow_time(k.ca),
		    NULL);
	pthread_mutex_unlock(&renew_mu);
	if (k.cert)
		add(v, n, "Expiry Alert Timers", "ID(", tp,
		    cert_not_after(k.cert) - 60 * 86400, NULL);
	if (k.ca)
		add(v, n, "Expiry Alert Timers", "CA(", tp,
		    cert_not_after(k.ca) - 60 * 86400, NULL);
	tp_certs_free(&k);
}

static int
cmp_when(const void *a, const void *b)
{
	const struct renew_timer *x = a, *y = b;
	int g = strcmp(y->group, x->group);	/* "PKI" before "Expiry" */

	if (g)
		return g;
	return x->when < y->when ? -1 : x->when > y->when;
}

struct cs_acc { struct renew_timer **v; size_t *n; };

static void
er_expire(void *arg, unsigned id, time_t when)
{
	struct cs_acc *a = arg;
	char num[16];

	snprintf(num, sizeof(num), "%u", id);
	add(a->v, a->n, "CS Timers", "ER EXPIRE", num, when, NULL);
}

/* The certificate server's timers (ios-pki.md sections 8.4, 10.4). */
static void
cs_timers(struct renew_timer **v, size_t *n)
{
	struct ca_rollover_times t;
	struct cs_acc a = { v, n };

	if (ca_rollover_times(&t) < 0)
		return;
	if (t.crl_update)
		add(v, n, "CS Timers", "CS CRL UPDATE", "", t.crl_update, NULL);
	if (t.generate)
		add(v, n, "CS Timers", "CS SHADOW CERT GENERATION", "",
		    t.generate, NULL);
	add(v, n, "CS Timers", "CS CERT EXPIRE", "", t.expire, NULL);
	ca_request_timers(er_expire, &a);
}

size_t
renew_timers(struct renew_timer **out)
{
	size_t n = 0, nn;
	char **names = tp_names(&nn);

	*out = NULL;
	for (size_t i = 0; i < nn; i++)
		timers_of(names[i], out, &n);
	cs_timers(out, &n);
	tp_names_free(names, nn);
	if (n)
		qsort(*out, n, sizeof(**out), cmp_when);
	return n;
}
