/* pkish - ISC license, see LICENSE */
/*
 * pki/ca_sub.c - `mode sub-cs`: a certificate server whose CA certificate
 * is issued by an upstream CA instead of being self-signed. As on IOS the
 * upstream CA is the one of the trustpoint named like the server
 * (`crypto pki trustpoint CS` with `enrollment url http://...`): at the
 * first `no shutdown` the server's key is certified through that
 * trustpoint with a request for a CA certificate (basicConstraints cA
 * TRUE, keyCertSign and cRLSign, subject the issuer-name). A PENDING
 * answer leaves the server enrolling: the renewal engine polls, and the
 * certificate, once installed in the trustpoint, completes the enable
 * (ca_sub_arrived); `no shutdown` again polls at once. The CAs above the
 * server are kept in <dir>/<name>.chain, written before <name>.crt, and
 * GetCACert answers with the whole chain (RFC 8894 section 4.2.1.2).
 *
 * The issuing side: a request that asks for a CA certificate is a
 * subordinate CA's; pkish's CA never grants it automatically (`grant
 * auto`, a trustpoint or a one-time password): it waits for the
 * operator's `crypto pki server CS grant ID`, and `grant none` rejects it.
 * A `mode ra` server gets its RA certificate the same way (pki/ca_ra.c).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>
#include "lib/fileio.h"
#include "lib/log.h"
#include "pki/ca_int.h"
#include "pki/cert.h"
#include "pki/enroll.h"
#include "pki/renew.h"
#include "pki/tp.h"
#include "scep/scep.h"

static struct {
	pthread_mutex_t		 mu;
	int			 enrolling;	/* waiting for the upstream CA */
	int			 busy;		/* an enable at work */
	char			 pass[208];	/* archive passphrase given */
	int			 port;		/* http port of that enable */
	struct enroll_pending	 pend;
} sub = { .mu = PTHREAD_MUTEX_INITIALIZER };

int
ca_sub_enrolling(void)
{
	int on;

	pthread_mutex_lock(&sub.mu);
	on = sub.enrolling;
	pthread_mutex_unlock(&sub.mu);
	return on;
}

void
ca_sub_cancel(void)
{
	pthread_mutex_lock(&sub.mu);
	sub.enrolling = 0;
	OPENSSL_cleanse(sub.pass, sizeof(sub.pass));
	pthread_mutex_unlock(&sub.mu);
}

int
ca_req_wants_ca(X509_REQ *req)
{
	STACK_OF(X509_EXTENSION) *exts = X509_REQ_get_extensions(req);
	int i = X509v3_get_ext_by_NID(exts, NID_basic_constraints, -1);
	BASIC_CONSTRAINTS *bc = i >= 0 ?
	    X509V3_EXT_d2i(X509v3_get_ext(exts, i)) : NULL;
	int ca = bc != NULL && bc->ca;

	BASIC_CONSTRAINTS_free(bc);
	sk_X509_EXTENSION_pop_free(exts, X509_EXTENSION_free);
	return ca;
}

int
ca_sub_exts(X509 *x, X509 *ca, X509_REQ *req, const struct ca_cfg *c,
    struct err *e)
{
	static const struct { int nid; const char *v; } ex[] = {
		{ NID_basic_constraints, "critical,CA:TRUE" },
		{ NID_key_usage, "critical,digitalSignature,keyCertSign,"
		    "cRLSign" },
		{ NID_subject_key_identifier, "hash" },
		{ NID_authority_key_identifier, "keyid:always" },
		{ NID_crl_distribution_points, NULL },
	};
	char cdp[600];
	X509V3_CTX ctx;
	X509_EXTENSION *x1;
	const char *v;
	int ok;

	(void)req;
	X509V3_set_ctx(&ctx, ca, x, NULL, NULL, 0);
	snprintf(cdp, sizeof(cdp), "URI:%s", c->cdp_url);
	for (size_t i = 0; i < sizeof(ex) / sizeof(ex[0]); i++) {
		if ((v = ex[i].v) == NULL && (v = c->cdp_url[0] ? cdp : NULL) ==
		    NULL)
			continue;
		if ((x1 = X509V3_EXT_conf_nid(NULL, &ctx, ex[i].nid, v)) ==
		    NULL)
			return err_ssl(e, "extension %s", OBJ_nid2sn(ex[i].nid));
		ok = X509_add_ext(x, x1, -1);
		X509_EXTENSION_free(x1);
		if (!ok)
			return err_ssl(e, "X509_add_ext");
	}
	return 0;
}

int
ca_sub_csr(const char *tp, char *subject, size_t len, int *ca)
{
	struct ca_cfg c;

	if (!ca_cfg_get(&c) || c.mode == CA_MODE_ROOT || strcmp(c.name, tp))
		return 0;
	*ca = c.mode == CA_MODE_SUB;
	if (c.issuer[0])
		snprintf(subject, len, "%s", c.issuer);
	else
		snprintf(subject, len, "CN=%s", c.name);
	/* IOS: an RA certificate names "ioscs RA" (grant ra-auto) */
	if (!*ca && strcasestr(subject, "ioscs RA") == NULL)
		snprintf(subject + strlen(subject), len - strlen(subject),
		    ",OU=ioscs RA");
	return 1;
}

