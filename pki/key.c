/* pkish - BSD-2-Clause */
/*
 * DOC: keystore
 * The only code that generates, reads or writes private keys. Each key is
 * <dir>/<label>.pem (unencrypted PKCS#8, mode 0600) plus <dir>/<label>.meta
 * (mode 0600, "type/bits/exportable/created" lines), both written atomically
 * through file_write_atomic(). The directory is created mode 0700.
 * Threading: one mutex guards the directory; key generation (slow) runs
 * outside it. Callers receive refcounted EVP_PKEY handles (get1) that they
 * free. Key material read from disk is cleansed before it is released.
 * A small cache under the same mutex keeps the last KEY_CACHE_MAX decoded
 * keys (and their public halves), so that one enrollment (CSR, SCEP
 * signer and decryption, ACME account) decodes a key file once; see
 * kc_get_locked() for when an entry is dropped.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/x509.h>
#include "lib/clock.h"
#include "lib/fileio.h"
#include "pki/der.h"
#include "pki/key.h"
#include "pki/key_int.h"

#define KEY_FILE_MAX	(64 * 1024)	/* a PEM key is a few KB at most */

#define KEY_CACHE_MAX	8		/* decoded keys kept, LRU */

/* A decoded key and the file it came from. */
struct kc_ent {
	char		 label[128];	/* "" = free slot */
	EVP_PKEY	*priv;		/* one reference owned */
	EVP_PKEY	*pub;		/* public half, owned; NULL until asked */
	unsigned char	*spki;		/* its SubjectPublicKeyInfo DER, owned;
					 * NULL until asked */
	size_t		 spki_len;
	struct stat	 st;		/* <label>.pem when it was decoded */
	unsigned long	 used;		/* kc_tick at the last use */
};

static pthread_mutex_t	 ks_mu = PTHREAD_MUTEX_INITIALIZER;
static char		 ks_dir[PATH_MAX];	/* "" until key_store_init */
static struct kc_ent	 kc[KEY_CACHE_MAX];	/* guarded by ks_mu */
static unsigned long	 kc_tick;		/* guarded by ks_mu */

int
key_label_valid(const char *label, struct err *e)
{
	size_t i, n;

	if (label == NULL || (n = strlen(label)) == 0 || n > 127)
		return err_set(e, E_INVAL,
		    "Key label must be 1 to 127 characters");
	if (label[0] == '.')
		return err_set(e, E_INVAL,
		    "Key label %s must not start with a dot", label);
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)label[i];
		if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
		    (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-' ||
		    (c == '#' && i > 0)))	/* rollover keys: "CS#" */
			return err_set(e, E_INVAL, "Key label %s has an invalid "
			    "character (allowed: A-Z a-z 0-9 . _ -)", label);
	}
	return 0;
}

void
key_lock(void)
{
	pthread_mutex_lock(&ks_mu);
}

void
key_unlock(void)
{
	pthread_mutex_unlock(&ks_mu);
}

const char *
key_dir_locked(struct err *e)
{
	if (ks_dir[0] == '\0') {
		err_set(e, E_INVAL, "keystore is not initialised");
		return NULL;
	}
	return ks_dir;
}

/* <dir>/<label>.<ext>; caller holds ks_mu. */
int
key_path(const char *label, const char *ext, char *buf, size_t len,
    struct err *e)
{
	if (key_dir_locked(e) == NULL)
		return -1;
	if (snprintf(buf, len, "%s/%s.%s", ks_dir, label, ext) >= (int)len)
		return err_set(e, E_INVAL, "key path too long");
	return 0;
}

/*
 * Create (mode 0700) and select the keystore directory. May be called again
 * to switch directories (tests). Returns 0 or -1.
 */
