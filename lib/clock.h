/* lib/clock.h - the clock seam: every timer and timestamp reads time here.
 * `clock set` moves a virtual offset; the system clock is never changed. */
#ifndef LIB_CLOCK_H
#define LIB_CLOCK_H
#include <time.h>
#include <sys/time.h>

time_t	clock_now(void);			/* virtual UTC seconds */
void	clock_now_tv(struct timeval *);		/* virtual, with usec */
void	clock_set(time_t);			/* move the virtual clock */
int	clock_user_set(void);			/* 1 once `clock set` was used */
time_t	clock_started(void);			/* real start time (for uptime) */
/* "hh:mm:ss UTC Mon d yyyy" (IOS show format); buf >= 32 */
char	*clock_fmt_show(time_t, char *, size_t);

#endif
