/* tests/helpers/scep_responder.c - a scripted SCEP CA on 127.0.0.1 for
 * the end-to-end tests of the pkish binary (tests/e2e/renew_scep.sh,
 * tests/e2e/scep_cli.sh): things micromdm scepserver cannot do - PENDING
 * then SUCCESS, RA mode, GetNextCACert (CA rollover), only the
 * /cgi-bin/pkiclient.exe path. Requests are decoded and CertReps crafted
 * with OpenSSL's CMS API (tests/unit/test_scep_util.h), a code path
 * independent of scep/. Refuses to run (exit 2) without
 * SCEP_RESPONDER_PORT.
 *
 * Environment:
 *   SCEP_RESPONDER_PORT  TCP port on 127.0.0.1
 *   SCEP_RESPONDER_DIR   writes ca.pem, next-ca.pem, ra-enc.pem,
 *                        ra-sign.pem and requests.log there, and reads
 *                        the control files "grant" (pending requests are
 *                        granted) and "rollover" (GetCACert answers with
 *                        the next CA, which then issues) and "clock"
 *                        (epoch seconds: "now" for the validity of
 *                        what is issued, e.g. pkish's virtual time)
 *   SCEP_RESPONDER_MODE  comma-separated: pending, ra, nextca, cgi,
 *                        ca_days=N (CA lifetime, default 3650),
 *                        cert_days=N (issued lifetime, default 1)
 * requests.log: one line per HTTP request, "op=... path=..." and for
 * PKIOperation type=, tid=, signer=<serial>, selfsigned=0|1, enc=ca|ra,
 * ias=ok|bad (CertPoll), status=, issued=<serial>. Runs until SIGTERM. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>
#include <openssl/pem.h>
#include "lib/b64.h"
#include "tests/unit/test_scep_util.h"

#define MAX_PENDING	64

/* One PENDING request: its transactionID and CSR. */
struct pend {
	char		 tid[SCEP_TID_MAX + 1];
	X509_REQ	*csr;
};

/* The responder: keys, certificates, mode, pending table. */
static struct {
	const char	*dir;		/* control and output files */
	int		 pending, ra, nextca, cgi;
	long		 ca_days, cert_days;
	EVP_PKEY	*cakey, *nextkey, *raekey, *raskey;
	X509		*ca, *next, *rae, *ras;
	long		 serial;	/* last serial issued */
	struct pend	 pend[MAX_PENDING];
	FILE		*log;
} R;

static volatile sig_atomic_t stop;

static void
on_term(int sig)
{
	(void)sig;
	stop = 1;
}

/* Now for validity dates: the epoch in DIR/clock when that file exists
 * (a test on pkish's virtual clock), else the real time. */
static time_t
issue_time(void)
{
	char path[4096];
	long long t = 0;
	FILE *f;

	snprintf(path, sizeof(path), "%s/clock", R.dir ? R.dir : ".");
	if ((f = fopen(path, "r")) == NULL)
		return time(NULL);
	if (fscanf(f, "%lld", &t) != 1)
		t = time(NULL);
	fclose(f);
	return (time_t)t;
}

/* A certificate valid from now - 60 s for days days. */
static X509 *
mk_cert(EVP_PKEY *key, const X509_NAME *subj, X509 *issuer, EVP_PKEY *ik,
    long days, const char *ku, int ca)
{
	X509 *x = X509_new();
	time_t now = issue_time();

	X509_set_version(x, X509_VERSION_3);
	ASN1_INTEGER_set(X509_get_serialNumber(x), ++R.serial);
	X509_set_subject_name(x, subj);
	X509_set_issuer_name(x, issuer ? X509_get_subject_name(issuer) :
	    subj);
	X509_time_adj(X509_getm_notBefore(x), -60, &now);
	X509_time_adj(X509_getm_notAfter(x), days * 86400, &now);
	X509_set_pubkey(x, key);
	if (ca)
		t_ext(x, issuer, NID_basic_constraints, "critical,CA:TRUE");
	if (ku)
		t_ext(x, issuer, NID_key_usage, ku);
	if (X509_sign(x, ik ? ik : key, EVP_sha256()) <= 0) {
		ERR_print_errors_fp(stdout);
		exit(2);
	}
	return x;
}

