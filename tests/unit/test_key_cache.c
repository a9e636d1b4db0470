/* pkish - BSD-2-Clause */
/*
 * DOC: unit tests for the keystore's decoded-key cache (pki/key.c):
 * key_get1 and key_get1_public hand out references to one decoded
 * object per label (no second decode), and every way the key file can
 * change gives the new key: key_generate, key_import, key_zeroize,
 * key_rename, key_store_init on another directory, and the file
 * replaced or rewritten in place outside pkish. References handed out
 * before a change stay usable. The cache is bounded (LRU) and holds up
 * under threads that read, sign and regenerate at once (run under ASan).
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include "lib/fileio.h"
#include "pki/key.h"
#include "tests/unit/testlib.h"

static char	dir1[300], dir2[300];


/* 1 if pk signs and verifies a message (a usable private key). */
static int
signs(EVP_PKEY *pk)
{
	static const unsigned char msg[] = "to be signed";
	unsigned char	 sig[1024];
	size_t		 sl = sizeof(sig);
	EVP_MD_CTX	*md;
	int		 ok;

	if (pk == NULL || (md = EVP_MD_CTX_new()) == NULL)
		return 0;
	ok = EVP_DigestSignInit(md, NULL, EVP_sha256(), NULL, pk) == 1 &&
	    EVP_DigestSign(md, sig, &sl, msg, sizeof(msg)) == 1;
	EVP_MD_CTX_free(md);
	if (!ok || (md = EVP_MD_CTX_new()) == NULL)
		return 0;
	ok = EVP_DigestVerifyInit(md, NULL, EVP_sha256(), NULL, pk) == 1 &&
	    EVP_DigestVerify(md, sig, sl, msg, sizeof(msg)) == 1;
	EVP_MD_CTX_free(md);
	return ok;
}

/* 1 if pk has an EC private scalar. */
static int
has_private(EVP_PKEY *pk)
{
	BIGNUM	*d = NULL;
	int	 ok;

	ok = EVP_PKEY_get_bn_param(pk, OSSL_PKEY_PARAM_PRIV_KEY, &d) == 1;
	BN_clear_free(d);
	return ok;
}

static char *
path_of(const char *dir, const char *label, const char *ext)
{
	static char	path[512];

	snprintf(path, sizeof(path), "%s/%s.%s", dir, label, ext);
	return path;
}

static void
t_shared(void)
{
	struct err	 e = { 0 };
	EVP_PKEY	*a, *b, *pa, *pb;

	check(key_generate("k", KEY_EC, 256, 0, &e) == 0, "generate k");
	a = key_get1("k", &e);
	b = key_get1("k", &e);
	check(a != NULL && a == b, "key_get1 twice: the same decoded object");
	pa = key_get1_public("k", &e);
	pb = key_get1_public("k", &e);
	check(pa != NULL && pa == pb && pa != a,
	    "key_get1_public twice: one public object, not the private one");
	check(pa != NULL && !has_private(pa) && has_private(a) &&
	    EVP_PKEY_eq(a, pa) == 1, "public half matches, without d");
	EVP_PKEY_free(b);
	EVP_PKEY_free(pb);
	check(signs(a), "a shared reference signs");
	EVP_PKEY_free(a);
	EVP_PKEY_free(pa);
}

static void
t_generate_import(void)
{
	struct err	 e = { 0 };
	EVP_PKEY	*old, *nw, *pub, *ext, *got;

	old = key_get1("k", &e);
	check(key_generate("k", KEY_EC, 256, 0, &e) == 0, "regenerate k");
	nw = key_get1("k", &e);
	pub = key_get1_public("k", &e);
	check(nw != NULL && nw != old && EVP_PKEY_eq(nw, old) != 1,
	    "after key_generate: the new key");
	check(pub != NULL && EVP_PKEY_eq(nw, pub) == 1,
	    "after key_generate: the new public half");
	check(signs(old), "the reference taken before still signs");
	EVP_PKEY_free(old);
	EVP_PKEY_free(pub);
	ext = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
	check(key_import("k", ext, 0, &e) == 0, "import over k");
	got = key_get1("k", &e);
	pub = key_get1_public("k", &e);
	check(got != NULL && got != ext && got != nw &&
	    EVP_PKEY_eq(got, ext) == 1 && EVP_PKEY_eq(pub, ext) == 1,
	    "after key_import: the imported key, a copy from the file");
	EVP_PKEY_free(ext);
	EVP_PKEY_free(nw);
	EVP_PKEY_free(got);
	EVP_PKEY_free(pub);
}

