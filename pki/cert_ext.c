/* pkish - BSD-2-Clause */
/*
 * DOC: verbose certificate fields
 * The part of `show crypto pki certificates verbose` (ios-pki.md section
 * 8.2) between the validity dates and the trustpoint list: public key,
 * signature algorithm, MD5/SHA1 fingerprints and the X.509v3 extensions as
 * IOS prints them (key usage as the raw bit string in 8 hex digits plus one
 * line per bit, key identifiers in 8-digit groups, "CA: TRUE", extended key
 * usage, subject alternative names, authority information access). No
 * state.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include "pki/cert.h"
#include "pki/cert_int.h"

static void
key_info_lines(FILE *f, X509 *x)
{
	EVP_PKEY *pk = X509_get0_pubkey(x);
	int ec = pk != NULL && EVP_PKEY_is_a(pk, "EC");

	fputs("  Subject Key Info:\n", f);
	fprintf(f, "    Public Key Algorithm: %s\n", ec ? "id-ecPublicKey" :
	    pk != NULL && EVP_PKEY_is_a(pk, "RSA") ? "rsaEncryption" :
	    pk != NULL ? EVP_PKEY_get0_type_name(pk) : "unknown");
	if (pk != NULL)
		fprintf(f, "    %s Public Key: (%d bit)\n", ec ? "EC" : "RSA",
		    EVP_PKEY_get_bits(pk));
	ERR_clear_error();
}

/* "SHA256 with RSA Encryption", "SHA256 with ECDSA", or the OID name. */
static void
sig_alg(FILE *f, X509 *x)
{
	int sig = X509_get_signature_nid(x), md, pk;
	char mdn[32];
	size_t i;

	if (OBJ_find_sigid_algs(sig, &md, &pk) && md != NID_undef &&
	    (pk == NID_rsaEncryption || pk == NID_X9_62_id_ecPublicKey)) {
		snprintf(mdn, sizeof(mdn), "%s", OBJ_nid2sn(md));
		for (i = 0; mdn[i] != '\0'; i++)
			mdn[i] = (char)toupper((unsigned char)mdn[i]);
		fprintf(f, "  Signature Algorithm: %s with %s\n", mdn,
		    pk == NID_rsaEncryption ? "RSA Encryption" : "ECDSA");
	} else
		fprintf(f, "  Signature Algorithm: %s\n", OBJ_nid2ln(sig));
}

static void
key_usage(FILE *f, X509 *x)
{
	static const char *const bits[] = { "Digital Signature",
	    "Non Repudiation", "Key Encipherment", "Data Encipherment",
	    "Key Agreement", "Key Cert Sign", "CRL Signature",
	    "Encipher Only", "Decipher Only" };
	uint32_t ku;
	size_t i;

	if (!(X509_get_extension_flags(x) & EXFLAG_KUSAGE))
		return;
	ku = X509_get_key_usage(x);	/* first octet low, decipherOnly 0x8000 */
	fprintf(f, "    X509v3 Key Usage: %02X%02X0000\n", ku & 0xff,
	    (ku >> 8) & 0xff);
	for (i = 0; i < sizeof(bits) / sizeof(bits[0]); i++)
		if ((i < 8 && (ku & (0x80u >> i))) || (i == 8 && (ku & 0x8000)))
			fprintf(f, "      %s\n", bits[i]);
}

static void
key_id(FILE *f, const char *what, const ASN1_OCTET_STRING *id)
{
	char buf[256];

	if (id != NULL && cert_hex_groups(ASN1_STRING_get0_data(id),
	    (size_t)ASN1_STRING_length(id), buf, sizeof(buf)) == 0)
		fprintf(f, "    X509v3 %s: %s \n", what, buf);
}

static void
ext_key_usage(FILE *f, X509 *x)
{
	static const struct { int nid; const char *name; } names[] = {
		{ NID_server_auth, "Server Auth" },
		{ NID_client_auth, "Client Auth" },
		{ NID_code_sign, "Code Signing" },
		{ NID_email_protect, "Email Protection" },
		{ NID_time_stamp, "Time Stamping" },
		{ NID_OCSP_sign, "OCSP Signing" },
		{ NID_ipsecEndSystem, "IPSEC End System" },
		{ NID_ipsecTunnel, "IPSEC Tunnel" },
		{ NID_ipsecUser, "IPSEC User" },
	};
	EXTENDED_KEY_USAGE *eku;
	ASN1_OBJECT *o;
	char oid[80];
	size_t j;
	int i;

	if ((eku = X509_get_ext_d2i(x, NID_ext_key_usage, NULL, NULL)) == NULL)
		return;
	fputs("    Extended Key Usage:\n", f);
	for (i = 0; i < sk_ASN1_OBJECT_num(eku); i++) {
		o = sk_ASN1_OBJECT_value(eku, i);
		OBJ_obj2txt(oid, sizeof(oid), o, 1);
		for (j = 0; j < sizeof(names) / sizeof(names[0]); j++)
			if (OBJ_obj2nid(o) == names[j].nid)
				snprintf(oid, sizeof(oid), "%s", names[j].name);
		fprintf(f, "        %s\n", oid);
	}
	EXTENDED_KEY_USAGE_free(eku);
}

