/* pki/cert_int.h - helpers shared by pki/cert*.c only. */
#ifndef PKI_CERT_INT_H
#define PKI_CERT_INT_H
#include <stdio.h>
#include <openssl/x509.h>

/* Name styles for cert_name_print(). */
enum cert_name_style {
	NAME_IOS,	/* cn=, o=, hostname=, ipaddress= ... */
	NAME_ASA	/* CN=, O=, EA= ... as the certificate spells them */
};

/* Print the RDNs of nm: joined by sep on one line (sep != NULL) or one per
 * line after indent (sep == NULL). Multi-valued RDNs are joined by "+". */
void	 cert_name_print(FILE *, const X509_NAME *, enum cert_name_style,
	    const char *sep, const char *indent);
/* First value of attribute nid as UTF-8 into buf; 0, or -1 if absent. */
int	 cert_name_get(const X509_NAME *, int nid, char *buf, size_t len);
/* Verbose `show crypto pki certificates` lines from "Subject Key Info:"
 * through the "X509v3 extensions:" section. */
void	 cert_show_verbose(FILE *, X509 *);
/* The "Validity Date:" block of both show styles (renew 0: no renew
 * date line). */
void	 cert_show_validity(FILE *, X509 *, time_t renew);
/* "UTC" time line value via clock_fmt_show of an ASN1_TIME. */
void	 cert_fmt_time(const ASN1_TIME *, char *buf, size_t len);

#endif
