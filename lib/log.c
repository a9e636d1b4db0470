/* lib/log.c - syslog core: ring buffer, console/monitor sinks, UDP hosts */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <netdb.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include "clock.h"
#include "log.h"

#define MAX_SINKS	512
#define MAX_HOSTS	8

struct sink {
	int		 id;
	log_sink_fn	 fn;
	void		*ctx;
	int		 is_console;
};

struct line {
	struct line	*next;
	size_t		 len;
	char		 text[];
};

struct host {
	char			 addr[64];
	int			 port;
	struct sockaddr_storage	 sa;	/* resolved once, when configured */
	socklen_t		 salen;
};

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static struct log_cfg cfg = { 4096, SEV_DEBUG, SEV_DEBUG, SEV_DEBUG, SEV_INFO };
static struct sink sinks[MAX_SINKS];
static int nsinks, next_id = 1;
static struct line *head, *tail;
static size_t buf_bytes, buf_lines;
static unsigned long n_logged, n_dropped;
static struct host hosts[MAX_HOSTS];
static int nhosts;
static int udp_fd = -1, udp_fd6 = -1;	/* one socket per family */
static char hostname[64] = "pkish";
static int dbg_level[DBG__MAX];

static void
trim_buffer(void)
{
	struct line *l;

	while (head && buf_bytes > (size_t)cfg.buffered_size) {
		l = head;
		head = l->next;
		if (head == NULL)
			tail = NULL;
		buf_bytes -= l->len;
		buf_lines--;
		free(l);
	}
}

static void
buffer_add(const char *text)
{
	size_t len = strlen(text);
	struct line *l;

	if (len > (size_t)cfg.buffered_size)
		return;
	if ((l = malloc(sizeof(*l) + len + 1)) == NULL) {
		n_dropped++;
		return;
	}
	l->next = NULL;
	l->len = len;
	memcpy(l->text, text, len + 1);
	if (tail)
		tail->next = l;
	else
		head = l;
	tail = l;
	buf_bytes += len;
	buf_lines++;
	trim_buffer();
}

static void
send_hosts(int sev, const char *body)
{
	char msg[1400], ts[40];
	struct timeval tv;
	struct tm tm;
	int n, *fd;

	if (nhosts == 0 || sev > cfg.trap_level)
		return;
	gettimeofday(&tv, NULL);	/* RFC 5424 wants real time */
	gmtime_r(&tv.tv_sec, &tm);
	strftime(ts, sizeof(ts), "%Y-%m-%dT%H:%M:%S", &tm);
	/* facility local7 (23), as IOS defaults to */
	n = snprintf(msg, sizeof(msg), "<%d>1 %s.%03dZ %s pkish - - - %s",
	    23 * 8 + sev, ts, (int)(tv.tv_usec / 1000), hostname, body);
	if (n < 0)
		return;
	if (n >= (int)sizeof(msg))
		n = sizeof(msg) - 1;
	for (int i = 0; i < nhosts; i++) {
		int fam = hosts[i].sa.ss_family;
		fd = fam == AF_INET6 ? &udp_fd6 : &udp_fd;
		if (*fd < 0)
			*fd = socket(fam, SOCK_DGRAM | SOCK_CLOEXEC, 0);
		if (*fd >= 0)
			sendto(*fd, msg, (size_t)n, MSG_DONTWAIT,
			    (struct sockaddr *)&hosts[i].sa, hosts[i].salen);
	}
}

