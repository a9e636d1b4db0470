/* pkish - ISC license, see LICENSE */
/*
 * DOC: tests/helpers/acme_driver.c - the ACME engine against a real
 * pebble on loopback, driven by tests/e2e/acme_engine.sh: first
 * enrollment (EC account), RSA certificate key, an existing account found
 * again, an RSA account, IP identifiers, revocation, renewal information.
 * The fault cases are acme_faults.c's; timings are bench/acme.sh's.
 * Environment: tests/helpers/acme_util.h; without ACME_DIR_URL it refuses
 * to run (exit 2).
 */
#include "tests/helpers/acme_util.h"

static void
t_first_ec(void)
{
	static const char *const dns[] = { "host1.example.test",
	    "www.example.test" };
	struct acme_params	 p;
	struct acme_result	 r;
	struct err		 e = { 0 };
	double			 t0;
	int			 rc;

	check(key_generate("tp-ec", KEY_EC, 256, 1, &e) == 0, "EC cert key");
	base_params(&p, "tp-ec", dns, 2);
	p.subject = "CN=host1.example.test";
	p.trustpoint = "WEB";
	p.progress = progress;
	p.progress_ctx = &p;
	cap_clear();
	t0 = now_ms();
	rc = enroll_k(&p, &r, &e);
	printf("# first enrollment (new account key and account): %.1f ms\n",
	    now_ms() - t0);
	if (rc != 0)
		printf("# error %d (%s): %s\n", e.detail, err_code_name(e.code),
		    e.msg);
	check(rc == 0 && sk_X509_num(r.chain) >= 2 && r.cert_url != NULL,
	    "EC key, two SANs: enrolled, leaf plus issuer");
	check(key_exists("acme-account") && seen("(created)"),
	    "account key generated (by pki/, see keys_open), account created");
	check(live_404s == 6, "live responder: 404 for /, an unknown token "
	    "and the bare challenge directory (both challenges)");
	check(seen("%ASA-5-717067: Starting ACME certificate enrollment for "
	    "the trustpoint <WEB> with CA <127.0.0.1>. Mode <manual>"),
	    "717067 logged");
	check(seen("%ASA-5-717068: ACME Certificate enrollment succeeded for "
	    "trustpoint <WEB> with CA <127.0.0.1>. Received a new certificate "
	    "with Subject Name <") && seen("> Serial Number <"),
	    "717068 logged");
	if (rc == 0)
		check(save_chain(r.chain, "ec-chain.pem") == 0, "chain saved");
	acme_result_free(&r);
}

static void
t_second_rsa(void)
{
	static const char *const dns[] = { "host2.example.test",
	    "alt2.example.test" };
	struct acme_params	 p;
	struct acme_result	 r;
	struct err		 e = { 0 };
	X509			*leaf;
	EVP_PKEY		*pub;
	int			 rc;

	check(key_generate("tp-rsa", KEY_RSA, 2048, 1, &e) == 0,
	    "RSA 2048 cert key");
	base_params(&p, "tp-rsa", dns, 2);
	cap_clear();
	rc = enroll_k(&p, &r, &e);
	if (rc != 0)
		printf("# error %d: %s\n", e.detail, e.msg);
	check(rc == 0, "RSA key, two SANs: enrolled");
	check(seen("(cached)") && !seen("(created)") && !seen("(existing)"),
	    "second enrollment reuses the account (no newAccount)");
	if (rc != 0)
		return;
	leaf = sk_X509_value(r.chain, 0);
	pub = key_get1_public("tp-rsa", &e);
	check(EVP_PKEY_is_a(X509_get0_pubkey(leaf), "RSA") &&
	    EVP_PKEY_eq(X509_get0_pubkey(leaf), pub) == 1,
	    "leaf carries the RSA cert key");
	EVP_PKEY_free(pub);
	check(X509_check_host(leaf, "alt2.example.test", 0, 0, NULL) == 1,
	    "leaf names the second SAN");
	check(save_chain(r.chain, "rsa-chain.pem") == 0, "RSA chain saved");
	acme_result_free(&r);
}

/* A cache miss with an existing key: onlyReturnExisting finds it. */
static void
t_existing_account(void)
{
	static const char *const dns[] = { "host3.example.test" };
	struct acme_params	 p;
	struct acme_result	 r;
	struct err		 e = { 0 };
	char			 path[512], *id = NULL;
	FILE			*f;
	X509			*x;
	int			 rc;

	snprintf(path, sizeof(path), "%s/ec-chain.pem", out_dir);
	if ((f = fopen(path, "r")) != NULL) {
		if ((x = PEM_read_X509(f, NULL, NULL, NULL)) != NULL)
			id = acme_ari_cert_id(x, &e);
		X509_free(x);
		fclose(f);
	}
	base_params(&p, "tp-ec", dns, 1);
	p.contact = "other@example.test";	/* other cache slot */
	p.replaces = id;			/* RFC 9773 "replaces" */
	cap_clear();
	rc = enroll_k(&p, &r, &e);
	if (rc != 0)
		printf("# error %d: %s\n", e.detail, e.msg);
	check(rc == 0 && seen("(existing)") && !seen("(created)"),
	    "existing key: account found with onlyReturnExisting");
	check(rc == 0 && id != NULL, "newOrder with an RFC 9773 \"replaces\" "
	    "certID accepted");
	free(id);
	acme_result_free(&r);
}