static void
save(const char *name, X509 *x)
{
	char path[1024];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", R.dir, name);
	if ((f = fopen(path, "w")) == NULL || !PEM_write_X509(f, x)) {
		perror(path);
		exit(2);
	}
	fclose(f);
}

static int
control(const char *name)
{
	char path[1024];
	struct stat st;

	snprintf(path, sizeof(path), "%s/%s", R.dir, name);
	return stat(path, &st) == 0;
}

static void
setup(void)
{
	X509_NAME *n = t_name("Scripted SCEP CA");
	X509_NAME *re = t_name("Scripted RA encryption");
	X509_NAME *rs = t_name("Scripted RA signature");

	R.cakey = t_rsa();
	R.nextkey = t_rsa();
	R.ca = mk_cert(R.cakey, n, NULL, NULL, R.ca_days,
	    "critical,keyCertSign,cRLSign", 1);
	R.next = mk_cert(R.nextkey, n, NULL, NULL, 2 * R.ca_days,
	    "critical,keyCertSign,cRLSign", 1);
	R.raekey = t_rsa();
	R.raskey = t_rsa();
	R.rae = mk_cert(R.raekey, re, R.ca, R.cakey, R.ca_days,
	    "critical,keyEncipherment", 0);
	R.ras = mk_cert(R.raskey, rs, R.ca, R.cakey, R.ca_days,
	    "critical,digitalSignature", 0);
	save("ca.pem", R.ca);
	save("next-ca.pem", R.next);
	save("ra-enc.pem", R.rae);
	save("ra-sign.pem", R.ras);
	X509_NAME_free(n);
	X509_NAME_free(re);
	X509_NAME_free(rs);
}

/* The CA that answers GetCACert and issues: the next one after the
 * "rollover" control file appears. */
static void
current(X509 **ca, EVP_PKEY **key)
{
	int r = R.nextca && control("rollover");

	*ca = r ? R.next : R.ca;
	*key = r ? R.nextkey : R.cakey;
}

static void
parse_mode(const char *m)
{
	char buf[256], *t, *save_p = NULL;

	R.ca_days = 3650;
	R.cert_days = 1;
	snprintf(buf, sizeof(buf), "%s", m ? m : "");
	for (t = strtok_r(buf, ",", &save_p); t; t = strtok_r(NULL, ",",
	    &save_p)) {
		if (strcmp(t, "pending") == 0)
			R.pending = 1;
		else if (strcmp(t, "ra") == 0)
			R.ra = 1;
		else if (strcmp(t, "nextca") == 0)
			R.nextca = 1;
		else if (strcmp(t, "cgi") == 0)
			R.cgi = 1;
		else if (strncmp(t, "ca_days=", 8) == 0)
			R.ca_days = atol(t + 8);
		else if (strncmp(t, "cert_days=", 10) == 0)
			R.cert_days = atol(t + 10);
	}
}

/* Pending table: find (or add) tid. */
static struct pend *
pend_find(const char *tid, int add)
{
	for (int i = 0; i < MAX_PENDING; i++)
		if (R.pend[i].csr && strcmp(R.pend[i].tid, tid) == 0)
			return &R.pend[i];
	if (!add)
		return NULL;
	for (int i = 0; i < MAX_PENDING; i++)
		if (R.pend[i].csr == NULL) {
			snprintf(R.pend[i].tid, sizeof(R.pend[i].tid), "%s", tid);
			return &R.pend[i];
		}
	return NULL;
}

