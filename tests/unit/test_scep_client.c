/* tests/unit/test_scep_client.c - the SCEP client state machine over real
 * HTTP against a scripted fake CA on 127.0.0.1 (a listener thread in this
 * program): GetCACaps, GetCACert, PKCSReq by POST and by GET, PENDING
 * then CertPoll SUCCESS, FAILURE, RenewalReq signed by the current
 * certificate (same key and regenerated key), RA mode, GetNextCACert,
 * hostile and broken replies, and a CA that is down. Keys live in the
 * real keystore (pki/key.h) in a temporary directory. */
#include <arpa/inet.h>
#include <ftw.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <sys/socket.h>
#include <unistd.h>
#include "lib/b64.h"
#include "pki/csr.h"
#include "pki/key.h"
#include "tests/unit/test_scep_util.h"

enum answer {
	A_SUCCESS, A_PENDING, A_FAILURE, A_BADNONCE, A_HTTP500, A_BADCT,
	A_GARBAGE, A_CA_SIGNED
};

/* The fake CA: configuration, script and what it saw. */
struct fake {
	int		 lfd;		/* listening socket */
	int		 port;
	pthread_t	 th;
	atomic_int	 stop;
	const char	*caps;		/* GetCACaps body */
	int		 caps_status;	/* 200 by default */
	unsigned char	*cacert_der;	/* GetCACert body */
	size_t		 cacert_len;
	unsigned char	*next_der;	/* GetNextCACert body */
	size_t		 next_len;
	X509		*ca;		/* issuer of certificates */
	EVP_PKEY	*cakey;
	X509		*enc;		/* decrypts requests */
	EVP_PKEY	*enckey;
	X509		*sign;		/* signs CertReps */
	EVP_PKEY	*signkey;
	enum answer	 script[8];	/* answer per PKIOperation */
	int		 nops;		/* PKIOperations seen */
	/* last PKIOperation */
	char		 method[8];
	struct t_req	 req;
	X509_REQ	*csr;		/* from the last PKCSReq/RenewalReq */
	int		 poll_ok;	/* IssuerAndSubject as expected */
	long		 serial;
};

static struct fake F;

/* Certificate for the CSR's key, issued by the fake CA. */
static X509 *
issue(X509_REQ *csr)
{
	X509 *x = X509_new();

	X509_set_version(x, X509_VERSION_3);
	ASN1_INTEGER_set(X509_get_serialNumber(x), ++F.serial);
	X509_set_subject_name(x, X509_REQ_get_subject_name(csr));
	X509_set_issuer_name(x, X509_get_subject_name(F.ca));
	X509_gmtime_adj(X509_getm_notBefore(x), -60);
	X509_gmtime_adj(X509_getm_notAfter(x), 86400);
	X509_set_pubkey(x, X509_REQ_get0_pubkey(csr));
	X509_sign(x, F.cakey, EVP_sha256());
	return x;
}

/* CertPoll content must name the CA and the pending request's subject. */
static int
check_poll(const unsigned char *c, size_t len)
{
	const unsigned char *p = c;
	long plen;
	int tag, cls, good;
	X509_NAME *a, *b;

	if (F.csr == NULL || (ASN1_get_object(&p, &plen, &tag, &cls,
	    (long)len) & 0x80))
		return 0;
	a = d2i_X509_NAME(NULL, &p, (long)(len - (size_t)(p - c)));
	b = d2i_X509_NAME(NULL, &p, (long)(len - (size_t)(p - c)));
	good = tag == V_ASN1_SEQUENCE && a && b && p == c + len &&
	    X509_NAME_cmp(a, X509_get_subject_name(F.ca)) == 0 &&
	    X509_NAME_cmp(b, X509_REQ_get_subject_name(F.csr)) == 0;
	X509_NAME_free(a);
	X509_NAME_free(b);
	return good;
}

