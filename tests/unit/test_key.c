/* tests/unit/test_key.c - keystore: generation, metadata, file modes,
 * export refusal, rename/zeroize, import, PEM helpers and the mypubkey
 * display, cross-checked with the openssl CLI and python3. */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <pthread.h>
#include <sys/stat.h>
#include <unistd.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include "lib/clock.h"
#include "pki/key.h"
#include "tests/unit/testlib.h"

static char kdir[300];

static int
file_mode(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 ? (int)(st.st_mode & 0777) : -1;
}

static void
t_init_and_labels(void)
{
	struct err e = { 0 };
	char big[200];

	snprintf(kdir, sizeof(kdir), "%s/state/keys", tmp);
	check(key_store_init(kdir, &e) == 0, "key_store_init %s", e.msg);
	check(file_mode(kdir) == 0700, "keystore dir mode 0700 (%o)",
	    file_mode(kdir));
	chmod(kdir, 0755);
	check(key_store_init(kdir, &e) == 0 && file_mode(kdir) == 0700,
	    "re-init tightens an existing dir to 0700");
	check(key_label_valid("R1.lab-1_x", &e) == 0, "label R1.lab-1_x valid");
	memset(big, 'a', 127);
	big[127] = '\0';
	check(key_label_valid(big, &e) == 0, "127-char label valid");
	big[127] = 'a';
	big[128] = '\0';
	e.code = E_OK;
	check(key_label_valid(big, &e) == -1 && e.code == E_INVAL,
	    "128-char label rejected");
	check(key_label_valid("", &e) == -1 && e.code == E_INVAL,
	    "empty label rejected");
	check(key_label_valid(".hidden", &e) == -1, "leading dot rejected");
	check(key_label_valid("a/b", &e) == -1, "slash rejected");
	check(key_label_valid("a b", &e) == -1, "space rejected");
	e.code = E_OK;
	check(key_generate("../x", KEY_EC, 256, 0, &e) == -1 &&
	    e.code == E_INVAL, "key_generate refuses ../x");
}

static void
t_generate_rsa(void)
{
	struct err e = { 0 };
	struct key_info ki;
	char path[512], *out;
	int st, ok;

	clock_set(1700000000);
	check(key_generate("rsa1", KEY_RSA, 2048, 1, &e) == 0,
	    "generate RSA 2048 %s", e.msg);
	snprintf(path, sizeof(path), "%s/rsa1.pem", kdir);
	check(file_mode(path) == 0600, "rsa1.pem mode 0600 (%o)",
	    file_mode(path));
	snprintf(path, sizeof(path), "%s/rsa1.meta", kdir);
	check(file_mode(path) == 0600, "rsa1.meta mode 0600");
	out = run(&st, "openssl pkey -in %s/rsa1.pem -check -noout -text "
	    "2>&1", kdir);
	check(st == 0 && strstr(out, "Private-Key: (2048 bit") != NULL &&
	    strstr(out, "Key is valid") != NULL,
	    "openssl pkey -check reads rsa1.pem as a valid 2048-bit key");
	free(out);
	ok = key_info("rsa1", &ki, &e) == 0 && ki.type == KEY_RSA &&
	    ki.bits == 2048 && ki.exportable == 1 &&
	    ki.created >= 1700000000 && ki.created <= 1700000060;	/* the clock runs on */
	check(ok, "key_info rsa1: RSA 2048 exportable created=%lld",
	    (long long)ki.created);
	e.code = E_OK;
	check(key_generate("small", KEY_RSA, 512, 0, &e) == -1 &&
	    e.code == E_INVAL, "RSA 512 rejected");
	check(key_generate("big", KEY_RSA, 8192, 0, &e) == -1,
	    "RSA 8192 rejected");
	check(!key_exists("small"), "no file left for a rejected size");
}

