/* tests/unit/test_renew.c - renewal arithmetic on fixed dates, ARI window
 * picking, and the install-time anchor that prevents renewal loops */
#include <stdio.h>
#include <string.h>
#include <time.h>
#include "acme/acme.h"
#include "lib/clock.h"
#include "pki/renew.h"
#include "tests/unit/testlib.h"
#include <openssl/x509.h>



static time_t
utc(int y, int mo, int d, int h, int mi, int s)
{
	struct tm tm = { .tm_year = y - 1900, .tm_mon = mo - 1, .tm_mday = d,
	    .tm_hour = h, .tm_min = mi, .tm_sec = s };

	return timegm(&tm);
}

/* No renewal loops: the minimum interval by virtual and by real time. */
static void
t_hold(void)
{
	time_t now = utc(2026, 3, 1, 12, 0, 0);

	check(renew_hold(now, 0, -1) == 0, "hold: never installed, never "
	    "renewed -> none");
	check(renew_hold(now, now - 10, -1) == RENEW_MIN_INTERVAL - 10,
	    "hold: installed 10 s ago (virtual) -> the rest of the interval");
	check(renew_hold(now, now - RENEW_MIN_INTERVAL, -1) == 0,
	    "hold: installed one interval ago -> none");
	check(renew_hold(now, now + 3600, -1) == 0,
	    "hold: install time in the future (clock set back) -> none");
	check(renew_hold(now + 86400 * 30, now, 5) == RENEW_MIN_INTERVAL - 5,
	    "hold: clock jumped a month ahead, renewed 5 s ago (real) -> held");
	check(renew_hold(now, now - 50, 20) == RENEW_MIN_INTERVAL - 20,
	    "hold: the longer of the virtual and the real hold");
	check(renew_hold(now, 0, RENEW_MIN_INTERVAL) == 0,
	    "hold: renewed one interval ago (real) -> none");
}

/* An RFC 9773 window chosen by the CA's clock moves with the anchor. */
static void
t_anchor_ari(void)
{
	X509 *x = X509_new();
	time_t t0 = utc(2026, 1, 1, 0, 0, 0), pick = t0 + 3000;

	ASN1_TIME_set(X509_getm_notBefore(x), t0);
	ASN1_TIME_set(X509_getm_notAfter(x), t0 + 3600);
	check(renew_anchor(pick, x, 0) == pick, "ARI pick, not installed "
	    "here: as chosen");
	check(renew_anchor(pick, x, t0 + 120) == pick, "ARI pick, installed "
	    "2 min after notBefore: as chosen");
	check(renew_anchor(pick, x, t0 + 7200) == pick + 7200,
	    "ARI pick, clock 2 h ahead of the CA: moved by 2 h");
	X509_free(x);
}

/* Storm jitter: stable, bounded, and spread over several seconds. */
static void
t_jitter(void)
{
	char name[32];
	int seen[64] = { 0 }, distinct = 0, inrange = 1, max = 0;

	check(renew_jitter("WEB", 1) == 0, "jitter: one trustpoint -> none");
	check(renew_jitter("TP17", 200) == renew_jitter("TP17", 200),
	    "jitter: stable for a name");
	for (int i = 0; i < 200; i++) {
		snprintf(name, sizeof(name), "TP%d", i);
		time_t j = renew_jitter(name, 200);
		if (j < 0 || j >= 5)
			inrange = 0;
		else if (!seen[j]++)
			distinct++;
	}
	check(inrange, "jitter: 200 trustpoints within [0, 5) s");
	check(distinct == 5, "jitter: 200 trustpoints spread over 5 seconds");
	for (int i = 0; i < 200; i++)
		if (seen[i % 5] > max)
			max = seen[i % 5];
	check(max < 200 / 2, "jitter: no second has half of them");
	check(renew_jitter("X", 1000000) < 600, "jitter: at most 10 minutes");
}

int
main(void)
{
	char buf[64];
	time_t nb, na, r, a, b;
	struct tp_cfg c;

	setvbuf(stdout, NULL, _IOLBF, 0);
	/* seed 000: start 20:51:00 UTC Feb 14 2025, end 20:52:00 UTC Feb 15
	 * 2025, auto-enroll 80 -> renew date: 16:03:48 UTC Feb 15 2025 */
	nb = utc(2025, 2, 14, 20, 51, 0);
	na = utc(2025, 2, 15, 20, 52, 0);
	r = renew_time_pct(nb, na, 80);
	clock_fmt_show(r, buf, sizeof(buf));
	check(strcmp(buf, "16:03:48 UTC Feb 15 2025") == 0,
	    "seed 000 renew date 16:03:48 UTC Feb 15 2025");
	printf("# got %s\n", buf);
	check(renew_time_pct(nb, na, 0) == na, "no percentage: renew at expiry");
	check(renew_time_pct(nb, na, 100) == na, "100 %%: renew at expiry");
	check(renew_time_pct(nb, na, 50) == nb + 43230, "50 %% of 24h01m");
	check(renew_time_pct(na, nb, 80) == nb, "inverted validity: no overflow");
	/* one year certificate at 70 % */
	nb = utc(2022, 6, 22, 9, 17, 52);
	na = utc(2023, 6, 22, 9, 17, 52);
	r = renew_time_pct(nb, na, 80);
	clock_fmt_show(r, buf, sizeof(buf));
	check(strcmp(buf, "09:17:52 UTC Apr 10 2023") == 0,
	    "one year, 80 %% -> Apr 10 2023 09:17:52");
	/* install anchor: a certificate installed long after its notBefore
	 * (virtual clock ahead of the CA) is not due at once */
	memset(&c, 0, sizeof(c));
	c.auto_enroll = 1;
	c.auto_pct = 80;
	check(renew_due(&c, NULL, 0) == 0, "no certificate: no RENEW timer");
	{
		X509 *x = X509_new();
		time_t t0 = utc(2026, 1, 1, 0, 0, 0);
		ASN1_TIME_set(X509_getm_notBefore(x), t0);
		ASN1_TIME_set(X509_getm_notAfter(x), t0 + 1000 * 60);
		check(renew_due(&c, x, 0) == t0 + 800 * 60,
		    "not installed here: counted from notBefore");
		check(renew_due(&c, x, t0 + 300) == t0 + 800 * 60,
		    "installed within 10 min of notBefore: notBefore");
		check(renew_due(&c, x, t0 + 86400) == t0 + 86400 + 800 * 60,
		    "installed a day after notBefore (clock ahead): anchored");
		c.auto_enroll = 0;
		check(renew_due(&c, x, 0) == 0, "no auto-enroll: no RENEW timer");
		X509_free(x);
	}
	/* ARI (RFC 9773): window parsing and a pick inside it */
	{
		const char *j = "{\"suggestedWindow\":{\"start\":"
		    "\"2025-01-02T04:00:00Z\",\"end\":\"2025-01-03T04:00:00Z\"}}";
		struct err e = { 0 };
		check(acme_ari_parse(j, strlen(j), &a, &b, &e) == 0 &&
		    a == utc(2025, 1, 2, 4, 0, 0) && b == utc(2025, 1, 3, 4, 0, 0),
		    "ARI window parsed");
		r = renew_pick_in_window(a, b, 123456789u);
		check(r >= a && r < b, "ARI pick inside the window");
		check(renew_pick_in_window(b, a, 5) == b, "empty window -> start");
		check(acme_ari_parse("{\"suggestedWindow\":{}}", 22, &a, &b,
		    &e) < 0, "ARI window without start/end rejected");
	}
	t_hold();
	t_anchor_ari();
	t_jitter();
	return t_report();
}
