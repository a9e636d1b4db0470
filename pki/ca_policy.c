/* pkish - ISC license, see LICENSE */
/*
 * pki/ca_policy.c - who gets a certificate from the certificate server:
 * `grant auto` issues, `grant none` refuses, the default queues for an
 * operator's `grant`; `grant auto trustpoint TP` issues to requests
 * signed by a certificate chaining to TP's CA and queues the rest. A
 * challenge password must be a one-time password of `password generate`
 * that is neither used nor expired (it then grants the request); any
 * other is refused. A renewal signed by a current certificate of this CA
 * (or of TP) needs no password. A request for a CA certificate (a
 * subordinate CA's) always waits for the operator's grant, whatever
 * grants automatically. `grant ra-auto` issues to requests signed by a
 * current RA certificate of this CA and queues the rest. Also the
 * senderNonce replay cache.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <openssl/rand.h>
#include <openssl/x509v3.h>
#include "lib/clock.h"
#include "pki/ca_int.h"
#include "pki/tp.h"

int
ca_password_generate(int minutes, char **pw, struct err *e)
{
	unsigned char rnd[CA_OTP_LEN / 2];
	struct ca_otp *o = NULL;
	time_t now = clock_now();
	char buf[CA_OTP_LEN + 1];

	*pw = NULL;
	if (minutes <= 0)
		minutes = 60;
	if (RAND_bytes(rnd, sizeof(rnd)) != 1)
		return err_ssl(e, "random password");
	for (size_t i = 0; i < sizeof(rnd); i++)
		snprintf(buf + 2 * i, 3, "%02X", rnd[i]);
	pthread_mutex_lock(&ca_g.mu);
	for (int i = 0; i < CA_OTP_MAX; i++)	/* a free or expired slot */
		if (ca_g.otp[i].expires <= now && (o == NULL ||
		    ca_g.otp[i].expires < o->expires))
			o = &ca_g.otp[i];
	if (o != NULL) {
		snprintf(o->pw, sizeof(o->pw), "%s", buf);
		o->expires = now + (time_t)minutes * 60;
	}
	pthread_mutex_unlock(&ca_g.mu);
	if (o == NULL)
		return err_set(e, E_EXISTS, "Too many enrollment passwords "
		    "outstanding (%d)", CA_OTP_MAX);
	if ((*pw = strdup(buf)) == NULL)
		return err_set(e, E_NOMEM, "out of memory");
	return 0;
}

int
ca_otp_use(const char *pw)
{
	time_t now = clock_now();
	int ok = 0;

	if (pw == NULL || *pw == '\0')
		return 0;
	pthread_mutex_lock(&ca_g.mu);
	for (int i = 0; i < CA_OTP_MAX && !ok; i++)
		if (ca_g.otp[i].expires > now &&
		    strcmp(ca_g.otp[i].pw, pw) == 0) {
			memset(&ca_g.otp[i], 0, sizeof(ca_g.otp[i]));
			ok = 1;
		}
	pthread_mutex_unlock(&ca_g.mu);
	return ok;
}

void
ca_csr_challenge(X509_REQ *req, char *buf, size_t len)
{
	int i = X509_REQ_get_attr_by_NID(req, NID_pkcs9_challengePassword, -1);
	X509_ATTRIBUTE *a = i >= 0 ? X509_REQ_get_attr(req, i) : NULL;
	ASN1_TYPE *t = a ? X509_ATTRIBUTE_get0_type(a, 0) : NULL;
	const ASN1_STRING *s;
	int n;

	*buf = '\0';
	if (t == NULL || (t->type != V_ASN1_PRINTABLESTRING &&
	    t->type != V_ASN1_UTF8STRING && t->type != V_ASN1_IA5STRING &&
	    t->type != V_ASN1_T61STRING))
		return;
	s = t->value.asn1_string;
	n = ASN1_STRING_length(s);
	if (n <= 0 || (size_t)n >= len)
		return;
	memcpy(buf, ASN1_STRING_get0_data(s), (size_t)n);
	buf[n] = '\0';
	if (strlen(buf) != (size_t)n)	/* an embedded NUL: no password */
		*buf = '\0';
}

int
ca_nonce_seen(const unsigned char nonce[16])
{
	unsigned n;
	int seen = 0;

	pthread_mutex_lock(&ca_g.mu);
	n = ca_g.nnonce < CA_NONCES ? ca_g.nnonce : CA_NONCES;
	for (unsigned i = 0; i < n && !seen; i++)
		seen = memcmp(ca_g.nonces[i], nonce, 16) == 0;
	if (!seen)
		memcpy(ca_g.nonces[ca_g.nnonce++ % CA_NONCES], nonce, 16);
	pthread_mutex_unlock(&ca_g.mu);
	return seen;
}

/* x is signed by ca and in force now. */
static int
issued_by(X509 *ca, X509 *x)
{
	time_t now = clock_now();

	return ca != NULL && X509_check_issued(ca, x) == X509_V_OK &&
	    X509_verify(x, X509_get0_pubkey(ca)) == 1 &&
	    X509_cmp_time(X509_get0_notAfter(x), &now) > 0 &&
	    X509_cmp_time(X509_get0_notBefore(x), &now) <= 0;
}

int
ca_cert_current(struct ca_ref *r, X509 *x)
{
	struct ca_cert_rec c;
	uint64_t serial;
	int ok;

	if (!issued_by(r->cacert, x) || !ASN1_INTEGER_get_uint64(&serial,
	    X509_get0_serialNumber(x)) || ca_db_cert_get(r->db, serial, &c,
	    NULL) == -1)
		return 0;
	ok = c.revoked == 0;
	free(c.der);
	return ok;
}

/* x chains to the CA certificate of trustpoint tp. */
static int
tp_signed(const char *tp, X509 *x)
{
	struct tp_certs c;
	int ok;

	if (*tp == '\0' || tp_get_certs(tp, &c, NULL) == -1)
		return 0;
	ok = issued_by(c.ca, x);
	tp_certs_free(&c);
	return ok;
}

enum ca_verdict
ca_policy(struct ca_ref *r, X509_REQ *req, X509 *signer)
{
	const struct ca_cfg *c = &r->cfg;
	int renewal = signer != NULL &&
	    X509_check_issued(signer, signer) != X509_V_OK;
	int by_tp = renewal && tp_signed(c->grant_tp, signer);
	int current = renewal && (by_tp || ca_cert_current(r, signer));
	char pw[256];

	ca_csr_challenge(req, pw, sizeof(pw));
	if (c->grant == CA_GRANT_NONE)
		return CA_V_REJECT;
	if (ca_req_wants_ca(req))	/* a subordinate CA: the operator's */
		return CA_V_QUEUE;
	if (by_tp || (c->grant == CA_GRANT_RA_AUTO && current &&
	    ca_cert_is_ra(signer)))		/* forwarded by an RA */
		return CA_V_ISSUE;
	if (*pw != '\0' && !current)
		return ca_otp_use(pw) ? CA_V_ISSUE : CA_V_BADPW;
	if (c->grant_tp[0] != '\0')
		return CA_V_QUEUE;
	return c->grant == CA_GRANT_AUTO ? CA_V_ISSUE : CA_V_QUEUE;
}
