/* lib/log.h - IOS-style syslog core.
 * Lines look like "*Mon dd hh:mm:ss.mmm: %FAC-SEV-MNEMONIC: text".
 * Sinks: ring buffer (show logging), console, per-session monitor queues,
 * RFC 5424 over UDP to `logging host`. Callable from any thread; never
 * writes to a session directly (monitor sinks are queue pushes). */
#ifndef LIB_LOG_H
#define LIB_LOG_H
#include <stddef.h>

enum log_sev {
	SEV_EMERG, SEV_ALERT, SEV_CRIT, SEV_ERR, SEV_WARN, SEV_NOTICE,
	SEV_INFO, SEV_DEBUG, SEV__MAX
};

/* "%FAC-SEV-MNEM: text", e.g. log_msg(SEV_INFO, "PKI", "CERT_INSTALL", ...) */
void	log_msg(int sev, const char *fac, const char *mnem, const char *, ...)
	    __attribute__((format(printf, 4, 5)));
/* "%ASA-SEV-ID: text", e.g. log_asa(SEV_NOTICE, 717067, ...) */
void	log_asa(int sev, int id, const char *, ...)
	    __attribute__((format(printf, 3, 4)));

/* Debug categories switched on by `debug ...` commands. */
enum log_dbg { DBG_ACME, DBG_PKI_TRANS, DBG_PKI_MSG, DBG_PKI_CA, DBG__MAX };
int	log_dbg_level(enum log_dbg);		/* 0 = off */
void	log_dbg_set(enum log_dbg, int level);
/* Emitted (as a plain debug line, e.g. "CRYPTO_PKI: ...") when the
 * category's level >= level. Never pass key material. */
void	log_dbg(enum log_dbg, int level, const char *, ...)
	    __attribute__((format(printf, 3, 4)));

/* Monitor sinks: fn gets each formatted line (no newline) with its
 * severity; fn must only queue. Returns an id for log_sink_del. */
typedef void (*log_sink_fn)(void *ctx, int sev, const char *line);
int	log_sink_add(log_sink_fn, void *ctx, int is_console);
void	log_sink_del(int id);

/* Configuration (rendered by the parser). level -1 = disabled. */
struct log_cfg {
	int	 buffered_size;		/* bytes, default 4096 */
	int	 buffered_level;	/* default SEV_DEBUG */
	int	 console_level;		/* default SEV_DEBUG, -1 = off */
	int	 monitor_level;		/* default SEV_DEBUG */
	int	 trap_level;		/* default SEV_INFO (hosts) */
};
void	log_cfg_get(struct log_cfg *);
void	log_cfg_set(const struct log_cfg *);
int	log_host_add(const char *addr, int port);	/* 0/-1 */
int	log_host_del(const char *addr);
/* Iterate hosts: returns 0 and fills while i is valid, -1 after end. */
int	log_host_get(int i, char *addr, size_t len, int *port);
/* Snapshot of the ring buffer, oldest first, '\n'-separated, malloc'd. */
char	*log_buffer_dump(size_t *nlines);
void	log_buffer_clear(void);
void	log_stats(unsigned long *logged, unsigned long *dropped);
void	log_set_hostname(const char *);		/* for RFC 5424 HOSTNAME */
/* systemd journal (lib/log_journal.c): when JOURNAL_STREAM names stderr,
 * every line also goes to stderr as "<SEV>%FAC-SEV-MNEM: text". init
 * returns 1 when that is so. */
int	log_journal_init(void);
int	log_journal_active(void);
void	log_journal_write(int sev, const char *body);
void	log_shutdown(void);

#endif
