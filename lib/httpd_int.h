/* lib/httpd_int.h - what the parts of lib/httpd share: httpd_mhd.c (start,
 * stop, options), httpd_req.c (the libmicrohttpd request callbacks),
 * httpd_conn.c (connection tracking and the request deadline) and
 * httpd_tab.c (tokens, routes, counters); httpd_reg.c (the shared
 * listeners) needs only httpd.h. Not for use outside lib/httpd*. */
#ifndef LIB_HTTPD_INT_H
#define LIB_HTTPD_INT_H
#include <pthread.h>
#include <stdarg.h>
#include <stdint.h>
#include <sys/types.h>
#include <sys/socket.h>
#include <microhttpd.h>
#include "httpd.h"

struct httpd_tok {
	char			*token;		/* owned */
	char			*body;		/* owned: key authorization */
	struct httpd_tok	*next;
};

struct httpd_route {
	char			*prefix;	/* owned */
	size_t			 plen;
	size_t			 max_body;
	httpd_handler		 fn;
	void			*arg;
	int			 refs;		/* handlers running */
	struct httpd_route	*next;
};

/* One open connection (the library's socket context). */
struct httpd_conn {
	struct MHD_Connection	*mc;
	int			 fd;
	long long		 since;		/* ms: request under way, or 0 */
	struct httpd_conn	*prev, *next;
};

struct httpd {
	pthread_mutex_t		 mu;	/* guards toks, routes, counters */
	pthread_cond_t		 idle;	/* a route's refs dropped */
	struct httpd_tok	*toks;
	struct httpd_route	*routes;
	unsigned long		 nok;	/* 200 answers */
	unsigned long		 nother;
	int			 timeout_ms;	/* set under run_mu */
	unsigned		 max_conn, max_conn_ip;
	int			 req_ms;
	pthread_mutex_t		 run_mu;	/* start/stop, d, port */
	struct MHD_Daemon	*d;
	int			 port;
	pthread_mutex_t		 conn_mu;	/* conns, reaping */
	pthread_cond_t		 reap_cv;
	struct httpd_conn	*conns;
	unsigned		 nconns;	/* in conns */
	int			 reaping;	/* reaper thread runs */
	pthread_t		 reaper;
};

/* httpd_tab.c */
void	 httpd_tab_free(struct httpd *);
/* Copy of the body registered for token, or NULL. */
char	*httpd_tok_body(struct httpd *, const char *token);
/* The route serving path, its refs raised (drop with httpd_route_put),
 * or NULL. */
struct httpd_route *httpd_route_get(struct httpd *, const char *path);
void	 httpd_route_put(struct httpd *, struct httpd_route *);
/* 1 and *max_body when a route serves path, else 0. */
int	 httpd_route_limit(struct httpd *, const char *path, size_t *max_body);
void	 httpd_count(struct httpd *, int status);

/* httpd_req.c: the libmicrohttpd callbacks (cls is the struct httpd). */
void	*httpd_uri_cb(void *cls, const char *uri, struct MHD_Connection *);
enum MHD_Result httpd_access_cb(void *cls, struct MHD_Connection *,
	    const char *url, const char *method, const char *version,
	    const char *upload, size_t *upload_size, void **req);
void	 httpd_done_cb(void *cls, struct MHD_Connection *, void **req,
	    enum MHD_RequestTerminationCode);

/* httpd_conn.c */
long long httpd_now_ms(void);
/* Accept policy: refuse (close at once) past max_conn connections. */
enum MHD_Result httpd_accept_cb(void *cls, const struct sockaddr *,
	    socklen_t);
void	 httpd_conn_cb(void *cls, struct MHD_Connection *, void **sock,
	    enum MHD_ConnectionNotificationCode);
/* The request on this connection has arrived (0) or a new one may start
 * (1): stops or restarts its deadline. */
void	 httpd_conn_mark(struct httpd *, struct MHD_Connection *, int start);
/* Start / stop the thread that cuts connections past the deadline. */
int	 httpd_reaper_start(struct httpd *, struct err *);
void	 httpd_reaper_stop(struct httpd *);

#endif
