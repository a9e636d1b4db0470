/* tests/helpers/scep_driver.c - the SCEP engine against a real CA
 * (micromdm scepserver), driven by tests/e2e/scep_engine.sh; refuses to
 * run (exit 2) without SCEP_URL. Timings are bench/scep.sh's. Environment:
 *   SCEP_URL        CA URL, e.g. http://127.0.0.1:2016/scep
 *   SCEP_CHALLENGE  the CA's challenge password
 *   SCEP_OUT        directory for getca.pem, cert.pem, renewed.pem,
 *                   rekeyed.pem, get.pem (checked by the script with
 *                   openssl verify)
 *   SCEP_DOWN_URL   a URL where nothing listens (optional)
 * Keys are made in a temporary keystore that is removed at exit. */
#include <ftw.h>
#include <time.h>
#include <unistd.h>
#include <openssl/pem.h>
#include "lib/log.h"
#include "pki/csr.h"
#include "pki/key.h"
#include "tests/unit/test_scep_util.h"

static char dir[] = "/tmp/scep_driver.XXXXXX";
static const char *url, *challenge, *outdir;
static struct scep_caps caps;
static STACK_OF(X509) *cacerts;
static X509 *ca, *ra_enc, *ra_sign;

/* Debug lines of the engine, shown as TAP comments (and checked by the
 * e2e script for secrets). */
static int nlog;

static void
on_log(void *ctx, int sev, const char *line)
{
	(void)ctx; (void)sev;
	nlog++;
	printf("# log: %s\n", line);
}

static int
rm_cb(const char *p, const struct stat *sb, int fl, struct FTW *ftw)
{
	(void)sb; (void)fl; (void)ftw;
	return remove(p);
}

static void
cleanup(void)
{
	nftw(dir, rm_cb, 8, FTW_DEPTH | FTW_PHYS);
}

static void
save(const char *name, X509 *x)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", outdir, name);
	if ((f = fopen(path, "w")) == NULL || !PEM_write_X509(f, x))
		printf("# cannot write %s\n", path);
	if (f)
		fclose(f);
}

static X509_REQ *
mk_csr(const char *label, const char *cn, const char *pw)
{
	struct csr_params p = { 0 };
	struct err e = { 0 };
	X509_REQ *r;
	char subj[128];

	snprintf(subj, sizeof(subj), "CN=%s,O=Example", cn);
	p.subject = subj;
	p.challenge = pw;
	if ((r = csr_build(label, &p, &e)) == NULL)
		printf("# csr_build %s: %s\n", label, e.msg);
	return r;
}

static unsigned char *req_csr;	/* DER of the last req_init */

static void
req_init(struct scep_req *rq, X509_REQ *csr, const char *label)
{
	memset(rq, 0, sizeof(*rq));
	rq->url = url;
	rq->caps = &caps;
	rq->ca = ca;
	rq->ra_enc = ra_enc;
	rq->ra_sign = ra_sign;
	rq->key = t_sig(label);
	free(req_csr);
	req_csr = csr ? csr_to_der(csr, &rq->csr_len) : NULL;
	rq->csr_der = req_csr;
}

static int
newkey(const char *label)
{
	struct err e = { 0 };

	if (key_generate(label, KEY_RSA, 2048, 0, &e) == -1) {
		printf("# key_generate %s: %s\n", label, e.msg);
		return -1;
	}
	return 0;
}

/* Enroll label with pw; on SUCCESS return the certificate. */
static X509 *
enroll(const char *label, const char *pw, X509 *signer, const char *slabel,
    struct scep_resp *rs, struct err *e)
{
	struct scep_req rq;
	X509_REQ *csr = mk_csr(label, "r1.example.test", pw);
	X509 *x = NULL;

	req_init(&rq, csr, label);
	rq.signer_cert = signer;
	rq.signer_key = slabel ? t_sig(slabel) : NULL;
	rq.renewal = signer != NULL;
	memset(e, 0, sizeof(*e));
	if (csr != NULL && scep_enroll(&rq, rs, e) == 0 &&
	    rs->status == SCEP_SUCCESS) {
		x = rs->cert;
		rs->cert = NULL;
	}
	if (e->msg[0])
		printf("# %s: %s\n", err_code_name(e->code), e->msg);
	X509_REQ_free(csr);
	return x;
}

static void
t_discovery(void)
{
	struct err e = { 0 };
	char *raw;

	check(scep_get_caps(url, &caps, &e) == 0 && caps.sha256 && caps.aes,
	    "GetCACaps %s", e.msg);
	raw = strdup(caps.raw);
	for (char *p = raw; *p; p++)
		if (*p == '\n')
			*p = ' ';
	printf("# caps: %s\n", raw);
	free(raw);
	check(scep_get_ca(url, &cacerts, &ca, &ra_enc, &ra_sign, &e) == 0 &&
	    ca != NULL, "GetCACert %s", e.msg);
	if (ca != NULL)
		save("getca.pem", ca);
}

