/* parser/sys.h - system configuration (hostname, users, lines,
 * interfaces, http, logging): one store behind one mutex. */
#ifndef PARSER_SYS_H
#define PARSER_SYS_H
#include <stdio.h>
#include <time.h>

#define SYS_MAX_USERS	64
#define SYS_MAX_IFS	64

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
	struct sys_user	 users[SYS_MAX_USERS];
	int		 nusers;
	char		 enable_secret[160];
	int		 vty_present;		/* `line vty` block exists */
	int		 vty_first, vty_last;
	int		 vty_login;		/* 1 login local, 0 no login */
	int		 vty_transport;		/* TRANSPORT_* mask */
	int		 vty_timeout;		/* seconds; default 600 */
	struct sys_if	 ifs[SYS_MAX_IFS];
	int		 nifs;
	int		 http_port;		/* default 80 */
	time_t		 changed;		/* last configuration change */
	char		 changed_by[64];
};

struct sys_conf	*sys_lock(void);	/* returns the store, locked */
void		 sys_unlock(void);
void		 sys_init(void);
void		 sys_render(FILE *);		/* global part of running-config */
void		 sys_render_lines(FILE *);	/* line blocks (near the end) */
/* Copy of an interface's address; 0 found, -1 not. */
int		 sys_if_addr(const char *ifname, char *addr, size_t len);
int		 sys_http_port(void);
void		 sys_hostname(char *, size_t);
void		 sys_changed(const char *by);

#endif