static void
t_generate_ec(void)
{
	static const struct { const char *label; int bits; const char *curve; }
	    ec[] = { { "ec256", 256, "P-256" }, { "ec384", 384, "P-384" },
	    { "ec521", 521, "P-521" } };
	struct err e = { 0 };
	struct key_info ki;
	char *out;
	size_t i;
	int st, ok;

	for (i = 0; i < 3; i++) {
		check(key_generate(ec[i].label, KEY_EC, ec[i].bits, 0,
		    &e) == 0, "generate EC %d", ec[i].bits);
		out = run(&st, "openssl pkey -in %s/%s.pem -noout -text",
		    kdir, ec[i].label);
		check(st == 0 && strstr(out, ec[i].curve) != NULL,
		    "openssl sees NIST CURVE %s", ec[i].curve);
		free(out);
		ok = key_info(ec[i].label, &ki, &e) == 0 &&
		    ki.type == KEY_EC && ki.bits == ec[i].bits && !ki.exportable;
		check(ok, "key_info %s: EC %d non-exportable", ec[i].label,
		    ki.bits);
	}
	e.code = E_OK;
	check(key_generate("ec255", KEY_EC, 255, 0, &e) == -1 &&
	    e.code == E_INVAL, "EC 255 rejected");
}

static void
t_get_and_der(void)
{
	struct err e = { 0 };
	EVP_PKEY *pk, *pub;
	unsigned char *der = NULL;
	size_t len = 0;
	char *ref, path[512];
	size_t rlen = 0;
	BIGNUM *d = NULL;

	pk = key_get1("rsa1", &e);
	pub = key_get1_public("rsa1", &e);
	check(pk != NULL && pub != NULL && EVP_PKEY_eq(pk, pub) == 1,
	    "key_get1 and key_get1_public agree");
	check(pk != NULL && EVP_PKEY_get_bn_param(pk, OSSL_PKEY_PARAM_RSA_D,
	    &d) == 1, "key_get1 has the private exponent");
	BN_clear_free(d);
	d = NULL;
	check(pub != NULL && EVP_PKEY_get_bn_param(pub,
	    OSSL_PKEY_PARAM_RSA_D, &d) != 1, "key_get1_public has no private "
	    "part");
	BN_free(d);
	EVP_PKEY_free(pk);
	EVP_PKEY_free(pub);
	snprintf(path, sizeof(path), "%s/rsa1.pub.der", tmp);
	free(run(NULL, "openssl pkey -in %s/rsa1.pem -pubout -outform DER "
	    "-out %s", kdir, path));
	ref = file_read(path, 65536, &rlen, &e);
	check(key_public_der("rsa1", &der, &len, &e) == 0 && ref != NULL &&
	    len == rlen && memcmp(der, ref, len) == 0,
	    "key_public_der equals openssl pkey -pubout -outform DER");
	free(der);
	free(ref);
	e.code = E_OK;
	check(key_get1("nosuch", &e) == NULL && e.code == E_NOTFOUND,
	    "key_get1 of a missing label: E_NOTFOUND (%s)", e.msg);
}

