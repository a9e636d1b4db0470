/* pki/renew_calc.c - RENEW time arithmetic (ios-pki.md section 9.2) */
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

time_t
renew_due(const struct tp_cfg *c, X509 *cert, time_t installed)
{
	time_t nb, na;

	if (!c->auto_enroll || cert == NULL)
		return 0;
	nb = cert_not_before(cert);
	na = cert_not_after(cert);
	if (installed > nb + 600) {
		na = installed + (na - nb);
		nb = installed;
	}
	return renew_time_pct(nb, na, c->auto_pct);
}

time_t
renew_pick_in_window(time_t start, time_t end, unsigned rnd)
{
	if (end <= start)
		return start;
	return start + (time_t)(rnd % (unsigned)(end - start));
}
