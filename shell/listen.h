/* shell/listen.h - a TCP accept loop in its own thread, with a session cap */
#ifndef SHELL_LISTEN_H
#define SHELL_LISTEN_H
#include <pthread.h>
#include "lib/err.h"

#define LISTEN_MAX_CONN	256

struct listener {
	int		 fd;
	int		 stop;
	int		 active;	/* connections in flight */
	pthread_t	 thr;
	pthread_mutex_t	 mu;
	void		(*on_accept)(int fd, const char *peer);
};

/* addr NULL or "" = all (::). on_accept owns fd and must call
 * listener_release() when the connection ends. */
int	listener_start(struct listener *, const char *addr, int port,
	    void (*)(int, const char *), struct err *);
void	listener_stop(struct listener *);
void	listener_release(struct listener *);
int	listener_active(struct listener *);

#endif