int
key_store_init(const char *dir, struct err *e)
{
	struct stat st;

	if (dir == NULL || dir[0] == '\0' || strlen(dir) >= sizeof(ks_dir) - 140)
		return err_set(e, E_INVAL, "keystore directory name is invalid");
	if (file_mkdirs(dir, 0700, e) == -1)
		return -1;
	if (stat(dir, &st) == -1 || !S_ISDIR(st.st_mode))
		return err_set(e, E_IO, "%s: not a directory", dir);
	/* no chmod when it is right already: a read-only state directory
	 * still starts, and then refuses each write with a % error */
	if ((st.st_mode & 07777) != 0700 && chmod(dir, 0700) == -1)
		return err_set(e, E_IO, "%s: %s", dir, strerror(errno));
	pthread_mutex_lock(&ks_mu);
	snprintf(ks_dir, sizeof(ks_dir), "%s", dir);
	key_cache_drop_locked(NULL);		/* other directory, other keys */
	key_wipe_sweep_locked(ks_dir);		/* a dead process's wipes */
	pthread_mutex_unlock(&ks_mu);
	return 0;
}

/* Type and size of a key we are willing to hold. */
static int
pkey_classify(EVP_PKEY *pk, enum key_type *type, int *bits, struct err *e)
{
	char group[64];

	*bits = EVP_PKEY_get_bits(pk);
	if (EVP_PKEY_is_a(pk, "RSA")) {
		if (*bits < 1024 || *bits > 16384)
			return err_set(e, E_INVAL,
			    "RSA key size %d is not supported", *bits);
		*type = KEY_RSA;
		return 0;
	}
	if (EVP_PKEY_is_a(pk, "EC")) {
		if (!EVP_PKEY_get_utf8_string_param(pk,
		    OSSL_PKEY_PARAM_GROUP_NAME, group, sizeof(group), NULL) ||
		    (strcmp(group, "prime256v1") != 0 &&
		    strcmp(group, "secp384r1") != 0 &&
		    strcmp(group, "secp521r1") != 0))
			return err_set(e, E_INVAL,
			    "EC key is not on P-256, P-384 or P-521");
		*type = KEY_EC;
		return 0;
	}
	return err_set(e, E_INVAL, "only RSA and EC keys are supported");
}

/* Meta file text; buf >= 128. */
static void
meta_format(const struct key_info *ki, char *buf, size_t len)
{
	snprintf(buf, len, "type %s\nbits %d\nexportable %s\ncreated %lld\n",
	    ki->type == KEY_RSA ? "rsa" : "ec", ki->bits,
	    ki->exportable ? "yes" : "no", (long long)ki->created);
}

static int
meta_parse(const char *text, struct key_info *ki, struct err *e)
{
	char key[32], val[64];
	const char *p = text;
	int n, seen = 0;

	while (sscanf(p, "%31s %63s%n", key, val, &n) == 2) {
		p += n;
		if (strcmp(key, "type") == 0) {
			ki->type = strcmp(val, "ec") == 0 ? KEY_EC : KEY_RSA;
			seen |= 1;
		} else if (strcmp(key, "bits") == 0) {
			ki->bits = atoi(val);
			seen |= 2;
		} else if (strcmp(key, "exportable") == 0) {
			ki->exportable = strcmp(val, "yes") == 0;
			seen |= 4;
		} else if (strcmp(key, "created") == 0) {
			ki->created = (time_t)strtoll(val, NULL, 10);
			seen |= 8;
		}
	}
	if (seen != 15)
		return err_set(e, E_IO, "key %s: metadata is incomplete",
		    ki->label);
	return 0;
}

/* Read <label>.pem into a new EVP_PKEY; caller holds ks_mu. */
static EVP_PKEY *
load_locked(const char *label, struct err *e)
{
	char path[PATH_MAX];
	char *buf;
	size_t len;
	EVP_PKEY *pk;

	if (key_path(label, "pem", path, sizeof(path), e) == -1)
		return NULL;
	if ((buf = file_read(path, KEY_FILE_MAX, &len, e)) == NULL) {
		if (e != NULL && e->code == E_NOTFOUND)
			err_set(e, E_NOTFOUND, "Key pair %s does not exist",
			    label);
		return NULL;
	}
	pk = key_pkey_from_pem(buf, len, NULL, e);
	OPENSSL_cleanse(buf, len);
	free(buf);
	if (pk == NULL)
		err_ctx(e, "key %s", label);
	return pk;
}

