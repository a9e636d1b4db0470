/* pkish - BSD-2-Clause */
/*
 * DOC: certificate requests
 * PKCS#10 (RFC 2986) requests built from trustpoint settings: subject from
 * `subject-name` (IOS order kept: the first attribute typed is the first
 * RDN), `serial-number` appended as a serialNumber RDN, `fqdn` /
 * `subject-alt-name` / `ip-address` as one subjectAltName extension in the
 * extensionRequest attribute (RFC 2985 section 5.4.2), and `password` as
 * the challengePassword attribute (RFC 2985 section 5.4.1) that SCEP uses
 * (RFC 8894 section 2.2). Signed with the keystore key through a get1
 * handle. No state.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include "lib/b64.h"
#include "pki/csr.h"
#include "pki/der.h"
#include "pki/key.h"

/* Attribute names accepted in subject-name (case-insensitive). */
static const struct dn_attr {
	const char	*name;
	int		 nid;
} dn_attrs[] = {
	{ "cn", NID_commonName }, { "commonName", NID_commonName },
	{ "o", NID_organizationName }, { "ou", NID_organizationalUnitName },
	{ "l", NID_localityName }, { "st", NID_stateOrProvinceName },
	{ "c", NID_countryName }, { "e", NID_pkcs9_emailAddress },
	{ "emailAddress", NID_pkcs9_emailAddress },
	{ "dc", NID_domainComponent }, { "serialNumber", NID_serialNumber },
	{ "unstructuredName", NID_pkcs9_unstructuredName },
	{ "unstructuredAddress", NID_pkcs9_unstructuredAddress },
	{ "hostname", NID_pkcs9_unstructuredName },	/* IOS show names */
	{ "ipaddress", NID_pkcs9_unstructuredAddress },
};

static int
dn_nid(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(dn_attrs) / sizeof(dn_attrs[0]); i++)
		if (strcasecmp(name, dn_attrs[i].name) == 0)
			return dn_attrs[i].nid;
	return NID_undef;
}

/* Add one "name=value" to nm. */
static int
dn_add(X509_NAME *nm, const char *dn, const char *name, const char *val,
    struct err *e)
{
	int nid;

	if ((nid = dn_nid(name)) == NID_undef)
		return err_set(e, E_INVAL, "'%s' is not a valid subject name: "
		    "unknown attribute '%s'", dn, name);
	if (val[0] == '\0')
		return err_set(e, E_INVAL, "'%s' is not a valid subject name: "
		    "empty value for '%s'", dn, name);
	if (nid == NID_countryName && (strlen(val) != 2 ||
	    !isalpha((unsigned char)val[0]) || !isalpha((unsigned char)val[1])))
		return err_set(e, E_INVAL, "'%s' is not a valid subject name: "
		    "country must be two letters", dn);
	if (!X509_NAME_add_entry_by_NID(nm, nid, MBSTRING_UTF8,
	    (const unsigned char *)val, -1, -1, 0)) {
		ERR_clear_error();
		return err_set(e, E_INVAL, "'%s' is not a valid subject name: "
		    "bad value for '%s' (too long or invalid characters)",
		    dn, name);
	}
	return 0;
}

/*
 * One "name = value" component starting at *pp, up to an unescaped comma.
 * Backslash escapes the next character; unescaped spaces around the name
 * and value are dropped. Advances *pp past the comma (*more = 1).
 */