static void
t_export(void)
{
	struct err e = { 0 };
	char *pem = NULL, path[512], *a, *b;
	int st;

	e.code = E_OK;
	check(key_export_pem("ec256", NULL, &pem, &e) == -1 &&
	    e.code == E_PERM && strcmp(e.msg, "Key ec256 is not exportable") == 0
	    && pem == NULL, "non-exportable export refused: %s", e.msg);
	check(key_export_pem("rsa1", "s3cret!", &pem, &e) == 0 && pem != NULL &&
	    strstr(pem, "-----BEGIN ENCRYPTED PRIVATE KEY-----") != NULL,
	    "exportable key exported as encrypted PKCS#8");
	snprintf(path, sizeof(path), "%s/exp.pem", tmp);
	file_write_atomic(path, pem, strlen(pem), 0600, &e);
	free(pem);
	a = run(&st, "openssl pkey -in %s -passin pass:s3cret! -pubout", path);
	b = run(NULL, "openssl pkey -in %s/rsa1.pem -pubout", kdir);
	check(st == 0 && strcmp(a, b) == 0 && strlen(a) > 100,
	    "openssl pkey -passin decrypts the export to the same key");
	free(a);
	a = run(&st, "openssl pkey -in %s -passin pass:wrong -pubout "
	    "2>/dev/null", path);
	check(st != 0, "openssl rejects the wrong export password");
	free(a);
	free(b);
	check(key_export_pem("rsa1", NULL, &pem, &e) == 0 &&
	    strstr(pem, "-----BEGIN PRIVATE KEY-----") != NULL,
	    "export without password is plain PKCS#8");
	free(pem);
	e.code = E_OK;
	check(key_export_pem("rsa1", "", &pem, &e) == -1 && e.code == E_INVAL,
	    "empty export password rejected");
}

static void
t_list_rename_zeroize(void)
{
	struct err e = { 0 };
	struct key_info *v = NULL, ki;
	size_t n = 0;
	char path[512];

	int ok;

	ok = key_list(&v, &n, &e) == 0 && n == 4 &&
	    strcmp(v[0].label, "ec256") == 0 && strcmp(v[3].label, "rsa1") == 0;
	check(ok, "key_list: 4 keys sorted (%zu)", n);
	free(v);
	check(key_rename("rsa1", "rsa2", &e) == 0 && !key_exists("rsa1") &&
	    key_exists("rsa2"), "key_rename rsa1 -> rsa2");
	check(key_info("rsa2", &ki, &e) == 0 && ki.exportable && ki.bits == 2048,
	    "metadata follows the rename");
	snprintf(path, sizeof(path), "%s/rsa1.meta", kdir);
	check(access(path, F_OK) == -1, "old meta file gone");
	e.code = E_OK;
	check(key_rename("rsa2", "ec256", &e) == -1 && e.code == E_EXISTS,
	    "rename onto an existing label: E_EXISTS");
	e.code = E_OK;
	check(key_rename("nosuch", "x", &e) == -1 && e.code == E_NOTFOUND,
	    "rename of a missing label: E_NOTFOUND");
	check(key_zeroize("ec384", &e) == 0 && !key_exists("ec384"),
	    "key_zeroize ec384");
	snprintf(path, sizeof(path), "%s/ec384.meta", kdir);
	check(access(path, F_OK) == -1, "zeroize removed the meta file");
	e.code = E_OK;
	check(key_zeroize("ec384", &e) == -1 && e.code == E_NOTFOUND,
	    "second zeroize: E_NOTFOUND");
	snprintf(path, sizeof(path), "%s/ec521.meta", kdir);
	unlink(path);
	check(key_info("ec521", &ki, &e) == 0 && ki.type == KEY_EC &&
	    ki.bits == 521 && !ki.exportable,
	    "key_info derives metadata when the meta file is missing");
}

/* Hidden ".wipe-" files in the key directory. */
static int
wipe_files(void)
{
	struct dirent *de;
	DIR *d = opendir(kdir);
	int n = 0;

	while (d != NULL && (de = readdir(d)) != NULL)
		n += strncmp(de->d_name, ".wipe-", 6) == 0;
	if (d != NULL)
		closedir(d);
	return n;
}

