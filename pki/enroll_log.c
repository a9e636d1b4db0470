/* pki/enroll_log.c - IOS messages around certificate installation */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include "lib/log.h"
#include "pki/ca.h"
#include "pki/cert.h"
#include "pki/enroll.h"
#include "pki/renew.h"

#define CONT "\n                      "	/* continuation: column 22 */

void
enroll_log_install(const char *tp, X509 *x)
{
	char *iss = cert_name_oneline_ios(X509_get_issuer_name(x));
	char *sub = cert_name_oneline_ios(X509_get_subject_name(x));
	char *ser = cert_serial_hex(x), end[32];
	time_t na = cert_not_after(x);
	struct tm tm;

	gmtime_r(&na, &tm);
	strftime(end, sizeof(end), "%Y-%m-%dT%H:%M:%SZ", &tm);
	log_msg(SEV_INFO, "PKI", "CERT_INSTALL", "An ID certificate has been "
	    "installed under" CONT "Trustpoint   : %s" CONT "Issuer-name  : %s"
	    CONT "Subject-name : %s" CONT "Serial-number: %s" CONT
	    "End-date     : %s", tp, iss ? iss : "", sub ? sub : "",
	    ser ? ser : "", end);
	log_msg(SEV_WARN, "PKI", "NOCONFIGAUTOSAVE", "Configuration was "
	    "modified.  Issue \"write memory\" to save new IOS PKI "
	    "configuration");
	free(iss);
	free(sub);
	free(ser);
	ca_sub_arrived(tp);	/* a sub-CA's certificate: enable the server */
}
