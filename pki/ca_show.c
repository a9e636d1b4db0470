/* pki/ca_show.c - the certificate server's views: `show crypto pki server`
 * (reference 7.6), its request queue (7.7), issued certificates and CRL
 * (7.8), all from one status snapshot or the database. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include "lib/clock.h"
#include "pki/ca_int.h"
#include "pki/ca_view.h"
#include "pki/cert.h"

#define RULE	"--------------------------------------------------------------"

const char *
ca_grant_name(const struct ca_cfg *c)
{
	return c->grant == CA_GRANT_AUTO ? "auto" : c->grant == CA_GRANT_NONE ?
	    "none" : c->grant == CA_GRANT_RA_AUTO ? "ra-auto" : "manual";
}

const char *
ca_level_name(enum ca_level l)
{
	return l == CA_LEVEL_COMPLETE ? "complete" : l == CA_LEVEL_NAMES ?
	    "names" : "minimum";
}

const char *
ca_level_text(enum ca_level l)
{
	return l == CA_LEVEL_COMPLETE ? "Complete - all issued certs written "
	    "as <serialnum>.cer" : l == CA_LEVEL_NAMES ? "Names - names and "
	    "serial numbers of issued certificates written" : "Minimum - no "
	    "cert data written to storage";
}

static time_t
asn1_time(const ASN1_TIME *t)
{
	struct tm tm;

	if (t == NULL || ASN1_TIME_to_tm(t, &tm) != 1)
		return 0;
	return timegm(&tm);
}

/* The CA certificate while the server is shut: its file. */
static X509 *
cert_file(const struct ca_cfg *c)
{
	char dir[1024], p[1200];
	X509 *x;
	FILE *f;

	ca_db_dir(c, dir, sizeof(dir));
	snprintf(p, sizeof(p), "%s/%s.crt", dir, c->name);
	if ((f = fopen(p, "rb")) == NULL)
		return NULL;
	if ((x = PEM_read_X509(f, NULL, NULL, NULL)) == NULL) {
		rewind(f);
		x = d2i_X509_fp(f, NULL);
	}
	fclose(f);
	ERR_clear_error();
	return x;
}

static void
status_cert(struct ca_status *s, X509 *x)
{
	s->has_cert = x != NULL;
	if (x == NULL)
		return;
	cert_fingerprint(x, "md5", s->fingerprint, sizeof(s->fingerprint));
	s->ca_expires = asn1_time(X509_get0_notAfter(x));
}

/* A sub-CA: enrolling, and the fingerprint of the CA above it. */
static void
status_sub(struct ca_status *s)
{
	STACK_OF(X509) *sk;

	if (s->cfg.mode == CA_MODE_ROOT)
		return;
	s->enrolling = ca_sub_enrolling();
	if ((sk = ca_chain_load(&s->cfg)) == NULL)
		return;
	cert_fingerprint(sk_X509_value(sk, 0), "md5", s->upper_fp,
	    sizeof(s->upper_fp));
	sk_X509_pop_free(sk, X509_free);
}

int
ca_status_get(struct ca_status *s)
{
	X509 *x = NULL;

	memset(s, 0, sizeof(*s));
	pthread_mutex_lock(&ca_g.mu);
	if (!ca_g.exists) {
		pthread_mutex_unlock(&ca_g.mu);
		return -1;
	}
	s->cfg = ca_g.cfg;
	s->enabled = ca_g.enabled;
	if ((x = ca_g.cacert) != NULL)
		X509_up_ref(x);
	if (ca_g.crl)
		s->crl_next = asn1_time(X509_CRL_get0_nextUpdate(ca_g.crl));
	s->serial_known = ca_g.db != NULL || s->cfg.serial_set;
	s->last_serial = ca_g.db ? ca_db_serial_last(ca_g.db) :
	    s->cfg.serial_set ? s->cfg.serial : 0;
	pthread_mutex_unlock(&ca_g.mu);
	if (x == NULL)
		x = cert_file(&s->cfg);
	status_cert(s, x);
	X509_free(x);
	status_sub(s);
	if (s->cfg.issuer[0])
		snprintf(s->issuer, sizeof(s->issuer), "%s", s->cfg.issuer);
	else
		snprintf(s->issuer, sizeof(s->issuer), "CN=%s", s->cfg.name);
	snprintf(s->storage, sizeof(s->storage), "%s", s->cfg.db_url[0] ?
	    s->cfg.db_url : "nvram:");
	return 0;
}

