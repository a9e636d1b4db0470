/* lib/dl.h - the libraries pkish loads on first use instead of linking
 * them (lib/json_dl, lib/ssl_dl, lib/crypt_dl, shell/ssh_dl). Each of
 * those keeps its typed table and a resolve() from its X-macro list;
 * this is the loader they share, with one wording for every failure. */
#ifndef LIB_DL_H
#define LIB_DL_H
#include <pthread.h>
#include <stddef.h>
#include "lib/err.h"

struct dl_lib {
	const char	*soname;
	/* Fill the table at api from dl; NULL, or the first missing name. */
	const char	*(*resolve)(void *dl, void *api);
	void		*api;		/* the table, read-only once ok */
	size_t		 apisize;
	pthread_mutex_t	 mu;
	int		 tried;		/* under mu */
	int		 ok;		/* atomic: 1 once loaded */
	char		 why[400];	/* why loading failed; under mu */
};

#define DL_LIB(soname, resolve, tab) \
	{ (soname), (resolve), &(tab), sizeof(tab), \
	    PTHREAD_MUTEX_INITIALIZER, 0, 0, "" }

/* Load the library and fill its table, once per process (thread-safe).
 * 0, or -1 and e (E_NOTFOUND): "cannot load SONAME: why", on every call.
 * The library is never unloaded. */
int	 dl_lib_load(struct dl_lib *, struct err *);
/* 1 once dl_lib_load() has succeeded. */
int	 dl_lib_loaded(struct dl_lib *);
/* Open soname and resolve every entry as dl_lib_load() would, into a
 * scratch table, then close it again (for tests). 0, or -1 and e. */
int	 dl_lib_probe(const struct dl_lib *, const char *soname, struct err *);

#endif
