/* pkish - ISC license, see LICENSE */
/*
 * DOC: acme/cert - downloading the certificate (RFC 8555 section 7.4.2):
 * a POST-as-GET of the certificate URL returning
 * application/pem-certificate-chain (section 9.1), the end-entity
 * certificate first, then its issuers. The chain is parsed strictly (only
 * CERTIFICATE blocks) and checked against the request: the leaf carries
 * the certificate key's public key and every requested name and address.
 * The returned STACK is owned by the caller. The issuers are the same
 * certificates order after order: the last few parsed are kept (by their
 * exact DER) and handed out again, as decoding a certificate's public key
 * costs OpenSSL 3 about as much as the rest of an enrollment's parsing.
 */
#include <limits.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>
#include "lib/log.h"
#include "acme_int.h"

#define ISSUERS_KEPT	4

struct issuer {
	unsigned char	*der;		/* owned */
	long		 len;
	X509		*x;		/* one reference, owned */
};

static pthread_mutex_t	 iss_mu = PTHREAD_MUTEX_INITIALIZER;
static struct issuer	 issuers[ISSUERS_KEPT];	/* guarded by iss_mu */
static unsigned		 iss_next;

/* The certificate of DER (a new reference): a kept one, or decoded now
 * and kept if keep is set. NULL (OpenSSL error queued) if malformed. */
static X509 *
cert_d2i(const unsigned char *der, long len, int keep)
{
	const unsigned char	*p = der;
	struct issuer		*s;
	X509			*x = NULL;
	unsigned		 i;

	pthread_mutex_lock(&iss_mu);
	for (i = 0; keep && i < ISSUERS_KEPT && x == NULL; i++)
		if (issuers[i].len == len && memcmp(issuers[i].der, der,
		    (size_t)len) == 0 && X509_up_ref(issuers[i].x))
			x = issuers[i].x;
	pthread_mutex_unlock(&iss_mu);
	if (x != NULL)
		return x;
	if ((x = d2i_X509(NULL, &p, len)) == NULL) {
		ERR_raise(ERR_LIB_PEM, ERR_R_ASN1_LIB);
		return NULL;
	}
	if (!keep || (der = OPENSSL_memdup(der, (size_t)len)) == NULL ||
	    !X509_up_ref(x))
		return x;
	pthread_mutex_lock(&iss_mu);
	s = &issuers[iss_next++ % ISSUERS_KEPT];
	OPENSSL_free(s->der);
	X509_free(s->x);
	s->der = (unsigned char *)der;
	s->len = len;
	s->x = x;
	pthread_mutex_unlock(&iss_mu);
	return x;
}

/* Drop the kept issuers (acme_cleanup). */
void
acme_chain_flush(void)
{
	pthread_mutex_lock(&iss_mu);
	for (unsigned i = 0; i < ISSUERS_KEPT; i++) {
		OPENSSL_free(issuers[i].der);
		X509_free(issuers[i].x);
		memset(&issuers[i], 0, sizeof(issuers[i]));
	}
	pthread_mutex_unlock(&iss_mu);
}

/* The next CERTIFICATE block of b (as PEM_read_bio_X509 reads it), the
 * first one (the leaf) never kept. NULL at the end or on an error. */
static X509 *
next_cert(BIO *b, int leaf)
{
	unsigned char	*der = NULL;
	long		 len = 0;
	X509		*x;

	if (!PEM_bytes_read_bio(&der, &len, NULL, PEM_STRING_X509, b, NULL,
	    NULL))
		return NULL;
	x = cert_d2i(der, len, !leaf);
	OPENSSL_free(der);
	return x;
}

/*
 * Parse a PEM chain (RFC 8555 section 9.1). Returns the certificates in
 * order, or NULL with "e" set if there is none or a block is malformed.
 */
STACK_OF(X509) *
acme_chain_parse(const char *pem, size_t len, struct err *e)
{
	STACK_OF(X509)	*sk;
	BIO		*b;
	X509		*x;

	if (len > INT32_MAX)
		return err_set(e, E_PROTO, "certificate chain too large"), NULL;
	ERR_clear_error();
	if ((sk = sk_X509_new_null()) == NULL ||
	    (b = BIO_new_mem_buf(pem, (int)len)) == NULL) {
		sk_X509_free(sk);
		return err_ssl(e, "chain: BIO"), NULL;
	}
	while ((x = next_cert(b, sk_X509_num(sk) == 0)) != NULL)
		if (!sk_X509_push(sk, x)) {
			X509_free(x);
			break;
		}
	if (ERR_GET_REASON(ERR_peek_last_error()) == PEM_R_NO_START_LINE)
		ERR_clear_error();		/* normal end of input */
	BIO_free(b);
	if (ERR_peek_error() != 0 || sk_X509_num(sk) == 0) {
		sk_X509_pop_free(sk, X509_free);
		if (ERR_peek_error() != 0)
			return err_ssl(e, "RFC 8555 section 9.1: malformed "
			    "certificate chain"), NULL;
		return err_set(e, E_PROTO, "RFC 8555 section 9.1: no "
		    "certificate in the chain"), NULL;
	}
	return sk;
}

