/* pkish - ISC license, see LICENSE */
/*
 * DOC: acme/enroll - one whole enrollment (RFC 8555 section 7.1 overview):
 * directory, account, newOrder, authorizations with HTTP-01, finalize,
 * certificate download, then checks of the chain against the request.
 * The HTTP-01 responder is open from the first challenge until the order
 * is first waited for after the finalize request (its stop then runs in
 * that wait instead of before the request); every token is withdrawn as
 * soon as the authorizations are decided, on every path.
 * Nothing is installed here: the caller gets the chain and installs it
 * only after success, so a failed renewal never touches the current
 * certificate. With params->trustpoint set the ASA syslogs 717067,
 * 717070 (if params->regenerated_key), 717068 and 717069 are emitted with
 * the seed's wording, in that order.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <openssl/bn.h>
#include <openssl/x509.h>
#include "lib/httpd.h"
#include "lib/log.h"
#include "acme_int.h"

/* Serve the key authorization of az and trigger its validation. */
static int
answer(struct acme_ctx *ctx, const struct acme_params *p, struct httpd **h,
    struct acme_authz *az, int *served, struct err *e)
{
	char	*ka;
	int	 rc, port = p->http_port > 0 ? p->http_port : 80;

	if (*h == NULL &&
	    (*h = acme_http01_acquire(p->http_addr, port, e)) == NULL)
		return -1;
	if ((ka = acme_key_authz(ctx, az->token)) == NULL)
		return err_set(e, E_NOMEM, "out of memory");
	rc = httpd_token_add(*h, az->token, ka, e);
	free(ka);
	if (rc == -1)
		return -1;
	*served = 1;
	acme_progress(ctx, "Answering HTTP-01 challenge for %s on %s port %d",
	    az->ident, p->http_addr ? p->http_addr : "any", port);
	return acme_challenge_start(ctx, az, e);
}

/*
 * Complete every authorization of the order (RFC 8555 section 7.5):
 * serve all key authorizations and POST all challenges first, then poll
 * each authorization, so the server validates them in parallel. The
 * tokens are withdrawn on return; on success the responder's reference
 * goes to ctx->http01 (released by the next acme_wait, or acme_ctx_free).
 */
static int
authorize(struct acme_ctx *ctx, const struct acme_order *o,
    const struct acme_params *p, struct err *e)
{
	struct acme_authz	*az;
	struct httpd		*h = NULL;
	int			*served, rc = -1;
	size_t			 i;

	az = calloc(o->nauthz + 1, sizeof(*az));
	served = calloc(o->nauthz + 1, sizeof(*served));
	if (az == NULL || served == NULL) {
		err_set(e, E_NOMEM, "out of memory");
		goto out;
	}
	for (i = 0; i < o->nauthz; i++) {
		if (acme_authz_fetch(ctx, o->authz[i], &az[i], e) == -1)
			goto out;
		if (strcmp(az[i].status, "pending") == 0 &&
		    answer(ctx, p, &h, &az[i], &served[i], e) == -1)
			goto out;
	}
	for (i = 0; i < o->nauthz; i++) {
		if (acme_authz_wait(ctx, &az[i], e) == -1)
			goto out;
		acme_progress(ctx, "Authorization for %s is valid", az[i].ident);
	}
	rc = 0;
 out:
	for (i = 0; az != NULL && served != NULL && i < o->nauthz; i++) {
		if (served[i])
			httpd_token_del(h, az[i].token);
		acme_authz_free(&az[i]);
	}
	if (rc == 0 && ctx->http01 == NULL)
		ctx->http01 = h;
	else
		acme_http01_release(h);
	free(az);
	free(served);
	return rc;
}

/*
 * Finalize the order once every authorization is valid, without polling
 * it for "ready" first (RFC 8555 section 7.4): a server that has not
 * moved it yet answers orderNotReady, and then the order is polled until
 * it is ready (or further) and finalized.
 */
static int
finalize_now(struct acme_ctx *ctx, struct acme_order *o,
    const struct acme_params *p, struct err *e)
{
	if (acme_finalize(ctx, o, p, e) == 0)
		return 0;
	if (e->code != E_PROTO || strstr(e->msg, "orderNotReady") == NULL)
		return -1;
	log_dbg(DBG_ACME, 2, "CRYPTO_PKI: ACME: order not ready yet (%s), "
	    "polling it", e->msg);
	memset(e, 0, sizeof(*e));
	if (acme_order_poll(ctx, o, "ready", 0, e) == -1)
		return -1;
	return strcmp(o->status, "ready") == 0 ? acme_finalize(ctx, o, p, e) :
	    0;
}

/* newOrder; a cached account that the server no longer knows (for
 * instance after a server reset) is looked up once more. */
static int
order_new(struct acme_ctx *ctx, const struct acme_params *p,
    struct acme_order *o, struct err *e)
{
	struct acme_params plain;