/* Answer one PKIOperation per the script. */
static void
pkiop(const unsigned char *msg, size_t len, int *status, const char **ct,
    unsigned char **body, size_t *blen)
{
	struct t_rep s = { 0 };
	enum answer a = F.script[F.nops < 8 ? F.nops : 7];
	const unsigned char *p;
	X509 *cert = NULL;
	unsigned char bad[16];

	F.nops++;
	t_req_free(&F.req);
	*ct = "application/x-pki-message";
	if (t_ca_decode(msg, len, F.enc, F.enckey, &F.req) == -1) {
		*status = 400;
		return;
	}
	if (F.req.type == 19 || F.req.type == 17) {
		X509_REQ_free(F.csr);
		p = F.req.content;
		F.csr = d2i_X509_REQ(NULL, &p, (long)F.req.content_len);
	} else if (F.req.type == 20)
		F.poll_ok = check_poll(F.req.content, F.req.content_len);
	if (a == A_HTTP500 || a == A_BADCT || a == A_GARBAGE) {
		*status = a == A_HTTP500 ? 500 : 200;
		*ct = a == A_BADCT ? "text/html" : *ct;
		*body = (unsigned char *)strdup("<html>oops</html>");
		*blen = strlen((char *)*body);
		return;
	}
	s.status = a == A_PENDING ? 3 : a == A_FAILURE ? 2 : 0;
	s.fail_info = 2;
	s.signer = a == A_CA_SIGNED ? F.ca : F.sign;
	s.signer_key = a == A_CA_SIGNED ? F.cakey : F.signkey;
	if (a == A_BADNONCE) {
		RAND_bytes(bad, sizeof(bad));
		s.rnonce = bad;
		s.rnonce_len = 16;
	}
	if (s.status == 0) {
		s.issued = cert = issue(F.csr);
		s.chain = F.ca;
	}
	t_certrep(&F.req, &s, body, blen);
	X509_free(cert);
	*status = 200;
}

/* The value of name= in a query string, percent-decoded; malloc'd. */
static char *
query(const char *target, const char *name)
{
	const char *q = strchr(target, '?'), *v;
	size_t nl = strlen(name), n = 0;
	char *out;
	unsigned x;

	for (v = q; v != NULL; v = strchr(v + 1, '&'))
		if (strncmp(v + 1, name, nl) == 0 && v[1 + nl] == '=')
			break;
	if (v == NULL)
		return NULL;
	v += nl + 2;
	out = malloc(strlen(v) + 1);
	for (; *v && *v != '&'; v++) {
		if (*v == '%' && sscanf(v + 1, "%2x", &x) == 1) {
			out[n++] = (char)x;
			v += 2;
		} else
			out[n++] = *v;
	}
	out[n] = '\0';
	return out;
}

static void
route(const char *method, const char *target, const unsigned char *body,
    size_t blen, int *status, const char **ct, unsigned char **out,
    size_t *olen)
{
	char *op = query(target, "operation"), *m;
	unsigned char *der;
	size_t dl = 0;

	*status = 200;
	*ct = "text/plain";
	if (op == NULL || strncmp(target, "/scep?", 6) != 0)
		*status = 404;
	else if (strcmp(op, "GetCACaps") == 0) {
		*status = F.caps_status ? F.caps_status : 200;
		*out = (unsigned char *)strdup(F.caps);
		*olen = strlen(F.caps);
	} else if (strcmp(op, "GetCACert") == 0) {
		*ct = "application/x-x509-ca-cert";
		*out = malloc(F.cacert_len);
		memcpy(*out, F.cacert_der, F.cacert_len);
		*olen = F.cacert_len;
	} else if (strcmp(op, "GetNextCACert") == 0) {
		*ct = "application/x-x509-next-ca-cert";
		*out = malloc(F.next_len);
		memcpy(*out, F.next_der, F.next_len);
		*olen = F.next_len;
	} else if (strcmp(op, "PKIOperation") == 0) {
		snprintf(F.method, sizeof(F.method), "%s", method);
		if (strcmp(method, "POST") == 0)
			pkiop(body, blen, status, ct, out, olen);
		else if ((m = query(target, "message")) != NULL) {
			der = b64_decode(m, strlen(m), &dl, 0);
			if (der != NULL)
				pkiop(der, dl, status, ct, out, olen);
			else
				*status = 400;
			free(der);
			free(m);
		} else
			*status = 400;
	} else
		*status = 404;
	free(op);
}