static void
kc_clear(struct kc_ent *k)
{
	EVP_PKEY_free(k->priv);
	EVP_PKEY_free(k->pub);
	free(k->spki);
	memset(k, 0, sizeof(*k));
}

/* Drop the cached key of label (NULL: every key); caller holds ks_mu.
 * References already handed out stay valid. */
void
key_cache_drop_locked(const char *label)
{
	for (size_t i = 0; i < KEY_CACHE_MAX; i++)
		if (kc[i].label[0] != '\0' && (label == NULL ||
		    strcmp(kc[i].label, label) == 0))
			kc_clear(&kc[i]);
}

/* 1 if a and b describe the same, unchanged file. */
static int
same_file(const struct stat *a, const struct stat *b)
{
	return a->st_dev == b->st_dev && a->st_ino == b->st_ino &&
	    a->st_size == b->st_size &&
	    a->st_mtim.tv_sec == b->st_mtim.tv_sec &&
	    a->st_mtim.tv_nsec == b->st_mtim.tv_nsec &&
	    a->st_ctim.tv_sec == b->st_ctim.tv_sec &&
	    a->st_ctim.tv_nsec == b->st_ctim.tv_nsec;
}

/* Put pk (one reference taken) in the cache as label, decoded from the
 * file st describes; the least recently used entry makes room. */
static void
kc_put_locked(const char *label, EVP_PKEY *pk, const struct stat *st)
{
	struct kc_ent *k = &kc[0];

	key_cache_drop_locked(label);
	for (size_t i = 0; i < KEY_CACHE_MAX; i++) {
		if (kc[i].label[0] == '\0') {
			k = &kc[i];
			break;
		}
		if (kc[i].used < k->used)
			k = &kc[i];
	}
	kc_clear(k);
	if (!EVP_PKEY_up_ref(pk))
		return;
	snprintf(k->label, sizeof(k->label), "%s", label);
	k->priv = pk;
	k->st = *st;
	k->used = ++kc_tick;
}

/*
 * The cache entry for label, decoding <label>.pem when there is none or
 * when the file is no longer the one decoded (another device, inode,
 * size, mtime or ctime: replaced, renamed over or edited by hand, even
 * outside pkish). key_generate, key_import, key_zeroize, key_rename and
 * key_store_init drop entries themselves. Caller holds ks_mu; the entry
 * is borrowed until it is released. NULL and e on failure.
 */
static struct kc_ent *
kc_get_locked(const char *label, struct err *e)
{
	char		 path[PATH_MAX];
	struct stat	 st;
	EVP_PKEY	*pk;

	if (key_path(label, "pem", path, sizeof(path), e) == -1)
		return NULL;
	if (stat(path, &st) == 0) {
		for (size_t i = 0; i < KEY_CACHE_MAX; i++)
			if (strcmp(kc[i].label, label) == 0 &&
			    same_file(&kc[i].st, &st)) {
				kc[i].used = ++kc_tick;
				return &kc[i];
			}
	} else
		memset(&st, 0, sizeof(st));
	/* stat before the read: a file replaced in between is seen as
	 * changed next time, never the other way round */
	key_cache_drop_locked(label);
	if ((pk = load_locked(label, e)) == NULL)
		return NULL;
	kc_put_locked(label, pk, &st);
	EVP_PKEY_free(pk);
	for (size_t i = 0; i < KEY_CACHE_MAX; i++)
		if (strcmp(kc[i].label, label) == 0)
			return &kc[i];
	err_set(e, E_NOMEM, "key %s: cannot cache the key", label);
	return NULL;
}