static void
san_entry(FILE *f, const GENERAL_NAME *g)
{
	const ASN1_STRING *s;
	char ip[INET6_ADDRSTRLEN];

	switch (g->type) {
	case GEN_DNS:
	case GEN_EMAIL:
	case GEN_URI:
		s = g->d.ia5;
		fprintf(f, "        %s%.*s\n", g->type == GEN_DNS ? "" :
		    g->type == GEN_EMAIL ? "email : " : "URI : ",
		    ASN1_STRING_length(s),
		    (const char *)ASN1_STRING_get0_data(s));
		break;
	case GEN_IPADD:
		s = g->d.iPAddress;
		if ((ASN1_STRING_length(s) == 4 || ASN1_STRING_length(s) == 16) &&
		    inet_ntop(ASN1_STRING_length(s) == 4 ? AF_INET : AF_INET6,
		    ASN1_STRING_get0_data(s), ip, sizeof(ip)) != NULL)
			fprintf(f, "        IP Address : %s\n", ip);
		break;
	case GEN_OTHERNAME:
		fputs("        OtherNames : (other name)\n", f);
		break;
	default:
		break;
	}
}

static void
subject_alt_names(FILE *f, X509 *x)
{
	GENERAL_NAMES *gens;
	int i;

	if ((gens = X509_get_ext_d2i(x, NID_subject_alt_name, NULL,
	    NULL)) == NULL)
		return;
	fputs("    X509v3 Subject Alternative Name:\n", f);
	for (i = 0; i < sk_GENERAL_NAME_num(gens); i++)
		san_entry(f, sk_GENERAL_NAME_value(gens, i));
	GENERAL_NAMES_free(gens);
}

static void
info_access(FILE *f, X509 *x)
{
	AUTHORITY_INFO_ACCESS *aia;
	ACCESS_DESCRIPTION *ad;
	const ASN1_STRING *s;
	int i, m;

	if ((aia = X509_get_ext_d2i(x, NID_info_access, NULL, NULL)) == NULL)
		return;
	fputs("    Authority Info Access:\n", f);
	for (i = 0; i < sk_ACCESS_DESCRIPTION_num(aia); i++) {
		ad = sk_ACCESS_DESCRIPTION_value(aia, i);
		m = OBJ_obj2nid(ad->method);
		if (ad->location->type != GEN_URI ||
		    (m != NID_ad_ca_issuers && m != NID_ad_OCSP))
			continue;
		s = ad->location->d.uniformResourceIdentifier;
		fprintf(f, "        %s: %.*s\n", m == NID_ad_OCSP ?
		    "OCSP URL" : "CA ISSUERS", ASN1_STRING_length(s),
		    (const char *)ASN1_STRING_get0_data(s));
	}
	AUTHORITY_INFO_ACCESS_free(aia);
}

void
cert_show_verbose(FILE *f, X509 *x)
{
	char fp[80];

	key_info_lines(f, x);
	sig_alg(f, x);
	if (cert_fingerprint(x, "md5", fp, sizeof(fp)) == 0)
		fprintf(f, "  Fingerprint MD5: %s \n", fp);
	if (cert_fingerprint(x, "sha1", fp, sizeof(fp)) == 0)
		fprintf(f, "  Fingerprint SHA1: %s \n", fp);
	if (X509_get_ext_count(x) > 0) {
		fputs("  X509v3 extensions:\n", f);
		key_usage(f, x);
		key_id(f, "Subject Key ID", X509_get0_subject_key_id(x));
		if (X509_get_extension_flags(x) & EXFLAG_CA)
			fputs("    X509v3 Basic Constraints:\n        CA: TRUE\n",
			    f);
		key_id(f, "Authority Key ID", X509_get0_authority_key_id(x));
		ext_key_usage(f, x);
		subject_alt_names(f, x);
		info_access(f, x);
	}
	ERR_clear_error();
}