static void
serve_one(int fd)
{
	char head[16384], method[8] = "", target[8192] = "", *eoh, *cl;
	unsigned char *body = NULL, *out = NULL;
	size_t n = 0, blen = 0, olen = 0, have;
	const char *ct = "text/plain";
	int status = 400;
	ssize_t r;

	while (n < sizeof(head) - 1 && (r = read(fd, head + n,
	    sizeof(head) - 1 - n)) > 0) {
		n += (size_t)r;
		head[n] = '\0';
		if ((eoh = strstr(head, "\r\n\r\n")) != NULL)
			break;
	}
	head[n] = '\0';
	if ((eoh = strstr(head, "\r\n\r\n")) == NULL)
		goto reply;
	sscanf(head, "%7s %8191s", method, target);
	if ((cl = strcasestr(head, "Content-Length:")) != NULL)
		blen = strtoul(cl + 15, NULL, 10);
	body = malloc(blen + 1);
	have = n - (size_t)(eoh + 4 - head);
	memcpy(body, eoh + 4, have < blen ? have : blen);
	while (have < blen && (r = read(fd, body + have, blen - have)) > 0)
		have += (size_t)r;
	route(method, target, body, blen, &status, &ct, &out, &olen);
 reply:
	dprintf(fd, "HTTP/1.1 %d X\r\nContent-Type: %s\r\nContent-Length: "
	    "%zu\r\nConnection: close\r\n\r\n", status, ct, olen);
	if (olen && write(fd, out, olen) < 0)
		perror("write");
	free(out);
	free(body);
}

static void *
serve(void *arg)
{
	struct pollfd pfd = { F.lfd, POLLIN, 0 };
	int c;

	(void)arg;
	while (!atomic_load(&F.stop)) {
		if (poll(&pfd, 1, 50) <= 0)
			continue;
		if ((c = accept(F.lfd, NULL, NULL)) < 0)
			continue;
		serve_one(c);
		close(c);
	}
	return NULL;
}

static void
fake_start(void)
{
	struct sockaddr_in sa = { 0 };
	socklen_t sl = sizeof(sa);

	sa.sin_family = AF_INET;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	F.lfd = socket(AF_INET, SOCK_STREAM, 0);
	if (F.lfd < 0 || bind(F.lfd, (struct sockaddr *)&sa, sizeof(sa)) ||
	    listen(F.lfd, 16) || getsockname(F.lfd, (struct sockaddr *)&sa,
	    &sl)) {
		perror("fake CA");
		exit(2);
	}
	F.port = ntohs(sa.sin_port);
	pthread_create(&F.th, NULL, serve, NULL);
}

static void
fake_stop(void)
{
	atomic_store(&F.stop, 1);
	pthread_join(F.th, NULL);
	close(F.lfd);
}

static int
rm_cb(const char *p, const struct stat *sb, int fl, struct FTW *ftw)
{
	(void)sb; (void)fl; (void)ftw;
	return remove(p);
}

static char url[64];
static char dir[] = "/tmp/test_scep_client.XXXXXX";

static void
cleanup(void)
{
	nftw(dir, rm_cb, 8, FTW_DEPTH | FTW_PHYS);
}

static X509_REQ *
mk_csr(const char *label, const char *cn)
{
	struct csr_params p = { 0 };
	struct err e = { 0 };
	X509_REQ *r;
	char subj[128];

	snprintf(subj, sizeof(subj), "CN=%s,O=Example", cn);
	p.subject = subj;
	p.challenge = "secret";
	if ((r = csr_build(label, &p, &e)) == NULL) {
		printf("# csr_build: %s\n", e.msg);
		exit(2);
	}
	return r;
}

static void
script(enum answer a0, enum answer a1)
{
	F.nops = 0;
	F.script[0] = a0;
	for (int i = 1; i < 8; i++)
		F.script[i] = a1;
}

