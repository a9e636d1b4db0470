/* SPDX-License-Identifier: ISC */
/*
 * pki/scep_rollover.c - the client side of SCEP CA rollover.
 *
 * A CA that advertises GetNextCACert (RFC 8894 section 3.5.2) can hand
 * out its next certificate before the current one expires (section 4.7).
 * IOS fetches it when the SHADOW timer fires at 90 % of the CA
 * certificate's lifetime (ios-pki.md section 9.5); pkish does the same
 * from the renewal engine and whenever an enrollment or renewal of the
 * trustpoint runs after that point. The reply is a SignedData by the
 * current CA (verified by the engine) around a degenerate PKCS#7; the new
 * CA certificate goes into the trustpoint's TP_CA_ROLLOVER slot, shown as
 * "CA Certificate (Rollover)" and saved as "certificate ca rollover" in
 * the chain. tp_rollover_activate() promotes it later.
 * An identity that ends with its CA (section 9.3) is renewed SHADOW: the
 * rollover CA is fetched whatever the SHADOW time (scep_shadow_ca), the
 * request goes to it and the answer, which must be issued by it, is kept
 * as the shadow identity (scep_shadow_install) until the switch.
 * No state here; everything is read from and written to the store.
 */
#include <stdlib.h>
#include <string.h>
#include <openssl/x509v3.h>
#include "lib/clock.h"
#include "lib/log.h"
#include "pki/cert.h"
#include "pki/enroll.h"
#include "pki/key.h"
#include "pki/renew.h"
#include "scep/scep.h"

time_t
scep_shadow_time(X509 *ca)
{
	time_t nb = cert_not_before(ca), na = cert_not_after(ca);

	return nb + (na - nb) / 10 * 9;
}

/*
 * The certificate of sk that is a CA, not the current one and a successor
 * of it: valid past the current CA's end, and no gap between the two.
 */
static X509 *
next_of(STACK_OF(X509) *sk, X509 *ca)
{
	for (int i = 0; i < sk_X509_num(sk); i++) {
		X509 *x = sk_X509_value(sk, i);
		if (X509_cmp(x, ca) != 0 && cert_is_ca(x) &&
		    cert_not_after(x) > cert_not_after(ca) &&
		    cert_not_before(x) <= cert_not_after(ca))
			return x;
	}
	return NULL;
}

static void
log_rollover(const char *tp, X509 *x)
{
	char *sub = cert_name_oneline_ios(X509_get_subject_name(x));
	char *ser = cert_serial_hex(x), from[40], to[40], fp[80] = "";

	cert_fingerprint(x, "sha256", fp, sizeof(fp));
	log_msg(SEV_INFO, "PKI", "CA_ROLLOVER_INSTALL", "A rollover CA "
	    "certificate has been installed under trustpoint %s: %s, serial "
	    "%s, valid %s to %s, fingerprint SHA256 %s", tp, sub ? sub : "",
	    ser ? ser : "", clock_fmt_show(cert_not_before(x), from,
	    sizeof(from)), clock_fmt_show(cert_not_after(x), to, sizeof(to)),
	    fp);
	free(sub);
	free(ser);
}

/*
 * GetNextCACert for trustpoint tp when it is due (see enroll.h). The
 * rollover certificate is stored only if the trustpoint still has ca as
 * its CA. Returns 1 (stored), 0 (not advertised, not due, or already
 * there) or -1 with e set (transport, signature, no new CA certificate).
 */
int
scep_rollover_fetch(const char *tp, const char *url, const char *caps,
    X509 *ca, int force, struct err *e)
{
	struct scep_caps c;
	struct tp_certs k;
	STACK_OF(X509) *sk = NULL;
	X509 *next;
	int rc = -1, have;

	scep_caps_parse(caps, strlen(caps), &c);
	if (!c.getnextca || ca == NULL ||
	    (!force && clock_now() < scep_shadow_time(ca)))
		return 0;
	if (tp_get_certs(tp, &k, e) < 0)
		return -1;
	have = k.ca_rollover != NULL || k.ca == NULL ||
	    X509_cmp(k.ca, ca) != 0;
	tp_certs_free(&k);
	if (have)
		return 0;
	log_dbg(DBG_PKI_TRANS, 1, "CRYPTO_PKI: %s: CA certificate past its "
	    "SHADOW time, sending GetNextCACert", tp);
	if (scep_get_next_ca(url, ca, &sk, e) < 0)
		return err_ctx(e, "Rollover CA certificate for %s", tp);
	if ((next = next_of(sk, ca)) == NULL)
		err_set(e, E_PROTO, "RFC 8894 section 4.7: GetNextCACert for "
		    "%s returned no CA certificate that succeeds the current "
		    "one", tp);
	else if (tp_set_cert(tp, TP_CA_ROLLOVER, next, e) == 0) {
		log_rollover(tp, next);
		rc = 1;
	}
	sk_X509_pop_free(sk, X509_free);
	return rc;
}

/*
 * Promote the rollover CA certificate of tp (tp_rollover_activate) and
 * log it. Returns 1 promoted, 0 nothing to promote, -1 with e set.
 */
int
scep_rollover_promote(const char *tp, struct err *e)
{
	int rc = tp_rollover_activate(tp, e);

	if (rc == 1)
		log_msg(SEV_INFO, "PKI", "CA_ROLLOVER_ACTIVE", "The rollover "
		    "CA certificate of trustpoint %s is now its active CA "
		    "certificate", tp);
	return rc;
}