	if (acme_order_new(ctx, p, o, e) == 0)
		return 0;
	if (p->replaces != NULL && e->code == E_PROTO) {
		/* RFC 9773 section 5: a server may refuse "replaces" (e.g.
		 * already replaced); order again without it */
		log_dbg(DBG_ACME, 2, "CRYPTO_PKI: ACME: newOrder with replaces "
		    "refused (%s), ordering without it", e->msg);
		acme_order_free(o);
		plain = *p;
		plain.replaces = NULL;
		if (acme_order_new(ctx, &plain, o, e) == 0)
			return 0;
	}
	if (!ctx->from_cache || e->code != E_PROTO)
		return -1;
	log_dbg(DBG_ACME, 2, "CRYPTO_PKI: ACME: cached account refused (%s), "
	    "looking it up again", e->msg);
	acme_order_free(o);
	acme_account_forget(ctx, p);
	free(ctx->kid);
	ctx->kid = NULL;
	EVP_PKEY_free(ctx->akey);
	ctx->akey = NULL;
	free(ctx->thumb);
	ctx->thumb = NULL;
	if (acme_account(ctx, p, e) == -1)
		return -1;
	return acme_order_new(ctx, p, o, e);
}

static int
enroll_run(struct acme_ctx *ctx, const struct acme_params *p,
    struct acme_result *res, struct err *e)
{
	struct acme_order	 o = { 0 };
	STACK_OF(X509)		*sk = NULL;
	int			 rc = -1;

	if (acme_ctx_init(ctx, p, e) == -1 || acme_account(ctx, p, e) == -1 ||
	    order_new(ctx, p, &o, e) == -1)
		goto out;
	acme_progress(ctx, "Order for %zu identifier(s) is %s", p->ndns +
	    p->nips, o.status);
	if (strcmp(o.status, "pending") == 0 &&
	    (authorize(ctx, &o, p, e) == -1 || finalize_now(ctx, &o, p, e) ==
	    -1))
		goto out;
	if (strcmp(o.status, "ready") == 0 && acme_finalize(ctx, &o, p, e) == -1)
		goto out;
	if (acme_order_poll(ctx, &o, "valid", ACME_POLL_START_US, e) == -1 ||
	    acme_ctx_csr(ctx, p, e) == -1 ||
	    (sk = acme_cert_fetch(ctx, o.cert, e)) == NULL ||
	    acme_chain_check(sk, ctx->cert_spki,
	    ctx->cert_spki_len, p, e) == -1)
		goto out;
	if ((res->cert_url = strdup(o.cert)) == NULL) {
		err_set(e, E_NOMEM, "out of memory");
		goto out;
	}
	res->chain = sk;
	sk = NULL;
	acme_progress(ctx, "Certificate issued (chain of %d)",
	    sk_X509_num(res->chain));
	rc = 0;
 out:
	sk_X509_pop_free(sk, X509_free);
	acme_order_free(&o);
	return rc;
}

/* The server's host name (or address) from the directory URL. */
static void
ca_name(const char *url, char *buf, size_t len)
{
	const char	*h = url ? strstr(url, "://") : NULL;
	size_t		 n;

	h = h ? h + 3 : url ? url : "";
	n = *h == '[' ? strcspn(h, "]") + 1 : strcspn(h, ":/");
	snprintf(buf, len, "%.*s", (int)n, h);
	acme_sanitize(buf);
}

static void
log_success(const struct acme_params *p, const char *ca, X509 *leaf)
{
	char	 subj[256] = "", iss[256] = "", *ser = NULL;
	BIO	*b;
	BIGNUM	*bn;
	int	 n;

	if ((b = BIO_new(BIO_s_mem())) != NULL) {
		X509_NAME_print_ex(b, X509_get_subject_name(leaf), 0,
		    XN_FLAG_RFC2253);
		n = BIO_read(b, subj, sizeof(subj) - 1);
		subj[n > 0 ? n : 0] = '\0';
		(void)BIO_reset(b);
		X509_NAME_print_ex(b, X509_get_issuer_name(leaf), 0,
		    XN_FLAG_RFC2253);
		n = BIO_read(b, iss, sizeof(iss) - 1);
		iss[n > 0 ? n : 0] = '\0';
		BIO_free(b);
	}
	if ((bn = ASN1_INTEGER_to_BN(X509_get0_serialNumber(leaf), NULL)) != NULL)
		ser = BN_bn2hex(bn);
	BN_free(bn);
	for (n = 0; ser != NULL && ser[n] != '\0'; n++)
		ser[n] = (char)(ser[n] >= 'A' && ser[n] <= 'F' ? ser[n] + 32 :
		    ser[n]);
	acme_sanitize(subj);
	acme_sanitize(iss);
	log_asa(SEV_NOTICE, 717068, "ACME Certificate enrollment succeeded "
	    "for trustpoint <%s> with CA <%s>. Received a new certificate with "
	    "Subject Name <%s> Issuer Name <%s> Serial Number <%s>",
	    p->trustpoint, ca, subj, iss, ser ? ser : "");
	OPENSSL_free(ser);
}