static void
t_zeroize_rename(void)
{
	struct err	 e = { 0 };
	EVP_PKEY	*held, *b, *c, *got;

	held = key_get1("k", &e);
	check(key_zeroize("k", &e) == 0, "zeroize k");
	e.code = E_OK;
	check(key_get1("k", &e) == NULL && e.code == E_NOTFOUND,
	    "after key_zeroize: key_get1 E_NOTFOUND");
	e.code = E_OK;
	check(key_get1_public("k", &e) == NULL && e.code == E_NOTFOUND,
	    "after key_zeroize: key_get1_public E_NOTFOUND");
	check(signs(held), "a reference held across the zeroize still signs");
	EVP_PKEY_free(held);

	key_generate("b", KEY_EC, 256, 0, &e);
	key_generate("c", KEY_EC, 256, 0, &e);
	b = key_get1("b", &e);
	c = key_get1("c", &e);		/* cached as "c" */
	/* c's files removed behind the keystore's back */
	unlink(path_of(dir1, "c", "pem"));
	unlink(path_of(dir1, "c", "meta"));
	check(key_rename("b", "c", &e) == 0, "rename b to c");
	e.code = E_OK;
	check(key_get1("b", &e) == NULL && e.code == E_NOTFOUND,
	    "after key_rename: the old label is gone");
	got = key_get1("c", &e);
	check(got != NULL && EVP_PKEY_eq(got, b) == 1 &&
	    EVP_PKEY_eq(got, c) != 1,
	    "after key_rename: the new label is the moved key, not the "
	    "one cached under it");
	EVP_PKEY_free(got);
	got = key_get1_public("c", &e);
	check(got != NULL && EVP_PKEY_eq(got, b) == 1,
	    "after key_rename: public half of the moved key");
	EVP_PKEY_free(got);
	EVP_PKEY_free(b);
	EVP_PKEY_free(c);
}

/* Replace <label>.pem with other's PEM: atomically (a new inode) or by
 * rewriting the same inode. */
static int
swap_file(const char *label, EVP_PKEY *other, int in_place)
{
	struct err	 e = { 0 };
	char		*pem = NULL;
	FILE		*f;
	int		 rc = -1;

	if (key_pkey_to_pem(other, NULL, &pem, &e) == -1)
		return -1;
	if (!in_place)
		rc = file_write_atomic(path_of(dir1, label, "pem"), pem,
		    strlen(pem), 0600, &e);
	else if ((f = fopen(path_of(dir1, label, "pem"), "r+")) != NULL) {
		rc = fwrite(pem, 1, strlen(pem), f) == strlen(pem) ? 0 : -1;
		if (fclose(f) != 0)
			rc = -1;
	}
	free(pem);
	return rc;
}

static void
t_outside_change(void)
{
	struct err	 e = { 0 };
	EVP_PKEY	*before, *x, *y, *got;

	key_generate("d", KEY_EC, 256, 0, &e);
	before = key_get1("d", &e);
	x = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
	check(swap_file("d", x, 0) == 0, "d.pem replaced outside pkish");
	got = key_get1("d", &e);
	check(got != NULL && EVP_PKEY_eq(got, x) == 1,
	    "a replaced file (new inode) is decoded again");
	EVP_PKEY_free(got);
	/* the same size and inode; only the times move (coarse clock) */
	usleep(30000);
	y = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
	check(swap_file("d", y, 1) == 0, "d.pem rewritten in place");
	got = key_get1("d", &e);
	check(got != NULL && EVP_PKEY_eq(got, y) == 1,
	    "a file rewritten in place is decoded again");
	EVP_PKEY_free(got);
	EVP_PKEY_free(before);
	EVP_PKEY_free(x);
	EVP_PKEY_free(y);
}

/* 1 if der is pk's SubjectPublicKeyInfo. */
static int
spki_of(EVP_PKEY *pk, const unsigned char *der, size_t len)
{
	unsigned char	*ref = NULL;
	int		 n = pk ? i2d_PUBKEY(pk, &ref) : -1, same;

	same = n > 0 && (size_t)n == len && memcmp(ref, der, len) == 0;
	OPENSSL_free(ref);
	return same;
}

static void
t_spki(void)
{
	struct err	 e = { 0 };
	EVP_PKEY	*pk = NULL, *x;
	unsigned char	*d1 = NULL, *d2 = NULL;
	size_t		 l1 = 0, l2 = 0;

	key_generate("sp", KEY_EC, 256, 0, &e);
	check(key_get1_spki("sp", &pk, &d1, &l1, &e) == 0 &&
	    spki_of(pk, d1, l1), "key_get1_spki: the key and its SPKI");
	check(key_public_der("sp", &d2, &l2, &e) == 0 && l2 == l1 &&
	    memcmp(d1, d2, l1) == 0, "key_public_der: the same SPKI again");
	EVP_PKEY_free(pk);
	free(d1);
	free(d2);
	key_generate("sp", KEY_EC, 256, 0, &e);
	check(key_get1_spki("sp", &pk, &d1, &l1, &e) == 0 &&
	    spki_of(pk, d1, l1), "after key_generate: the new key's SPKI");
	EVP_PKEY_free(pk);
	free(d1);
	x = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
	check(swap_file("sp", x, 0) == 0 && key_get1_spki("sp", NULL, &d1,
	    &l1, &e) == 0 && spki_of(x, d1, l1),
	    "a file replaced outside pkish: its SPKI");
	free(d1);
	EVP_PKEY_free(x);
	check(key_get1_spki("nosuch", &pk, &d1, &l1, &e) == -1 &&
	    e.code == E_NOTFOUND && pk == NULL && d1 == NULL,
	    "key_get1_spki: no such key");
}