/* Fill ki for an existing label; caller holds ks_mu. */
int
key_info_locked(const char *label, struct key_info *ki, struct err *e)
{
	char path[PATH_MAX], *text;
	struct stat st;
	EVP_PKEY *pk;

	memset(ki, 0, sizeof(*ki));
	snprintf(ki->label, sizeof(ki->label), "%s", label);
	if (key_path(label, "pem", path, sizeof(path), e) == -1)
		return -1;
	if (stat(path, &st) == -1)
		return err_set(e, E_NOTFOUND, "Key pair %s does not exist",
		    label);
	if (key_path(label, "meta", path, sizeof(path), e) == -1)
		return -1;
	if ((text = file_read(path, 4096, NULL, NULL)) != NULL) {
		int rc = meta_parse(text, ki, e);
		free(text);
		return rc;
	}
	/* No metadata (crash between the two writes): derive it. */
	if ((pk = load_locked(label, e)) == NULL)
		return -1;
	if (pkey_classify(pk, &ki->type, &ki->bits, e) == -1) {
		EVP_PKEY_free(pk);
		return -1;
	}
	EVP_PKEY_free(pk);
	ki->created = st.st_mtime;
	ki->exportable = 0;
	return 0;
}

/* Write key and metadata as one change (both synced, then renamed, one
 * directory sync); caller holds ks_mu. */
static int
store_locked(const char *label, EVP_PKEY *pk, const struct key_info *ki,
    struct err *e)
{
	char path[PATH_MAX], mpath[PATH_MAX], meta[256], *pem = NULL;
	const char *paths[2] = { path, mpath };
	const void *bufs[2];
	size_t lens[2];
	int rc;

	key_cache_drop_locked(label);		/* replaced below */
	meta_format(ki, meta, sizeof(meta));
	if (key_path(label, "pem", path, sizeof(path), e) == -1 ||
	    key_path(label, "meta", mpath, sizeof(mpath), e) == -1 ||
	    key_pkey_to_pem(pk, NULL, &pem, e) == -1)
		return -1;
	bufs[0] = pem;
	lens[0] = strlen(pem);
	bufs[1] = meta;
	lens[1] = strlen(meta);
	rc = file_write_atomic_n(2, paths, bufs, lens, 0600, e);
	OPENSSL_cleanse(pem, strlen(pem));
	free(pem);
	return rc;
}

/* Write pk as label. With cache set, pk (ours: just generated) is also
 * the cached key of label, so the enrollment that follows need not
 * decode the file it was written to. */
static int
store(const char *label, EVP_PKEY *pk, int exportable, int cache,
    struct err *e)
{
	char path[PATH_MAX];
	struct key_info ki;
	struct stat st;
	int rc;

	memset(&ki, 0, sizeof(ki));
	snprintf(ki.label, sizeof(ki.label), "%s", label);
	if (pkey_classify(pk, &ki.type, &ki.bits, e) == -1)
		return -1;
	ki.exportable = exportable != 0;
	ki.created = clock_now();
	pthread_mutex_lock(&ks_mu);
	rc = store_locked(label, pk, &ki, e);
	if (rc == 0 && cache && key_path(label, "pem", path, sizeof(path),
	    NULL) == 0 && stat(path, &st) == 0)
		kc_put_locked(label, pk, &st);
	pthread_mutex_unlock(&ks_mu);
	return rc;
}

/*
 * A new RSA (1024..4096 bits) or EC (256/384/521) key pair, in memory
 * only (key_store_new() stores it). NULL with "e" set.
 */