/* An imported RSA account key: JWS RS256 against the real server. */
static void
t_rsa_account(void)
{
	static const char *const dns[] = { "rs256.example.test" };
	struct acme_params	 p;
	struct acme_result	 r;
	struct err		 e = { 0 };
	int			 rc;

	check(key_generate("acme-account-rsa", KEY_RSA, 2048, 0, &e) == 0,
	    "RSA account key");
	base_params(&p, "tp-ec", dns, 1);
	p.account_key_label = "acme-account-rsa";
	cap_clear();
	rc = enroll_k(&p, &r, &e);
	if (rc != 0)
		printf("# error %d: %s\n", e.detail, e.msg);
	check(rc == 0 && seen("(created)"), "RS256 account: account created "
	    "and certificate issued");
	acme_result_free(&r);
}

static void
t_ip(void)
{
	static const char *const ips[] = { "127.0.0.1" };
	struct acme_params	 p;
	struct acme_result	 r;
	struct err		 e = { 0 };
	int			 rc;

	base_params(&p, "tp-ec", NULL, 0);
	p.ips = ips;
	p.nips = 1;
	rc = enroll_k(&p, &r, &e);
	if (rc != 0)
		printf("# error %d: %s\n", e.detail, e.msg);
	check(rc == 0 && X509_check_ip_asc(sk_X509_value(r.chain, 0),
	    "127.0.0.1", 0) == 1, "RFC 8738 IP identifier 127.0.0.1");
	acme_result_free(&r);
}

static void
t_revoke(void)
{
	struct acme_params	 p;
	struct err		 e = { 0 };
	char			 path[512], *st, *ser;
	X509			*x;
	FILE			*f;
	BIGNUM			*bn;
	int			 rc;

	snprintf(path, sizeof(path), "%s/rsa-chain.pem", out_dir);
	if ((f = fopen(path, "r")) == NULL) {
		check(0, "revoke: RSA certificate available");
		return;
	}
	x = PEM_read_X509(f, NULL, NULL, NULL);
	fclose(f);
	bn = ASN1_INTEGER_to_BN(X509_get0_serialNumber(x), NULL);
	ser = BN_bn2hex(bn);
	for (char *c = ser; *c; c++)
		*c = (char)(*c >= 'A' && *c <= 'F' ? *c + 32 : *c);
	snprintf(path, sizeof(path), "/cert-status-by-serial/%s", ser);
	st = mgmt_get(path);
	check(st && strstr(st, "\"Valid\""), "pebble: certificate valid");
	free(st);
	base_params(&p, "tp-rsa", NULL, 0);
	rc = revoke_k(&p, x, 4, &e);
	if (rc != 0)
		printf("# error %d: %s\n", e.detail, e.msg);
	check(rc == 0, "revokeCert (superseded) accepted");
	st = mgmt_get(path);
	check(st && strstr(st, "\"Revoked\"") && strstr(st, "\"Reason\": 4"),
	    "pebble: certificate revoked, reason 4");
	if (st == NULL || strstr(st, "\"Reason\": 4") == NULL)
		printf("# %s\n", st ? st : "(no answer)");
	free(st);
	rc = revoke_k(&p, x, 4, &e);
	check(rc == -1 && strstr(e.msg, "alreadyRevoked") != NULL,
	    "second revoke: alreadyRevoked problem");
	check(revoke_k(&p, x, 7, &e) == -1 && e.code == E_INVAL,
	    "reason 7 refused locally");
	p.account_key_label = "no-such-account";
	check(revoke_k(&p, x, 0, &e) == -1 && e.code == E_NOTFOUND &&
	    !key_exists("no-such-account"), "revoke never creates an account");
	OPENSSL_free(ser);
	BN_free(bn);
	X509_free(x);
}

static void
t_ari(void)
{
	struct acme_params	 p;
	struct err		 e = { 0 };
	char			 path[512];
	time_t			 a, b;
	X509			*x;
	FILE			*f;

	snprintf(path, sizeof(path), "%s/ec-chain.pem", out_dir);
	if ((f = fopen(path, "r")) == NULL) {
		check(0, "ARI: certificate available");
		return;
	}
	x = PEM_read_X509(f, NULL, NULL, NULL);
	fclose(f);
	base_params(&p, "tp-ec", NULL, 0);
	check(acme_ari_window(&p, x, &a, &b, &e) == -1 && e.code == E_NOTFOUND,
	    "no renewalInfo in pebble's directory: E_NOTFOUND");
	{
		char *id = acme_ari_cert_id(x, &e);

		check(id != NULL && strchr(id, '.') != NULL, "ARI certID of an "
		    "issued certificate");
		free(id);
	}
	X509_free(x);
}

int
main(void)
{
	if (driver_init("acme_driver") == -1)
		return 2;
	t_first_ec();
	t_second_rsa();
	t_existing_account();
	t_rsa_account();
	t_ip();
	t_revoke();
	t_ari();
	return driver_finish();
}
