/* pkish - ISC license, see LICENSE */
/*
 * DOC: parser/cmd_timers - `show crypto pki timers [detail]` in the IOS
 * layout (ios-pki.md section 8.4): per group a header, a line with the
 * soonest remaining time, then one line per timer; `detail` adds the
 * absolute UTC time in ISO 8601 and the engine's note in brackets (why a
 * RENEW is where it is: RFC 9773 window, install-time anchor, retry after
 * failure, minimum interval). Times come from the virtual clock.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "lib/clock.h"
#include "parser/pki_cli.h"
#include "parser/render.h"
#include "pki/pki.h"
#include "parser/show_json.h"

/* "[Nd]h:mm:ss.mmm" / "m:ss.mmm" / "ss.mmm", right-aligned in 16. */
static void
remaining(long long ms, char *out, size_t len)
{
	char b[40];
	long long s, d, h, m;

	if (ms < 0)
		ms = 0;
	s = ms / 1000;
	d = s / 86400;
	h = s / 3600 % 24;
	m = s / 60 % 60;
	if (d)
		snprintf(b, sizeof(b), "%lldd%2lld:%02lld:%02lld.%03lld", d, h,
		    m, s % 60, ms % 1000);
	else if (h)
		snprintf(b, sizeof(b), "%lld:%02lld:%02lld.%03lld", h, m,
		    s % 60, ms % 1000);
	else if (m)
		snprintf(b, sizeof(b), "%lld:%02lld.%03lld", m, s % 60,
		    ms % 1000);
	else
		snprintf(b, sizeof(b), "%lld.%03lld", s, ms % 1000);
	snprintf(out, len, "%16s", b);
}

static void
line(struct vty *v, const char *lead, time_t when, long long now_ms,
    int detail, const char *name, const char *note)
{
	char rem[40], iso[32];
	struct tm tm;

	remaining((long long)when * 1000 - now_ms, rem, sizeof(rem));
	gmtime_r(&when, &tm);
	strftime(iso, sizeof(iso), "%Y-%m-%dT%H:%M:%SZ", &tm);
	if (detail)
		vty_out(v, "%s|%s  (%s)%s%s%s%s%s\n", lead, rem, iso,
		    name ? " " : "", name ? name : "", note && *note ? "  [" :
		    "", note ? note : "", note && *note ? "]" : "");
	else
		vty_out(v, "%s|%s%s%s\n", lead, rem, name ? "  " : "",
		    name ? name : "");
}

/* The same timers as one JSON document. */
static int
timers_json(struct vty *v, const struct renew_timer *t, size_t n,
    long long now_ms)
{
	json_object *root = json_object_new_object(), *arr, *o;

	arr = json_object_new_array();
	for (size_t i = 0; i < n; i++) {
		long long rem = (long long)t[i].when * 1000 - now_ms;
		o = json_object_new_object();
		json_object_object_add(o, "group", sj_str(t[i].group));
		json_object_object_add(o, "name", sj_str(t[i].name));
		json_object_object_add(o, "when", sj_time(t[i].when));
		json_object_object_add(o, "remainingMs", json_object_new_int64(
		    rem > 0 ? rem : 0));
		json_object_object_add(o, "note", sj_str(t[i].note));
		json_object_array_add(arr, o);
	}
	json_object_object_add(root, "timers", arr);
	return sj_emit(v, root);
}

static int
cmd_show_timers(struct vty *v, struct args *a)
{
	struct renew_timer *t;
	struct timeval tv;
	size_t n = renew_timers(&t);
	int detail = args_has(a, "detail");
	long long now_ms;

	clock_now_tv(&tv);
	now_ms = (long long)tv.tv_sec * 1000 + tv.tv_usec / 1000;
	if (vty_json(v)) {
		int rc = timers_json(v, t, n, now_ms);
		free(t);
		return rc;
	}
	vty_out(v, "PKI Timers\n");
	for (size_t i = 0; i < n; i++) {
		/* group header (PKI Timers already out), then its soonest */
		if (i == 0 || strcmp(t[i].group, t[i - 1].group) != 0) {
			if (strcmp(t[i].group, "PKI Timers") != 0)
				vty_out(v, "%s\n", t[i].group);
			line(v, "", t[i].when, now_ms, detail, NULL, NULL);
		}
		line(v, detail ? "  " : " ", t[i].when, now_ms, detail,
		    t[i].name, t[i].note);
	}
	free(t);
	return 0;
}

static int
cmd_concurrency(struct vty *v, struct args *a)
{
	renew_set_concurrency(a->no ? RENEW_DEFAULT_CONCURRENCY :
	    (int)args_int(a, "concurrency", RENEW_DEFAULT_CONCURRENCY));
	return 0;
}

/* running-config: only when not the default */
static void
render_renewal(FILE *f)
{
	int n = renew_get_concurrency();

	if (n != RENEW_DEFAULT_CONCURRENCY)
		fprintf(f, "crypto pki renewal concurrency %d\n!\n", n);
}

static const struct cmd_def timer_cmds[] = {
	{ M(MODE_CONFIG), 15, "crypto pki renewal concurrency <1-256>",
	    "renewal=Automatic renewal engine\nconcurrency=How many "
	    "renewals may run at once\n<1-256>=Renewals in flight",
	    cmd_concurrency, CMD_NO },
	{ M(MODE_EXEC), 1, "show crypto pki timers [detail]", "timers=Show "
	    "PKI timers\ndetail=Show absolute expiry times", cmd_show_timers,
	    0 },
	{ 0, 0, NULL, NULL, NULL, 0 }
};

void
cmds_timers_install(void)
{
	render_register(55, render_renewal);
	cmd_install(timer_cmds);
}
