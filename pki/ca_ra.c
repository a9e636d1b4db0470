/* pkish - ISC license, see LICENSE */
/*
 * pki/ca_ra.c - `mode ra`: the certificate server as a registration
 * authority. Its certificate is an RA certificate (subject with "OU=ioscs
 * RA", as IOS names them) enrolled like a sub-CA's through the trustpoint
 * of the server's name (pki/ca_sub.c); GetCACert answers with the RA
 * certificate and the issuing CA (application/x-x509-ca-ra-cert), so
 * clients encrypt to the RA. Requests go through the RA's own policy
 * (grant auto, none, the manual queue and `crypto pki server RA grant`);
 * a granted one is forwarded to the issuing CA as a PKCSReq with the
 * client's PKCS#10 unchanged, signed by the RA certificate (ca_ra_forward,
 * in place of issuing), and the certificate the CA returns is recorded
 * under the client's transactionID and sent to the client. The issuing
 * CA must grant at once (`grant ra-auto` or `grant auto` on a pkish or
 * IOS CA): a request it holds pending fails at the RA, which says so.
 * On the issuing side `grant ra-auto` grants requests signed by a
 * current RA certificate of its own.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <openssl/err.h>
#include "lib/log.h"
#include "pki/ca_int.h"
#include "pki/cert.h"
#include "pki/tp.h"
#include "scep/scep.h"

int
ca_cert_is_ra(X509 *x)
{
	char *s = x ? cert_name_oneline_ios(X509_get_subject_name(x)) : NULL;
	int ra = s != NULL && strcasestr(s, "ioscs RA") != NULL;

	free(s);
	return ra;
}

/* Record what the issuing CA returned under the client's transactionID. */
static int
record(struct ca_ref *r, X509 *x, const char *tid, struct err *e)
{
	unsigned char *der = NULL;
	uint64_t serial = 0;
	int n, rc;

	if (!ASN1_INTEGER_get_uint64(&serial, X509_get0_serialNumber(x)) ||
	    (n = i2d_X509(x, &der)) <= 0) {
		ERR_clear_error();
		return err_set(e, E_PROTO, "The issuing CA's certificate has "
		    "no usable serial number");
	}
	rc = ca_db_cert_add_tid(r->db, serial, ca_time(X509_get0_notBefore(x)),
	    ca_time(X509_get0_notAfter(x)), der, (size_t)n, tid, e);
	OPENSSL_free(der);
	return rc;
}

/* The exchange with the issuing CA of trustpoint tp: PKCSReq with csr,
 * signed by the RA (r). */
static int
exchange(struct ca_ref *r, X509_REQ *req, struct scep_resp *rs,
    struct err *e)
{
	struct tp_cfg t;
	struct tp_certs k;
	struct scep_caps caps;
	struct scep_req q;
	struct signer pub = { 0 };	/* the client's key: public only */
	unsigned char *pder = NULL, *csr = NULL;
	int n, clen = 0, rc = -1;

	memset(&q, 0, sizeof(q));
	if (tp_get_cfg(r->cfg.name, &t, e) < 0 ||
	    tp_get_certs(r->cfg.name, &k, e) < 0)
		return -1;
	if (k.ca == NULL)
		err_set(e, E_INVAL, "Trustpoint %s has no CA certificate",
		    r->cfg.name);
	else if ((n = i2d_PUBKEY(X509_REQ_get0_pubkey(req), &pder)) <= 0 ||
	    (clen = i2d_X509_REQ(req, &csr)) <= 0)
		err_ssl(e, "RA: cannot encode the request");
	else if (scep_get_caps(t.url, &caps, e) == 0) {
		pub.pub_der = pder;
		pub.pub_len = (size_t)n;
		q.url = t.url;
		q.caps = &caps;
		q.ca = k.ca;
		q.key = &pub;
		q.csr_der = csr;
		q.csr_len = (size_t)clen;
		q.signer_cert = r->cacert;
		q.signer_key = &r->signer;
		rc = scep_enroll(&q, rs, e);
	}
	scep_http_release();
	tp_certs_free(&k);
	OPENSSL_free(pder);
	OPENSSL_free(csr);
	return rc;
}

int
ca_ra_forward(struct ca_ref *r, X509_REQ *req, const char *tid, X509 **out,
    struct err *e)
{
	struct scep_resp rs;
	int rc = -1;

	memset(&rs, 0, sizeof(rs));
	*out = NULL;
	if (exchange(r, req, &rs, e) < 0)
		;
	else if (rs.status == SCEP_PENDING)
		err_set(e, E_PERM, "The issuing CA holds the request pending; "
		    "an RA needs it granted at once (grant ra-auto)");
	else if (rs.status != SCEP_SUCCESS || rs.cert == NULL)
		err_set(e, E_PROTO, "The issuing CA rejected the request "
		    "(failInfo %s%s%s)", scep_fail_info_name(rs.fail_info),
		    rs.fail_text[0] ? ": " : "", rs.fail_text);
	else if (record(r, rs.cert, tid, e) == 0) {
		*out = rs.cert;
		rs.cert = NULL;
		rc = 0;
	}
	if (rc < 0)
		log_msg(SEV_ERR, "PKI", "CS_RA_FORWARD", "Certificate server "
		    "%s: request not forwarded: %s", r->cfg.name, e->msg);
	scep_resp_free(&rs);
	return rc;
}
