/* SPDX-License-Identifier: ISC */
/*
 * pki/tp_rollover.c - promoting a trustpoint's rollover certificates.
 *
 * A SCEP CA announces its next certificate through GetNextCACert (RFC
 * 8894 section 4.7); the client keeps it in the TP_CA_ROLLOVER slot
 * ("certificate ca rollover" in the chain) next to the active CA, and a
 * shadow identity in TP_CERT_ROLLOVER. When the active CA expires, or the
 * CA itself starts handing out the rollover certificate from GetCACert,
 * the rollover pair becomes the active pair in one step under the store
 * mutex (IOS: "both are activated when the current pair expires").
 */
#include <string.h>
#include "pki/tp.h"
#include "pki/tp_int.h"

/*
 * Make the rollover CA certificate (and a shadow identity, when there is
 * one) the active one. Returns 1 when something was promoted, 0 when the
 * trustpoint has no rollover CA certificate, -1 for an unknown trustpoint.
 */
int
tp_rollover_activate(const char *name, struct err *e)
{
	struct tp *t;
	int done = 0;

	pthread_mutex_lock(&tp_mu);
	if ((t = tp_find_locked(name)) == NULL) {
		pthread_mutex_unlock(&tp_mu);
		return err_set(e, E_NOTFOUND, "Certificate Authority "
		    "(trustpoint) %s is unknown", name);
	}
	if (t->slot[TP_CA_ROLLOVER] != NULL) {
		X509_free(t->slot[TP_CA]);
		t->slot[TP_CA] = t->slot[TP_CA_ROLLOVER];
		t->slot[TP_CA_ROLLOVER] = NULL;
		done = 1;
	}
	if (done && t->slot[TP_CERT_ROLLOVER] != NULL) {
		X509_free(t->slot[TP_CERT]);
		t->slot[TP_CERT] = t->slot[TP_CERT_ROLLOVER];
		t->slot[TP_CERT_ROLLOVER] = NULL;
	}
	pthread_mutex_unlock(&tp_mu);
	return done;
}