static void
t_lru(void)
{
	struct err	 e = { 0 };
	EVP_PKEY	*first[10], *again;
	char		 label[16];
	int		 i, hits = 0, bad = 0;

	for (i = 0; i < 10; i++) {
		snprintf(label, sizeof(label), "l%d", i);
		key_generate(label, KEY_EC, 256, 0, &e);
		first[i] = key_get1(label, &e);
	}
	/* the eight most recent are cached: l2..l9 */
	for (i = 9; i >= 2; i--) {
		snprintf(label, sizeof(label), "l%d", i);
		again = key_get1(label, &e);
		hits += again == first[i];
		EVP_PKEY_free(again);
	}
	check(hits == 8, "l2..l9 still cached (%d of 8)", hits);
	for (i = 0; i < 2; i++) {
		snprintf(label, sizeof(label), "l%d", i);
		again = key_get1(label, &e);
		bad += again == NULL || again == first[i] ||
		    EVP_PKEY_eq(again, first[i]) != 1;
		EVP_PKEY_free(again);
	}
	check(bad == 0, "l0 and l1 were evicted and decode again, the same "
	    "keys");
	for (i = 0; i < 10; i++)
		EVP_PKEY_free(first[i]);
}

static void
t_other_dir(void)
{
	struct err	 e = { 0 };
	EVP_PKEY	*one, *two;

	key_generate("same", KEY_EC, 256, 0, &e);
	one = key_get1("same", &e);
	check(key_store_init(dir2, &e) == 0, "switch to a second keystore");
	key_generate("same", KEY_EC, 256, 0, &e);
	key_store_init(dir1, &e);
	two = key_get1("same", &e);
	check(two != NULL && EVP_PKEY_eq(one, two) == 1,
	    "back in the first keystore: its own key");
	EVP_PKEY_free(two);
	key_store_init(dir2, &e);
	two = key_get1("same", &e);
	check(two != NULL && EVP_PKEY_eq(one, two) != 1,
	    "in the second keystore: the other key of that label");
	EVP_PKEY_free(two);
	EVP_PKEY_free(one);
	key_store_init(dir1, &e);
}

static void *
reader(void *arg)
{
	struct err	 e = { 0 };
	EVP_PKEY	*pk, *pub;
	char		 label[8];
	int		*bad = arg, i;

	for (i = 0; i < 300; i++) {
		snprintf(label, sizeof(label), "s%d", i % 4);
		pk = key_get1(label, &e);
		pub = key_get1_public(label, &e);
		if (!signs(pk) || pub == NULL || has_private(pub))
			(*bad)++;
		EVP_PKEY_free(pk);
		EVP_PKEY_free(pub);
	}
	return NULL;
}

static void *
writer(void *arg)
{
	struct err	 e = { 0 };
	int		*bad = arg, i;

	for (i = 0; i < 20; i++)
		if (key_generate(i % 2 ? "s0" : "s1", KEY_EC, 256, 0, &e) ==
		    -1)
			(*bad)++;
	return NULL;
}

static void
t_threads(void)
{
	struct err	 e = { 0 };
	pthread_t	 th[4];
	int		 bad[4] = { 0 }, i, sum = 0;
	char		 label[8];

	for (i = 0; i < 4; i++) {
		snprintf(label, sizeof(label), "s%d", i);
		key_generate(label, KEY_EC, 256, 0, &e);
	}
	for (i = 0; i < 4; i++)
		pthread_create(&th[i], NULL, i == 3 ? writer : reader,
		    &bad[i]);
	for (i = 0; i < 4; i++) {
		pthread_join(th[i], NULL);
		sum += bad[i];
	}
	check(sum == 0, "3 readers x 300 (get1, get1_public, sign) while s0 "
	    "and s1 are regenerated 20 times: %d failures", sum);
}

int
main(void)
{
	struct err	e = { 0 };

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (t_mkdtemp("key_cache") == -1)
		return 1;
	snprintf(dir1, sizeof(dir1), "%s/one", tmp);
	snprintf(dir2, sizeof(dir2), "%s/two", tmp);
	if (key_store_init(dir1, &e) == -1) {
		printf("not ok 1 - key_store_init: %s\n", e.msg);
		return 1;
	}
	t_shared();
	t_generate_import();
	t_zeroize_rename();
	t_outside_change();
	t_spki();
	t_lru();
	t_other_dir();
	t_threads();
	return t_finish();
}
