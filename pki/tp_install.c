/* pki/tp_install.c - installing issued certificates; key labels */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "lib/clock.h"
#include "pki/cert.h"
#include "pki/key.h"
#include "pki/tp.h"
#include "pki/tp_int.h"

void
tp_key_label(const struct tp_cfg *c, char *buf, size_t len)
{
	if (c->rsakeypair[0])
		snprintf(buf, len, "%s", c->rsakeypair);
	else if (c->eckeypair[0])
		snprintf(buf, len, "%s", c->eckeypair);
	else if (c->enroll == TP_EN_ACME)
		snprintf(buf, len, "Auto.%s", c->name);
	else
		snprintf(buf, len, "%s", c->name);
}

void
tp_key_spec(const struct tp_cfg *c, int *is_ec, int *bits)
{
	*is_ec = c->eckeypair[0] != '\0';
	if (*is_ec)
		*bits = 256;
	else if (c->rsa_bits)
		*bits = c->rsa_bits;
	else if (c->keypair_modulus)
		*bits = c->keypair_modulus;
	else
		*bits = 2048;
}

/* A regenerated key takes the trustpoint's label: the current key is moved
 * aside (its label returned in bak, "" when there was none) and put back
 * if the new one cannot be moved in. */
int
tp_swap_key(const char *new_key, const char *label, char *bak, size_t len,
    struct err *e)
{
	static _Atomic unsigned seq;

	bak[0] = '\0';
	if (key_exists(label)) {
		snprintf(bak, len, "%.150s.old%ld-%u", label, (long)clock_now(),
		    ++seq);
		if (key_rename(label, bak, e) < 0) {
			bak[0] = '\0';
			return -1;
		}
	}
	if (key_rename(new_key, label, e) < 0) {
		if (bak[0])
			key_rename(bak, label, NULL);
		bak[0] = '\0';
		return -1;
	}
	return 0;
}

int
tp_install(const char *name, X509 *cert, STACK_OF(X509) *chain,
    const char *new_key, struct err *e)
{
	struct tp *t;
	char label[160], bak[200] = "";
	int n = chain ? sk_X509_num(chain) : 0;

	pthread_mutex_lock(&tp_mu);
	if ((t = tp_find_locked(name)) == NULL) {
		pthread_mutex_unlock(&tp_mu);
		return err_set(e, E_NOTFOUND, "Certificate Authority "
		    "(trustpoint) %s is unknown", name);
	}
	tp_key_label(&t->cfg, label, sizeof(label));
	if (new_key && strcmp(new_key, label) != 0 &&
	    tp_swap_key(new_key, label, bak, sizeof(bak), e) < 0) {
		pthread_mutex_unlock(&tp_mu);
		return -1;
	}
	X509_up_ref(cert);
	X509_free(t->slot[TP_CERT]);
	t->slot[TP_CERT] = cert;
	for (int i = 0; i < n; i++) {
		X509 *x = sk_X509_value(chain, i);
		if (X509_cmp(x, cert) == 0)
			continue;
		if (t->slot[TP_CA] == NULL) {
			X509_up_ref(x);
			t->slot[TP_CA] = x;
		} else if (X509_cmp(x, t->slot[TP_CA]) != 0) {
			int dup = 0;
			for (int j = 0; j < sk_X509_num(t->extra); j++)
				dup |= X509_cmp(x, sk_X509_value(t->extra, j)) == 0;
			if (!dup) {
				X509_up_ref(x);
				sk_X509_push(t->extra, x);
			}
		}
	}
	t->installed = clock_now();
	t->status = TP_ST_GRANTED;
	pthread_mutex_unlock(&tp_mu);
	if (bak[0])
		key_zeroize_bg(bak, NULL);	/* the replaced key */
	return 0;
}

int
tp_names_for_ca(X509 *ca, char *buf, size_t len)
{
	size_t n = 0;

	buf[0] = '\0';
	pthread_mutex_lock(&tp_mu);
	for (struct tp *t = tp_list; t; t = t->next)
		if (t->slot[TP_CA] && X509_cmp(t->slot[TP_CA], ca) == 0 &&
		    n + strlen(t->cfg.name) + 2 < len)
			n += (size_t)snprintf(buf + n, len - n, "%s%s",
			    n ? " " : "", t->cfg.name);
	pthread_mutex_unlock(&tp_mu);
	return 0;
}