EVP_PKEY *
key_new(enum key_type type, int bits, struct err *e)
{
	EVP_PKEY *pk = NULL;
	const char *curve;

	if (type == KEY_RSA) {
		if (bits < 1024 || bits > 4096)
			return err_set(e, E_INVAL, "RSA key size must be "
			    "between 1024 and 4096 bits"), NULL;
		pk = EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)bits);
	} else if (type == KEY_EC) {
		curve = bits == 256 ? "P-256" : bits == 384 ? "P-384" :
		    bits == 521 ? "P-521" : NULL;
		if (curve == NULL)
			return err_set(e, E_INVAL,
			    "EC key size must be 256, 384 or 521"), NULL;
		pk = EVP_PKEY_Q_keygen(NULL, NULL, "EC", curve);
	} else
		return err_set(e, E_INVAL, "unknown key type"), NULL;
	if (pk == NULL)
		err_ssl(e, "key generation failed");
	return pk;
}

/* Store pk (from key_new) as label, replacing any key of that name; it
 * is also the cached key of label. Returns 0 or -1. */
int
key_store_new(const char *label, EVP_PKEY *pk, int exportable,
    struct err *e)
{
	if (key_label_valid(label, e) == -1)
		return -1;
	return store(label, pk, exportable, 1, e);
}

/*
 * Generate an RSA (1024..4096 bits) or EC (256/384/521) key pair and store
 * it under label, replacing any key of that name. Returns 0 or -1.
 */
int
key_generate(const char *label, enum key_type type, int bits, int exportable,
    struct err *e)
{
	EVP_PKEY *pk;
	int rc;

	if (key_label_valid(label, e) == -1 ||
	    (pk = key_new(type, bits, e)) == NULL)
		return -1;
	rc = key_store_new(label, pk, exportable, e);
	EVP_PKEY_free(pk);
	return rc;
}

/* Store a key obtained elsewhere (PKCS#12, PEM import). Returns 0 or -1. */
int
key_import(const char *label, EVP_PKEY *pk, int exportable, struct err *e)
{
	if (key_label_valid(label, e) == -1)
		return -1;
	if (pk == NULL)
		return err_set(e, E_INVAL, "no key to import");
	return store(label, pk, exportable, 0, e);
}

int
key_exists(const char *label)
{
	char path[PATH_MAX];
	struct stat st;
	int rc = 0;

	if (key_label_valid(label, NULL) == -1)
		return 0;
	pthread_mutex_lock(&ks_mu);
	if (key_path(label, "pem", path, sizeof(path), NULL) == 0 &&
	    stat(path, &st) == 0)
		rc = 1;
	pthread_mutex_unlock(&ks_mu);
	return rc;
}

int
key_info(const char *label, struct key_info *ki, struct err *e)
{
	int rc;

	if (key_label_valid(label, e) == -1)
		return -1;
	pthread_mutex_lock(&ks_mu);
	rc = key_info_locked(label, ki, e);
	pthread_mutex_unlock(&ks_mu);
	return rc;
}

/*
 * New reference to the private key (from the cache when the key file is
 * unchanged; the object may be shared with other threads, which is safe
 * for signing and decryption: never modify it). The caller frees it.
 */
EVP_PKEY *
key_get1(const char *label, struct err *e)
{
	struct kc_ent	*k;
	EVP_PKEY	*pk = NULL;

	if (key_label_valid(label, e) == -1)
		return NULL;
	pthread_mutex_lock(&ks_mu);
	if ((k = kc_get_locked(label, e)) != NULL) {
		if (EVP_PKEY_up_ref(k->priv))
			pk = k->priv;
		else
			err_ssl(e, "key %s: EVP_PKEY_up_ref", label);
	}
	pthread_mutex_unlock(&ks_mu);
	return pk;
}

/* The public half of pk, without private components; NULL on failure. */
static EVP_PKEY *
public_half(EVP_PKEY *pk, const char *label, struct err *e)
{
	unsigned char	*der = NULL;
	const unsigned char *p;
	EVP_PKEY	*pub;
	int		 n;

	if ((n = i2d_PUBKEY(pk, &der)) <= 0) {
		err_ssl(e, "key %s: i2d_PUBKEY", label);
		return NULL;
	}
	p = der;
	if ((pub = d2i_PUBKEY(NULL, &p, n)) == NULL)
		err_ssl(e, "key %s: d2i_PUBKEY", label);
	OPENSSL_free(der);
	return pub;
}