static void
chain_path(const struct ca_cfg *c, char *buf, size_t len)
{
	char dir[1024];

	ca_db_dir(c, dir, sizeof(dir));
	snprintf(buf, len, "%s/%s.chain", dir, c->name);
}

STACK_OF(X509) *
ca_chain_load(const struct ca_cfg *c)
{
	STACK_OF(X509) *sk;
	char path[1200];
	FILE *f;
	X509 *x;

	chain_path(c, path, sizeof(path));
	if ((f = fopen(path, "r")) == NULL)
		return NULL;
	if ((sk = sk_X509_new_null()) != NULL)
		while ((x = PEM_read_X509(f, NULL, NULL, NULL)) != NULL)
			if (!sk_X509_push(sk, x))
				X509_free(x);
	fclose(f);
	ERR_clear_error();
	if (sk != NULL && sk_X509_num(sk) == 0) {
		sk_X509_free(sk);
		sk = NULL;
	}
	return sk;
}

static int
chain_write(const struct ca_cfg *c, STACK_OF(X509) *sk, struct err *e)
{
	char path[1200], *all = NULL, *pem;
	size_t n = 0;
	int rc;

	for (int i = 0; i < sk_X509_num(sk); i++) {
		if ((pem = cert_to_pem(sk_X509_value(sk, i))) == NULL)
			break;
		char *p = realloc(all, n + strlen(pem) + 1);
		if (p == NULL) {
			free(pem);
			break;
		}
		all = p;
		memcpy(all + n, pem, strlen(pem) + 1);
		n += strlen(pem);
		free(pem);
	}
	chain_path(c, path, sizeof(path));
	rc = all ? file_write_atomic(path, all, n, 0644, e) :
	    err_set(e, E_NOMEM, "out of memory");
	free(all);
	return rc;
}

int
ca_chain_reply(unsigned char **der, size_t *len)
{
	STACK_OF(X509) *sk = NULL;
	int rc;

	pthread_mutex_lock(&ca_g.mu);
	if (ca_g.enabled && ca_g.chain != NULL && ca_g.cacert != NULL &&
	    (sk = X509_chain_up_ref(ca_g.chain)) != NULL) {
		X509_up_ref(ca_g.cacert);
		if (!sk_X509_insert(sk, ca_g.cacert, 0)) {
			X509_free(ca_g.cacert);
			sk_X509_pop_free(sk, X509_free);
			sk = NULL;
		}
	}
	pthread_mutex_unlock(&ca_g.mu);
	if (sk == NULL)
		return 0;
	rc = scep_srv_degenerate(sk, NULL, der, len, NULL) == 0 ? 1 : -1;
	sk_X509_pop_free(sk, X509_free);
	return rc;
}

/* The trustpoint of a sub-CA: enrollment url, the server's key. */
int
ca_sub_check(const struct ca_cfg *c, struct err *e)
{
	struct tp_cfg t;
	char label[160];

	if (tp_get_cfg(c->name, &t, NULL) < 0 || (t.enroll != TP_EN_URL &&
	    t.enroll != TP_EN_SCEP) || t.url[0] == '\0')
		return err_set(e, E_INVAL, "A%s certificate server needs the "
		    "trustpoint %s with the enrollment url of its issuing CA",
		    c->mode == CA_MODE_SUB ? " subordinate" : "n RA mode",
		    c->name);
	tp_key_label(&t, label, sizeof(label));
	if (strcmp(label, c->name) != 0)
		return err_set(e, E_INVAL, "Trustpoint %s must certify the "
		    "key %s of the certificate server (rsakeypair %s)",
		    c->name, c->name, label);
	return 0;
}

/* The identity certificate of the trustpoint as the CA certificate:
 * for key, a CA certificate, issued by the trustpoint's CA. */
static int
take_cert(const struct ca_cfg *c, EVP_PKEY *key, X509 **x,
    STACK_OF(X509) **chain, struct err *e)
{
	struct tp_certs k;
	int rc = 0;

	if (tp_get_certs(c->name, &k, e) < 0)
		return -1;
	if (k.cert == NULL || k.ca == NULL || cert_matches_key(k.cert,
	    key) != 1)
		rc = err_set(e, E_NOTFOUND, "Trustpoint %s holds no "
		    "certificate for the key %s", c->name, c->name);
	else if (cert_is_ca(k.cert) != (c->mode == CA_MODE_SUB))
		rc = err_set(e, E_PROTO, "The issuing CA of %s granted a "
		    "certificate that is %s CA certificate", c->name,
		    c->mode == CA_MODE_SUB ? "not a" : "a");
	else if (X509_check_issued(k.ca, k.cert) != X509_V_OK)
		rc = err_set(e, E_PROTO, "The certificate of trustpoint %s is "
		    "not issued by its CA", c->name);
	else if ((*chain = sk_X509_new_null()) == NULL ||
	    !sk_X509_push(*chain, k.ca))
		rc = err_set(e, E_NOMEM, "out of memory");
	else {
		k.ca = NULL;
		for (int i = 0; i < sk_X509_num(k.extra); i++)
			if (sk_X509_push(*chain, sk_X509_value(k.extra, i)))
				X509_up_ref(sk_X509_value(k.extra, i));
		*x = k.cert;
		k.cert = NULL;
	}
	if (rc < 0 && *chain) {
		sk_X509_pop_free(*chain, X509_free);
		*chain = NULL;
	}
	tp_certs_free(&k);
	return rc;
}