static int
dn_component(const char *dn, const char **pp, char *name, char *val,
    size_t len, int *more, struct err *e)
{
	const char *p = *pp;
	size_t n = 0, keep = 0;

	while (*p == ' ' || *p == '\t')
		p++;
	while (*p != '\0' && *p != '=' && *p != ',' && *p != ' ' && n < 63)
		name[n++] = *p++;
	name[n] = '\0';
	while (*p == ' ' || *p == '\t')
		p++;
	if (n == 0 || *p != '=')
		return err_set(e, E_INVAL, "'%s' is not a valid subject name: "
		    "expected attribute=value", dn);
	for (p++; *p == ' ' || *p == '\t'; p++)
		;
	for (n = 0; *p != '\0' && *p != ','; p++) {
		if (n + 1 >= len)
			return err_set(e, E_INVAL, "subject name value too long");
		if (*p == '\\') {
			if (*++p == '\0')
				return err_set(e, E_INVAL, "'%s' is not a valid "
				    "subject name: trailing backslash", dn);
			val[n++] = *p;
			keep = n;
		} else {
			val[n++] = *p;
			if (*p != ' ' && *p != '\t')
				keep = n;
		}
	}
	val[keep] = '\0';
	*more = *p == ',';
	*pp = *more ? p + 1 : p;
	return 0;
}

/*
 * Parse an IOS subject-name ("CN=a,O=b", "cn=a, o=b", "\," escapes) into a
 * new X509_NAME whose RDNs keep the order typed. NULL with E_INVAL on bad
 * input.
 */
X509_NAME *
csr_parse_dn(const char *dn, struct err *e)
{
	X509_NAME *nm;
	const char *p = dn;
	char name[64], val[1024];
	int more = 0;

	if (dn == NULL || dn[strspn(dn, " \t")] == '\0')
		return err_set(e, E_INVAL, "empty subject name"), NULL;
	if ((nm = X509_NAME_new()) == NULL)
		return err_ssl(e, "out of memory"), NULL;
	while (*p != '\0') {
		if (dn_component(dn, &p, name, val, sizeof(val), &more,
		    e) == -1 || dn_add(nm, dn, name, val, e) == -1) {
			X509_NAME_free(nm);
			return NULL;
		}
	}
	if (more) {
		X509_NAME_free(nm);
		return err_set(e, E_INVAL, "'%s' is not a valid subject name: "
		    "trailing comma", dn), NULL;
	}
	return nm;
}

const EVP_MD *
csr_md(const char *hash, struct err *e)
{
	static const char *const ok[] = { "sha1", "sha256", "sha384",
	    "sha512" };
	size_t i;

	if (hash == NULL || hash[0] == '\0')
		hash = "sha256";
	for (i = 0; i < sizeof(ok) / sizeof(ok[0]); i++)
		if (strcasecmp(hash, ok[i]) == 0)
			return EVP_get_digestbyname(ok[i]);
	err_set(e, E_INVAL, "unsupported hash '%s' (sha1, sha256, sha384, "
	    "sha512)", hash);
	return NULL;
}

static int
dns_name_ok(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n > 253)
		return 0;
	for (; *s != '\0'; s++)
		if (!isalnum((unsigned char)*s) && strchr(".-_*", *s) == NULL)
			return 0;
	return 1;
}

/* Append one name of the given type; takes ownership of v. */
static int
push_gen(GENERAL_NAMES *gens, int type, ASN1_STRING *v, struct err *e)
{
	GENERAL_NAME *g;

	if ((g = GENERAL_NAME_new()) == NULL) {
		ASN1_STRING_free(v);
		return err_ssl(e, "out of memory");
	}
	GENERAL_NAME_set0_value(g, type, v);
	if (!sk_GENERAL_NAME_push(gens, g)) {
		GENERAL_NAME_free(g);
		return err_ssl(e, "out of memory");
	}
	return 0;
}