/*
 * The SHADOW job for a SCEP trustpoint: promote an expired CA's rollover,
 * then fetch the next CA certificate when due. Same results as
 * scep_rollover_fetch.
 */
int
scep_rollover_check(const char *tp, struct err *e)
{
	struct tp_cfg c;
	struct tp_certs k;
	struct scep_caps caps;
	int rc;

	if (tp_get_cfg(tp, &c, e) < 0 || tp_get_certs(tp, &k, e) < 0)
		return -1;
	if (k.ca && k.ca_rollover && clock_now() >= cert_not_after(k.ca)) {
		tp_certs_free(&k);
		return scep_rollover_promote(tp, e);
	}
	rc = 0;
	if (k.ca && k.ca_rollover == NULL &&
	    clock_now() >= scep_shadow_time(k.ca)) {
		if ((rc = scep_get_caps(c.url, &caps, e)) == 0) {
			tp_set_caps(tp, caps.raw);
			rc = scep_rollover_fetch(tp, c.url, caps.raw, k.ca, 0, e);
		}
		scep_http_release();
	}
	tp_certs_free(&k);
	return rc;
}

/* 1 when the renewal of cert is a SHADOW one (ios-pki.md section 9.3):
 * it does not expire before its CA certificate (a CA clips what it
 * issues to its own end), so only the rollover CA can renew it. */
int
scep_renew_is_shadow(X509 *ca, X509 *cert)
{
	return ca != NULL && cert != NULL &&
	    cert_not_after(cert) >= cert_not_after(ca);
}

/*
 * The rollover CA certificate for a SHADOW renewal of tp: the stored one,
 * else fetched now with GetNextCACert whatever the SHADOW time. Up-ref'd,
 * or NULL with e set (the CA does not offer GetNextCACert, its answer is
 * not signed by the current CA, or it holds no successor).
 */
X509 *
scep_shadow_ca(const char *tp, const char *url, const char *caps,
    struct err *e)
{
	struct scep_caps c;
	struct tp_certs k;
	X509 *next = NULL;
	int rc = 0;

	if (tp_get_certs(tp, &k, e) < 0)
		return NULL;
	scep_caps_parse(caps, strlen(caps), &c);
	if (k.ca_rollover == NULL && k.ca != NULL && !c.getnextca)
		rc = err_set(e, E_PROTO, "The CA of trustpoint %s does not "
		    "offer GetNextCACert (RFC 8894 section 3.5.2): the identity "
		    "certificate expires with the CA certificate and cannot "
		    "be renewed past it", tp);
	else if (k.ca_rollover == NULL && k.ca != NULL &&
	    (rc = scep_rollover_fetch(tp, url, caps, k.ca, 1, e)) == 1) {
		tp_certs_free(&k);
		if (tp_get_certs(tp, &k, e) < 0)
			return NULL;
	}
	if (rc >= 0 && (next = k.ca_rollover) != NULL)
		X509_up_ref(next);
	else if (rc >= 0)
		err_set(e, E_PROTO, "No rollover CA certificate for trustpoint "
		    "%s", tp);
	tp_certs_free(&k);
	return next;
}

static void
log_shadow(const char *tp, X509 *x)
{
	char *iss = cert_name_oneline_ios(X509_get_issuer_name(x));
	char *ser = cert_serial_hex(x), from[40], to[40];

	log_msg(SEV_INFO, "PKI", "CERT_ROLLOVER_INSTALL", "A rollover (shadow) "
	    "ID certificate has been installed under trustpoint %s: issuer "
	    "%s, serial %s, valid %s to %s; it becomes active when the CA "
	    "certificate expires", tp, iss ? iss : "", ser ? ser : "",
	    clock_fmt_show(cert_not_before(x), from, sizeof(from)),
	    clock_fmt_show(cert_not_after(x), to, sizeof(to)));
	free(iss);
	free(ser);
}

/*
 * Keep the shadow identity cert of tp, issued for the key labelled key
 * (label, the trustpoint's, unless regenerated): it must be issued by the
 * rollover CA next. A regenerated key waits as "<label>#" until the
 * switch (tp_rollover_activate). 0, or -1 with e set (nothing kept).
 */
int
scep_shadow_install(const char *tp, const char *label, const char *key,
    X509 *cert, X509 *next, struct err *e)
{
	char shadow[200];
	EVP_PKEY *pub = X509_get0_pubkey(next);

	if (X509_check_issued(next, cert) != X509_V_OK || pub == NULL ||
	    X509_verify(cert, pub) != 1)
		return err_set(e, E_PROTO, "The CA answered the SHADOW request "
		    "of trustpoint %s with a certificate the rollover CA did "
		    "not issue", tp);
	if (strcmp(key, label) != 0) {
		snprintf(shadow, sizeof(shadow), "%s#", label);
		if (key_exists(shadow))
			key_zeroize(shadow, NULL);	/* an older shadow */
		if (key_rename(key, shadow, e) < 0)
			return -1;
	}
	if (tp_set_cert(tp, TP_CERT_ROLLOVER, cert, e) < 0)
		return -1;
	log_shadow(tp, cert);
	return 0;
}
