/* tests/unit/test_p12.c - PKCS#12 export/import and PEM bundles, checked
 * with `openssl pkcs12 -info`, `openssl pkcs12` and `openssl pkey`. */
#define _GNU_SOURCE
#include <sys/stat.h>
#include <openssl/evp.h>
#include <openssl/pkcs12.h>
#include "pki/key.h"
#include "pki/p12.h"
#include "tests/unit/testlib.h"

static char *
path_of(const char *name)
{
	static char buf[4][512];
	static int i;

	i = (i + 1) % 4;
	snprintf(buf[i], sizeof(buf[i]), "%s/%s", tmp, name);
	return buf[i];
}

static EVP_PKEY *
load_key(const char *name)
{
	size_t len;
	char *t = slurp(name, &len);
	EVP_PKEY *pk = t != NULL ? key_pkey_from_pem(t, len, NULL, NULL) : NULL;

	free(t);
	return pk;
}

static const char fixtures[] =
"set -e; cd %s\n"
"printf '[ca]\\nbasicConstraints=critical,CA:TRUE\\n"
"keyUsage=critical,keyCertSign,cRLSign\\n' > ext.cnf\n"
"openssl req -new -newkey rsa:2048 -nodes -keyout ca.key -subj '/CN=P12 CA' "
"-out ca.csr 2>/dev/null\n"
"openssl x509 -req -in ca.csr -signkey ca.key -days 365 -set_serial 1 "
"-extfile ext.cnf -extensions ca -out ca.pem 2>/dev/null\n"
"openssl req -new -newkey rsa:2048 -nodes -keyout leaf.key "
"-subj '/CN=p12.example.com' -out leaf.csr 2>/dev/null\n"
"openssl x509 -req -in leaf.csr -CA ca.pem -CAkey ca.key -days 365 "
"-set_serial 2 -out leaf.pem 2>/dev/null\n"
"openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 "
"-out other.key\n"
"openssl pkcs12 -export -inkey leaf.key -in leaf.pem -certfile ca.pem "
"-passout pass:clipass -out cli.p12\n"
"openssl pkcs12 -export -nocerts -inkey leaf.key -passout pass:x "
"-out keyonly.p12 2>/dev/null\n"
"openssl pkcs12 -export -legacy -inkey leaf.key -in leaf.pem "
"-passout pass:x -out rc2.p12 2>/dev/null || true\n"
"openssl pkey -in leaf.key -traditional -out leaf.trad.key 2>/dev/null || "
"openssl rsa -in leaf.key -traditional -out leaf.trad.key\n";

static X509 *leaf, *ca;
static EVP_PKEY *lkey, *okey;

static void
t_export_default(void)
{
	struct err e = { 0 };
	STACK_OF(X509) *cas = sk_X509_new_null();
	struct stat st;
	char *out, *a, *b;
	int rc;

	sk_X509_push(cas, ca);
	check(p12_export(path_of("a.p12"), "s3cret", lkey, leaf, cas, 0,
	    &e) == 0, "p12_export default %s", e.msg);
	check(stat(path_of("a.p12"), &st) == 0 && (st.st_mode & 0777) == 0600,
	    "PKCS12 file mode 0600");
	out = run(&rc, "openssl pkcs12 -info -noout -in %s -passin "
	    "pass:s3cret 2>&1", path_of("a.p12"));
	check(rc == 0 && strstr(out, "MAC: sha256, Iteration 2048") != NULL &&
	    strstr(out, "MAC is absent") == NULL,
	    "openssl -info: SHA-256 MAC, 2048 iterations");
	check(strstr(out, "PBES2, PBKDF2, AES-256-CBC") != NULL &&
	    strstr(out, "3DES") == NULL && strstr(out, "RC2") == NULL,
	    "openssl -info: PBES2/PBKDF2/AES-256-CBC bags");
	free(out);
	a = run(&rc, "openssl pkcs12 -in %s -passin pass:s3cret -nocerts "
	    "-nodes 2>/dev/null | openssl pkey -pubout", path_of("a.p12"));
	b = run(NULL, "openssl pkey -in %s -pubout", path_of("leaf.key"));
	check(rc == 0 && strlen(a) > 100 && strcmp(a, b) == 0,
	    "openssl extracts the same private key");
	free(a);
	free(b);
	a = run(&rc, "openssl pkcs12 -in %s -passin pass:s3cret -clcerts "
	    "-nokeys 2>/dev/null | openssl x509 -noout -fingerprint; "
	    "openssl pkcs12 -in %s -passin pass:s3cret -cacerts -nokeys "
	    "2>/dev/null | openssl x509 -noout -fingerprint", path_of("a.p12"),
	    path_of("a.p12"));
	b = run(NULL, "openssl x509 -noout -fingerprint -in %s; openssl x509 "
	    "-noout -fingerprint -in %s", path_of("leaf.pem"),
	    path_of("ca.pem"));
	check(rc == 0 && strcmp(a, b) == 0 && strlen(a) > 40,
	    "openssl finds the identity and the CA certificate");
	free(a);
	free(b);
	out = run(&rc, "openssl pkcs12 -info -noout -in %s -passin "
	    "pass:wrong 2>&1", path_of("a.p12"));
	check(rc != 0, "openssl rejects the wrong password");
	free(out);
	sk_X509_free(cas);
}