static void
t_zeroize_bg(void)
{
	struct err e = { 0 };
	struct key_info *v = NULL;
	char path[600];
	size_t n = 0, i;
	int listed = 0;
	FILE *f;

	check(key_generate("bgk", KEY_EC, 256, 0, &e) == 0, "bgk made %s",
	    e.msg);
	check(key_zeroize_bg("bgk", &e) == 0 && !key_exists("bgk"),
	    "key_zeroize_bg: the label is gone when it returns");
	check(key_list(&v, &n, &e) == 0, "key_list after key_zeroize_bg");
	for (i = 0; i < n; i++)
		listed |= strstr(v[i].label, "bgk") != NULL;
	free(v);
	check(!listed, "a key being wiped is not listed");
	snprintf(path, sizeof(path), "%s/bgk.meta", kdir);
	check(access(path, F_OK) == -1, "its meta file is removed at once");
	key_zeroize_drain();
	check(wipe_files() == 0, "drained: no hidden wipe file left");
	e.code = E_OK;
	check(key_zeroize_bg("bgk", &e) == -1 && e.code == E_NOTFOUND,
	    "key_zeroize_bg of a missing key: E_NOTFOUND");
	snprintf(path, sizeof(path), "%s/.wipe-7-dead.pem", kdir);
	if ((f = fopen(path, "w")) != NULL) {
		fputs("-----BEGIN PRIVATE KEY-----\n", f);
		fclose(f);
	}
	check(wipe_files() == 1 && key_store_init(kdir, &e) == 0 &&
	    wipe_files() == 0, "a dead process's wipe file goes at store init");
}

static void
t_import_and_pem(void)
{
	struct err e = { 0 };
	EVP_PKEY *pk;
	struct key_info ki;
	char path[512], *txt;
	size_t len;

	snprintf(path, sizeof(path), "%s/ext.pem", tmp);
	free(run(NULL, "openssl genpkey -algorithm EC -pkeyopt "
	    "ec_paramgen_curve:P-384 -aes256 -pass pass:pw -out %s", path));
	txt = file_read(path, 65536, &len, &e);
	e.code = E_OK;
	check(txt != NULL && key_pkey_from_pem(txt, len, NULL, &e) == NULL &&
	    e.code == E_PERM, "encrypted PEM without password: E_PERM");
	e.code = E_OK;
	check(key_pkey_from_pem(txt, len, "bad", &e) == NULL &&
	    e.code == E_PERM && strstr(e.msg, "wrong") != NULL,
	    "encrypted PEM with wrong password: %s", e.msg);
	pk = key_pkey_from_pem(txt, len, "pw", &e);
	check(pk != NULL, "encrypted PEM with the right password");
	check(key_import("imp", pk, 0, &e) == 0 && key_info("imp", &ki, &e) == 0
	    && ki.type == KEY_EC && ki.bits == 384, "key_import P-384");
	EVP_PKEY_free(pk);
	free(txt);
	e.code = E_OK;
	check(key_pkey_from_pem("garbage", 7, NULL, &e) == NULL &&
	    e.code == E_INVAL, "garbage PEM: E_INVAL");
	free(run(NULL, "openssl genpkey -algorithm ED25519 -out %s", path));
	txt = file_read(path, 65536, &len, &e);
	pk = txt != NULL ? key_pkey_from_pem(txt, len, NULL, &e) : NULL;
	e.code = E_OK;
	check(pk != NULL && key_import("ed", pk, 0, &e) == -1 &&
	    e.code == E_INVAL && !key_exists("ed"),
	    "Ed25519 import refused: %s", e.msg);
	EVP_PKEY_free(pk);
	free(txt);
}