static void
show_server(FILE *f, const struct ca_status *s)
{
	const char *st = s->enabled || s->enrolling ? "enabled" : "disabled";
	ca_view_fn hook = ca_view_show_hook();
	char t[64];

	fprintf(f, "Certificate Server %s:\n    Status: %s\n    State: %s\n",
	    s->cfg.name, st, s->enrolling ? "enrolling" : st);
	if (s->enabled || s->enrolling)
		fprintf(f, "    Server's configuration is locked  (enter "
		    "\"shut\" to unlock it)\n");
	fprintf(f, "    Issuer name: %s\n", s->issuer);
	if (s->cfg.mode == CA_MODE_RA) {	/* its certificate is the RA's */
		fprintf(f, "    Server configured in RA mode\n");
		if (s->fingerprint[0])
			fprintf(f, "    RA cert fingerprint: %s\n",
			    s->fingerprint);
		if (s->upper_fp[0])
			fprintf(f, "    CA cert fingerprint: %s\n", s->upper_fp);
	} else if (s->fingerprint[0])
		fprintf(f, "    CA cert fingerprint: %s\n", s->fingerprint);
	if (s->cfg.mode == CA_MODE_SUB && s->upper_fp[0])
		fprintf(f, "    Upper CA cert fingerprint: %s\n", s->upper_fp);
	fprintf(f, "    Granting mode is: %s\n", ca_grant_name(&s->cfg));
	if (s->cfg.grant_tp[0])
		fprintf(f, "    Auto-granting renewals signed by trustpoint: "
		    "%s\n", s->cfg.grant_tp);
	if (s->serial_known)
		fprintf(f, "    Last certificate issued serial number (hex): "
		    "%llX\n", (unsigned long long)s->last_serial);
	if (s->ca_expires)
		fprintf(f, "    CA certificate expiration timer: %s\n",
		    clock_fmt_show(s->ca_expires, t, sizeof(t)));
	if (s->crl_next && s->enabled)
		fprintf(f, "    CRL NextUpdate timer: %s\n",
		    clock_fmt_show(s->crl_next, t, sizeof(t)));
	fprintf(f, "    Current primary storage dir: %s\n", s->storage);
	fprintf(f, "    Database Level: %s\n", ca_level_text(s->cfg.level));
	if (hook)
		hook(f, &s->cfg);
}

/* A text built through a memory stream; NULL only when out of memory. */
static char *
stream_done(FILE *f, char **buf)
{
	if (fclose(f) != 0) {
		free(*buf);
		*buf = NULL;
	}
	return *buf;
}

char *
ca_show_server(void)
{
	struct ca_status s;
	char *buf = NULL;
	size_t n = 0;
	FILE *f;

	if (ca_status_get(&s) < 0 || (f = open_memstream(&buf, &n)) == NULL)
		return NULL;
	show_server(f, &s);
	return stream_done(f, &buf);
}

/* 32 hex digits of the request's MD5 (the client's "Certificate Request
 * Fingerprint MD5" without its spaces) and its subject. */