int
csr_san_ext(const struct csr_params *cp, X509_EXTENSION **ext, struct err *e)
{
	GENERAL_NAMES *gens;
	ASN1_STRING *v;
	size_t i;
	int rc = -1;

	*ext = NULL;
	if (cp == NULL || cp->ndns + cp->nips == 0)
		return 0;
	if ((gens = GENERAL_NAMES_new()) == NULL)
		return err_ssl(e, "out of memory");
	for (i = 0; i < cp->ndns; i++) {
		if (!dns_name_ok(cp->dns[i])) {
			err_set(e, E_INVAL, "'%s' is not a valid DNS name",
			    cp->dns[i]);
			goto out;
		}
		if ((v = ASN1_IA5STRING_new()) == NULL ||
		    !ASN1_STRING_set(v, cp->dns[i], -1)) {
			ASN1_STRING_free(v);
			err_ssl(e, "out of memory");
			goto out;
		}
		if (push_gen(gens, GEN_DNS, v, e) == -1)
			goto out;
	}
	for (i = 0; i < cp->nips; i++) {
		if ((v = a2i_IPADDRESS(cp->ips[i])) == NULL) {
			ERR_clear_error();
			err_set(e, E_INVAL, "'%s' is not a valid IP address",
			    cp->ips[i]);
			goto out;
		}
		if (push_gen(gens, GEN_IPADD, v, e) == -1)
			goto out;
	}
	if ((*ext = X509V3_EXT_i2d(NID_subject_alt_name, 0, gens)) == NULL)
		err_ssl(e, "subjectAltName");
	else
		rc = 0;
 out:
	GENERAL_NAMES_free(gens);
	return rc;
}

/*
 * The challengePassword attribute: PrintableString whenever the password
 * fits it, UTF8String otherwise (RFC 2985 section 5.4.1), as SCEP servers
 * and IOS expect; OpenSSL's default string mask would always pick UTF8.
 */
static int
add_challenge(X509_REQ *req, const char *pw)
{
	const unsigned char *p = (const unsigned char *)pw;
	int len = (int)strlen(pw), type = MBSTRING_UTF8;	/* checked */

	if (ASN1_PRINTABLE_type(p, len) == V_ASN1_PRINTABLESTRING)
		type = V_ASN1_PRINTABLESTRING;
	return X509_REQ_add1_attr_by_NID(req, NID_pkcs9_challengePassword,
	    type, p, len) ? 0 : -1;
}

/* basicConstraints cA TRUE and keyUsage keyCertSign, cRLSign: a
 * subordinate CA's request (IOS `mode sub-cs`). */
static int
ca_exts(STACK_OF(X509_EXTENSION) *exts)
{
	X509_EXTENSION *bc = X509V3_EXT_conf_nid(NULL, NULL,
	    NID_basic_constraints, "critical,CA:TRUE");
	X509_EXTENSION *ku = X509V3_EXT_conf_nid(NULL, NULL, NID_key_usage,
	    "critical,digitalSignature,keyCertSign,cRLSign");

	if (bc == NULL || ku == NULL || !sk_X509_EXTENSION_push(exts, bc)) {
		X509_EXTENSION_free(bc);
		X509_EXTENSION_free(ku);
		return -1;
	}
	if (!sk_X509_EXTENSION_push(exts, ku)) {
		X509_EXTENSION_free(ku);
		return -1;
	}
	return 0;
}

/* Subject, SAN extension request and challengePassword onto req. */
static int
csr_fill(X509_REQ *req, const struct csr_params *cp, struct err *e)
{
	X509_NAME *nm = NULL;
	X509_EXTENSION *san = NULL;
	STACK_OF(X509_EXTENSION) *exts = NULL;
	int rc = -1;

	if (cp->subject != NULL && cp->subject[strspn(cp->subject, " ")])
		nm = csr_parse_dn(cp->subject, e);
	else if ((nm = X509_NAME_new()) == NULL)
		err_ssl(e, "out of memory");
	if (nm == NULL)
		return -1;
	if (cp->serial != NULL && dn_add(nm, cp->serial, "serialNumber",
	    cp->serial, e) == -1)
		goto out;
	if (cp->hostname != NULL && dn_add(nm, cp->hostname,
	    "unstructuredName", cp->hostname, e) == -1)
		goto out;
	if (!X509_REQ_set_subject_name(req, nm)) {
		err_ssl(e, "X509_REQ_set_subject_name");
		goto out;
	}
	if (csr_san_ext(cp, &san, e) == -1)
		goto out;
	if ((san != NULL || cp->ca) && ((exts = sk_X509_EXTENSION_new_null())
	    == NULL || (san && !sk_X509_EXTENSION_push(exts, san)) ||
	    (cp->ca && ca_exts(exts) == -1) ||
	    !X509_REQ_add_extensions(req, exts))) {
		err_ssl(e, "extensionRequest");
		goto out;
	}
	if (cp->challenge != NULL && add_challenge(req, cp->challenge) == -1) {
		err_ssl(e, "cannot encode the challenge password as "
		    "PrintableString or UTF8String");
		goto out;
	}
	rc = 0;
 out:
	while (sk_X509_EXTENSION_num(exts) > 0) {	/* the CA ones */
		X509_EXTENSION *x1 = sk_X509_EXTENSION_pop(exts);
		if (x1 != san)
			X509_EXTENSION_free(x1);
	}
	sk_X509_EXTENSION_free(exts);
	X509_EXTENSION_free(san);
	X509_NAME_free(nm);
	return rc;
}