static void
t_export_legacy_and_errors(void)
{
	struct err e = { 0 };
	char *out;
	int rc;

	check(p12_export(path_of("l.p12"), "old", lkey, leaf, NULL, 1, &e) == 0,
	    "p12_export legacy");
	out = run(&rc, "openssl pkcs12 -info -noout -in %s -passin pass:old "
	    "2>&1", path_of("l.p12"));
	check(rc == 0 && strstr(out, "MAC: sha1, Iteration 2048") != NULL &&
	    strstr(out, "pbeWithSHA1And3-KeyTripleDES-CBC") != NULL &&
	    strstr(out, "AES") == NULL, "openssl -info: 3DES bags, SHA-1 MAC");
	free(out);
	e.code = E_OK;
	check(p12_export("rel.p12", "x", lkey, leaf, NULL, 0, &e) == -1 &&
	    e.code == E_INVAL, "relative path refused: %s", e.msg);
	e.code = E_OK;
	check(p12_export(path_of("m.p12"), "x", okey, leaf, NULL, 0, &e) == -1 &&
	    e.code == E_INVAL, "key/cert mismatch refused: %s", e.msg);
	e.code = E_OK;
	check(p12_export(path_of("m.p12"), "", lkey, leaf, NULL, 0, &e) == -1 &&
	    e.code == E_INVAL, "empty password refused");
}

static void
t_import(void)
{
	struct err e = { 0 };
	EVP_PKEY *k;
	X509 *x;
	STACK_OF(X509) *cas;

	check(p12_import(path_of("a.p12"), "s3cret", &k, &x, &cas, &e) == 0 &&
	    EVP_PKEY_eq(k, lkey) == 1 && X509_cmp(x, leaf) == 0 &&
	    sk_X509_num(cas) == 1 && X509_cmp(sk_X509_value(cas, 0), ca) == 0,
	    "p12_import round trip: key, identity, CA");
	EVP_PKEY_free(k);
	X509_free(x);
	sk_X509_pop_free(cas, X509_free);
	check(p12_import(path_of("l.p12"), "old", &k, &x, &cas, &e) == 0 &&
	    EVP_PKEY_eq(k, lkey) == 1 && sk_X509_num(cas) == 0,
	    "legacy import, empty CA stack");
	EVP_PKEY_free(k);
	X509_free(x);
	sk_X509_pop_free(cas, X509_free);
	check(p12_import(path_of("cli.p12"), "clipass", &k, &x, &cas, &e) == 0
	    && EVP_PKEY_eq(k, lkey) == 1 && X509_cmp(x, leaf) == 0 &&
	    sk_X509_num(cas) == 1, "imports a PKCS12 made by openssl pkcs12");
	EVP_PKEY_free(k);
	X509_free(x);
	sk_X509_pop_free(cas, X509_free);
	e.code = E_OK;
	check(p12_import(path_of("a.p12"), "wrong", &k, &x, &cas, &e) == -1 &&
	    e.code == E_PERM && strstr(e.msg, "password is wrong") &&
	    k == NULL && x == NULL && cas == NULL,
	    "wrong password: E_PERM (%s)", e.msg);
	e.code = E_OK;
	check(p12_import(path_of("nosuch.p12"), "x", &k, &x, &cas, &e) == -1 &&
	    e.code == E_NOTFOUND, "missing file: E_NOTFOUND");
	e.code = E_OK;
	check(p12_import(path_of("leaf.pem"), "x", &k, &x, &cas, &e) == -1 &&
	    e.code == E_INVAL, "not a PKCS12: %s", e.msg);
	e.code = E_OK;
	check(p12_import(path_of("keyonly.p12"), "x", &k, &x, &cas, &e) == -1 &&
	    e.code == E_INVAL, "key without certificate: %s", e.msg);
	e.code = E_OK;
	if (access(path_of("rc2.p12"), F_OK) == 0)
		check(p12_import(path_of("rc2.p12"), "x", &k, &x, &cas, &e) ==
		    -1 && e.code == E_CRYPTO && strstr(e.msg, "unsupported"),
		    "RC2-40 legacy PKCS12: %s", e.msg);
}

