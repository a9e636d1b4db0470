/* SPDX-License-Identifier: ISC */
/*
 * bench/scep_load.c - SCEP load client for bench/ca.sh and the CA tests.
 *
 *   scep_load -u URL [-p CHALLENGE] [-n N] [-c 1,2,16] [-k KEYS] [-o DIR]
 *   scep_load -u URL -t SECS [-c K] [-n MAX] ...     (soak: kill loop)
 *   scep_load -u URL -b CASE [-p CHALLENGE] [-o DIR] (one hostile case)
 *   scep_load -u URL -d DIR [-n N] [-p CHALLENGE]     (build, write, exit)
 *
 * Bench: for every concurrency K, N PKCSReq messages are built first (KEYS
 * requester keys, each with its transient certificate, reused round-robin;
 * a fresh CSR, CN, transactionID and senderNonce per message), then sent
 * over K keep-alive connections; after the clock stops every CertRep is
 * checked. One line per level:
 *   level conc=K n=N ok= fail= pending= http= net= bad= dup= secs= rps=
 *   p50_ms= p99_ms= cpu_ms=
 * cpu_ms: this client's own CPU time (user + system) while the clock ran.
 * dup counts issued serials already seen in this run (any level).
 * Soak (-t): one level, until N messages are sent or SECS pass; a refused
 * connection (CA down) is retried with the same message, any other
 * transport error leaves that request's outcome unknown (libcurl itself
 * sends a request again, once, when a kept connection turns out closed
 * before any reply byte: the CA may then see a transactionID twice and
 * answer FAILURE, which the figures count). Received
 * certificates go to DIR/NNNNNN.pem and DIR/received ("SERIAL CN FILE").
 * Dump (-d): N PKCSReq messages for other clients to send, as
 * DIR/NNNNNN.msg.pem, .key.pem (requester key), .signer.pem (its
 * transient certificate), one key per message.
 * Exit: 0 when the run could be made (the figures say how it went); -b:
 * 0 the CA refused the case (FAILURE or HTTP 4xx), 1 it did not, 2
 * transport error, 3 local error.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/resource.h>
#include "bench/scep_load.h"

struct opts {
	const char	*url, *challenge, *outdir, *bad, *dump;
	size_t		 n, keys;
	int		 conc[16], nconc;
	double		 soak;
};

struct tally {
	size_t		 by[O_BAD + 1];
	size_t		 dup;
};

static void
usage(void)
{
	fprintf(stderr, "usage: scep_load -u URL [-p CHALLENGE] [-n N] "
	    "[-c K[,K...]] [-k KEYS] [-o DIR] [-t SECS] [-b CASE] [-d DIR]\n"
	    "  hostile cases: %s\n", bad_cases);
	exit(2);
}

static int
parse_conc(struct opts *o, char *s)
{
	char *tok, *save = NULL;

	o->nconc = 0;
	for (tok = strtok_r(s, ",", &save); tok != NULL; tok = strtok_r(NULL,
	    ",", &save)) {
		if (o->nconc == 16 || atoi(tok) < 1 || atoi(tok) > 1024)
			return -1;
		o->conc[o->nconc++] = atoi(tok);
	}
	return o->nconc ? 0 : -1;
}

static void
parse_opts(struct opts *o, int argc, char **argv)
{
	int c;

	memset(o, 0, sizeof(*o));
	o->n = 400;
	o->keys = 32;
	o->conc[0] = 1;
	o->nconc = 1;
	while ((c = getopt(argc, argv, "u:p:n:c:k:o:t:b:d:")) != -1)
		switch (c) {
		case 'u': o->url = optarg; break;
		case 'p': o->challenge = optarg; break;
		case 'n': o->n = strtoul(optarg, NULL, 10); break;
		case 'c': if (parse_conc(o, optarg) == -1) usage(); break;
		case 'k': o->keys = strtoul(optarg, NULL, 10); break;
		case 'o': o->outdir = optarg; break;
		case 't': o->soak = atof(optarg); break;
		case 'b': o->bad = optarg; break;
		case 'd': o->dump = optarg; o->keys = 0; break;
		default: usage();
		}
	if (o->dump != NULL)
		o->keys = o->n;	/* one key per dumped message */
	if (o->url == NULL || o->n == 0 || o->keys == 0 || optind != argc)
		usage();
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int
cmp_dbl(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* Serials of all successes so far (seen) plus this level's; dup count. */
static size_t
count_dups(char ***seen, size_t *nseen, const struct req *r, size_t n)
{
	size_t i, d = 0;
	char **s;

	if ((s = realloc(*seen, (*nseen + n) * sizeof(*s))) == NULL)
		return (size_t)-1;
	*seen = s;
	for (i = 0; i < n; i++)
		if (r[i].out == O_SUCCESS &&
		    (s[*nseen] = strdup(r[i].serial)) != NULL)
			(*nseen)++;
	qsort(s, *nseen, sizeof(*s), cmp_str);
	for (i = 1; i < *nseen; i++)
		if (strcmp(s[i - 1], s[i]) == 0)
			d++;
	return d;
}

/* Percentile p (0..1) of the latencies of requests that got a reply. */
static double
pct(const struct req *r, size_t n, double p)
{
	double *v, x = 0;
	size_t i, m = 0, k;

	if ((v = malloc((n + 1) * sizeof(*v))) == NULL)
		return -1;
	for (i = 0; i < n; i++)
		if (r[i].http != 0)
			v[m++] = r[i].ms;
	if (m > 0) {
		qsort(v, m, sizeof(*v), cmp_dbl);
		k = (size_t)(p * (double)m + 0.999999);
		x = v[k > 0 ? k - 1 : 0];
	}
	free(v);
	return x;
}

/* Write what was received: DIR/NNNNNN.pem and DIR/received. */
static int
save_all(const struct req *r, size_t n, size_t base, const char *dir)
{
	char name[32], path[4096];
	struct err e;
	FILE *f;
	size_t i;

	snprintf(path, sizeof(path), "%s/received", dir);
	if ((f = fopen(path, "a")) == NULL) {
		fprintf(stderr, "scep_load: %s: %s\n", path, strerror(errno));
		return -1;
	}
	for (i = 0; i < n; i++) {
		if (r[i].out != O_SUCCESS)
			continue;
		snprintf(name, sizeof(name), "%06zu", base + i);
		if (req_save(&r[i], dir, name, &e) == -1) {
			fprintf(stderr, "scep_load: %s\n", e.msg);
			fclose(f);
			return -1;
		}
		fprintf(f, "%s %s %s.pem\n", r[i].serial, r[i].cn, name);
	}
	return fclose(f) == 0 ? 0 : -1;
}

static int
dump_all(const struct req *r, size_t n, const char *dir)
{
	char name[32];
	struct err e;
	size_t i;

	for (i = 0; i < n; i++) {
		snprintf(name, sizeof(name), "%06zu", i);
		if (req_dump(&r[i], dir, name, &e) == -1) {
			fprintf(stderr, "scep_load: %s\n", e.msg);
			return -1;
		}
	}
	return 0;
}

struct bctx {
	const struct target	*t;
	const struct opts	*o;
	const struct ident	*ids;
	int			 level;
};

/* Request i of a level: its own CN, transactionID and nonce. */
static int
build_one(void *arg, struct req *r, size_t i)
{
	const struct bctx *b = arg;
	const struct ident *id = &b->ids[i % b->o->keys];
	char cn[64];
	struct err e;

	snprintf(cn, sizeof(cn), "load-%d-%d-%zu", (int)getpid(), b->level, i);
	if (req_build(r, b->t, id, id->key, cn, b->o->challenge, NULL,
	    &e) == -1) {
		fprintf(stderr, "scep_load: build: %s\n", e.msg);
		return -1;
	}
	return 0;
}

struct bpart {
	const struct bctx	*b;
	struct req		*r;
	size_t			 k, step;
	int			 rc;
};

static void *
build_part(void *arg)
{
	struct bpart *p = arg;
	size_t i;

	for (i = p->k; i < p->b->o->n && p->rc == 0; i += p->step)
		p->rc = build_one((void *)p->b, &p->r[i], i);
	return NULL;
}

/* Build every request of a level, on as many threads as there are CPUs
 * (up to 4): the signing is before the clock starts. */
static int
build_all(const struct bctx *b, struct req *r)
{
	struct bpart p[4];
	pthread_t th[4];
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	size_t k, n = ncpu < 1 ? 1 : ncpu > 4 ? 4 : (size_t)ncpu, started;
	int rc = 0;

	for (k = 0; k < n; k++)
		p[k] = (struct bpart){ b, r, k, n, 0 };
	for (started = 0; started < n; started++)
		if (pthread_create(&th[started], NULL, build_part,
		    &p[started]) != 0)
			break;
	if (started == 0) {		/* no thread: all of it here */
		p[0].step = 1;
		build_part(&p[0]);
		return p[0].rc;
	}
	for (k = 0; k < started; k++) {
		pthread_join(th[k], NULL);
		if (p[k].rc != 0)
			rc = -1;
	}
	return started == n ? rc : -1;
}

/* This process's CPU time so far, ms. */
static double
cpu_ms(void)
{
	struct rusage u;

	if (getrusage(RUSAGE_SELF, &u) != 0)
		return 0;
	return (double)(u.ru_utime.tv_sec + u.ru_stime.tv_sec) * 1e3 +
	    (double)(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e3;
}

static void
report(int conc, const struct req *r, size_t n, double secs, double cpu,
    const struct tally *tl)
{
	printf("level conc=%d n=%zu ok=%zu fail=%zu pending=%zu http=%zu "
	    "net=%zu bad=%zu dup=%zu secs=%.3f rps=%.1f p50_ms=%.2f "
	    "p99_ms=%.2f cpu_ms=%.1f\n", conc, n, tl->by[O_SUCCESS],
	    tl->by[O_FAILURE], tl->by[O_PENDING], tl->by[O_HTTP],
	    tl->by[O_NET], tl->by[O_BAD], tl->dup, secs,
	    secs > 0 ? (double)tl->by[O_SUCCESS] / secs : 0, pct(r, n, 0.50),
	    pct(r, n, 0.99), cpu);
	fflush(stdout);
}

/* One level: build (soak: as it goes), run, check, report, save. */
static int
level(const struct target *t, const struct opts *o, const struct ident *ids,
    int li, char ***seen, size_t *nseen, size_t *dups)
{
	struct req *r = calloc(o->n, sizeof(*r));
	struct bctx b = { t, o, ids, li };
	struct run_opts ro = { 0 };
	struct tally tl;
	double secs, cpu;
	size_t i, d;
	int rc = -1;

	memset(&tl, 0, sizeof(tl));
	if (r == NULL)
		return -1;
	if (o->soak > 0) {
		ro.retry_refused = 1;
		ro.deadline = net_now() + o->soak;
		ro.build = build_one;
		ro.barg = &b;
	} else if (build_all(&b, r) == -1)
		goto out;
	if (o->dump != NULL) {
		rc = dump_all(r, o->n, o->dump);
		goto out;
	}
	cpu = cpu_ms();
	secs = net_run(t, r, o->n, o->conc[li], &ro);
	cpu = cpu_ms() - cpu;
	for (i = 0; i < o->n; i++) {
		req_check(t, &r[i]);
		tl.by[r[i].out]++;
	}
	if ((d = count_dups(seen, nseen, r, o->n)) == (size_t)-1)
		goto out;
	tl.dup = d - *dups;
	*dups = d;
	report(o->conc[li], r, o->n - tl.by[O_NONE], secs, cpu, &tl);
	rc = o->outdir ? save_all(r, o->n, (size_t)li * o->n, o->outdir) : 0;
 out:
	for (i = 0; i < o->n; i++)
		req_free(&r[i]);
	free(r);
	return rc;
}

static int
run_levels(const struct target *t, const struct opts *o)
{
	struct ident *ids = calloc(o->keys, sizeof(*ids));
	char **seen = NULL, cn[32];
	size_t i, nseen = 0, dups = 0;
	struct err e;
	int li, rc = -1;

	if (ids == NULL)
		return -1;
	for (i = 0; i < o->keys; i++) {
		snprintf(cn, sizeof(cn), "load-signer-%zu", i);
		if (ident_make(&ids[i], cn, &e) == -1) {
			fprintf(stderr, "scep_load: %s\n", e.msg);
			goto out;
		}
	}
	for (li = 0; li < o->nconc; li++)
		if (level(t, o, ids, li, &seen, &nseen, &dups) == -1)
			goto out;
	rc = 0;
 out:
	for (i = 0; i < o->keys; i++)
		ident_free(&ids[i]);
	free(ids);
	for (i = 0; i < nseen; i++)
		free(seen[i]);
	free(seen);
	return rc;
}

int
main(int argc, char **argv)
{
	struct target t;
	struct opts o;
	struct err e;
	int rc;

	parse_opts(&o, argc, argv);
	if (o.soak > 0) {
		o.nconc = 1;
		net_stop_on_term();
	}
	if (scep_init(&e) == -1 || net_init(&e) == -1) {
		fprintf(stderr, "scep_load: %s\n", e.msg);
		return 3;
	}
	if (target_load(&t, o.url, &e) == -1) {
		fprintf(stderr, "scep_load: %s: %s\n", o.url, e.msg);
		net_cleanup();
		return 3;
	}
	if (o.bad != NULL)
		rc = bad_run(&t, o.bad, o.challenge, o.outdir);
	else
		rc = run_levels(&t, &o) == 0 ? 0 : 3;
	target_free(&t);
	scep_cleanup();
	net_cleanup();
	return rc;
}