static void
emit(int sev, const char *body)
{
	static const char *const mon[] = { "Jan", "Feb", "Mar", "Apr", "May",
	    "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
	char line[2048];
	struct timeval tv;
	struct tm tm;

	clock_now_tv(&tv);
	gmtime_r(&tv.tv_sec, &tm);
	snprintf(line, sizeof(line), "%s%s %2d %02d:%02d:%02d.%03d: %s",
	    clock_user_set() ? "" : "*", mon[tm.tm_mon], tm.tm_mday,
	    tm.tm_hour, tm.tm_min, tm.tm_sec, (int)(tv.tv_usec / 1000), body);
	pthread_mutex_lock(&mu);
	n_logged++;
	if (sev <= cfg.buffered_level && cfg.buffered_size > 0)
		buffer_add(line);
	for (int i = 0; i < nsinks; i++) {
		int lim = sinks[i].is_console ? cfg.console_level :
		    cfg.monitor_level;
		if (sev <= lim)
			sinks[i].fn(sinks[i].ctx, sev, line);
	}
	send_hosts(sev, body);
	log_journal_write(sev, body);
	pthread_mutex_unlock(&mu);
}

void
log_msg(int sev, const char *fac, const char *mnem, const char *fmt, ...)
{
	char body[1900];
	va_list ap;
	int n;

	n = snprintf(body, sizeof(body), "%%%s-%d-%s: ", fac, sev, mnem);
	va_start(ap, fmt);
	vsnprintf(body + n, sizeof(body) - (size_t)n, fmt, ap);
	va_end(ap);
	emit(sev, body);
}

void
log_asa(int sev, int id, const char *fmt, ...)
{
	char body[1900];
	va_list ap;
	int n;

	n = snprintf(body, sizeof(body), "%%ASA-%d-%d: ", sev, id);
	va_start(ap, fmt);
	vsnprintf(body + n, sizeof(body) - (size_t)n, fmt, ap);
	va_end(ap);
	emit(sev, body);
}

int
log_dbg_level(enum log_dbg d)
{
	return d < DBG__MAX ? __atomic_load_n(&dbg_level[d], __ATOMIC_RELAXED) :
	    0;
}

void
log_dbg_set(enum log_dbg d, int level)
{
	if (d < DBG__MAX)
		__atomic_store_n(&dbg_level[d], level, __ATOMIC_RELAXED);
}

void
log_dbg(enum log_dbg d, int level, const char *fmt, ...)
{
	char body[1900];
	va_list ap;

	if (log_dbg_level(d) < level)
		return;
	va_start(ap, fmt);
	vsnprintf(body, sizeof(body), fmt, ap);
	va_end(ap);
	emit(SEV_DEBUG, body);
}

int
log_sink_add(log_sink_fn fn, void *ctx, int is_console)
{
	int id = -1;

	pthread_mutex_lock(&mu);
	if (nsinks < MAX_SINKS) {
		id = next_id++;
		sinks[nsinks++] = (struct sink){ id, fn, ctx, is_console };
	}
	pthread_mutex_unlock(&mu);
	return id;
}

void
log_sink_del(int id)
{
	pthread_mutex_lock(&mu);
	for (int i = 0; i < nsinks; i++)
		if (sinks[i].id == id) {
			sinks[i] = sinks[--nsinks];
			break;
		}
	pthread_mutex_unlock(&mu);
}

void
log_cfg_get(struct log_cfg *c)
{
	pthread_mutex_lock(&mu);
	*c = cfg;
	pthread_mutex_unlock(&mu);
}

void
log_cfg_set(const struct log_cfg *c)
{
	pthread_mutex_lock(&mu);
	cfg = *c;
	trim_buffer();
	pthread_mutex_unlock(&mu);
}

int
log_host_add(const char *addr, int port)
{
	struct addrinfo hints = { .ai_socktype = SOCK_DGRAM,
	    .ai_flags = AI_NUMERICHOST | AI_NUMERICSERV }, *ai;
	char ps[8];
	int rc = 0, i;

	snprintf(ps, sizeof(ps), "%d", port);
	if (getaddrinfo(addr, ps, &hints, &ai) != 0)
		return -1;
	pthread_mutex_lock(&mu);
	for (i = 0; i < nhosts; i++)
		if (strcmp(hosts[i].addr, addr) == 0)
			break;
	if (i == nhosts && nhosts == MAX_HOSTS)
		rc = -1;
	else {
		snprintf(hosts[i].addr, sizeof(hosts[i].addr), "%s", addr);
		hosts[i].port = port;
		memcpy(&hosts[i].sa, ai->ai_addr, ai->ai_addrlen);
		hosts[i].salen = ai->ai_addrlen;
		if (i == nhosts)
			nhosts++;
	}
	pthread_mutex_unlock(&mu);
	freeaddrinfo(ai);
	return rc;
}

int
log_host_del(const char *addr)
{
	int rc = -1;

	pthread_mutex_lock(&mu);
	for (int i = 0; i < nhosts; i++)
		if (strcmp(hosts[i].addr, addr) == 0) {
			memmove(&hosts[i], &hosts[i + 1],
			    (size_t)(nhosts - i - 1) * sizeof(hosts[0]));
			nhosts--;
			rc = 0;
			break;
		}
	pthread_mutex_unlock(&mu);
	return rc;
}

int
log_host_get(int i, char *addr, size_t len, int *port)
{
	int rc = -1;

	pthread_mutex_lock(&mu);
	if (i >= 0 && i < nhosts) {
		snprintf(addr, len, "%s", hosts[i].addr);
		*port = hosts[i].port;
		rc = 0;
	}
	pthread_mutex_unlock(&mu);
	return rc;
}

char *
log_buffer_dump(size_t *nl)
{
	char *out, *p;

	pthread_mutex_lock(&mu);
	if ((out = malloc(buf_bytes + buf_lines + 1)) != NULL) {
		p = out;
		for (struct line *l = head; l; l = l->next) {
			memcpy(p, l->text, l->len);
			p += l->len;
			*p++ = '\n';
		}
		*p = '\0';
		if (nl)
			*nl = buf_lines;
	}
	pthread_mutex_unlock(&mu);
	return out;
}

void
log_buffer_clear(void)
{
	struct line *l;

	pthread_mutex_lock(&mu);
	while ((l = head) != NULL) {
		head = l->next;
		free(l);
	}
	tail = NULL;
	buf_bytes = buf_lines = 0;
	pthread_mutex_unlock(&mu);
}

void
log_stats(unsigned long *logged, unsigned long *dropped)
{
	pthread_mutex_lock(&mu);
	*logged = n_logged;
	*dropped = n_dropped;
	pthread_mutex_unlock(&mu);
}

void
log_set_hostname(const char *h)
{
	pthread_mutex_lock(&mu);
	snprintf(hostname, sizeof(hostname), "%s", h);
	pthread_mutex_unlock(&mu);
}

void
log_shutdown(void)
{
	log_buffer_clear();
	pthread_mutex_lock(&mu);
	if (udp_fd >= 0)
		close(udp_fd);
	if (udp_fd6 >= 0)
		close(udp_fd6);
	udp_fd = udp_fd6 = -1;
	nsinks = 0;
	pthread_mutex_unlock(&mu);
}