/* A PKCS12 whose key (other) does not belong to its certificate (leaf). */
static void
t_import_mismatch(void)
{
	struct err e = { 0 };
	STACK_OF(PKCS12_SAFEBAG) *bags = NULL;
	STACK_OF(PKCS7) *safes = NULL;
	PKCS12 *p12;
	unsigned char *der = NULL;
	int len;
	EVP_PKEY *k;
	X509 *x;
	STACK_OF(X509) *cas;

	PKCS12_add_cert(&bags, leaf);
	PKCS12_add_key(&bags, okey, 0, PKCS12_DEFAULT_ITER, NID_aes_256_cbc,
	    "pw");
	PKCS12_add_safe(&safes, bags, NID_aes_256_cbc, PKCS12_DEFAULT_ITER,
	    "pw");
	p12 = PKCS12_add_safes(safes, 0);
	PKCS12_set_mac(p12, "pw", -1, NULL, 0, PKCS12_DEFAULT_ITER, NULL);
	len = i2d_PKCS12(p12, &der);
	check(len > 0 && p12_import_mem(der, (size_t)len, "pw", &k, &x, &cas,
	    &e) == -1 && e.code == E_INVAL && strstr(e.msg, "matches"),
	    "certificate for another key: E_INVAL (%s)", e.msg);
	OPENSSL_free(der);
	PKCS12_free(p12);
	sk_PKCS7_pop_free(safes, PKCS7_free);
	sk_PKCS12_SAFEBAG_pop_free(bags, PKCS12_SAFEBAG_free);
}

static void
t_pem_bundle(void)
{
	struct err e = { 0 };
	STACK_OF(X509) *cas = sk_X509_new_null(), *got;
	EVP_PKEY *k;
	X509 *x;
	char *pem = NULL, *a, *b, *re, *keyblk, *capem, *leafpem;
	int rc;

	sk_X509_push(cas, ca);
	check(pem_export_bundle(lkey, "bundlepw", leaf, cas, &pem, &e) == 0 &&
	    strncmp(pem, "-----BEGIN ENCRYPTED PRIVATE KEY-----", 37) == 0,
	    "PEM bundle starts with the encrypted PKCS#8 key");
	file_write_atomic(path_of("b.pem"), pem, strlen(pem), 0600, &e);
	a = run(&rc, "openssl pkey -in %s -passin pass:bundlepw -pubout",
	    path_of("b.pem"));
	b = run(NULL, "openssl pkey -in %s -pubout", path_of("leaf.key"));
	check(rc == 0 && strcmp(a, b) == 0, "openssl pkey -passin reads the key");
	free(a);
	free(b);
	a = run(&rc, "openssl crl2pkcs7 -nocrl -certfile %s | openssl pkcs7 "
	    "-print_certs | grep -c '^subject'", path_of("b.pem"));
	check(atoi(a) == 2, "two certificates follow the key");
	free(a);
	check(pem_import_bundle(pem, "bundlepw", &k, &x, &got, &e) == 0 &&
	    EVP_PKEY_eq(k, lkey) == 1 && X509_cmp(x, leaf) == 0 &&
	    sk_X509_num(got) == 1 && X509_cmp(sk_X509_value(got, 0), ca) == 0,
	    "pem_import_bundle round trip");
	EVP_PKEY_free(k);
	X509_free(x);
	sk_X509_pop_free(got, X509_free);
	/* IOS paste order: CA, key, identity */
	keyblk = strndup(pem, strstr(pem, "-----END ENCRYPTED PRIVATE KEY-----")
	    - pem + 36);
	capem = cert_to_pem(ca);
	leafpem = cert_to_pem(leaf);
	if ((re = malloc(strlen(pem) + 64)) == NULL)
		return;
	sprintf(re, "quit\n%s\n%s\nquit\n%s", capem, keyblk, leafpem);
	check(pem_import_bundle(re, "bundlepw", &k, &x, &got, &e) == 0 &&
	    X509_cmp(x, leaf) == 0 && sk_X509_num(got) == 1,
	    "CA, key, identity order accepted");
	EVP_PKEY_free(k);
	X509_free(x);
	sk_X509_pop_free(got, X509_free);
	e.code = E_OK;
	check(pem_import_bundle(pem, "nope", &k, &x, &got, &e) == -1 &&
	    e.code == E_PERM, "wrong bundle password: E_PERM");
	e.code = E_OK;
	check(pem_import_bundle(pem, NULL, &k, &x, &got, &e) == -1 &&
	    e.code == E_PERM, "encrypted key without password: E_PERM");
	e.code = E_OK;
	sprintf(re, "%s%s", capem, leafpem);
	check(pem_import_bundle(re, "x", &k, &x, &got, &e) == -1 &&
	    e.code == E_INVAL, "no key: %s", e.msg);
	e.code = E_OK;
	sprintf(re, "%s%s", keyblk, capem);
	check(pem_import_bundle(re, "bundlepw", &k, &x, &got, &e) == -1 &&
	    e.code == E_INVAL && strstr(e.msg, "matches"),
	    "no certificate for the key: %s", e.msg);
	e.code = E_OK;
	snprintf(re, strlen(pem) / 2, "%s", pem);
	check(pem_import_bundle(re, "bundlepw", &k, &x, &got, &e) == -1 &&
	    e.code == E_INVAL, "truncated bundle: %s", e.msg);
	free(re);
	free(keyblk);
	free(capem);
	free(leafpem);
	free(pem);
	check(pem_export_bundle(lkey, NULL, leaf, NULL, &pem, &e) == 0 &&
	    strncmp(pem, "-----BEGIN PRIVATE KEY-----", 27) == 0,
	    "bundle without password: plain PKCS#8");
	free(pem);
	sk_X509_free(cas);
}