/* CertPoll content: IssuerAndSubject naming the issuing CA and the
 * pending request's subject (RFC 8894 section 3.3.3). */
static int
ias_ok(const unsigned char *c, size_t len, X509_REQ *csr, X509 *ca)
{
	const unsigned char *p = c;
	long plen;
	int tag, cls, good;
	X509_NAME *a, *b;

	if (ASN1_get_object(&p, &plen, &tag, &cls, (long)len) & 0x80)
		return 0;
	a = d2i_X509_NAME(NULL, &p, (long)(len - (size_t)(p - c)));
	b = d2i_X509_NAME(NULL, &p, (long)(len - (size_t)(p - c)));
	good = tag == V_ASN1_SEQUENCE && a && b && p == c + len &&
	    X509_NAME_cmp(a, X509_get_subject_name(ca)) == 0 &&
	    X509_NAME_cmp(b, X509_REQ_get_subject_name(csr)) == 0;
	X509_NAME_free(a);
	X509_NAME_free(b);
	return good;
}

static void
log_signer(const struct t_req *q)
{
	ASN1_INTEGER *s = X509_get_serialNumber(q->signer);
	BIGNUM *bn = ASN1_INTEGER_to_BN(s, NULL);
	char *hex = BN_bn2hex(bn);

	fprintf(R.log, " type=%d tid=%s signer=%s selfsigned=%d", q->type,
	    q->tid, hex, X509_check_issued(q->signer, q->signer) ==
	    X509_V_OK);
	OPENSSL_free(hex);
	BN_free(bn);
}

/* A certificate for csr from the current CA. */
static X509 *
issue(X509_REQ *csr)
{
	X509 *ca;
	EVP_PKEY *key;

	current(&ca, &key);
	return mk_cert(X509_REQ_get0_pubkey(csr),
	    X509_REQ_get_subject_name(csr), ca, key, R.cert_days, NULL, 0);
}

/* What to answer: SUCCESS (issue), PENDING, or FAILURE. */
static int
decide(const struct t_req *q, X509_REQ **csr, int *fail)
{
	struct pend *p;
	const unsigned char *d = q->content;
	X509 *ca;
	EVP_PKEY *key;

	*fail = 2;				/* badRequest */
	if (q->type == 19 || q->type == 17) {
		*csr = d2i_X509_REQ(NULL, &d, (long)q->content_len);
		if (*csr == NULL)
			return 2;
		if (!R.pending || control("grant"))
			return 0;
		if ((p = pend_find(q->tid, 1)) != NULL && p->csr == NULL)
			p->csr = X509_REQ_dup(*csr);
		return 3;
	}
	if (q->type != 20 || (p = pend_find(q->tid, 0)) == NULL) {
		*fail = 4;			/* badCertId */
		return 2;
	}
	current(&ca, &key);
	fprintf(R.log, " ias=%s", ias_ok(q->content, q->content_len, p->csr,
	    ca) ? "ok" : "bad");
	if (!control("grant"))
		return 3;
	*csr = p->csr;
	p->csr = NULL;
	return 0;
}

/* Answer one PKIOperation. */
static void
pkiop(const unsigned char *msg, size_t len, int *status, const char **ct,
    unsigned char **body, size_t *blen)
{
	struct t_req q;
	struct t_rep s = { 0 };
	X509_REQ *csr = NULL;
	X509 *cert = NULL, *ca;
	EVP_PKEY *key;

	current(&ca, &key);
	if (t_ca_decode(msg, len, R.ra ? R.rae : ca, R.ra ? R.raekey : key,
	    &q) == -1) {
		fprintf(R.log, " decode=failed");
		*status = 400;
		return;
	}
	log_signer(&q);
	fprintf(R.log, " enc=%s", R.ra ? "ra" : "ca");
	s.status = decide(&q, &csr, &s.fail_info);
	s.signer = R.ra ? R.ras : ca;
	s.signer_key = R.ra ? R.raskey : key;
	if (s.status == 0) {
		s.issued = cert = issue(csr);
		s.chain = ca;
		fprintf(R.log, " issued=%02lX", R.serial);
	}
	fprintf(R.log, " status=%s", s.status == 0 ? "SUCCESS" : s.status ==
	    3 ? "PENDING" : "FAILURE");
	t_certrep(&q, &s, body, blen);
	*ct = "application/x-pki-message";
	*status = 200;
	X509_free(cert);
	X509_REQ_free(csr);
	t_req_free(&q);
}

