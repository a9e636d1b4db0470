/* pkish - BSD-2-Clause */
/*
 * DOC: chain verification
 * Verifies a certificate against the CA certificates of a trustpoint at a
 * given (virtual) time, as IOS does when it installs a certificate or runs
 * `crypto pki certificate validate`. Self-signed CAs in the list are the
 * trust anchors and the rest untrusted intermediates; when the list has no
 * self-signed root (a trustpoint authenticated to a subordinate CA) the
 * topmost CA given is trusted with X509_V_FLAG_PARTIAL_CHAIN. Path
 * validation is RFC 5280 section 6 as implemented by OpenSSL; revocation is
 * not checked here. No state.
 */
#define _GNU_SOURCE
#include <stdlib.h>
#include <openssl/err.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>
#include <openssl/x509v3.h>
#include "lib/clock.h"
#include "pki/cert.h"

/* 1 if some other certificate in cas issued c. */
static int
has_issuer_in(X509 *c, STACK_OF(X509) *cas)
{
	X509 *d;
	int i;

	for (i = 0; i < sk_X509_num(cas); i++) {
		d = sk_X509_value(cas, i);
		if (d != c && X509_cmp(d, c) != 0 &&
		    X509_check_issued(d, c) == X509_V_OK)
			return 1;
	}
	return 0;
}

/* Split cas into anchors (store) and intermediates (untrusted). */
static int
load_anchors(X509_STORE *st, STACK_OF(X509) *untrusted, STACK_OF(X509) *cas,
    int *partial, struct err *e)
{
	X509 *c;
	int i, nroots = 0;

	for (i = 0; i < sk_X509_num(cas); i++) {
		c = sk_X509_value(cas, i);
		if (cert_is_self_signed(c)) {
			if (!X509_STORE_add_cert(st, c))
				return err_ssl(e, "X509_STORE_add_cert");
			nroots++;
		} else if (!sk_X509_push(untrusted, c))
			return err_ssl(e, "out of memory");
	}
	*partial = nroots == 0;
	for (i = 0; *partial && i < sk_X509_num(cas); i++) {
		c = sk_X509_value(cas, i);
		if (!has_issuer_in(c, cas) && !X509_STORE_add_cert(st, c))
			return err_ssl(e, "X509_STORE_add_cert");
	}
	return 0;
}

/* Describe a verification failure: reason, depth and subject. */
static int
verify_error(X509_STORE_CTX *ctx, struct err *e)
{
	int code = X509_STORE_CTX_get_error(ctx);
	int depth = X509_STORE_CTX_get_error_depth(ctx);
	X509 *bad = X509_STORE_CTX_get_current_cert(ctx);
	char *name = bad != NULL ?
	    cert_name_oneline_ios(X509_get_subject_name(bad)) : NULL;

	err_set(e, E_CRYPTO, "certificate chain verification failed: %s "
	    "(depth %d%s%s)", X509_verify_cert_error_string(code), depth,
	    name != NULL ? ", " : "", name != NULL ? name : "");
	if (e != NULL)
		e->detail = code;		/* X509_V_ERR_* */
	free(name);
	return -1;
}

/*
 * Verify leaf against cas at time at (0: clock_now()). Returns 0 when a
 * chain to a trust anchor validates, -1 with the reason otherwise.
 */
int
cert_verify_chain(X509 *leaf, STACK_OF(X509) *cas, time_t at, struct err *e)
{
	X509_STORE *st = NULL;
	X509_STORE_CTX *ctx = NULL;
	STACK_OF(X509) *untrusted = NULL;
	X509_VERIFY_PARAM *vp;
	int partial, rc = -1;

	if (leaf == NULL || sk_X509_num(cas) <= 0)
		return err_set(e, E_INVAL, "no CA certificate to verify against");
	if ((st = X509_STORE_new()) == NULL ||
	    (ctx = X509_STORE_CTX_new()) == NULL ||
	    (untrusted = sk_X509_new_null()) == NULL) {
		err_ssl(e, "out of memory");
		goto out;
	}
	if (load_anchors(st, untrusted, cas, &partial, e) == -1)
		goto out;
	if (!X509_STORE_CTX_init(ctx, st, leaf, untrusted)) {
		err_ssl(e, "X509_STORE_CTX_init");
		goto out;
	}
	vp = X509_STORE_CTX_get0_param(ctx);
	X509_VERIFY_PARAM_set_time(vp, at != 0 ? at : clock_now());
	if (partial)
		X509_VERIFY_PARAM_set_flags(vp, X509_V_FLAG_PARTIAL_CHAIN);
	if (X509_verify_cert(ctx) == 1)
		rc = 0;
	else
		verify_error(ctx, e);
 out:
	ERR_clear_error();
	sk_X509_free(untrusted);	/* certificates belong to cas */
	X509_STORE_CTX_free(ctx);
	X509_STORE_free(st);
	return rc;
}
