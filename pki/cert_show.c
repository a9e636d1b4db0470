/* pkish - BSD-2-Clause */
/*
 * DOC: IOS certificate display
 * One block of `show crypto pki certificates [verbose]` (ios-pki.md
 * sections 8.1 and 8.2): status, serial, usage, issuer and subject one RDN
 * per line (identity subjects first get the Name / IP Address / Serial
 * Number summary lines), CRL distribution points, validity (plus renew date
 * with auto-enroll) and the associated trustpoints. Certificates are held
 * inline in the configuration, so no "Storage:" line is printed (IOS-XE).
 * Trailing spaces follow the captures: "Issuer: ", "Validity Date: ",
 * "Subject: " on CA blocks and a space after the trustpoint list.
 * Times come from clock_fmt_show (UTC). No state.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <openssl/asn1.h>
#include <openssl/err.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include "lib/clock.h"
#include "pki/cert.h"
#include "pki/cert_int.h"

void
cert_fmt_time(const ASN1_TIME *t, char *buf, size_t len)
{
	struct tm tm;
	time_t secs;

	if (t == NULL || !ASN1_TIME_to_tm(t, &tm)) {
		ERR_clear_error();
		snprintf(buf, len, "(invalid)");
		return;
	}
	secs = timegm(&tm);
	clock_fmt_show(secs, buf, len);
}

/* "Name:", "IP Address:", "Serial Number:" summary lines of a subject. */
static void
subject_summary(FILE *f, const X509_NAME *nm)
{
	char v[256];

	if (cert_name_get(nm, NID_pkcs9_unstructuredName, v, sizeof(v)) == 0 ||
	    cert_name_get(nm, NID_commonName, v, sizeof(v)) == 0)
		fprintf(f, "    Name: %s\n", v);
	if (cert_name_get(nm, NID_pkcs9_unstructuredAddress, v,
	    sizeof(v)) == 0)
		fprintf(f, "    IP Address: %s\n", v);
	if (cert_name_get(nm, NID_serialNumber, v, sizeof(v)) == 0)
		fprintf(f, "    Serial Number: %s\n", v);
}

/* "CRL Distribution Points:" with one URI per line, when present. */
static void
crl_dps(FILE *f, X509 *x)
{
	STACK_OF(DIST_POINT) *dps;
	DIST_POINT *dp;
	GENERAL_NAME *g;
	int i, j, hdr = 0;

	if ((dps = X509_get_ext_d2i(x, NID_crl_distribution_points, NULL,
	    NULL)) == NULL) {
		ERR_clear_error();
		return;
	}
	for (i = 0; i < sk_DIST_POINT_num(dps); i++) {
		dp = sk_DIST_POINT_value(dps, i);
		if (dp->distpoint == NULL || dp->distpoint->type != 0)
			continue;
		for (j = 0; j < sk_GENERAL_NAME_num(dp->distpoint->name.fullname);
		    j++) {
			g = sk_GENERAL_NAME_value(dp->distpoint->name.fullname, j);
			if (g->type != GEN_URI)
				continue;
			if (!hdr++)
				fputs("  CRL Distribution Points: \n", f);
			fprintf(f, "    %.*s\n",
			    ASN1_STRING_length(g->d.uniformResourceIdentifier),
			    (const char *)ASN1_STRING_get0_data(
			    g->d.uniformResourceIdentifier));
		}
	}
	CRL_DIST_POINTS_free(dps);
}

/* The "Validity Date:" block both show styles share (0: no renew date). */
void
cert_show_validity(FILE *f, X509 *x, time_t renew)
{
	char t[48];

	fputs("  Validity Date: \n", f);
	cert_fmt_time(X509_get0_notBefore(x), t, sizeof(t));
	fprintf(f, "    start date: %s\n", t);
	cert_fmt_time(X509_get0_notAfter(x), t, sizeof(t));
	fprintf(f, "    end   date: %s\n", t);
	if (renew != 0)
		fprintf(f, "    renew date: %s\n",
		    clock_fmt_show(renew, t, sizeof(t)));
}

/* Header through the subject lines. */
static void
show_head(FILE *f, X509 *x, const char *header, int ca, int verbose)
{
	char *serial = cert_serial_hex(x);

	fprintf(f, "%s\n  Status: Available\n", header);
	if (verbose)
		fprintf(f, "  Version: %ld\n", X509_get_version(x) + 1);
	fprintf(f, "  Certificate Serial Number (hex): %s\n",
	    serial != NULL ? serial : "?");
	free(serial);
	fprintf(f, "  Certificate Usage: %s\n",
	    ca ? "Signature" : "General Purpose");
	fputs("  Issuer: \n", f);
	cert_name_print(f, X509_get_issuer_name(x), NAME_IOS, NULL, "    ");
	fprintf(f, "  Subject:%s\n", ca ? " " : "");
	if (!ca)
		subject_summary(f, X509_get_subject_name(x));
	cert_name_print(f, X509_get_subject_name(x), NAME_IOS, NULL, "    ");
}

/*
 * The IOS block for one certificate, every line ending "\n", no trailing
 * blank line. Returns a malloc'd string or NULL on allocation failure.
 */
char *
cert_show_ios(X509 *x, const char *header, const char *const *tps,
    size_t ntp, const char *key_label, time_t renew, int verbose)
{
	FILE *f;
	char *out = NULL;
	size_t len, i;
	int ca = strncmp(header, "CA Certificate", 14) == 0;

	if ((f = open_memstream(&out, &len)) == NULL)
		return NULL;
	show_head(f, x, header, ca, verbose);
	crl_dps(f, x);
	cert_show_validity(f, x, renew);
	if (verbose)
		cert_show_verbose(f, x);
	fputs("  Associated Trustpoints:", f);
	for (i = 0; i < ntp; i++)
		fprintf(f, " %s", tps[i]);
	fputs(" \n", f);
	if (verbose && key_label != NULL)
		fprintf(f, "  Key Label: %s\n", key_label);
	if (fclose(f) != 0) {
		free(out);
		return NULL;
	}
	return out;
}
