/* pki/tp_int.h - part-internal: the trustpoint record */
#ifndef PKI_TP_INT_H
#define PKI_TP_INT_H
#include <pthread.h>
#include "pki/tp.h"

struct tp {
	struct tp_cfg	 cfg;
	X509		*slot[TP_EXTRA];	/* by enum tp_slot */
	STACK_OF(X509)	*extra;
	time_t		 installed;
	time_t		 requested;
	enum tp_status	 status;
	char		 caps[512];	/* SCEP GetCACaps, one per line */
	struct tp	*next;		/* creation order */
	struct tp	*hnext;		/* hash chain */
};

extern pthread_mutex_t tp_mu;
extern struct tp *tp_list;
struct tp	*tp_find_locked(const char *);
/* new_key takes label; the key it replaces is left under bak ("" when
 * none) for the caller to destroy; put back on failure (tp_install.c). */
int	 tp_swap_key(const char *new_key, const char *label, char *bak,
	    size_t len, struct err *);

#endif
