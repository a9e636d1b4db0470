/* SPDX-License-Identifier: ISC */
/*
 * pki/tp_rollover.c - promoting a trustpoint's rollover certificates.
 *
 * A SCEP CA announces its next certificate through GetNextCACert (RFC
 * 8894 section 4.7); the client keeps it in the TP_CA_ROLLOVER slot
 * ("certificate ca rollover" in the chain) next to the active CA, and a
 * shadow identity in TP_CERT_ROLLOVER ("certificate rollover"), whose
 * regenerated key waits as "<label>#". When the active CA expires, or the
 * CA itself starts handing out the rollover certificate from GetCACert,
 * the rollover pair (and the shadow key) become the active ones in one
 * step under the store mutex (IOS: "both are activated when the current
 * pair expires"), so the trustpoint is never without a certificate.
 */
#include <stdio.h>
#include <string.h>
#include "lib/clock.h"
#include "pki/cert.h"
#include "pki/key.h"
#include "pki/tp.h"
#include "pki/tp_int.h"

static X509 *
take(struct tp *t, enum tp_slot from, enum tp_slot to)
{
	X509_free(t->slot[to]);
	t->slot[to] = t->slot[from];
	t->slot[from] = NULL;
	return t->slot[to];
}

/* locked: the shadow identity's key, when it waits as "<label>#", takes
 * the trustpoint's label (bak: the replaced key, to destroy). */
static int
shadow_key(struct tp *t, X509 *shadow, char *bak, size_t len, struct err *e)
{
	char label[160], next[200];
	EVP_PKEY *pub;
	int match;

	bak[0] = '\0';
	tp_key_label(&t->cfg, label, sizeof(label));
	snprintf(next, sizeof(next), "%s#", label);
	if (!key_exists(next) || (pub = key_get1_public(next, NULL)) == NULL)
		return 0;
	match = cert_matches_key(shadow, pub) == 1;
	EVP_PKEY_free(pub);
	return match ? tp_swap_key(next, label, bak, len, e) : 0;
}

/*
 * Make the rollover CA certificate (and a shadow identity, when there is
 * one) the active one. Returns 1 when something was promoted, 0 when the
 * trustpoint has no rollover CA certificate, -1 for an unknown trustpoint
 * or a shadow key that cannot take the label (nothing changed).
 */
int
tp_rollover_activate(const char *name, struct err *e)
{
	struct tp *t;
	char bak[200] = "";
	int done = 0;

	pthread_mutex_lock(&tp_mu);
	if ((t = tp_find_locked(name)) == NULL) {
		pthread_mutex_unlock(&tp_mu);
		return err_set(e, E_NOTFOUND, "Certificate Authority "
		    "(trustpoint) %s is unknown", name);
	}
	if (t->slot[TP_CA_ROLLOVER] != NULL && t->slot[TP_CERT_ROLLOVER] &&
	    shadow_key(t, t->slot[TP_CERT_ROLLOVER], bak, sizeof(bak), e) < 0)
		done = -1;
	else if (t->slot[TP_CA_ROLLOVER] != NULL) {
		take(t, TP_CA_ROLLOVER, TP_CA);
		done = 1;
		if (t->slot[TP_CERT_ROLLOVER] != NULL) {
			take(t, TP_CERT_ROLLOVER, TP_CERT);
			t->installed = clock_now();
			t->status = TP_ST_GRANTED;
		}
	}
	pthread_mutex_unlock(&tp_mu);
	if (bak[0])
		key_zeroize(bak, NULL);	/* the key of the expired identity */
	return done;
}
