/* pki/key.h - the keystore: the only code that reads, writes or generates
 * private keys. Keys live in <state>/keys/<label>.pem, mode 0600, written
 * atomically; metadata (exportable, created) in <label>.meta. Thread-safe.
 * Other parts get refcounted EVP_PKEY handles for in-process signing only. */
#ifndef PKI_KEY_H
#define PKI_KEY_H
#include <stddef.h>
#include <time.h>
#include <openssl/evp.h>
#include "lib/err.h"

enum key_type { KEY_RSA, KEY_EC };

struct key_info {
	char		 label[128];
	enum key_type	 type;
	int		 bits;		/* RSA modulus or EC field size */
	int		 exportable;
	time_t		 created;	/* UTC seconds (virtual clock) */
};

int	 key_store_init(const char *dir, struct err *);	/* creates dir 0700 */
int	 key_generate(const char *label, enum key_type, int bits, int exportable,
	    struct err *);		/* replaces an existing label */
/* A key pair in memory only, and storing it (for a caller that uses the
 * key while it is written: the store's syncs off its path). */
EVP_PKEY *key_new(enum key_type, int bits, struct err *);
int	 key_store_new(const char *label, EVP_PKEY *, int exportable,
	    struct err *);
int	 key_exists(const char *label);
int	 key_info(const char *label, struct key_info *, struct err *);
/* All keys sorted by label; *out malloc'd (free()). */
int	 key_list(struct key_info **out, size_t *n, struct err *);
int	 key_zeroize(const char *label, struct err *);
/* key_zeroize, but only the removal from the store happens before it
 * returns; the overwrite, its sync and the unlink run on a background
 * thread (a replaced key). key_zeroize_drain() waits for them. */
int	 key_zeroize_bg(const char *label, struct err *);
void	 key_zeroize_drain(void);
int	 key_rename(const char *from, const char *to, struct err *);
EVP_PKEY *key_get1(const char *label, struct err *);	/* private handle */
EVP_PKEY *key_get1_public(const char *label, struct err *);
/* Store an externally obtained key (PKCS#12/PEM import). */
int	 key_import(const char *label, EVP_PKEY *, int exportable, struct err *);
/* PEM (encrypted with AES-256-CBC when pass is set); refuses
 * non-exportable keys with E_PERM. *pem malloc'd. */
int	 key_export_pem(const char *label, const char *pass, char **pem,
	    struct err *);
/* DER SubjectPublicKeyInfo for `show crypto key mypubkey`. */
int	 key_public_der(const char *label, unsigned char **der, size_t *len,
	    struct err *);
/* The private handle (if pk is set; EVP_PKEY_free it) and the DER
 * SubjectPublicKeyInfo (*der malloc'd, encoded once per cached key) of
 * the same key. 0, or -1 with "e" set. */
int	 key_get1_spki(const char *label, EVP_PKEY **pk, unsigned char **der,
	    size_t *len, struct err *);

/* 0 if label is 1..127 chars of [A-Za-z0-9._-] without a leading dot;
 * -1 and E_INVAL otherwise. */
int	 key_label_valid(const char *label, struct err *);
/* The IOS `show crypto key mypubkey rsa|ec` block for one key (malloc'd,
 * every line ends in "\n"). */
char	*key_show_mypubkey(const char *label, struct err *);
/* In-memory private key PEM (PKCS#8; AES-256-CBC encrypted when pass is
 * set), for PEM bundles. The only PEM private key writer besides the store;
 * *pem malloc'd. The caller checks exportability (key_info). */
int	 key_pkey_to_pem(EVP_PKEY *, const char *pass, char **pem,
	    struct err *);
/* Parse one private key PEM block (PKCS#8, encrypted PKCS#8 or
 * traditional). Wrong or missing password: E_PERM. */
EVP_PKEY *key_pkey_from_pem(const char *text, size_t len, const char *pass,
	    struct err *);

#endif
