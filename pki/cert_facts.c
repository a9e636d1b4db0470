/* pki/cert_facts.c - a certificate's fields as typed values (subject and
 * issuer in RFC 4514, serial, validity, SANs, key, fingerprints) for the
 * JSON views and the metrics page. No state. */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/x509v3.h>
#include "pki/cert.h"
#include "pki/cert_facts.h"

char *
cert_rfc3339(time_t t, char *buf, size_t len)
{
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm);
	return buf;
}

static void
name_4514(const X509_NAME *nm, char *out, size_t len)
{
	BIO *b = BIO_new(BIO_s_mem());
	int n;

	out[0] = '\0';
	if (b == NULL)
		return;
	if (X509_NAME_print_ex(b, nm, 0, XN_FLAG_RFC2253) >= 0 &&
	    (n = BIO_read(b, out, (int)len - 1)) > 0)
		out[n] = '\0';
	BIO_free(b);
}

static time_t
asn1_secs(const ASN1_TIME *t)
{
	struct tm tm;

	if (t == NULL || !ASN1_TIME_to_tm(t, &tm))
		return 0;
	return timegm(&tm);
}

static void
fingerprint(X509 *x, const EVP_MD *md, char *out, size_t len)
{
	unsigned char d[EVP_MAX_MD_SIZE];
	unsigned n = 0;
	size_t o = 0;

	out[0] = '\0';
	if (!X509_digest(x, md, d, &n))
		return;
	for (unsigned i = 0; i < n && o + 3 < len; i++)
		o += (size_t)snprintf(out + o, len - o, "%s%02X", i ? ":" : "",
		    d[i]);
}

static void
one_san(struct cert_facts *f, const GENERAL_NAME *g)
{
	struct cert_san *s = &f->sans[f->nsans];
	const ASN1_STRING *str = NULL;
	const char *type = NULL;

	switch (g->type) {
	case GEN_DNS: type = "dns"; str = g->d.dNSName; break;
	case GEN_EMAIL: type = "email"; str = g->d.rfc822Name; break;
	case GEN_URI: type = "uri"; str = g->d.uniformResourceIdentifier; break;
	case GEN_IPADD: type = "ip"; break;
	default: return;
	}
	snprintf(s->type, sizeof(s->type), "%s", type);
	if (str != NULL)
		snprintf(s->value, sizeof(s->value), "%.*s",
		    ASN1_STRING_length(str),
		    (const char *)ASN1_STRING_get0_data(str));
	else {
		int alen = ASN1_STRING_length(g->d.iPAddress);
		const unsigned char *a = ASN1_STRING_get0_data(g->d.iPAddress);
		if (alen == 4)
			snprintf(s->value, sizeof(s->value), "%u.%u.%u.%u",
			    a[0], a[1], a[2], a[3]);
		else if (alen == 16)
			for (int i = 0; i < 16; i += 2)
				snprintf(s->value + strlen(s->value),
				    sizeof(s->value) - strlen(s->value),
				    "%s%x", i ? ":" : "", a[i] << 8 | a[i + 1]);
		else
			return;
	}
	f->nsans++;
}

static void
sans(X509 *x, struct cert_facts *f)
{
	GENERAL_NAMES *gs = X509_get_ext_d2i(x, NID_subject_alt_name, NULL,
	    NULL);

	for (int i = 0; gs && i < sk_GENERAL_NAME_num(gs) &&
	    f->nsans < CF_MAX_SANS; i++)
		one_san(f, sk_GENERAL_NAME_value(gs, i));
	GENERAL_NAMES_free(gs);
}

static void
key_facts(X509 *x, struct cert_facts *f)
{
	EVP_PKEY *k = X509_get0_pubkey(x);
	size_t n = 0;

	if (k == NULL)
		return;
	f->key_bits = EVP_PKEY_get_bits(k);
	if (EVP_PKEY_is_a(k, "RSA"))
		snprintf(f->key_type, sizeof(f->key_type), "rsa");
	else if (EVP_PKEY_is_a(k, "EC")) {
		snprintf(f->key_type, sizeof(f->key_type), "ec");
		EVP_PKEY_get_utf8_string_param(k, "group", f->curve,
		    sizeof(f->curve), &n);
	} else
		snprintf(f->key_type, sizeof(f->key_type), "%s",
		    EVP_PKEY_get0_type_name(k));
}

int
cert_facts_get(X509 *x, struct cert_facts *f)
{
	char *serial;

	memset(f, 0, sizeof(*f));
	if (x == NULL)
		return -1;
	name_4514(X509_get_subject_name(x), f->subject, sizeof(f->subject));
	name_4514(X509_get_issuer_name(x), f->issuer, sizeof(f->issuer));
	if ((serial = cert_serial_hex(x)) != NULL) {
		snprintf(f->serial, sizeof(f->serial), "%s", serial);
		free(serial);
	}
	f->not_before = asn1_secs(X509_get0_notBefore(x));
	f->not_after = asn1_secs(X509_get0_notAfter(x));
	sans(x, f);
	key_facts(x, f);
	fingerprint(x, EVP_sha1(), f->sha1, sizeof(f->sha1));
	fingerprint(x, EVP_sha256(), f->sha256, sizeof(f->sha256));
	f->is_ca = cert_is_ca(x);
	f->self_signed = cert_is_self_signed(x);
	ERR_clear_error();
	return 0;
}
