/* pkish - ISC license, see LICENSE */
/*
 * DOC: pki/renew_calc - RENEW time arithmetic (ios-pki.md section 9.2):
 * notBefore + PCT % of the lifetime, the install-time anchor for a
 * virtual clock ahead of the CA's, the minimum interval between two
 * renewals of one trustpoint, storm jitter, and an instant inside an RFC
 * 9773 suggested window. Pure functions of their arguments; no state.
 */
#include <openssl/asn1.h>
#include "pki/renew.h"

static time_t
asn1_time(const ASN1_TIME *t)
{
	struct tm tm;

	if (t == NULL || ASN1_TIME_to_tm(t, &tm) != 1)
		return 0;
	return timegm(&tm);
}

time_t
cert_not_before(X509 *x)
{
	return asn1_time(X509_get0_notBefore(x));
}

time_t
cert_not_after(X509 *x)
{
	return asn1_time(X509_get0_notAfter(x));
}

time_t
renew_time_pct(time_t nb, time_t na, int pct)
{
	if (na <= nb)
		return na;
	if (pct <= 0 || pct >= 100)
		return na;
	return nb + (time_t)((long long)(na - nb) * pct / 100);
}

time_t
renew_time(const struct tp_cfg *c, X509 *cert)
{
	if (!c->auto_enroll || cert == NULL)
		return 0;
	return renew_time_pct(cert_not_before(cert), cert_not_after(cert),
	    c->auto_pct);
}

/*
 * A time computed from a certificate's validity (notBefore-based) moved
 * to the install time when the certificate was installed more than 10
 * minutes after its notBefore: the virtual clock runs ahead of the CA's,
 * which stamps certificates with its own time. Without this a fresh
 * certificate would look due at once and be renewed in a loop.
 */
time_t
renew_anchor(time_t t, X509 *cert, time_t installed)
{
	time_t nb = cert_not_before(cert);

	if (installed > nb + 600)
		return t + (installed - nb);
	return t;
}

time_t
renew_due(const struct tp_cfg *c, X509 *cert, time_t installed)
{
	if (!c->auto_enroll || cert == NULL)
		return 0;
	return renew_anchor(renew_time(c, cert), cert, installed);
}

/*
 * Seconds a renewal must still wait because the trustpoint obtained its
 * certificate less than RENEW_MIN_INTERVAL ago (no renewal loops): by the
 * virtual clock (installed at "installed", 0 = not installed here, and
 * not in the future of "now", which `clock set` may move back) and by
 * real time ("real_age" seconds since the engine installed one; -1 =
 * never). 0 when a renewal may start.
 */
time_t
renew_hold(time_t now, time_t installed, long real_age)
{
	time_t hv = 0, hr = 0;

	if (installed != 0 && now >= installed &&
	    now - installed < RENEW_MIN_INTERVAL)
		hv = installed + RENEW_MIN_INTERVAL - now;
	if (real_age >= 0 && real_age < RENEW_MIN_INTERVAL)
		hr = RENEW_MIN_INTERVAL - real_age;
	return hv > hr ? hv : hr;
}

/*
 * Per-trustpoint jitter for renewal storms: a stable offset from the
 * name in [0, 1 + nauto / 50) seconds (at most 600), so that many
 * trustpoints due at one instant start over several seconds.
 */
time_t
renew_jitter(const char *tp, size_t nauto)
{
	unsigned h = 2166136261u;
	size_t w = 1 + nauto / 50;

	while (*tp)
		h = (h ^ (unsigned char)*tp++) * 16777619u;
	if (w > 600)
		w = 600;
	return (time_t)(h % (unsigned)w);
}

/* RFC 9773 section 4.2: a uniformly chosen instant in [start, end). */
time_t
renew_pick_in_window(time_t start, time_t end, unsigned rnd)
{
	if (end <= start)
		return start;
	return start + (time_t)(rnd % (unsigned)(end - start));
}