static void
t_mypubkey(void)
{
	struct err e = { 0 };
	struct key_info ki;
	char *got, *want, *s;
	char cmd[1024];

	clock_set(1700000000);
	key_generate("shown", KEY_RSA, 1024, 1, &e);
	key_info("shown", &ki, &e);
	got = key_show_mypubkey("shown", &e);
	/* independent rendering: openssl DER + python formatting */
	snprintf(cmd, sizeof(cmd), "openssl pkey -in %s/shown.pem -pubout "
	    "-outform DER | python3 -c '\n"
	    "import sys, time\n"
	    "h = sys.stdin.buffer.read().hex().upper()\n"
	    "g = [h[i:i+8] for i in range(0, len(h), 8)]\n"
	    "ls = [\" \".join(g[i:i+8]) for i in range(0, len(g), 8)]\n"
	    "t = time.gmtime(%lld)\n"
	    "print(\"%%%% Key pair was generated at: %%02d:%%02d:%%02d UTC "
	    "%%s %%d %%d\" %% (t.tm_hour, t.tm_min, t.tm_sec, "
	    "time.strftime(\"%%b\", t), t.tm_mday, t.tm_year))\n"
	    "print(\"Key name: shown\\nKey type: RSA KEYS\\n Storage Device: "
	    "private-config\\n Usage: General Purpose Key\\n Key is "
	    "exportable.\\n Key Data:\")\n"
	    "print(\" \\n\".join(\"  \" + l for l in ls))\n'",
	    kdir, (long long)ki.created);
	want = run(NULL, "%s", cmd);
	check(got != NULL && strcmp(got, want) == 0,
	    "mypubkey RSA block matches the independent rendering");
	if (got != NULL && strcmp(got, want) != 0)
		printf("# got:\n%s# want:\n%s", got, want);
	check(got != NULL && strstr(got, " Key Data:\n  30819F30 0D06092A "
	    "864886F7 0D010101 05000381 8D003081 89028181 ") != NULL,
	    "RSA-1024 SubjectPublicKeyInfo prefix in key data");
	free(got);
	free(want);
	got = key_show_mypubkey("ec256", &e);
	s = got != NULL ? strstr(got, " Key Data:\n  30593013 06072A86 "
	    "48CE3D02 0106082A 8648CE3D 03010703 420004") : NULL;
	check(got != NULL && strstr(got, "Key type: EC KEYS\n") != NULL &&
	    strstr(got, " Key is not exportable.\n") != NULL && s != NULL,
	    "mypubkey EC block: type, exportability, P-256 SPKI prefix");
	check(got != NULL && strstr(got, " Usage: Signature Key\n") != NULL,
	    "EC key usage line");
	free(got);
	e.code = E_OK;
	check(key_show_mypubkey("nosuch", &e) == NULL && e.code == E_NOTFOUND,
	    "mypubkey of a missing key: E_NOTFOUND");
}

static void *
worker(void *arg)
{
	struct err e = { 0 };
	char label[32];
	EVP_PKEY *pk;
	int i, id = *(int *)arg, bad = 0;

	for (i = 0; i < 5; i++) {
		snprintf(label, sizeof(label), "t%d-%d", id, i);
		if (key_generate(label, KEY_EC, 256, 0, &e) == -1)
			bad++;
		if ((pk = key_get1(label, &e)) == NULL)
			bad++;
		EVP_PKEY_free(pk);
		if (!key_exists("ec256"))
			bad++;
	}
	*(int *)arg = bad;
	return NULL;
}

static void
t_threads(void)
{
	pthread_t th[4];
	int ids[4], i, bad = 0;
	struct key_info *v = NULL;
	size_t n = 0, cnt = 0, j;
	struct err e = { 0 };

	for (i = 0; i < 4; i++) {
		ids[i] = i;
		pthread_create(&th[i], NULL, worker, &ids[i]);
	}
	for (i = 0; i < 4; i++) {
		pthread_join(th[i], NULL);
		bad += ids[i];
	}
	check(bad == 0, "4 threads x 5 keys generated and read (%d failures)",
	    bad);
	key_list(&v, &n, &e);
	for (j = 0; j < n; j++)
		cnt += v[j].label[0] == 't';
	check(cnt == 20, "all 20 thread keys listed (%zu)", cnt);
	free(v);
}

int
main(void)
{
	if (t_mkdtemp("key") == -1)
		return 1;
	t_init_and_labels();
	t_generate_rsa();
	t_generate_ec();
	t_get_and_der();
	t_export();
	t_list_rename_zeroize();
	t_zeroize_bg();
	t_import_and_pem();
	t_mypubkey();
	t_threads();
	return t_finish();
}
