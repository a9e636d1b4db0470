#define _GNU_SOURCE
#include <stdatomic.h>
#include <stdio.h>
#include "clock.h"

static _Atomic long long offset_us;	/* virtual - real, microseconds */
static _Atomic int user_set;
static time_t started;

__attribute__((constructor)) static void
clock_init(void)
{
	started = time(NULL);
}

void
clock_now_tv(struct timeval *tv)
{
	long long us;

	gettimeofday(tv, NULL);
	us = (long long)tv->tv_sec * 1000000 + tv->tv_usec + offset_us;
	tv->tv_sec = (time_t)(us / 1000000);
	tv->tv_usec = (suseconds_t)(us % 1000000);
}

time_t
clock_now(void)
{
	struct timeval tv;

	clock_now_tv(&tv);
	return tv.tv_sec;
}

void
clock_set(time_t t)
{
	struct timeval tv;

	gettimeofday(&tv, NULL);
	offset_us = ((long long)t - tv.tv_sec) * 1000000 - tv.tv_usec;
	user_set = 1;
}

int
clock_user_set(void)
{
	return user_set;
}

time_t
clock_started(void)
{
	return started;
}

char *
clock_fmt_show(time_t t, char *buf, size_t len)
{
	static const char *const mon[] = { "Jan", "Feb", "Mar", "Apr", "May",
	    "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
	struct tm tm;

	gmtime_r(&t, &tm);
	snprintf(buf, len, "%02d:%02d:%02d UTC %s %d %d", tm.tm_hour,
	    tm.tm_min, tm.tm_sec, mon[tm.tm_mon], tm.tm_mday,
	    tm.tm_year + 1900);
	return buf;
}
