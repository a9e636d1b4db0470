/* pkish - ISC license, see LICENSE */
/*
 * DOC: acme/ari - ACME Renewal Information (RFC 9773). The certID of a
 * certificate (section 4.1): base64url of its Authority Key Identifier
 * keyIdentifier, ".", base64url of the DER content octets of its serial
 * number. The RenewalInfo object (section 4.2) gives a suggestedWindow
 * of two RFC 3339 timestamps, fetched with an unauthenticated GET of
 * renewalInfo/<certID>. The certID also goes into newOrder "replaces"
 * (section 5). No state.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <openssl/x509v3.h>
#include "lib/b64.h"
#include "lib/json.h"
#include "acme_int.h"

/*
 * certID of "cert" (RFC 9773 section 4.1) as a malloc'd string, or NULL
 * with "e" set (E_INVAL if the certificate has no AKI keyIdentifier).
 */
char *
acme_ari_cert_id(X509 *cert, struct err *e)
{
	const ASN1_OCTET_STRING	*aki;
	unsigned char		*der = NULL, *p;
	char			*a = NULL, *s = NULL, *r = NULL;
	long			 len;
	int			 n, tag, cls;

	if (cert == NULL || (aki = X509_get0_authority_key_id(cert)) == NULL)
		return err_set(e, E_INVAL, "RFC 9773 section 4.1: certificate "
		    "has no authority key identifier"), NULL;
	if ((n = i2d_ASN1_INTEGER(X509_get0_serialNumber(cert), &der)) <= 0)
		return err_ssl(e, "RFC 9773 section 4.1: serial"), NULL;
	p = der;
	/* skip the INTEGER tag and length: the content octets remain */
	if (ASN1_get_object((const unsigned char **)&p, &len, &tag, &cls, n) &
	    0x80 || tag != V_ASN1_INTEGER || len <= 0) {
		OPENSSL_free(der);
		return err_set(e, E_CRYPTO, "RFC 9773 section 4.1: serial"),
		    NULL;
	}
	a = b64_encode(ASN1_STRING_get0_data(aki),
	    (size_t)ASN1_STRING_length(aki), 1);
	s = b64_encode(p, (size_t)len, 1);
	OPENSSL_free(der);
	if (a == NULL || s == NULL || asprintf(&r, "%s.%s", a, s) < 0) {
		r = NULL;
		err_set(e, E_NOMEM, "out of memory");
	}
	free(a);
	free(s);
	return r;
}

/* n decimal digits at s, or -1. */
static int
digits(const char *s, int n)
{
	int v = 0;

	for (; n > 0; n--, s++) {
		if (*s < '0' || *s > '9')
			return -1;
		v = v * 10 + (*s - '0');
	}
	return v;
}

/* RFC 3339 section 5.6 date-time to UTC seconds; -1 if malformed. */
static int
rfc3339(const char *s, time_t *out)
{
	struct tm	 tm = { 0 };
	long		 off = 0;
	const char	*p;

	if (strlen(s) < 20 || s[4] != '-' || s[7] != '-' ||
	    strchr("Tt ", s[10]) == NULL || s[13] != ':' || s[16] != ':')
		return -1;
	tm.tm_year = digits(s, 4) - 1900;
	tm.tm_mon = digits(s + 5, 2) - 1;
	tm.tm_mday = digits(s + 8, 2);
	tm.tm_hour = digits(s + 11, 2);
	tm.tm_min = digits(s + 14, 2);
	tm.tm_sec = digits(s + 17, 2);
	if (tm.tm_year < 0 || tm.tm_mon < 0 || tm.tm_mon > 11 ||
	    tm.tm_mday < 1 || tm.tm_mday > 31 || tm.tm_hour < 0 ||
	    tm.tm_hour > 23 || tm.tm_min < 0 || tm.tm_min > 59 ||
	    tm.tm_sec < 0 || tm.tm_sec > 60)
		return -1;
	p = s + 19;
	if (*p == '.') {		/* time-secfrac: one digit or more */
		if (*++p < '0' || *p > '9')
			return -1;
		while (*p >= '0' && *p <= '9')
			p++;
	}
	if (*p == 'Z' || *p == 'z')
		p++;
	else if ((*p == '+' || *p == '-') && strlen(p) == 6 && p[3] == ':' &&
	    digits(p + 1, 2) >= 0 && digits(p + 1, 2) < 24 &&
	    digits(p + 4, 2) >= 0 && digits(p + 4, 2) < 60) {
		off = (digits(p + 1, 2) * 3600L + digits(p + 4, 2) * 60L) *
		    (*p == '-' ? -1 : 1);
		p += 6;
	} else
		return -1;
	if (*p != '\0')
		return -1;
	*out = timegm(&tm) - off;
	return 0;
}