/* Fill req from cp and sign it with pk. */
static int
csr_sign(X509_REQ *req, const struct csr_params *cp, EVP_PKEY *pk,
    const EVP_MD *md, struct err *e)
{
	if (csr_fill(req, cp, e) == -1)
		return -1;
	if (X509_REQ_sign(req, pk, md) <= 0)
		return err_ssl(e, "cannot sign the certificate request");
	return 0;
}

/*
 * Build a PKCS#10 request for the key pk from cp (may be NULL: empty
 * subject, SHA-256) and sign it. Returns a new X509_REQ or NULL.
 */
X509_REQ *
csr_build_pkey(EVP_PKEY *pk, const struct csr_params *cp, struct err *e)
{
	static const struct csr_params none;
	X509_REQ *req;
	const EVP_MD *md;

	if (cp == NULL)
		cp = &none;
	if ((md = csr_md(cp->hash, e)) == NULL)
		return NULL;
	if ((req = X509_REQ_new()) == NULL ||
	    !X509_REQ_set_version(req, 0) || !X509_REQ_set_pubkey(req, pk)) {
		err_ssl(e, "X509_REQ_new");
		X509_REQ_free(req);
		return NULL;
	}
	if (csr_sign(req, cp, pk, md, e) == -1) {
		X509_REQ_free(req);
		return NULL;
	}
	return req;
}

/* csr_build_pkey with the keystore key label. */
X509_REQ *
csr_build(const char *label, const struct csr_params *cp, struct err *e)
{
	EVP_PKEY *pk;
	X509_REQ *req;

	if ((pk = key_get1(label, e)) == NULL)
		return NULL;
	req = csr_build_pkey(pk, cp, e);
	EVP_PKEY_free(pk);
	return req;
}

/* The SubjectPublicKeyInfo spki (DER of pk) into req as it is: no
 * encode-then-decode round trip as in X509_REQ_set_pubkey. */
static int
spki_set(X509_REQ *req, const unsigned char *spki, size_t len)
{
	X509_ALGOR *alg = NULL;
	ASN1_BIT_STRING *bits = NULL;
	const unsigned char *p = spki, *end = spki + len;
	unsigned char *key = NULL;
	ASN1_OBJECT *obj = NULL;
	const ASN1_OBJECT *o;
	const void *pv;
	void *param = NULL;
	int ptype = V_ASN1_UNDEF, tag, xc, ok = 0;
	long n;

	if (len > LONG_MAX || (ASN1_get_object(&p, &n, &tag, &xc,
	    (long)len) & 0x80) || tag != V_ASN1_SEQUENCE || p + n != end ||
	    (alg = d2i_X509_ALGOR(NULL, &p, end - p)) == NULL ||
	    (bits = d2i_ASN1_BIT_STRING(NULL, &p, end - p)) == NULL ||
	    p != end || bits->length <= 0)
		goto out;
	X509_ALGOR_get0(&o, &ptype, &pv, alg);
	if ((obj = OBJ_dup(o)) == NULL || (ptype == V_ASN1_OBJECT &&
	    (param = OBJ_dup(pv)) == NULL) || (ptype == V_ASN1_SEQUENCE &&
	    (param = ASN1_STRING_dup(pv)) == NULL) ||
	    (key = OPENSSL_memdup(bits->data, (size_t)bits->length)) == NULL)
		goto out;
	if (ptype != V_ASN1_NULL && ptype != V_ASN1_UNDEF && param == NULL)
		goto out;	/* parameters of a kind pkish never makes */
	ok = X509_PUBKEY_set0_param(X509_REQ_get_X509_PUBKEY(req), obj,
	    ptype, param, key, bits->length);
 out:
	if (!ok) {
		ASN1_OBJECT_free(obj);
		if (ptype == V_ASN1_OBJECT)
			ASN1_OBJECT_free(param);
		else
			ASN1_STRING_free(param);
		OPENSSL_free(key);
	}
	X509_ALGOR_free(alg);
	ASN1_BIT_STRING_free(bits);
	return ok ? 0 : -1;
}