static void
t_enroll(void)
{
	struct scep_resp rs;
	struct err e;
	X509 *c1, *c2, *c3, *c4;
	EVP_PKEY *k;

	newkey("R1");
	c1 = enroll("R1", challenge, NULL, NULL, &rs, &e);
	k = key_get1_public("R1", &e);
	check(c1 != NULL && EVP_PKEY_eq(X509_get0_pubkey(c1), k) == 1 &&
	    X509_check_issued(ca, c1) == X509_V_OK,
	    "enroll RSA 2048 with the right challenge: certificate for R1");
	scep_resp_free(&rs);
	EVP_PKEY_free(k);
	if (c1)
		save("cert.pem", c1);

	newkey("R2");
	c2 = enroll("R2", "wrong-challenge", NULL, NULL, &rs, &e);
	check(c2 == NULL && rs.status == SCEP_FAILURE &&
	    rs.fail_info == SCEP_BAD_REQUEST && rs.cert == NULL,
	    "wrong challenge: FAILURE %s, no certificate",
	    scep_fail_info_name(rs.fail_info));
	scep_resp_free(&rs);
	X509_free(c2);

	c3 = c1 ? enroll("R1", challenge, c1, "R1", &rs, &e) : NULL;
	check(c3 != NULL && rs.msg_type == (caps.renewal ? 17 : 19) &&
	    ASN1_INTEGER_cmp(X509_get0_serialNumber(c1),
	    X509_get0_serialNumber(c3)) != 0,
	    "renewal signed by the current certificate (messageType %d)",
	    rs.msg_type);
	scep_resp_free(&rs);
	if (c3)
		save("renewed.pem", c3);

	newkey("R1.next");
	c4 = c1 ? enroll("R1.next", challenge, c1, "R1", &rs, &e) : NULL;
	k = key_get1_public("R1.next", &e);
	check(c4 != NULL && EVP_PKEY_eq(X509_get0_pubkey(c4), k) == 1,
	    "renewal with a regenerated key, signed by the old certificate");
	scep_resp_free(&rs);
	EVP_PKEY_free(k);
	if (c4)
		save("rekeyed.pem", c4);
	X509_free(c1);
	X509_free(c3);
	X509_free(c4);
}

static void
t_get(void)
{
	struct scep_resp rs;
	struct err e;
	X509 *c;
	unsigned post = caps.post;

	caps.post = 0;		/* PKIOperation by GET */
	newkey("G1");
	c = enroll("G1", challenge, NULL, NULL, &rs, &e);
	check(c != NULL, "enroll with PKIOperation by GET (base64 + %%-encoded)");
	if (c)
		save("get.pem", c);
	X509_free(c);
	scep_resp_free(&rs);
	caps.post = post;
}

static void
t_down(void)
{
	const char *down = getenv("SCEP_DOWN_URL");
	struct scep_caps c;
	struct scep_resp rs;
	struct err e = { 0 };
	X509 *x;
	const char *save_url = url;

	if (down == NULL)
		return;
	check(scep_get_caps(down, &c, &e) == -1 && e.code == E_NET &&
	    e.detail == 7, "server down: GetCACaps E_NET curl 7 (%s)", e.msg);
	url = down;
	x = enroll("R1", challenge, NULL, NULL, &rs, &e);
	check(x == NULL && e.code == E_NET && e.detail == 7,
	    "server down: enroll E_NET curl 7");
	url = save_url;
	scep_resp_free(&rs);
}

int
main(void)
{
	struct err e = { 0 };

	setvbuf(stdout, NULL, _IOLBF, 0);
	url = getenv("SCEP_URL");
	challenge = getenv("SCEP_CHALLENGE");
	outdir = getenv("SCEP_OUT");
	if (url == NULL || *url == '\0') {
		fprintf(stderr, "scep_driver: SCEP_URL not set (a driver of "
		    "tests/e2e/scep_engine.sh, not a test)\n");
		return 2;
	}
	if (outdir == NULL)
		outdir = ".";
	if (mkdtemp(dir) == NULL) {
		perror("mkdtemp");
		return 2;
	}
	atexit(cleanup);
	check(scep_init(&e) == 0 && key_store_init(dir, &e) == 0,
	    "scep_init, keystore %s", e.msg);
	log_sink_add(on_log, NULL, 0);
	log_dbg_set(DBG_PKI_TRANS, 9);
	log_dbg_set(DBG_PKI_MSG, 9);
	t_discovery();
	if (ca == NULL)
		return t_report();
	t_enroll();
	t_get();
	t_down();
	check(nlog > 0, "debug crypto pki transactions/messages produced %d "
	    "lines", nlog);
	sk_X509_pop_free(cacerts, X509_free);
	return t_report();
}