/* The value of name= in a query string, percent-decoded; malloc'd. */
static char *
query(const char *target, const char *name)
{
	const char *v = strchr(target, '?');
	size_t nl = strlen(name), n = 0;
	char *out;
	unsigned x;

	for (; v != NULL; v = strchr(v + 1, '&'))
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
copy_out(const unsigned char *src, size_t n, unsigned char **out,
    size_t *olen)
{
	*out = malloc(n ? n : 1);
	memcpy(*out, src, n);
	*olen = n;
}

/* GetCACert: the CA alone, or CA + RA certificates (degenerate PKCS#7). */
static void
get_ca(const char **ct, unsigned char **out, size_t *olen)
{
	X509 *ca, *v[3];
	EVP_PKEY *key;
	unsigned char *der;
	size_t n;

	current(&ca, &key);
	if (R.ra) {
		v[0] = ca;
		v[1] = R.rae;
		v[2] = R.ras;
		der = t_degenerate(v, 3, &n);
		*ct = "application/x-x509-ca-ra-cert";
	} else {
		der = t_der_cert(ca, &n);
		*ct = "application/x-x509-ca-cert";
	}
	copy_out(der, n, out, olen);
	OPENSSL_free(der);
}

/* GetNextCACert: SignedData by the current CA around a degenerate
 * PKCS#7 holding the next CA certificate (RFC 8894 section 4.7.1). */
static void
get_next(const char **ct, unsigned char **out, size_t *olen)
{
	unsigned char *deg, *der = NULL;
	size_t dl;
	int n;
	BIO *b;
	PKCS7 *p7;

	deg = t_degenerate(&R.next, 1, &dl);
	b = BIO_new_mem_buf(deg, (int)dl);
	p7 = PKCS7_sign(R.ca, R.cakey, NULL, b, PKCS7_BINARY);
	n = i2d_PKCS7(p7, &der);
	copy_out(der, n > 0 ? (size_t)n : 0, out, olen);
	*ct = "application/x-x509-next-ca-cert";
	OPENSSL_free(der);
	PKCS7_free(p7);
	BIO_free(b);
	OPENSSL_free(deg);
}

static const char *
caps(void)
{
	return R.nextca ? "POSTPKIOperation\nRenewal\nSHA-256\nAES\n"
	    "GetNextCACert\n" : "POSTPKIOperation\nRenewal\nSHA-256\nAES\n";
}

/* PKIOperation by POST body or GET message= (base64). */
static void
route_pkiop(const char *method, const char *target, const unsigned char *body,
    size_t blen, int *status, const char **ct, unsigned char **out,
    size_t *olen)
{
	unsigned char *der;
	size_t dl = 0;
	char *m;

	fprintf(R.log, " method=%s", method);
	if (strcmp(method, "POST") == 0) {
		pkiop(body, blen, status, ct, out, olen);
		return;
	}
	*status = 400;
	if ((m = query(target, "message")) == NULL)
		return;
	if ((der = b64_decode(m, strlen(m), &dl, 0)) != NULL)
		pkiop(der, dl, status, ct, out, olen);
	free(der);
	free(m);
}

static void
route(const char *method, const char *target, const unsigned char *body,
    size_t blen, int *status, const char **ct, unsigned char **out,
    size_t *olen)
{
	const char *path = R.cgi ? "/cgi-bin/pkiclient.exe?" : "/scep?";
	char *op = query(target, "operation");

	fprintf(R.log, "op=%s path=%.*s", op ? op : "-",
	    (int)strcspn(target, "?"), target);
	*status = 200;
	*ct = "text/plain";
	if (op == NULL || strncmp(target, path, strlen(path)) != 0)
		*status = 404;
	else if (strcmp(op, "GetCACaps") == 0)
		copy_out((const unsigned char *)caps(), strlen(caps()), out,
		    olen);
	else if (strcmp(op, "GetCACert") == 0)
		get_ca(ct, out, olen);
	else if (strcmp(op, "GetNextCACert") == 0 && R.nextca)
		get_next(ct, out, olen);
	else if (strcmp(op, "PKIOperation") == 0)
		route_pkiop(method, target, body, blen, status, ct, out, olen);
	else
		*status = 404;
	fprintf(R.log, " http=%d\n", *status);
	fflush(R.log);
	free(op);
}

/* Read one request (head + Content-Length body) and answer it. */
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
		if (strstr(head, "\r\n\r\n") != NULL)
			break;
	}
	head[n] = '\0';
	if ((eoh = strstr(head, "\r\n\r\n")) != NULL) {
		sscanf(head, "%7s %8191s", method, target);
		if ((cl = strcasestr(head, "Content-Length:")) != NULL)
			blen = strtoul(cl + 15, NULL, 10);
		if (blen > 1 << 20)
			blen = 0;
		body = malloc(blen + 1);
		have = n - (size_t)(eoh + 4 - head);
		memcpy(body, eoh + 4, have < blen ? have : blen);
		while (have < blen && (r = read(fd, body + have,
		    blen - have)) > 0)
			have += (size_t)r;
		route(method, target, body, blen, &status, &ct, &out, &olen);
	}
	dprintf(fd, "HTTP/1.1 %d X\r\nContent-Type: %s\r\nContent-Length: "
	    "%zu\r\nConnection: close\r\n\r\n", status, ct, olen);
	if (olen && write(fd, out, olen) < 0)
		perror("write");
	free(out);
	free(body);
}