static struct scep_caps caps_post, caps_get;
static X509 *ca, *cert1;		/* GetCACert result, first issued cert */
static STACK_OF(X509) *cacerts;

static void
t_discovery(void)
{
	struct scep_caps c;
	struct err e = { 0 };
	X509 *re = NULL, *rs = NULL;

	check(scep_get_caps(url, &c, &e) == 0 && c.post && c.sha256 && c.aes &&
	    c.renewal && c.getnextca && !c.sha1,
	    "GetCACaps over HTTP parsed");
	caps_post = c;
	F.caps_status = 404;
	check(scep_get_caps(url, &c, &e) == 0 && !c.post && !c.sha256 &&
	    c.raw[0] == '\0', "GetCACaps answered 404: empty caps, success");
	F.caps_status = 0;
	scep_caps_parse("SHA-256\nAES\n", 12, &caps_get);
	check(scep_get_ca(url, &cacerts, &ca, &re, &rs, &e) == 0 &&
	    X509_cmp(ca, F.ca) == 0 && re == NULL && rs == NULL,
	    "GetCACert: the CA, no RA");
}

static unsigned char *req_csr;	/* DER of the last req_init */

static void
req_init(struct scep_req *rq, const struct scep_caps *c, X509_REQ *csr,
    const char *label)
{
	memset(rq, 0, sizeof(*rq));
	rq->url = url;
	rq->caps = c;
	rq->ca = ca;
	rq->key = t_sig(label);
	free(req_csr);
	req_csr = csr_to_der(csr, &rq->csr_len);
	rq->csr_der = req_csr;
	rq->timeout_ms = 5000;
}

static void
t_enroll(void)
{
	struct scep_req rq;
	struct scep_resp rs;
	struct err e = { 0 };
	X509_REQ *csr = mk_csr("R1", "r1.example.test");
	EVP_PKEY *k = key_get1_public("R1", &e);
	char tid[SCEP_TID_MAX + 1];

	scep_transaction_id(k, tid, &e);
	req_init(&rq, &caps_post, csr, "R1");
	script(A_SUCCESS, A_SUCCESS);
	check(scep_enroll(&rq, &rs, &e) == 0 && rs.status == SCEP_SUCCESS &&
	    rs.cert != NULL && EVP_PKEY_eq(X509_get0_pubkey(rs.cert), k) == 1
	    && X509_check_issued(F.ca, rs.cert) == X509_V_OK &&
	    sk_X509_num(rs.extra) == 1, "PKCSReq by POST: certificate for R1");
	check(strcmp(F.method, "POST") == 0 && F.req.type == 19 &&
	    strcmp(F.req.tid, tid) == 0 && strcmp(rs.transaction_id, tid) == 0
	    && rs.msg_type == 19, "CA saw POST, PKCSReq, our transactionID");
	check(F.req.md_nid == NID_sha256 && F.req.cipher_nid == NID_aes_256_cbc,
	    "SHA-256 + AES-256-CBC as advertised");
	check(F.csr != NULL && X509_REQ_get_attr_by_NID(F.csr,
	    NID_pkcs9_challengePassword, -1) >= 0,
	    "CA got the CSR with its challengePassword");
	cert1 = rs.cert;
	rs.cert = NULL;
	scep_resp_free(&rs);

	req_init(&rq, &caps_get, csr, "R1");
	script(A_PENDING, A_SUCCESS);
	check(scep_enroll(&rq, &rs, &e) == 0 && rs.status == SCEP_PENDING &&
	    rs.cert == NULL && strcmp(rs.transaction_id, tid) == 0,
	    "PKCSReq by GET: PENDING");
	check(strcmp(F.method, "GET") == 0 && F.req.type == 19,
	    "CA saw GET with a decodable message=");
	scep_resp_free(&rs);
	check(scep_poll(&rq, tid, &rs, &e) == 0 && rs.status == SCEP_SUCCESS &&
	    rs.cert != NULL && EVP_PKEY_eq(X509_get0_pubkey(rs.cert), k) == 1
	    && rs.msg_type == 20, "CertPoll: SUCCESS with our certificate");
	check(F.req.type == 20 && strcmp(F.req.tid, tid) == 0 && F.poll_ok,
	    "CertPoll: messageType 20, same transactionID, IssuerAndSubject");
	scep_resp_free(&rs);

	script(A_FAILURE, A_FAILURE);
	check(scep_enroll(&rq, &rs, &e) == 0 && rs.status == SCEP_FAILURE &&
	    rs.fail_info == SCEP_BAD_REQUEST && rs.cert == NULL &&
	    strcmp(scep_fail_info_name(rs.fail_info), "badRequest") == 0,
	    "FAILURE badRequest, no certificate");
	scep_resp_free(&rs);
	scep_resp_free(&rs);
	scep_resp_free(NULL);
	EVP_PKEY_free(k);
	X509_REQ_free(csr);
}

