/* SPDX-License-Identifier: ISC */
/*
 * bench/scep_load_bad.c - hostile requests for tests/e2e/ca_hostile.sh.
 * Each case must be refused: a CertRep FAILURE or an HTTP 4xx. Prints
 *   case=NAME step=STEP result=OUTCOME http=STATUS failinfo=NAME
 * per request sent. The replay case first enrolls once for real (that
 * certificate is expected; it goes to DIR/replay.pem with -o DIR).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <openssl/rand.h>
#include "bench/scep_load.h"

const char *const bad_cases = "oversize getoversize garbage truncated "
    "getgarbage ctype wrongkey badsig badenv msgtype unknownop replay";

/* 1 refused properly, 0 accepted or wrong answer, -1 transport error. */
static int
verdict(const struct target *t, struct req *r, const char *c,
    const char *step)
{
	net_run(t, r, 1, 1, NULL);
	req_check(t, r);
	printf("case=%s step=%s result=%s http=%ld failinfo=%s\n", c, step,
	    outcome_name(r->out), r->http, r->out == O_FAILURE ?
	    scep_fail_info_name(r->fail_info) : "-");
	fflush(stdout);
	if (r->out == O_NET || r->out == O_NONE)
		return -1;
	return r->out == O_FAILURE || (r->out == O_HTTP && r->http >= 400 &&
	    r->http < 500);
}

static int
random_msg(struct req *r, size_t len)
{
	memset(r, 0, sizeof(*r));
	snprintf(r->cn, sizeof(r->cn), "hostile");
	if ((r->msg = malloc(len)) == NULL || RAND_bytes(r->msg, (int)len) != 1)
		return -1;
	r->msg[0] = 0x30;	/* looks like the start of a SEQUENCE */
	r->msg_len = len;
	return 0;
}

/* A good request of its own key, then altered by the case. */
static int
good(struct req *r, const struct target *t, struct ident *id, const char *cn,
    const char *challenge, const char *tid)
{
	struct err e;

	if (ident_make(id, cn, &e) == -1 || req_build(r, t, id, id->key, cn,
	    challenge, tid, &e) == -1) {
		fprintf(stderr, "scep_load: %s\n", e.msg);
		return -1;
	}
	return 0;
}

/* Cases built from raw bytes or from one good request. */
static int
simple(const struct target *t, const char *c, const char *challenge)
{
	struct ident a = { 0 }, b = { 0 };
	struct target other;
	struct req r;
	struct err e;
	int v = -2;

	memset(&r, 0, sizeof(r));
	if (strcmp(c, "oversize") == 0)
		v = random_msg(&r, 8u << 20);
	else if (strcmp(c, "getoversize") == 0) {
		v = random_msg(&r, 192u << 10);	/* a 256 KiB query string */
		r.get = 1;
	} else if (strcmp(c, "garbage") == 0)
		v = random_msg(&r, 3000);
	else if (strcmp(c, "getgarbage") == 0) {
		v = random_msg(&r, 1500);
		r.get = 1;
	} else if (strcmp(c, "unknownop") == 0) {
		unsigned char *body = NULL;
		size_t len;
		long st = net_get(t->url, "NoSuchOperation", &body, &len, &e);

		free(body);
		printf("case=%s step=get result=http http=%ld failinfo=-\n", c,
		    st);
		return st < 0 ? -1 : st >= 400 && st < 500;
	} else if ((v = good(&r, t, &a, "hostile-a", challenge, NULL)) == 0) {
		if (strcmp(c, "truncated") == 0)
			r.msg_len /= 2;
		else if (strcmp(c, "ctype") == 0)
			r.ctype = "application/json";
		else if (strcmp(c, "badsig") == 0)
			r.msg[r.msg_len - 8] ^= 0x55;	/* in the signature */
		else if (strcmp(c, "wrongkey") == 0) {
			/* CSR for key B, signed by A's transient certificate */
			req_free(&r);
			v = ident_make(&b, "hostile-b", &e) == -1 ||
			    req_build(&r, t, &a, b.key, "hostile-b", challenge,
			    NULL, &e) == -1 ? -1 : 0;
		} else if (strcmp(c, "badenv") == 0) {
			/* enveloped to a certificate that is not the CA's */
			other = *t;
			req_free(&r);
			v = ident_make(&b, "hostile-b", &e) == -1 ? -1 : 0;
			other.rcpt = b.cert;
			if (v == 0)
				v = req_build(&r, &other, &a, a.key,
				    "hostile-a", challenge, NULL, &e);
		} else if (strcmp(c, "msgtype") == 0) {
			free(r.msg);
			r.msg = NULL;
			r.tx.type = (enum scep_msg_type)99;
			v = scep_msg_build(&r.tx, (const unsigned char *)"\x30",
			    1, &r.msg, &r.msg_len, &e);
		} else
			v = -2;
	}
	if (v == 0)
		v = verdict(t, &r, c, "send");
	else if (v == -2)
		fprintf(stderr, "scep_load: no case %s (%s)\n", c, bad_cases);
	req_free(&r);
	ident_free(&a);
	ident_free(&b);
	return v;
}

/* Enroll once; the same message again; a new request, same tid. */
static int
replay(const struct target *t, const char *challenge, const char *outdir)
{
	struct ident a = { 0 }, b = { 0 };
	struct req r, r2;
	struct err e;
	unsigned char *copy;
	int v = -2;

	memset(&r, 0, sizeof(r));
	memset(&r2, 0, sizeof(r2));
	if (good(&r, t, &a, "replay-a", challenge, NULL) == -1)
		goto out;
	if ((copy = malloc(r.msg_len)) == NULL)
		goto out;
	memcpy(copy, r.msg, r.msg_len);
	net_run(t, &r, 1, 1, NULL);
	req_check(t, &r);
	printf("case=replay step=first result=%s http=%ld serial=%s\n",
	    outcome_name(r.out), r.http, r.serial);
	if (r.out != O_SUCCESS) {
		free(copy);
		v = r.out == O_NET ? -1 : 0;
		goto out;
	}
	if (outdir != NULL && req_save(&r, outdir, "replay", &e) == -1)
		fprintf(stderr, "scep_load: %s\n", e.msg);
	r2 = r;			/* same tx, same bytes */
	r2.msg = copy;
	r2.rep = NULL;
	r2.cert = NULL;
	r2.http = 0;
	if ((v = verdict(t, &r2, "replay", "same-message")) != 1)
		goto out;
	req_free(&r2);
	if (good(&r2, t, &b, "replay-b", challenge, r.tx.transaction_id) == -1)
		v = -2;
	else
		v = verdict(t, &r2, "replay", "same-transaction-id");
 out:
	req_free(&r);
	req_free(&r2);
	ident_free(&a);
	ident_free(&b);
	return v;
}

int
bad_run(const struct target *t, const char *which, const char *challenge,
    const char *outdir)
{
	int v = strcmp(which, "replay") == 0 ? replay(t, challenge, outdir) :
	    simple(t, which, challenge);

	switch (v) {
	case 1: return 0;
	case 0: return 1;
	case -1: return 2;
	default: return 3;
	}
}