static int
listen_on(int port)
{
	struct sockaddr_in sa = { 0 };
	int fd = socket(AF_INET, SOCK_STREAM, 0), one = 1;

	sa.sin_family = AF_INET;
	sa.sin_port = htons((unsigned short)port);
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
	    listen(fd, 64) < 0) {
		perror("127.0.0.1 listen");
		exit(2);
	}
	return fd;
}

int
main(void)
{
	const char *port = getenv("SCEP_RESPONDER_PORT");
	char path[1024];
	struct pollfd pfd;
	int c, served = 0;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (port == NULL || *port == '\0') {
		fprintf(stderr, "scep_responder: SCEP_RESPONDER_PORT not set (a "
		    "helper server of the SCEP scripts, not a test)\n");
		return 2;
	}
	R.dir = getenv("SCEP_RESPONDER_DIR") ? getenv("SCEP_RESPONDER_DIR") :
	    ".";
	parse_mode(getenv("SCEP_RESPONDER_MODE"));
	snprintf(path, sizeof(path), "%s/requests.log", R.dir);
	if ((R.log = fopen(path, "a")) == NULL) {
		perror(path);
		return 2;
	}
	signal(SIGTERM, on_term);
	signal(SIGPIPE, SIG_IGN);
	setup();
	pfd.fd = listen_on(atoi(port));
	pfd.events = POLLIN;
	printf("ready port %s\n", port);
	while (!stop) {
		if (poll(&pfd, 1, 100) <= 0 || (c = accept(pfd.fd, NULL,
		    NULL)) < 0)
			continue;
		serve_one(c);
		close(c);
		served++;
	}
	close(pfd.fd);
	fclose(R.log);
	printf("# served %d requests\n", served);
	return t_report();
}