static void
t_broken(void)
{
	struct scep_req rq;
	struct scep_resp rs;
	struct err e;
	X509_REQ *csr = mk_csr("R1", "r1.example.test");
	X509_REQ *other = mk_csr("R2", "r2.example.test");
	char down[64];
	int fd;
	struct sockaddr_in sa = { 0 };
	socklen_t sl = sizeof(sa);

	req_init(&rq, &caps_post, csr, "R1");
	script(A_BADNONCE, A_BADNONCE);
	memset(&e, 0, sizeof(e));
	check(scep_enroll(&rq, &rs, &e) == -1 && e.code == E_PROTO &&
	    strstr(e.msg, "recipientNonce") && rs.cert == NULL,
	    "CertRep with a wrong recipientNonce: E_PROTO (%s)", e.msg);
	script(A_HTTP500, A_HTTP500);
	check(scep_enroll(&rq, &rs, &e) == -1 && e.code == E_PROTO &&
	    e.detail == 500 && strstr(e.msg, "500"),
	    "HTTP 500: E_PROTO naming the status (%s)", e.msg);
	script(A_BADCT, A_BADCT);
	check(scep_enroll(&rq, &rs, &e) == -1 && e.code == E_PROTO &&
	    strstr(e.msg, "Content-Type"), "wrong Content-Type: E_PROTO");
	script(A_GARBAGE, A_GARBAGE);
	check(scep_enroll(&rq, &rs, &e) == -1 && e.code == E_PROTO &&
	    strstr(e.msg, "DER"), "garbage body: E_PROTO (%s)", e.msg);
	req_init(&rq, &caps_post, other, "R1");
	check(scep_enroll(&rq, &rs, &e) == -1 && e.code == E_INVAL,
	    "CSR for another key refused before sending");
	req_init(&rq, &caps_post, csr, "NOPE");
	check(rq.key == NULL && scep_enroll(&rq, &rs, &e) == -1 &&
	    e.code == E_INVAL && rs.cert == NULL,
	    "no key (unknown label): error (%s)", e.msg);
	req_init(&rq, &caps_post, csr, "R1");
	rq.csr_len--;
	check(scep_enroll(&rq, &rs, &e) == -1 && rs.cert == NULL,
	    "truncated CSR DER refused before sending (%s)", e.msg);
	req_init(&rq, &caps_post, csr, "R1");
	check(scep_poll(&rq, NULL, &rs, &e) == -1 && e.code == E_INVAL,
	    "CertPoll without transactionID refused");

	/* a port that was just free: nothing listens there */
	sa.sin_family = AF_INET;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	fd = socket(AF_INET, SOCK_STREAM, 0);
	bind(fd, (struct sockaddr *)&sa, sizeof(sa));
	getsockname(fd, (struct sockaddr *)&sa, &sl);
	close(fd);
	snprintf(down, sizeof(down), "http://127.0.0.1:%d/scep",
	    ntohs(sa.sin_port));
	rq.url = down;
	memset(&e, 0, sizeof(e));
	check(scep_enroll(&rq, &rs, &e) == -1 && e.code == E_NET &&
	    e.detail == 7, "CA down: E_NET, curl code 7 (%s)", e.msg);
	{
		struct scep_caps c;

		check(scep_get_caps(down, &c, &e) == -1 && e.code == E_NET &&
		    e.detail == 7, "GetCACaps with the CA down: E_NET 7");
	}
	X509_REQ_free(csr);
	X509_REQ_free(other);
}

