/* pki/crl.c - the client's CRL cache (see pki/crl.h) */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <openssl/x509v3.h>
#include "lib/clock.h"
#include "lib/http.h"
#include "pki/cert.h"
#include "pki/crl.h"
#include "pki/tp.h"
#include "pki/trustpool.h"

#define CRL_MAX		16
#define CRL_BODY_MAX	(4 * 1024 * 1024)

static struct crl_ent {
	char		 tp[128];
	char		 url[512];
	X509_CRL	*crl;
	size_t		 der_len;
} cache[CRL_MAX];
static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;

/* The first URI of the certificate's CRL distribution points. */
static int
cdp_uri(X509 *x, char *out, size_t len)
{
	STACK_OF(DIST_POINT) *dps = X509_get_ext_d2i(x,
	    NID_crl_distribution_points, NULL, NULL);
	int found = 0;

	for (int i = 0; !found && i < sk_DIST_POINT_num(dps); i++) {
		DIST_POINT *dp = sk_DIST_POINT_value(dps, i);
		GENERAL_NAMES *gns = dp->distpoint && dp->distpoint->type == 0 ?
		    dp->distpoint->name.fullname : NULL;
		for (int j = 0; !found && j < sk_GENERAL_NAME_num(gns); j++) {
			GENERAL_NAME *g = sk_GENERAL_NAME_value(gns, j);
			const ASN1_IA5STRING *s = g->type == GEN_URI ?
			    g->d.uniformResourceIdentifier : NULL;
			if (s && (size_t)s->length < len) {
				memcpy(out, s->data, (size_t)s->length);
				out[s->length] = '\0';
				found = 1;
			}
		}
	}
	sk_DIST_POINT_pop_free(dps, DIST_POINT_free);
	return found ? 0 : -1;
}

static X509_CRL *
fetch(const char *url, size_t *der_len, struct err *e)
{
	struct http_client *c = http_client_new();
	struct http_req rq = { .method = "GET", .url = url,
		.max_body = CRL_BODY_MAX, .max_redirs = 3 };
	struct http_resp rs = { 0 };
	const unsigned char *p;
	X509_CRL *crl = NULL;
	char *pool = trustpool_pem();

	rq.extra_ca_pem = pool;
	if (c == NULL)
		err_set(e, E_NOMEM, "out of memory");
	else if (http_do(c, &rq, &rs, e) == 0 && rs.status != 200)
		err_set(e, E_PROTO, "HTTP status %ld", rs.status);
	else if (rs.body) {
		p = rs.body;
		if ((crl = d2i_X509_CRL(NULL, &p, (long)rs.body_len)) == NULL)
			err_ssl(e, "not a DER CRL");
		*der_len = rs.body_len;
	}
	http_resp_free(&rs);
	http_client_free(c);
	free(pool);
	return crl;
}

static void
store(const char *tp, const char *url, X509_CRL *crl, size_t der_len)
{
	int i, slot = -1;

	pthread_mutex_lock(&mu);
	for (i = 0; i < CRL_MAX; i++)
		if (strcmp(cache[i].tp, tp) == 0 || (slot < 0 &&
		    cache[i].crl == NULL))
			slot = i;
	if (slot < 0)
		slot = 0;
	X509_CRL_free(cache[slot].crl);
	snprintf(cache[slot].tp, sizeof(cache[slot].tp), "%s", tp);
	snprintf(cache[slot].url, sizeof(cache[slot].url), "%s", url);
	cache[slot].crl = crl;
	cache[slot].der_len = der_len;
	pthread_mutex_unlock(&mu);
}

int
crl_request(const char *tp, struct err *e)
{
	struct tp_certs k;
	char url[512];
	size_t der_len = 0;
	X509_CRL *crl;
	EVP_PKEY *pub;
	int ok;

	if (tp_get_certs(tp, &k, e) < 0)
		return -1;
	if (k.ca == NULL || (cdp_uri(k.cert ? k.cert : k.ca, url,
	    sizeof(url)) < 0 && cdp_uri(k.ca, url, sizeof(url)) < 0)) {
		tp_certs_free(&k);
		return err_set(e, E_NOTFOUND, "Trustpoint %s has no CRL "
		    "distribution point", tp);
	}
	if ((crl = fetch(url, &der_len, e)) == NULL) {
		tp_certs_free(&k);
		return err_ctx(e, "CRL fetch from %s", url);
	}
	pub = X509_get0_pubkey(k.ca);
	ok = X509_NAME_cmp(X509_CRL_get_issuer(crl),
	    X509_get_subject_name(k.ca)) == 0 && pub &&
	    X509_CRL_verify(crl, pub) == 1;
	tp_certs_free(&k);
	if (!ok) {
		X509_CRL_free(crl);
		return err_ssl(e, "CRL from %s is not signed by the CA of "
		    "trustpoint %s", url, tp);
	}
	store(tp, url, crl, der_len);
	return 0;
}

/* "hh:mm:ss UTC Mon d yyyy" of an ASN1_TIME. */
static char *
fmt_time(const ASN1_TIME *t, char *buf, size_t len)
{
	struct tm tm;

	if (t == NULL || ASN1_TIME_to_tm(t, &tm) != 1)
		return snprintf(buf, len, "(none)"), buf;
	return clock_fmt_show(timegm(&tm), buf, len);
}

static void
show_one(FILE *f, const struct crl_ent *c)
{
	STACK_OF(X509_REVOKED) *rv = X509_CRL_get_REVOKED(c->crl);
	char *iss = cert_name_oneline_ios(X509_CRL_get_issuer(c->crl));
	char a[64], b[64];

	fmt_time(X509_CRL_get0_lastUpdate(c->crl), a, sizeof(a));
	fmt_time(X509_CRL_get0_nextUpdate(c->crl), b, sizeof(b));
	fprintf(f, "CRL Issuer Name: \n    %s\n    LastUpdate: %s\n    "
	    "NextUpdate: %s\n    Retrieved from CRL Distribution Point: \n"
	    "      %s\n    CRL DER is %zu bytes\n    CRL is stored in parsed "
	    "CRL cache\n", iss ? iss : "", a, b, c->url, c->der_len);
	for (int i = 0; i < sk_X509_REVOKED_num(rv); i++) {
		const ASN1_INTEGER *sn = X509_REVOKED_get0_serialNumber(
		    sk_X509_REVOKED_value(rv, i));
		BIGNUM *bn = ASN1_INTEGER_to_BN(sn, NULL);
		char *hex = bn ? BN_bn2hex(bn) : NULL;
		fprintf(f, "    Revoked serial number (hex): %s%s\n",
		    hex && strlen(hex) % 2 ? "0" : "", hex ? hex : "?");
		OPENSSL_free(hex);
		BN_free(bn);
	}
	free(iss);
}

void
crl_show(FILE *f)
{
	pthread_mutex_lock(&mu);
	for (int i = 0; i < CRL_MAX; i++)
		if (cache[i].crl)
			show_one(f, &cache[i]);
	pthread_mutex_unlock(&mu);
}