/*
 * 1 (with "e" set) if an identifier cannot be requested: empty, or a
 * wildcard, which needs dns-01 (RFC 8555 section 7.1.3), not http-01.
 */
static int
bad_identifier(const struct acme_params *p, struct err *e)
{
	size_t i;

	for (i = 0; i < p->ndns; i++)
		if (p->dns[i] == NULL || p->dns[i][0] == '\0' ||
		    strchr(p->dns[i], '*') != NULL) {
			err_set(e, E_INVAL, "RFC 8555 section 7.1.3: \"%s\" "
			    "cannot be validated with http-01",
			    p->dns[i] ? p->dns[i] : "");
			return 1;
		}
	for (i = 0; i < p->nips; i++)
		if (p->ips[i] == NULL || p->ips[i][0] == '\0') {
			err_set(e, E_INVAL, "RFC 8738: empty IP identifier");
			return 1;
		}
	return 0;
}

/* ASA 717067 when a trustpoint enrolls. */
static void
log_start(const struct acme_params *p, const char *ca)
{
	if (p->trustpoint != NULL)
		log_asa(SEV_NOTICE, 717067, "Starting ACME certificate enrollment "
		    "for the trustpoint <%s> with CA <%s>. Mode <%s>",
		    p->trustpoint, ca, p->automatic ? "automatic" : "manual");
}

/* ASA 717069 when a trustpoint's enrollment failed. */
static void
log_fail(const struct acme_params *p, const struct err *e)
{
	if (p->trustpoint != NULL)
		log_asa(SEV_ERR, 717069, "ACME Certificate enrollment failed for "
		    "trustpoint <%s>. Reason <%s%.0d%s%s>", p->trustpoint,
		    e->detail ? "error " : "", e->detail, e->detail ? ": " : "",
		    e->msg);
}

/*
 * Enroll for a certificate as described by "p" (see acme.h). On success
 * returns 0 and fills "res" (the caller frees it with acme_result_free());
 * on failure returns -1 with "e" set and "res" empty.
 */
int
acme_enroll(const struct acme_params *p, struct acme_result *res,
    struct err *e)
{
	struct acme_ctx	ctx;
	struct err	tmp;
	char		ca[128];
	int		rc = -1;

	e = e ? e : &tmp;
	memset(e, 0, sizeof(*e));
	memset(res, 0, sizeof(*res));
	memset(&ctx, 0, sizeof(ctx));
	ca_name(p->directory_url, ca, sizeof(ca));
	log_start(p, ca);
	if (p->trustpoint != NULL && p->regenerated_key != NULL)
		acme_log_key_regenerated(p->regenerated_key, p->trustpoint,
		    p->automatic);
	if (p->ndns + p->nips == 0)
		err_set(e, E_INVAL, "RFC 8555 section 7.4: no identifier to "
		    "request (fqdn, subject-alt-name or ip-address)");
	else if (bad_identifier(p, e))
		;
	else if (p->cert_key_label == NULL)
		err_set(e, E_INVAL, "ACME: no certificate key");
	else
		rc = enroll_run(&ctx, p, res, e);
	acme_ctx_free(&ctx);
	if (p->trustpoint != NULL && rc == 0)
		log_success(p, ca, sk_X509_value(res->chain, 0));
	else
		log_fail(p, e);
	return rc;
}

int
acme_directory_check(const struct acme_params *p, struct err *e)
{
	struct acme_params	q = *p;
	struct acme_ctx		ctx;
	int			rc;

	struct err		tmp;
	char			ca[128];

	e = e ? e : &tmp;
	memset(e, 0, sizeof(*e));
	q.csr_der = NULL;	/* nothing but the directory */
	q.csr_len = 0;
	rc = acme_ctx_init(&ctx, &q, e);
	acme_ctx_free(&ctx);	/* parks the connection and directory */
	if (rc == -1) {		/* the enrollment ends here: its syslogs */
		ca_name(p->directory_url, ca, sizeof(ca));
		log_start(p, ca);
		log_fail(p, e);
	}
	return rc;
}

void
acme_result_free(struct acme_result *res)
{
	if (res == NULL)
		return;
	sk_X509_pop_free(res->chain, X509_free);
	free(res->cert_url);
	res->chain = NULL;
	res->cert_url = NULL;
}

/* ASA 717070 with the seed's wording (ios-pki.md section 11.3). */
void
acme_log_key_regenerated(const char *key_label, const char *trustpoint,
    int automatic)
{
	log_asa(SEV_NOTICE, 717070, "Keypair <%s> in the trustpoint <%s> is "
	    "regenerated for <%s> ACME certificate enrollment", key_label,
	    trustpoint, automatic ? "automatic" : "manual");
}
