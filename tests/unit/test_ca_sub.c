/* tests/unit/test_ca_sub.c - `mode sub-cs` on the issuing side
 * (pki/ca_sub.c, pki/ca_policy.c, pki/ca_issue.c): a CSR built with
 * csr_params.ca asks for a CA certificate; the policy queues it even with
 * `grant auto` (the operator grants a subordinate CA) and rejects it with
 * `grant none`; issued, it is a CA certificate (basicConstraints CA:TRUE
 * critical, keyCertSign and cRLSign, no EKU, the cdp-url) that openssl
 * verifies and accepts as an issuer; a router's CSR stays an end entity.
 * Also the sub-CA's CSR settings (ca_sub_csr: the issuer-name as
 * subject), the chain file and GetCACert's degenerate PKCS#7. The server
 * state is set up directly (ca_g), as enabling would. */
#define _GNU_SOURCE
#include <openssl/pem.h>
#include <openssl/x509v3.h>
#include "lib/clock.h"
#include "pki/ca_int.h"
#include "pki/ca_view.h"
#include "pki/csr.h"
#include "pki/key.h"
#include "scep/scep.h"
#include "tests/unit/testlib.h"

static int
setup(struct err *e)
{
	struct ca_cfg c;
	int created;
	char dir[400];

	ca_init(tmp);
	if (ca_create("ROOT", &created, e) < 0 || !ca_cfg_get(&c))
		return -1;
	c.grant = CA_GRANT_AUTO;
	snprintf(c.eku, sizeof(c.eku), "server-auth");
	snprintf(c.cdp_url, sizeof(c.cdp_url), "http://127.0.0.1/crl");
	if (ca_cfg_set(&c, e) < 0 ||
	    key_generate("ROOT", KEY_RSA, 2048, 0, e) < 0 ||
	    key_generate("SUB", KEY_RSA, 2048, 0, e) < 0 ||
	    key_generate("R1", KEY_RSA, 2048, 0, e) < 0)
		return -1;
	ca_db_dir(&c, dir, sizeof(dir));
	sh("mkdir -p %s", dir);
	pthread_mutex_lock(&ca_g.mu);
	ca_g.key = key_get1("ROOT", e);
	ca_g.db = ca_db_open(dir, e);
	ca_g.enabled = ca_g.key && ca_g.db && ca_make_cacert(&ca_g.cfg,
	    ca_g.key, &ca_g.cacert, e) == 0;
	pthread_mutex_unlock(&ca_g.mu);
	return ca_g.enabled ? 0 : -1;
}

static X509_REQ *
req(const char *label, const char *subject, int ca)
{
	struct csr_params p = { 0 };
	struct err e = { 0 };

	p.subject = subject;
	p.ca = ca;
	return csr_build(label, &p, &e);
}

static void
write_pem(const char *name, X509 *x)
{
	char path[400];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", tmp, name);
	if ((f = fopen(path, "w")) != NULL) {
		PEM_write_X509(f, x);
		fclose(f);
	}
}

static void
t_policy(X509_REQ *sub, X509_REQ *r1)
{
	struct ca_ref r;
	struct ca_cfg c;
	struct err e = { 0 };

	check(ca_req_wants_ca(sub) == 1, "a sub-CA CSR asks for a CA "
	    "certificate");
	check(ca_req_wants_ca(r1) == 0, "a router CSR does not");
	if (ca_ref_get(&r) < 0) {
		check(0, "ca_ref_get");
		return;
	}
	check(ca_policy(&r, sub, NULL) == CA_V_QUEUE, "grant auto: the "
	    "sub-CA request waits for the operator");
	check(ca_policy(&r, r1, NULL) == CA_V_ISSUE, "grant auto: a router "
	    "request is issued");
	ca_ref_put(&r);
	ca_cfg_get(&c);
	c.grant = CA_GRANT_NONE;
	ca_cfg_set(&c, &e);
	if (ca_ref_get(&r) == 0) {
		check(ca_policy(&r, sub, NULL) == CA_V_REJECT, "grant none: "
		    "the sub-CA request is rejected");
		ca_ref_put(&r);
	}
	c.grant = CA_GRANT_AUTO;
	ca_cfg_set(&c, &e);
}