/* Public half only: no private components in the returned key (a new
 * reference, cached like key_get1's). */
EVP_PKEY *
key_get1_public(const char *label, struct err *e)
{
	struct kc_ent	*k;
	EVP_PKEY	*pub = NULL;

	if (key_label_valid(label, e) == -1)
		return NULL;
	pthread_mutex_lock(&ks_mu);
	if ((k = kc_get_locked(label, e)) != NULL) {
		if (k->pub == NULL)
			k->pub = public_half(k->priv, label, e);
		if (k->pub != NULL && EVP_PKEY_up_ref(k->pub))
			pub = k->pub;
		else if (k->pub != NULL)
			err_ssl(e, "key %s: EVP_PKEY_up_ref", label);
	}
	pthread_mutex_unlock(&ks_mu);
	return pub;
}

/* PEM of an exportable key (AES-256-CBC PKCS#8 when pass is set). */
int
key_export_pem(const char *label, const char *pass, char **pem, struct err *e)
{
	struct key_info ki;
	EVP_PKEY *pk;
	int rc;

	*pem = NULL;
	if (key_info(label, &ki, e) == -1)
		return -1;
	if (!ki.exportable)
		return err_set(e, E_PERM, "Key %s is not exportable", label);
	if ((pk = key_get1(label, e)) == NULL)
		return -1;
	rc = key_pkey_to_pem(pk, pass, pem, e);
	EVP_PKEY_free(pk);
	return rc;
}

/* The SubjectPublicKeyInfo DER of the cached entry k, encoded once
 * (OpenSSL 3's encoder set-up costs more than a signature); a malloc'd
 * copy in *der. Caller holds ks_mu. */
static int
spki_locked(struct kc_ent *k, unsigned char **der, size_t *len,
    struct err *e)
{
	unsigned char *tmp = NULL;
	int n;

	if (k->spki == NULL) {
		n = i2d_PUBKEY(k->priv, &tmp);
		if ((k->spki = der_take(tmp, n, &k->spki_len, "public key",
		    e)) == NULL)
			return err_ctx(e, "key %s", k->label);
	}
	if ((*der = malloc(k->spki_len)) == NULL)
		return err_set(e, E_NOMEM, "out of memory");
	memcpy(*der, k->spki, k->spki_len);
	*len = k->spki_len;
	return 0;
}

/* DER SubjectPublicKeyInfo; *der malloc'd. */
int
key_public_der(const char *label, unsigned char **der, size_t *len,
    struct err *e)
{
	return key_get1_spki(label, NULL, der, len, e);
}

/* The private handle (when pk is set) and the SubjectPublicKeyInfo DER
 * (*der malloc'd) of one and the same key. */
int
key_get1_spki(const char *label, EVP_PKEY **pk, unsigned char **der,
    size_t *len, struct err *e)
{
	struct kc_ent	*k;
	int		 rc = -1;

	*der = NULL;
	*len = 0;
	if (pk != NULL)
		*pk = NULL;
	if (key_label_valid(label, e) == -1)
		return -1;
	pthread_mutex_lock(&ks_mu);
	if ((k = kc_get_locked(label, e)) != NULL &&
	    spki_locked(k, der, len, e) == 0) {
		rc = 0;
		if (pk != NULL && !EVP_PKEY_up_ref(k->priv)) {
			free(*der);
			*der = NULL;
			rc = err_ssl(e, "key %s: EVP_PKEY_up_ref", label);
		} else if (pk != NULL)
			*pk = k->priv;
	}
	pthread_mutex_unlock(&ks_mu);
	return rc;
}