static void
req_line(FILE *f, const struct ca_req_rec *r)
{
	static const char *const st[] = { "pending", "granted", "rejected",
		"removed", "granted" };
	unsigned char md[EVP_MAX_MD_SIZE];
	const unsigned char *p = r->csr;
	unsigned mdlen = 0;
	X509_REQ *q = d2i_X509_REQ(NULL, &p, (long)r->csr_len);
	char *subj = q ? cert_name_oneline_ios(X509_REQ_get_subject_name(q)) :
	    NULL;

	EVP_Digest(r->csr, r->csr_len, md, &mdlen, EVP_md5(), NULL);
	fprintf(f, "%-6u %-10s ", r->id, st[r->state]);
	for (unsigned i = 0; i < mdlen; i++)
		fprintf(f, "%02X", md[i]);
	fprintf(f, " %s\n", subj ? subj : "");
	free(subj);
	X509_REQ_free(q);
}

/* 0 a subordinate CA's request (it asks for a CA certificate), 1 an
 * RA's (its subject names "ioscs RA", as IOS RA certificates do), 2 a
 * router's. */
static int
req_kind(const struct ca_req_rec *r)
{
	const unsigned char *p = r->csr;
	X509_REQ *q = d2i_X509_REQ(NULL, &p, (long)r->csr_len);
	char *subj = q ? cert_name_oneline_ios(X509_REQ_get_subject_name(q)) :
	    NULL;
	int k = q == NULL ? 2 : ca_req_wants_ca(q) ? 0 : subj &&
	    strcasestr(subj, "ioscs RA") ? 1 : 2;

	free(subj);
	X509_REQ_free(q);
	return k;
}

static void
req_heading(FILE *f, const char *what)
{
	fprintf(f, "\n%s certificate requests:\nReqID  State      Fingerprint"
	    "                      SubjectName\n" RULE "\n", what);
}

char *
ca_show_requests(struct err *e)
{
	struct ca_req_rec *rs = NULL;
	size_t n = 0, len = 0;
	char *buf = NULL;
	FILE *f;
	int rc;

	pthread_mutex_lock(&ca_g.mu);
	rc = ca_g.db ? ca_db_reqs(ca_g.db, &rs, &n, e) : 0;
	pthread_mutex_unlock(&ca_g.mu);
	if (rc < 0 || (f = open_memstream(&buf, &len)) == NULL) {
		ca_db_reqs_free(rs, n);
		return rc < 0 ? NULL : (err_set(e, E_NOMEM, "Out of memory"),
		    NULL);
	}
	fprintf(f, "Enrollment Request Database:\n");
	for (int k = 0; k < 3; k++) {
		if (k < 2)
			req_heading(f, k == 0 ? "Subordinate CA" : "RA");
		else
			fprintf(f, "\nRouter certificates requests:\nReqID  "
			    "State      Fingerprint                      "
			    "SubjectName\n" RULE "\n");
		for (size_t i = 0; i < n; i++)
			if (rs[i].state != CA_REQ_REMOVED &&
			    req_kind(&rs[i]) == k)
				req_line(f, &rs[i]);
	}
	ca_db_reqs_free(rs, n);
	return stream_done(f, &buf);
}

static void
cert_line(FILE *f, uint64_t serial, time_t nb, time_t na, X509 *x)
{
	char a[64], b[64], hex[24];
	char *subj = x ? cert_name_oneline_ios(X509_get_subject_name(x)) :
	    NULL;

	snprintf(hex, sizeof(hex), "%llX", (unsigned long long)serial);
	fprintf(f, "%-7s %s %s  %s\n", hex, clock_fmt_show(nb, a, sizeof(a)),
	    clock_fmt_show(na, b, sizeof(b)), subj ? subj : "");
	free(subj);
}

static void
cert_rec_line(FILE *f, const struct ca_cert_rec *c)
{
	const unsigned char *p = c->der;
	X509 *x = c->der ? d2i_X509(NULL, &p, (long)c->der_len) : NULL;

	cert_line(f, c->serial, c->not_before, c->not_after, x);
	X509_free(x);
}