/* One DER TLV at p (RFC 2986 is DER: definite lengths, one-byte tags
 * here): its tag in *tag, the header length in *hdr; the whole TLV's
 * length, or 0 if it does not fit in len. */
static size_t
der_tlv(const unsigned char *p, size_t len, int *tag, size_t *hdr)
{
	size_t	n, body = 0, h = 2;

	if (len < 2 || (p[0] & 0x1f) == 0x1f)
		return 0;
	*tag = p[0];
	if (p[1] < 0x80)
		body = p[1];
	else {
		if ((n = p[1] & 0x7f) == 0 || n > 4 || len < 2 + n)
			return 0;
		for (size_t i = 0; i < n; i++)
			body = body << 8 | p[2 + i];
		h += n;
	}
	if (body > len - h)
		return 0;
	*hdr = h;
	return h + body;
}

int
acme_csr_spki(const unsigned char *der, size_t len, size_t *off,
    size_t *spki_len)
{
	const unsigned char	*p = der;
	size_t			 n, h, want[] = { 0x30, 0x30, 0x02, 0x30, 0x30 };
	int			 tag;

	/* CertificationRequest { info { version, subject, spki, ... } } */
	for (size_t i = 0; i < 5; i++) {
		if (der == NULL || (n = der_tlv(p, len - (size_t)(p - der),
		    &tag, &h)) == 0 || (size_t)tag != want[i])
			return -1;
		if (i < 2)		/* into the two SEQUENCEs */
			p += h;
		else if (i < 4)		/* past version and subject */
			p += n;
		else {
			*off = (size_t)(p - der);
			*spki_len = n;
		}
	}
	return 0;
}

/* 1 if the leaf's public key is the one of SubjectPublicKeyInfo "spki":
 * the same bytes, else (another encoding of a key) the same key. */
static int
same_key(X509 *leaf, const unsigned char *spki, size_t len)
{
	unsigned char	*der = NULL;
	const unsigned char *p = spki;
	EVP_PKEY	*want;
	int		 n, eq;

	n = i2d_X509_PUBKEY(X509_get_X509_PUBKEY(leaf), &der);
	eq = n > 0 && (size_t)n == len && memcmp(der, spki, len) == 0;
	OPENSSL_free(der);
	if (eq || len > LONG_MAX ||
	    (want = d2i_PUBKEY(NULL, &p, (long)len)) == NULL)
		return eq;
	eq = EVP_PKEY_eq(X509_get0_pubkey(leaf), want) == 1;
	EVP_PKEY_free(want);
	return eq;
}

/*
 * Check the leaf against the request "p": its public key is the one of
 * "spki" (the CSR sent), and it names every DNS identifier and IP address.
 */
int
acme_chain_check(STACK_OF(X509) *sk, const unsigned char *spki,
    size_t spki_len, const struct acme_params *p, struct err *e)
{
	X509		*leaf = sk_X509_value(sk, 0);
	size_t		 i;

	if (spki == NULL || !same_key(leaf, spki, spki_len))
		return err_set(e, E_PROTO, "RFC 8555 section 7.4.2: issued "
		    "certificate is not for key %s", p->cert_key_label);
	for (i = 0; i < p->ndns; i++)
		if (X509_check_host(leaf, p->dns[i], 0,
		    X509_CHECK_FLAG_NO_WILDCARDS, NULL) != 1)
			return err_set(e, E_PROTO, "RFC 8555 section 7.4.2: "
			    "issued certificate does not name %s", p->dns[i]);
	for (i = 0; i < p->nips; i++)
		if (X509_check_ip_asc(leaf, p->ips[i], 0) != 1)
			return err_set(e, E_PROTO, "RFC 8555 section 7.4.2: "
			    "issued certificate does not name %s", p->ips[i]);
	return 0;
}

/* POST-as-GET the certificate URL and parse the chain (section 7.4.2). */
STACK_OF(X509) *
acme_cert_fetch(struct acme_ctx *ctx, const char *url, struct err *e)
{
	STACK_OF(X509)		*sk;
	struct http_resp	 r;

	if (acme_post(ctx, url, NULL, &r, e) == -1) {
		err_ctx(e, "RFC 8555 section 7.4.2 certificate");
		return NULL;
	}
	sk = acme_chain_parse((const char *)r.body, r.body_len, e);
	if (sk != NULL)
		log_dbg(DBG_ACME, 2, "CRYPTO_PKI: ACME: certificate chain of %d "
		    "certificate(s)", sk_X509_num(sk));
	http_resp_free(&r);
	return sk;
}