static void
t_issue(X509_REQ *sub, X509_REQ *r1)
{
	struct ca_ref r;
	struct err e = { 0 };
	X509 *xs = NULL, *xr = NULL, *leaf = NULL;
	X509_REQ *q;
	char *out;
	int st;

	if (ca_ref_get(&r) < 0) {
		check(0, "ca_ref_get");
		return;
	}
	check(ca_issue(&r, sub, &xs, &e) == 0, "the sub-CA certificate is "
	    "issued");
	check(ca_issue(&r, r1, &xr, &e) == 0, "a router certificate is issued");
	write_pem("root.pem", r.cacert);
	ca_ref_put(&r);
	if (xs == NULL || xr == NULL)
		goto out;
	check(X509_check_ca(xs) == 1, "the sub-CA certificate is a CA "
	    "(basicConstraints CA:TRUE)");
	check((X509_get_key_usage(xs) & (KU_KEY_CERT_SIGN | KU_CRL_SIGN)) ==
	    (KU_KEY_CERT_SIGN | KU_CRL_SIGN), "keyCertSign and cRLSign");
	check(X509_EXTENSION_get_critical(X509_get_ext(xs,
	    X509_get_ext_by_NID(xs, NID_basic_constraints, -1))) == 1 &&
	    X509_EXTENSION_get_critical(X509_get_ext(xs,
	    X509_get_ext_by_NID(xs, NID_key_usage, -1))) == 1, "its "
	    "basicConstraints and keyUsage are critical");
	check(X509_get_ext_by_NID(xs, NID_ext_key_usage, -1) < 0, "no EKU");
	check(X509_get_ext_by_NID(xs, NID_crl_distribution_points, -1) >= 0,
	    "the cdp-url");
	check(X509_check_ca(xr) == 0, "the router certificate is no CA");
	write_pem("sub.pem", xs);
	out = run(&st, "openssl verify -CAfile %s/root.pem %s/sub.pem 2>&1",
	    tmp, tmp);
	check(st == 0, "openssl verifies the sub-CA certificate: %s", out);
	free(out);
	/* the sub-CA issues a router certificate that chains to the root */
	q = req("R1", "CN=r2.example.test", 0);
	pthread_mutex_lock(&ca_g.mu);
	X509_free(ca_g.cacert);
	ca_g.cacert = xs;
	EVP_PKEY_free(ca_g.key);
	ca_g.key = key_get1("SUB", &e);
	OPENSSL_free(ca_g.key_der);
	ca_g.key_der = NULL;
	ca_g.key_der_len = 0;
	pthread_mutex_unlock(&ca_g.mu);
	xs = NULL;
	if (q != NULL && ca_ref_get(&r) == 0) {
		check(ca_issue(&r, q, &leaf, &e) == 0, "the sub-CA issues");
		ca_ref_put(&r);
	}
	if (leaf != NULL) {
		write_pem("leaf.pem", leaf);
		out = run(&st, "openssl verify -CAfile %s/root.pem -untrusted "
		    "%s/sub.pem %s/leaf.pem 2>&1", tmp, tmp, tmp);
		check(st == 0, "openssl verifies root -> sub -> leaf: %s", out);
		free(out);
	}
	X509_REQ_free(q);
out:
	X509_free(leaf);
	X509_free(xs);
	X509_free(xr);
}

static void
t_chain(void)
{
	struct ca_cfg c;
	STACK_OF(X509) *sk, *got = NULL;
	unsigned char *der = NULL;
	size_t len = 0;
	char path[400];
	X509 *ca = NULL;
	struct err e = { 0 };
	int isca = -1;

	ca_cfg_get(&c);
	check(ca_sub_csr("ROOT", path, sizeof(path), &isca) == 0, "a root CA's "
	    "trustpoint requests no CA certificate");
	c.mode = CA_MODE_SUB;
	snprintf(c.issuer, sizeof(c.issuer), "CN=Lab Sub,O=pkish");
	ca_cfg_replay(&c, &e);
	check(ca_sub_csr("ROOT", path, sizeof(path), &isca) == 1 && isca == 1 &&
	    strcmp(path, "CN=Lab Sub,O=pkish") == 0, "a sub-CA's trustpoint "
	    "requests a CA certificate named by the issuer-name");
	check(ca_sub_csr("OTHER", path, sizeof(path), &isca) == 0, "other "
	    "trustpoints do not");
	check(ca_chain_reply(&der, &len) == 0, "no chain: GetCACert stays "
	    "one certificate");
	ca_db_dir(&c, path, sizeof(path));
	sh("cp %s/root.pem %s/ROOT.chain", tmp, path);
	sk = ca_chain_load(&c);
	check(sk != NULL && sk_X509_num(sk) == 1, "the chain file is read");
	pthread_mutex_lock(&ca_g.mu);
	ca_g.chain = sk;
	pthread_mutex_unlock(&ca_g.mu);
	check(ca_chain_reply(&der, &len) == 1, "GetCACert: a degenerate "
	    "PKCS#7");
	if (der && scep_ca_parse(der, len, &got, &ca, NULL, NULL, &e) == 0)
		check(sk_X509_num(got) == 2 && ca == sk_X509_value(got, 0),
		    "with the CA and the one above it; the client picks the "
		    "lowest CA");
	else
		check(0, "GetCACert reply parses: %s", e.msg);
	sk_X509_pop_free(got, X509_free);
	free(der);
}

int
main(void)
{
	struct err e = { 0 };
	char keys[300];
	X509_REQ *sub, *r1;

	if (t_mkdtemp("ca_sub") == -1)
		return 1;
	snprintf(keys, sizeof(keys), "%s/keys", tmp);
	if (scep_init(&e) < 0 || key_store_init(keys, &e) < 0 ||
	    setup(&e) < 0) {
		printf("not ok 1 - setup: %s\n0 passed, 1 failed\n", e.msg);
		return 1;
	}
	sub = req("SUB", "CN=Lab Sub,O=pkish", 1);
	r1 = req("R1", "CN=r1.example.test", 0);
	check(sub != NULL && r1 != NULL, "CSRs built");
	if (sub && r1) {
		t_policy(sub, r1);
		t_issue(sub, r1);
		t_chain();
	}
	X509_REQ_free(sub);
	X509_REQ_free(r1);
	ca_disable();
	return t_finish();
}
