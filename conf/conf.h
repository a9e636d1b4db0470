/* conf/conf.h - system configuration (hostname, users, lines,
 * interfaces, http, logging): one store behind one mutex. */
#ifndef CONF_CONF_H
#define CONF_CONF_H
#include <stdio.h>
#include <time.h>

#define SYS_MAX_USERS	4096
#define SYS_MAX_IFS	16384

struct sys_user {
	char	 name[64];
	int	 priv;
	char	 secret[160];	/* "$9$..." etc. */
};

struct sys_if {
	char	 name[64];
	char	 addr[16];	/* "" = none */
	char	 mask[16];
	int	 shutdown;
	char	 desc[128];
};

#define TRANSPORT_TELNET	1
#define TRANSPORT_SSH		2

struct sys_conf {
	char		 hostname[64];
	char		 domain[128];
	struct sys_user	*users;		/* nusers, in creation order; owned */
	int		 nusers, cap_users;
	char		 enable_secret[160];
	int		 vty_present;		/* `line vty` block exists */
	int		 vty_first, vty_last;
	int		 vty_login;		/* 1 login local, 0 no login */
	int		 vty_transport;		/* TRANSPORT_* mask */
	int		 vty_timeout;		/* seconds; default 600 */
	int		 login_timeout;		/* timeout login response, s */
	struct sys_if	*ifs;		/* nifs, in creation order; owned */
	int		 nifs, cap_ifs;
	int		*if_hash;	/* open addressing: index + 1, 0 free */
	size_t		 if_hash_n;	/* slots, a power of two */
	int		 http_port;		/* default 80 */
	int		 http_server;		/* `ip http server` */
	int		 http_metrics;		/* `ip http metrics` */
	time_t		 changed;		/* last configuration change */
	char		 changed_by[64];
};

struct sys_conf	*sys_lock(void);	/* returns the store, locked */
void		 sys_unlock(void);
void		 sys_init(void);		/* defaults; frees what was */
void		 sys_free(void);
/* Under sys_lock(). Lookups are case-insensitive for interfaces (IOS),
 * exact for users. _add returns the existing entry or a zeroed new one
 * (name set), NULL when full; pointers are valid until the next
 * _add/_del or sys_unlock(). _del keeps the order of the others. */
struct sys_user	*sys_user_find(struct sys_conf *, const char *);
struct sys_user	*sys_user_add(struct sys_conf *, const char *);
void		 sys_user_del(struct sys_conf *, struct sys_user *);
struct sys_if	*sys_if_find(struct sys_conf *, const char *);
struct sys_if	*sys_if_add(struct sys_conf *, const char *);
void		 sys_if_del(struct sys_conf *, struct sys_if *);
void		 sys_render(FILE *);	/* global part of running-config */
void		 sys_render_lines(FILE *);	/* line blocks (near the end) */
/* Copy of an interface's address; 0 found, -1 not. */
int		 sys_if_addr(const char *ifname, char *addr, size_t len);
int		 sys_http_port(void);
int		 sys_http_server(void);	/* 1: `ip http server` */
void		 sys_hostname(char *, size_t);
void		 sys_fqdn(char *, size_t);	/* hostname[.domain] */
void		 sys_changed(const char *by);

#endif
