/* pkish - ISC license, see LICENSE */
/*
 * DOC: unit tests for pki/metrics over loopback: the endpoint shares the
 * `ip http port` listener another part holds (port 0: the one shared
 * ephemeral listener), so with metrics off GET /metrics is 404 there and
 * with them on it is the exposition text (version 0.0.4), with the
 * enrollment counters as counted; metrics_stop leaves the other holder's
 * listener running. The e2e test (tests/e2e/metrics.sh) checks the
 * trustpoint values against `show`.
 */
#include "tests/unit/testlib.h"
#include "tests/unit/httpd_cli.h"
#include "lib/httpd.h"
#include "pki/pki.h"

static const char GET[] = "GET /metrics HTTP/1.0\r\n\r\n";

/* The response to GET /metrics (malloc'd, "" for none). */
static char *
scrape(int port)
{
	char *r = request(port, GET);

	return r ? r : strdup("");
}

static void
t_counters(int port)
{
	char *r;

	metrics_enroll_attempt(METRICS_SCEP);
	metrics_enroll_attempt(METRICS_SCEP);
	metrics_enroll_attempt(METRICS_ACME);
	metrics_enroll_result(METRICS_SCEP, 1);
	metrics_enroll_result(METRICS_SCEP, 0);
	metrics_renewal("NO-SUCH-TP", 1);
	r = scrape(port);
	check(status_of(r) == 200 && strstr(r, "Content-Type: text/plain; "
	    "version=0.0.4") != NULL, "metrics on: 200, text/plain 0.0.4");
	check(strstr(r, "\npkish_enrollment_attempts_total{protocol=\"scep\"} "
	    "2\n") && strstr(r, "\npkish_enrollment_attempts_total{protocol="
	    "\"acme\"} 1\n") && strstr(r, "\npkish_enrollment_successes_total{"
	    "protocol=\"scep\"} 1\n") && strstr(r, "\npkish_enrollment_"
	    "failures_total{protocol=\"scep\"} 1\n") && strstr(r,
	    "\npkish_enrollment_failures_total{protocol=\"acme\"} 0\n"),
	    "counters as counted, by protocol");
	check(strstr(r, "# TYPE pkish_enrollment_attempts_total counter\n") &&
	    strstr(r, "# TYPE pkish_certificate_not_after_seconds gauge\n") &&
	    strstr(r, "# HELP pkish_renewal_last_success "),
	    "HELP and TYPE lines");
	check(strstr(r, "NO-SUCH-TP") == NULL,
	    "a renewal of no trustpoint in the store: no sample");
	free(r);
	check(status_is(port, "GET /metrics/x HTTP/1.0\r\n\r\n", 404),
	    "/metrics/x: 404");
	check(status_is(port, "DELETE /metrics HTTP/1.0\r\n\r\n", 405),
	    "DELETE /metrics: 405");
}

int
main(void)
{
	struct err	 e = { 0 };
	struct httpd	*other;
	int		 port;

	setvbuf(stdout, NULL, _IOLBF, 0);
	other = httpd_acquire(NULL, 0, &e);
	check(other != NULL, "another part holds the listener");
	if (other == NULL)
		return t_report();
	port = httpd_port(other);
	check(metrics_port() == 0 && status_is(port, GET, 404),
	    "metrics off: GET /metrics is 404 on the shared listener");
	check(metrics_start(0, &e) == 0, "metrics_start on that port");
	t_counters(port);
	check(metrics_start(0, &e) == 0, "metrics_start again: no change");
	metrics_stop();
	check(metrics_port() == 0 && status_is(port, GET, 404),
	    "metrics_stop: 404 again, the listener stays for its holder");
	metrics_stop();
	httpd_release(other);
	check(request(port, GET) == NULL, "last release: nothing listens");
	return t_report();
}