static void
t_renewal(void)
{
	struct scep_req rq;
	struct scep_resp rs;
	struct err e = { 0 };
	X509_REQ *csr = mk_csr("R1", "r1.example.test");
	X509_REQ *csr2;
	EVP_PKEY *k2;

	F.sign = F.ca;
	req_init(&rq, &caps_post, csr, "R1");
	rq.signer_cert = cert1;
	rq.signer_key = t_sig("R1");
	rq.renewal = 1;
	script(A_SUCCESS, A_SUCCESS);
	check(scep_enroll(&rq, &rs, &e) == 0 && rs.status == SCEP_SUCCESS &&
	    rs.cert != NULL && F.req.type == 17 && rs.msg_type == 17 &&
	    X509_cmp(F.req.signer, cert1) == 0,
	    "RenewalReq signed by the current certificate");
	scep_resp_free(&rs);
	rq.caps = &caps_get;	/* no Renewal keyword */
	check(scep_enroll(&rq, &rs, &e) == 0 && rs.status == SCEP_SUCCESS &&
	    F.req.type == 19 && X509_cmp(F.req.signer, cert1) == 0,
	    "no Renewal capability: PKCSReq, still signed by the identity");
	scep_resp_free(&rs);

	/* regenerate: new key, request signed by the old certificate */
	if (key_generate("R1.next", KEY_RSA, 2048, 0, &e) == -1)
		printf("# key_generate: %s\n", e.msg);
	csr2 = mk_csr("R1.next", "r1.example.test");
	k2 = key_get1_public("R1.next", &e);
	req_init(&rq, &caps_post, csr2, "R1.next");
	rq.signer_cert = cert1;
	rq.signer_key = t_sig("R1");
	rq.renewal = 1;
	check(scep_enroll(&rq, &rs, &e) == 0 && rs.status == SCEP_SUCCESS &&
	    EVP_PKEY_eq(X509_get0_pubkey(rs.cert), k2) == 1 &&
	    X509_cmp(F.req.signer, cert1) == 0,
	    "regenerated key: signed by the old identity, cert for the new key");
	scep_resp_free(&rs);
	rq.signer_key = t_sig("R1.next");	/* cert1 is not R1.next's */
	check(scep_enroll(&rq, &rs, &e) == -1 && e.code == E_INVAL,
	    "signer certificate not matching its key refused");
	EVP_PKEY_free(k2);
	X509_REQ_free(csr);
	X509_REQ_free(csr2);
}

static void
t_ra(EVP_PKEY *raek, X509 *rae, EVP_PKEY *rask, X509 *ras)
{
	struct scep_req rq;
	struct scep_resp rs;
	struct err e = { 0 };
	X509_REQ *csr = mk_csr("R1", "r1.example.test");
	char tid[SCEP_TID_MAX + 1];

	F.enc = rae;
	F.enckey = raek;
	F.sign = ras;
	F.signkey = rask;
	req_init(&rq, &caps_post, csr, "R1");
	rq.ra_enc = rae;
	rq.ra_sign = ras;
	script(A_PENDING, A_SUCCESS);
	check(scep_enroll(&rq, &rs, &e) == 0 && rs.status == SCEP_PENDING &&
	    F.req.ok, "RA mode: envelope to the RA, CertRep by the RA signer");
	snprintf(tid, sizeof(tid), "%s", rs.transaction_id);
	scep_resp_free(&rs);
	check(scep_poll(&rq, tid, &rs, &e) == 0 && rs.status == SCEP_SUCCESS &&
	    rs.cert != NULL, "RA mode: CertPoll SUCCESS");
	scep_resp_free(&rs);
	script(A_CA_SIGNED, A_CA_SIGNED);
	check(scep_enroll(&rq, &rs, &e) == -1 && e.code == E_PROTO,
	    "RA mode: CertRep signed by the CA, not the RA signer: refused");
	F.enc = F.sign = F.ca;
	F.enckey = F.signkey = F.cakey;
	X509_REQ_free(csr);
}