static void
say(ca_say_fn fn, void *arg, const char *line)
{
	if (fn != NULL)
		fn(arg, line);
}

/* Send the request (or poll the pending one): 0 granted, 1 pending. */
static int
request(const struct ca_cfg *c, const char *pass, int port, ca_say_fn fn,
    void *arg, struct err *e)
{
	struct enroll_ctx ex = { 0 };
	struct enroll_pending p;
	int granted = 0, was;

	pthread_mutex_lock(&sub.mu);
	was = sub.enrolling;
	p = sub.pend;
	pthread_mutex_unlock(&sub.mu);
	if (was) {
		if (poll_scep(c->name, &p, &granted, e) < 0)
			return -1;
		if (granted)
			return 0;
		say(fn, arg, "% Enrollment in progress...");
		return 1;
	}
	if (enroll_scep(c->name, &ex, &p, e) < 0)
		return -1;
	say(fn, arg, "% Certificate request sent to Certificate Authority");
	if (!p.active)
		return 0;
	renew_add_poll(c->name, &p);
	pthread_mutex_lock(&sub.mu);
	sub.enrolling = 1;
	sub.pend = p;
	sub.port = port;
	snprintf(sub.pass, sizeof(sub.pass), "%s", pass ? pass : "");
	pthread_mutex_unlock(&sub.mu);
	say(fn, arg, "% Enrollment in progress...");
	log_msg(SEV_INFO, "PKI", "CS_SUB_ENROLL", "Certificate server %s: %s "
	    "certificate request pending at the issuing CA", c->name,
	    c->mode == CA_MODE_SUB ? "CA" : "RA");
	return 1;
}

int
ca_sub_cert(const struct ca_cfg *c, const char *dir, const char *pass,
    EVP_PKEY *key, int http_port, ca_say_fn fn, void *arg, X509 **x,
    STACK_OF(X509) **chain, struct err *e)
{
	struct err e2 = { 0 };
	int rc;

	(void)dir;
	*x = NULL;
	*chain = NULL;
	if (ca_sub_check(c, e) < 0)
		return -1;
	pthread_mutex_lock(&sub.mu);
	sub.busy = 1;
	pthread_mutex_unlock(&sub.mu);
	rc = take_cert(c, key, x, chain, &e2);
	if (rc < 0 && e2.code != E_NOTFOUND)
		*e = e2;
	else if (rc < 0 && (rc = request(c, pass, http_port, fn, arg, e)) == 0)
		rc = take_cert(c, key, x, chain, e);
	if (rc == 0 && chain_write(c, *chain, e) < 0)
		rc = -1;
	pthread_mutex_lock(&sub.mu);
	sub.busy = 0;
	if (rc != 1) {
		sub.enrolling = 0;
		OPENSSL_cleanse(sub.pass, sizeof(sub.pass));
	}
	pthread_mutex_unlock(&sub.mu);
	if (rc < 0) {
		X509_free(*x);
		sk_X509_pop_free(*chain, X509_free);
		*x = NULL;
		*chain = NULL;
	}
	return rc;
}

/* The archive passphrase kept while enrolling ("" when none). */
void
ca_sub_pass(char *buf, size_t len)
{
	pthread_mutex_lock(&sub.mu);
	snprintf(buf, len, "%s", sub.enrolling ? sub.pass : "");
	pthread_mutex_unlock(&sub.mu);
}

void
ca_sub_arrived(const char *tp)
{
	struct ca_cfg c;
	struct err e = { 0 };
	char pass[sizeof(sub.pass)];
	int port, go;

	if (!ca_cfg_get(&c) || c.mode == CA_MODE_ROOT || strcmp(c.name, tp))
		return;
	pthread_mutex_lock(&sub.mu);
	go = sub.enrolling && !sub.busy;
	port = sub.port;
	snprintf(pass, sizeof(pass), "%s", sub.pass);
	pthread_mutex_unlock(&sub.mu);
	if (go && ca_enable(pass[0] ? pass : NULL, port, NULL, NULL, &e) < 0)
		log_msg(SEV_ERR, "PKI", "CS_SUB_FAIL", "Certificate server %s: "
		    "%s", tp, e.msg);
	OPENSSL_cleanse(pass, sizeof(pass));
}