/*
 * csr_build as DER (malloc'd). The request carries the key store's cached
 * SubjectPublicKeyInfo as it is, and is never handed out as an object
 * whose key would need decoding.
 */
int
csr_build_der(const char *label, const struct csr_params *cp,
    unsigned char **der, size_t *len, struct err *e)
{
	static const struct csr_params none;
	EVP_PKEY *pk = NULL;
	X509_REQ *req = NULL;
	unsigned char *spki = NULL;
	size_t spkilen;
	const EVP_MD *md;
	int rc = -1;

	*der = NULL;
	if (cp == NULL)
		cp = &none;
	if ((md = csr_md(cp->hash, e)) == NULL ||
	    key_get1_spki(label, &pk, &spki, &spkilen, e) == -1)
		goto out;
	if ((req = X509_REQ_new()) == NULL || !X509_REQ_set_version(req, 0) ||
	    spki_set(req, spki, spkilen) == -1) {
		err_ssl(e, "X509_REQ_new");
		goto out;
	}
	if (csr_sign(req, cp, pk, md, e) == -1)
		goto out;
	if ((*der = csr_to_der(req, len)) == NULL) {
		err_ssl(e, "cannot encode the certificate request");
		goto out;
	}
	rc = 0;
 out:
	free(spki);
	X509_REQ_free(req);
	EVP_PKEY_free(pk);
	return rc;
}

unsigned char *
csr_to_der(X509_REQ *req, size_t *len)
{
	unsigned char *tmp = NULL;
	int n = i2d_X509_REQ(req, &tmp);

	return der_take(tmp, n, len, "certificate request", NULL);
}

char *
csr_to_pem(X509_REQ *req)
{
	BIO *bio;
	BUF_MEM *bm;
	char *out = NULL;

	if ((bio = BIO_new(BIO_s_mem())) == NULL)
		return NULL;
	if (PEM_write_bio_X509_REQ(bio, req)) {
		BIO_get_mem_ptr(bio, &bm);
		if ((out = malloc(bm->length + 1)) != NULL) {
			memcpy(out, bm->data, bm->length);
			out[bm->length] = '\0';
		}
	}
	ERR_clear_error();
	BIO_free(bio);
	return out;
}

/* Base64 DER, 64 characters per line, each line ending "\n". */
char *
csr_to_base64(X509_REQ *req)
{
	unsigned char *der;
	size_t len, n, i;
	char *b64, *out, *o;

	if ((der = csr_to_der(req, &len)) == NULL)
		return NULL;
	b64 = b64_encode(der, len, 0);
	free(der);
	if (b64 == NULL)
		return NULL;
	n = strlen(b64);
	if ((out = malloc(n + n / 64 + 2)) != NULL) {
		for (o = out, i = 0; i < n; i += 64) {
			memcpy(o, b64 + i, n - i < 64 ? n - i : 64);
			o += n - i < 64 ? n - i : 64;
			*o++ = '\n';
		}
		*o = '\0';
	}
	free(b64);
	return out;
}