/* The CA certificate heads the list when the database does not hold it. */
static void
ca_cert_line(FILE *f, X509 *ca, const struct ca_cert_rec *cs, size_t n)
{
	uint64_t s = 0;

	if (ca == NULL || ASN1_INTEGER_get_uint64(&s,
	    X509_get0_serialNumber(ca)) != 1)
		return;
	for (size_t i = 0; i < n; i++)
		if (cs[i].serial == s)
			return;
	cert_line(f, s, asn1_time(X509_get0_notBefore(ca)),
	    asn1_time(X509_get0_notAfter(ca)), ca);
}

char *
ca_show_certificates(struct err *e)
{
	struct ca_cert_rec *cs = NULL;
	size_t n = 0, len = 0;
	char *buf = NULL;
	X509 *ca = NULL;
	FILE *f;
	int rc;

	pthread_mutex_lock(&ca_g.mu);
	rc = ca_g.db ? ca_db_certs(ca_g.db, &cs, &n, e) : 0;
	if ((ca = ca_g.cacert) != NULL)
		X509_up_ref(ca);
	pthread_mutex_unlock(&ca_g.mu);
	if (rc == 0 && (f = open_memstream(&buf, &len)) != NULL) {
		fprintf(f, "Serial Issued date              Expire date       "
		    "        Subject Name\n");
		ca_cert_line(f, ca, cs, n);
		for (size_t i = 0; i < n; i++)
			cert_rec_line(f, &cs[i]);
		buf = stream_done(f, &buf);
	} else if (rc == 0)
		err_set(e, E_NOMEM, "Out of memory");
	X509_free(ca);
	ca_db_certs_free(cs, n);
	return buf;
}

static void
crl_entries(FILE *f, X509_CRL *crl)
{
	STACK_OF(X509_REVOKED) *rv = X509_CRL_get_REVOKED(crl);
	const ASN1_INTEGER *sn;
	uint64_t s;
	char t[64], hex[24];

	for (int i = 0; i < sk_X509_REVOKED_num(rv); i++) {
		X509_REVOKED *r = sk_X509_REVOKED_value(rv, i);
		sn = X509_REVOKED_get0_serialNumber(r);
		if (ASN1_INTEGER_get_uint64(&s, sn) != 1)
			continue;
		snprintf(hex, sizeof(hex), "%llX", (unsigned long long)s);
		fprintf(f, "    Serial Number (hex): %s%s\n    Revocation Date: "
		    "%s\n", strlen(hex) % 2 ? "0" : "", hex, clock_fmt_show(
		    asn1_time(X509_REVOKED_get0_revocationDate(r)), t,
		    sizeof(t)));
	}
}

char *
ca_show_crl(struct err *e)
{
	X509_CRL *crl;
	char *buf = NULL, *iss, t[64];
	size_t len = 0;
	int der, n;
	FILE *f;

	if (!ca_enabled())
		return err_set(e, E_INVAL, "Certificate server is disabled"),
		    NULL;
	if ((crl = ca_crl_current(e)) == NULL)
		return NULL;
	if ((f = open_memstream(&buf, &len)) == NULL) {
		X509_CRL_free(crl);
		return err_set(e, E_NOMEM, "Out of memory"), NULL;
	}
	iss = cert_name_oneline_ios(X509_CRL_get_issuer(crl));
	der = i2d_X509_CRL(crl, NULL);
	fprintf(f, "Certificate Revocation List:\n    Issuer: %s\n", iss ? iss :
	    "");
	fprintf(f, "    This Update: %s\n", clock_fmt_show(asn1_time(
	    X509_CRL_get0_lastUpdate(crl)), t, sizeof(t)));
	fprintf(f, "    Next Update: %s\n", clock_fmt_show(asn1_time(
	    X509_CRL_get0_nextUpdate(crl)), t, sizeof(t)));
	n = sk_X509_REVOKED_num(X509_CRL_get_REVOKED(crl));
	fprintf(f, "    Number of CRL entries: %d\n    CRL size: %d bytes\n",
	    n > 0 ? n : 0, der);
	crl_entries(f, crl);
	free(iss);
	X509_CRL_free(crl);
	return stream_done(f, &buf);
}