/*
 * Parse a RenewalInfo object (RFC 9773 section 4.2) into the suggested
 * window [*start, *end]. Returns 0, or -1 with "e" set if it is
 * malformed or the end is before the start.
 */
int
acme_ari_parse(const char *json, size_t len, time_t *start, time_t *end,
    struct err *e)
{
	struct json_object	*o, *w;
	const char		*s0, *s1;
	time_t			 t0, t1;
	int			 rc = -1;

	if ((o = json_strict_parse_obj(json, len, e)) == NULL)
		return err_ctx(e, "RFC 9773 section 4.2: renewalInfo");
	w = json_get_obj(o, "suggestedWindow");
	s0 = json_get_str(w, "start");
	s1 = json_get_str(w, "end");
	if (s0 == NULL || s1 == NULL)
		err_set(e, E_PROTO, "RFC 9773 section 4.2: no suggestedWindow "
		    "start and end");
	else if (rfc3339(s0, &t0) == -1 || rfc3339(s1, &t1) == -1)
		err_set(e, E_PROTO, "RFC 9773 section 4.2: suggestedWindow is "
		    "not RFC 3339");
	else if (t1 < t0)
		err_set(e, E_PROTO, "RFC 9773 section 4.2: suggestedWindow "
		    "ends before it starts");
	else {
		*start = t0;
		*end = t1;
		rc = 0;
	}
	json_free(o);
	return rc;
}

/*
 * Fetch the suggested renewal window of "cert" from the server of "p"
 * (RFC 9773 section 4.2). -1 with E_NOTFOUND when the directory has no
 * renewalInfo, or another error in "e".
 */
int
acme_ari_window(const struct acme_params *p, X509 *cert, time_t *start,
    time_t *end, struct err *e)
{
	struct acme_ctx		 ctx;
	struct http_resp	 r;
	struct err		 tmp;
	char			*id = NULL, *url = NULL;
	int			 rc = -1;

	e = e ? e : &tmp;
	e->detail = 0;
	if (acme_ctx_init(&ctx, p, e) == -1)
		goto out;
	if (ctx.dir.renewal_info == NULL) {
		err_set(e, E_NOTFOUND, "RFC 9773 section 3: the directory has "
		    "no renewalInfo");
		goto out;
	}
	if ((id = acme_ari_cert_id(cert, e)) == NULL)
		goto out;
	if (asprintf(&url, "%s%s%s", ctx.dir.renewal_info,
	    ctx.dir.renewal_info[strlen(ctx.dir.renewal_info) - 1] == '/' ?
	    "" : "/", id) < 0) {
		url = NULL;
		err_set(e, E_NOMEM, "out of memory");
		goto out;
	}
	if (acme_get(&ctx, url, 0, &r, e) == -1)
		goto out;
	rc = acme_ari_parse((const char *)r.body, r.body_len, start, end, e);
	http_resp_free(&r);
 out:
	free(id);
	free(url);
	acme_ctx_free(&ctx);
	return rc;
}