static void
t_next_ca(EVP_PKEY *nk)
{
	X509 *next = t_cert(nk, "Fake SCEP CA", NULL, NULL, 1, NULL, 500);
	STACK_OF(X509) *sk = NULL;
	struct err e = { 0 };
	unsigned char *deg, *der = NULL;
	size_t dl;
	BIO *b;
	PKCS7 *p7;

	deg = t_degenerate(&next, 1, &dl);
	b = BIO_new_mem_buf(deg, (int)dl);
	p7 = PKCS7_sign(F.ca, F.cakey, NULL, b, PKCS7_BINARY);
	F.next_len = (size_t)i2d_PKCS7(p7, &der);
	F.next_der = der;
	check(scep_get_next_ca(url, F.ca, &sk, &e) == 0 && sk_X509_num(sk) == 1
	    && X509_cmp(sk_X509_value(sk, 0), next) == 0,
	    "GetNextCACert over HTTP: rollover certificate");
	sk_X509_pop_free(sk, X509_free);
	check(scep_get_next_ca(url, cert1, &sk, &e) == -1 && sk == NULL,
	    "GetNextCACert checked against the wrong CA: refused");
	PKCS7_free(p7);
	BIO_free(b);
	OPENSSL_free(deg);
	X509_free(next);
}

int
main(void)
{
	struct err e = { 0 };
	EVP_PKEY *raek, *rask, *nk;
	X509 *rae, *ras;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (mkdtemp(dir) == NULL) {
		perror("mkdtemp");
		return 2;
	}
	atexit(cleanup);
	check(scep_init(&e) == 0, "scep_init");
	check(key_store_init(dir, &e) == 0 && key_generate("R1", KEY_RSA, 2048,
	    0, &e) == 0 && key_generate("R2", KEY_RSA, 2048, 0, &e) == 0,
	    "keystore with R1, R2 %s", e.msg);
	F.cakey = t_rsa();
	F.ca = t_cert(F.cakey, "Fake SCEP CA", NULL, NULL, 1,
	    "critical,keyCertSign,cRLSign", 1);
	F.enc = F.sign = F.ca;
	F.enckey = F.signkey = F.cakey;
	F.serial = 100;
	F.caps = "POSTPKIOperation\nSHA-256\nAES\nRenewal\nGetNextCACert\n";
	F.cacert_der = t_der_cert(F.ca, &F.cacert_len);
	fake_start();
	snprintf(url, sizeof(url), "http://127.0.0.1:%d/scep", F.port);

	t_discovery();
	t_enroll();
	t_broken();
	F.sign = F.ca;
	F.signkey = F.cakey;
	t_renewal();
	raek = t_rsa();
	rask = t_rsa();
	rae = t_cert(raek, "RA enc", F.ca, F.cakey, 0, "keyEncipherment", 2);
	ras = t_cert(rask, "RA sign", F.ca, F.cakey, 0, "digitalSignature", 3);
	t_ra(raek, rae, rask, ras);
	nk = t_rsa();
	t_next_ca(nk);

	fake_stop();
	t_req_free(&F.req);
	X509_REQ_free(F.csr);
	OPENSSL_free(F.cacert_der);
	OPENSSL_free(F.next_der);
	X509_free(F.ca);
	EVP_PKEY_free(F.cakey);
	X509_free(rae);
	X509_free(ras);
	EVP_PKEY_free(raek);
	EVP_PKEY_free(rask);
	EVP_PKEY_free(nk);
	X509_free(cert1);
	sk_X509_pop_free(cacerts, X509_free);
	t_sig_close_all();
	free(req_csr);
	return t_report();
}
