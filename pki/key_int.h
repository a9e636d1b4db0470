/* pki/key_int.h - keystore internals shared by pki/key*.c only. */
#ifndef PKI_KEY_INT_H
#define PKI_KEY_INT_H
#include <stddef.h>
#include "pki/key.h"

void	 key_lock(void);		/* the keystore mutex */
void	 key_unlock(void);
/* The keystore directory (borrowed; caller holds the lock). */
const char *key_dir_locked(struct err *);
/* <dir>/<label>.<ext>; caller holds the lock. */
int	 key_path(const char *label, const char *ext, char *buf, size_t len,
	    struct err *);
/* Drop the decoded key cached for label (NULL: all); caller holds the
 * lock. For every change to <label>.pem (pki/key.c, pki/key_dir.c). */
void	 key_cache_drop_locked(const char *label);
/* key_info() for a caller that holds the lock. */
int	 key_info_locked(const char *label, struct key_info *, struct err *);

/* Overwrite path with zeros and sync it (before it is unlinked). */
void	 key_wipe_file(const char *path);
/* Wipe the hidden files background wipes left in dir (pki/key_wipe.c);
 * caller holds the lock. */
void	 key_wipe_sweep_locked(const char *dir);

#endif
