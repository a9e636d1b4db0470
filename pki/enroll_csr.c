/* pki/enroll_csr.c - CSR parameters and key preparation for enrollment */
#include <stdio.h>
#include <string.h>
#include "lib/clock.h"
#include "pki/ca.h"
#include "pki/enroll.h"
#include "pki/key.h"
#include "pki/pki.h"

const char *
enroll_fqdn(const struct tp_cfg *c, char *buf, size_t len)
{
	if (c->enroll == TP_EN_SELFSIGNED || c->enroll == TP_EN_PKCS12 ||
	    c->enroll == TP_EN_ACME || strcmp(c->fqdn, "none") == 0)
		return NULL;
	if (c->fqdn[0])
		snprintf(buf, len, "%s", c->fqdn);
	else
		pki_fqdn(buf, len);
	return buf[0] ? buf : NULL;
}

void
enroll_csr_params(const struct tp_cfg *c, const struct enroll_ctx *x,
    struct enroll_csr *r)
{
	size_t n = 0;

	memset(r, 0, sizeof(*r));
	if (c->fqdn[0] && strcmp(c->fqdn, "none") != 0)
		r->dns[n++] = c->fqdn;
	for (int i = 0; i < c->nsans && n < TP_MAX_SANS; i++)
		if (!c->fqdn[0] || strcasecmp(c->sans[i], c->fqdn) != 0)
			r->dns[n++] = c->sans[i];
	r->p.subject = c->subject[0] ? c->subject : NULL;
	r->p.dns = r->dns;
	r->p.ndns = n;
	if (x && x->ip && *x->ip) {
		r->ips[0] = x->ip;
		r->p.ips = r->ips;
		r->p.nips = 1;
	}
	if (c->serial == 1 || (c->serial == 0 && x && x->include_serial)) {
		snprintf(r->serial, sizeof(r->serial), "%s",
		    enroll_device_serial());
		r->p.serial = r->serial;
	}
	if (x && x->challenge && *x->challenge)
		r->p.challenge = x->challenge;
	else if (c->password[0])
		r->p.challenge = c->password;
	r->p.hash = c->hash[0] ? c->hash : NULL;
	r->p.hostname = enroll_fqdn(c, r->hostname, sizeof(r->hostname));
	if (ca_sub_csr(c->name, r->subject, sizeof(r->subject), &r->p.ca)) {
		/* the certificate of a `mode sub-cs` or `mode ra` server */
		r->p.subject = r->subject;
		r->p.hostname = NULL;
		r->p.serial = NULL;
		r->p.ndns = r->p.nips = 0;
	}
}

int
enroll_key_plan(const struct tp_cfg *c, int regenerate, char *tmp,
    size_t len, enum key_type *type, int *bits)
{
	char label[160];
	int ec;

	tp_key_label(c, label, sizeof(label));
	tp_key_spec(c, &ec, bits);
	*type = ec ? KEY_EC : KEY_RSA;
	if (regenerate && key_exists(label)) {
		static _Atomic unsigned seq;
		snprintf(tmp, len, "%s.new%ld-%u", label, (long)clock_now(),
		    ++seq);
		return 1;
	}
	snprintf(tmp, len, "%s", label);
	return !key_exists(label);
}

int
enroll_prepare_key(const struct tp_cfg *c, int regenerate, char *tmp,
    size_t len, int *generated, struct err *e)
{
	enum key_type type;
	int bits;

	*generated = enroll_key_plan(c, regenerate, tmp, len, &type, &bits);
	if (!*generated)
		return 0;
	/* As on the ASA, a key pkish makes for an ACME trustpoint can be
	 * exported (PKCS#12 before a downgrade); IOS keys stay put. */
	return key_generate(tmp, type, bits, c->enroll == TP_EN_ACME, e);
}
