/* pkish - BSD-2-Clause */
/*
 * DOC: distinguished names for display
 * IOS prints names with lower-case attribute names ("cn=", "o=", "ou=",
 * "e=", "serialNumber=", "hostname=" for unstructuredName, "ipaddress=" for
 * unstructuredAddress, ios-pki.md section 8.1) in the certificate's DER
 * order, and joins the attributes of a multi-valued RDN with "+". ASA keeps
 * the certificate's own spelling ("CN=", "O="). Values are converted to
 * UTF-8 and printed unescaped, as the devices do. No state.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <openssl/err.h>
#include <openssl/objects.h>
#include <openssl/x509.h>
#include "pki/cert.h"
#include "pki/cert_int.h"

static const struct {
	int		 nid;
	const char	*ios;
	const char	*asa;
} attr_names[] = {
	{ NID_commonName, "cn", "CN" },
	{ NID_organizationName, "o", "O" },
	{ NID_organizationalUnitName, "ou", "OU" },
	{ NID_localityName, "l", "L" },
	{ NID_stateOrProvinceName, "st", "ST" },
	{ NID_countryName, "c", "C" },
	{ NID_pkcs9_emailAddress, "e", "EA" },
	{ NID_domainComponent, "dc", "DC" },
	{ NID_serialNumber, "serialNumber", "serialNumber" },
	{ NID_pkcs9_unstructuredName, "hostname", "unstructuredName" },
	{ NID_pkcs9_unstructuredAddress, "ipaddress", "unstructuredAddress" },
};

/* Attribute name of an entry in the given style; buf >= 80. */
static const char *
attr_name(const X509_NAME_ENTRY *ne, enum cert_name_style style, char *buf,
    size_t len)
{
	const ASN1_OBJECT *obj = X509_NAME_ENTRY_get_object(ne);
	int nid = OBJ_obj2nid(obj);
	const char *sn;
	size_t i;

	for (i = 0; i < sizeof(attr_names) / sizeof(attr_names[0]); i++)
		if (attr_names[i].nid == nid)
			return style == NAME_IOS ? attr_names[i].ios :
			    attr_names[i].asa;
	if (nid != NID_undef && (sn = OBJ_nid2sn(nid)) != NULL) {
		snprintf(buf, len, "%s", sn);
		if (style == NAME_IOS)
			for (i = 0; buf[i] != '\0'; i++)
				buf[i] = (char)tolower((unsigned char)buf[i]);
	} else
		OBJ_obj2txt(buf, (int)len, obj, 1);
	return buf;
}

static void
print_value(FILE *f, const X509_NAME_ENTRY *ne)
{
	unsigned char *utf8 = NULL;
	int n;

	if ((n = ASN1_STRING_to_UTF8(&utf8,
	    X509_NAME_ENTRY_get_data(ne))) < 0) {
		ERR_clear_error();
		fputs("?", f);
		return;
	}
	fwrite(utf8, 1, (size_t)n, f);
	OPENSSL_free(utf8);
}

void
cert_name_print(FILE *f, const X509_NAME *nm, enum cert_name_style style,
    const char *sep, const char *indent)
{
	const X509_NAME_ENTRY *ne;
	char buf[80];
	int i, n = X509_NAME_entry_count(nm), set = -1;

	for (i = 0; i < n; i++) {
		ne = X509_NAME_get_entry(nm, i);
		if (X509_NAME_ENTRY_set(ne) == set)
			fputc('+', f);
		else if (sep != NULL)
			fputs(i > 0 ? sep : "", f);
		else
			fprintf(f, "%s%s", i > 0 ? "\n" : "", indent);
		set = X509_NAME_ENTRY_set(ne);
		fprintf(f, "%s=", attr_name(ne, style, buf, sizeof(buf)));
		print_value(f, ne);
	}
	if (sep == NULL && n > 0)
		fputc('\n', f);
}

int
cert_name_get(const X509_NAME *nm, int nid, char *buf, size_t len)
{
	const X509_NAME_ENTRY *ne;
	unsigned char *utf8 = NULL;
	int i, n;

	if ((i = X509_NAME_get_index_by_NID(nm, nid, -1)) < 0)
		return -1;
	ne = X509_NAME_get_entry(nm, i);
	if ((n = ASN1_STRING_to_UTF8(&utf8,
	    X509_NAME_ENTRY_get_data(ne))) < 0) {
		ERR_clear_error();
		return -1;
	}
	snprintf(buf, len, "%.*s", n, (const char *)utf8);
	OPENSSL_free(utf8);
	return 0;
}

/* Render through a memory stream; NULL on allocation failure. */
static char *
render(const X509_NAME *nm, const char *sep, const char *indent)
{
	FILE *f;
	char *out = NULL;
	size_t len;

	if ((f = open_memstream(&out, &len)) == NULL)
		return NULL;
	cert_name_print(f, nm, NAME_IOS, sep, indent);
	if (fclose(f) != 0) {
		free(out);
		return NULL;
	}
	return out;
}

/* "cn=a,o=b" (malloc'd). */
char *
cert_name_oneline_ios(const X509_NAME *nm)
{
	return render(nm, ",", NULL);
}

/* One RDN per line after indent, each line ending "\n" (malloc'd). */
char *
cert_name_lines_ios(const X509_NAME *nm, const char *indent)
{
	return render(nm, NULL, indent);
}
