/* lib/dl.h - the libraries pkish loads on first use instead of linking
 * them (lib/json_dl, lib/ssl_dl, lib/crypt_dl, shell/ssh_dl). Each of
 * those lists its functions in an X-macro and declares (DL_DECLARE) and
 * defines (DL_DEFINE) its table and entry points from it; this is the
 * loader they share, with one wording for every failure. */
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

/* One pointer per function, typed like its prototype (X-macro entry). */
#define DL_MEMBER(f)	__typeof__(&f) f;
/* Resolve one entry into api from dl, or return its name (X-macro). */
#define DL_SYM(f) \
	if ((api->f = (__typeof__(api->f))dlsym(dl, #f)) == NULL) \
		return #f;

/*
 * For the library "pfx" whose functions FUNCS lists: struct pfx_dl_api
 * (one pointer per function), the table pfx_dl_api (filled once by
 * pfx_dl_load(), read-only afterwards), and
 *   pfx_dl_load(e)	load and resolve once per process (thread-safe):
 *			0, or -1 and e as dl_lib_load();
 *   pfx_dl_loaded()	1 once pfx_dl_load() has succeeded;
 *   pfx_dl_probe(so, e) dl_lib_probe() of another soname (for tests).
 */
#define DL_DECLARE(pfx, FUNCS) \
	struct pfx##_dl_api { FUNCS(DL_MEMBER) }; \
	extern const struct pfx##_dl_api *const pfx##_dl_api; \
	int	pfx##_dl_load(struct err *); \
	int	pfx##_dl_loaded(void); \
	int	pfx##_dl_probe(const char *, struct err *);

/* The definitions behind DL_DECLARE, in one .c file per library (which
 * includes <dlfcn.h>); the library is soname. */
#define DL_DEFINE(pfx, FUNCS, soname) \
	static struct pfx##_dl_api pfx##_tab; \
	const struct pfx##_dl_api *const pfx##_dl_api = &pfx##_tab; \
	static const char * \
	pfx##_resolve(void *dl, void *p) \
	{ \
		struct pfx##_dl_api *api = p; \
		FUNCS(DL_SYM) \
		return NULL; \
	} \
	static struct dl_lib pfx##_lib = \
	    DL_LIB(soname, pfx##_resolve, pfx##_tab); \
	int pfx##_dl_load(struct err *e) \
	{ return dl_lib_load(&pfx##_lib, e); } \
	int pfx##_dl_loaded(void) \
	{ return dl_lib_loaded(&pfx##_lib); } \
	int pfx##_dl_probe(const char *so, struct err *e) \
	{ return dl_lib_probe(&pfx##_lib, so, e); }

#endif