static void
t_traditional_key(void)
{
	struct err e = { 0 };
	char *key, *all, *lp;
	size_t len;
	EVP_PKEY *k;
	X509 *x;
	STACK_OF(X509) *got;

	key = file_read(path_of("leaf.trad.key"), 1 << 20, &len, &e);
	lp = cert_to_pem(leaf);
	if ((all = malloc(len + strlen(lp) + 1)) == NULL)
		return;
	sprintf(all, "%s%s", key, lp);
	check(key != NULL && strstr(key, "BEGIN RSA PRIVATE KEY") &&
	    pem_import_bundle(all, NULL, &k, &x, &got, &e) == 0 &&
	    EVP_PKEY_eq(k, lkey) == 1 && sk_X509_num(got) == 0,
	    "traditional RSA PRIVATE KEY bundle imports");
	check(key_import("imported", k, 1, &e) == 0 &&
	    key_exists("imported"), "imported key stored with key_import");
	EVP_PKEY_free(k);
	X509_free(x);
	sk_X509_pop_free(got, X509_free);
	free(all);
	free(lp);
	free(key);
}

int
main(void)
{
	struct err e = { 0 };
	char cmd[4096];
	int rc;

	if (t_mkdtemp("p12") == -1)
		return 1;
	snprintf(cmd, sizeof(cmd), fixtures, tmp);
	file_write_atomic(path_of("fx.sh"), cmd, strlen(cmd), 0700, &e);
	snprintf(cmd, sizeof(cmd), "sh %s", path_of("fx.sh"));
	rc = system(cmd);
	leaf = load_cert("leaf.pem");
	ca = load_cert("ca.pem");
	lkey = load_key("leaf.key");
	okey = load_key("other.key");
	if (rc != 0 || leaf == NULL || ca == NULL || lkey == NULL ||
	    okey == NULL || key_store_init(path_of("keys"), &e) == -1) {
		printf("not ok 1 - fixtures\n0 passed, 1 failed\n");
		return 1;
	}
	t_export_default();
	t_export_legacy_and_errors();
	t_import();
	t_import_mismatch();
	t_pem_bundle();
	t_traditional_key();
	X509_free(leaf);
	X509_free(ca);
	EVP_PKEY_free(lkey);
	EVP_PKEY_free(okey);
	return t_finish();
}
