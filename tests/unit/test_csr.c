/* tests/unit/test_csr.c - subject parsing and PKCS#10 requests, verified
 * with `openssl req -verify -noout -text`. */
#define _GNU_SOURCE
#include <openssl/objects.h>
#include "pki/csr.h"
#include "pki/key.h"
#include "tests/unit/testlib.h"

/* Oneline IOS form of a parsed DN, or "(null)". */
static char *
dn(const char *s, struct err *e)
{
	X509_NAME *nm = csr_parse_dn(s, e);
	char *out;

	if (nm == NULL)
		return strdup("(null)");
	out = cert_name_oneline_ios(nm);
	X509_NAME_free(nm);
	return out;
}

static void
t_parse_dn(void)
{
	static const int nids[] = { NID_commonName, NID_organizationName,
	    NID_organizationalUnitName, NID_localityName,
	    NID_stateOrProvinceName, NID_countryName, NID_pkcs9_emailAddress,
	    NID_domainComponent, NID_serialNumber, NID_pkcs9_unstructuredName,
	    NID_pkcs9_unstructuredAddress, NID_pkcs9_emailAddress };
	static const char *const bad[] = { "", "   ", "CN", "CN=", "XX=a",
	    "CN=a,", "C=USA", "C=1X", "CN=a,,O=b", "CN=a\\", "=a",
	    "e=caf\xc3\xa9@x.y" };
	struct err e = { 0 };
	X509_NAME *nm;
	char *s;
	size_t i;
	int ok;

	s = dn("CN=a,O=b,OU=c,C=US", &e);
	check(strcmp(s, "cn=a,o=b,ou=c,c=US") == 0, "IOS order kept: %s", s);
	free(s);
	s = dn("cn=router1, o=Example Org , ou = VPN", &e);
	check(strcmp(s, "cn=router1,o=Example Org,ou=VPN") == 0,
	    "lower-case names and spaces: %s", s);
	free(s);
	s = dn("CN=Smith\\, John,O=x", &e);
	check(strcmp(s, "cn=Smith, John,o=x") == 0, "escaped comma: %s", s);
	free(s);
	s = dn("CN=trailing\\ ", &e);
	check(strcmp(s, "cn=trailing ") == 0, "escaped trailing space kept");
	free(s);
	nm = csr_parse_dn("cn=a,o=b,ou=c,l=d,st=e,c=US,e=x@y.z,dc=example,"
	    "serialNumber=123,unstructuredName=host,unstructuredAddress=10.0.0.1,"
	    "emailAddress=p@q.r", &e);
	ok = nm != NULL && X509_NAME_entry_count(nm) == 12;
	for (i = 0; ok && i < 12; i++)
		ok = OBJ_obj2nid(X509_NAME_ENTRY_get_object(
		    X509_NAME_get_entry(nm, (int)i))) == nids[i];
	check(ok, "all 12 attribute names map to the right OIDs in order");
	X509_NAME_free(nm);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		e.code = E_OK;
		e.msg[0] = '\0';
		nm = csr_parse_dn(bad[i], &e);
		check(nm == NULL && e.code == E_INVAL && e.msg[0] != '\0',
		    "bad subject \"%s\" rejected: %s", bad[i], e.msg);
		X509_NAME_free(nm);
	}
	e.code = E_OK;
	nm = csr_parse_dn("CN=a,XX=b", &e);
	check(nm == NULL && strstr(e.msg, "is not a valid subject name") &&
	    strstr(e.msg, "XX"), "message names the attribute: %s", e.msg);
}

static int
write_pem(X509_REQ *req, const char *name, char *path, size_t len)
{
	struct err e = { 0 };
	char *pem = csr_to_pem(req);
	int rc;

	snprintf(path, len, "%s/%s", tmp, name);
	rc = pem != NULL ? file_write_atomic(path, pem, strlen(pem), 0600,
	    &e) : -1;
	free(pem);
	return rc;
}

/* The ASN.1 type of req's challengePassword value; -1 without one. */
static int
challenge_type(X509_REQ *req)
{
	X509_ATTRIBUTE *a;
	ASN1_TYPE *v;
	int i = X509_REQ_get_attr_by_NID(req, NID_pkcs9_challengePassword, -1);

	if (i < 0 || (a = X509_REQ_get_attr(req, i)) == NULL ||
	    (v = X509_ATTRIBUTE_get0_type(a, 0)) == NULL)
		return -1;
	return v->type;
}

static void
t_build_rsa(void)
{
	static const char *const dns[] = { "r1.example.com", "alt.example.com" };
	static const char *const ips[] = { "192.0.2.10", "2001:db8::1" };
	struct csr_params cp = { .subject = "CN=r1.example.com,O=Example,"
	    "OU=VPN,C=US", .dns = dns, .ndns = 2, .ips = ips, .nips = 2,
	    .serial = "98S8FAWRFAQ", .challenge = "otp-123456",
	    .hash = "sha256" };
	struct err e = { 0 };
	X509_REQ *req, *req2;
	char path[512], *out;
	int st;

	req = csr_build("rsa", &cp, &e);
	check(req != NULL, "csr_build RSA %s", e.msg);
	write_pem(req, "rsa.csr", path, sizeof(path));
	out = run(&st, "openssl req -in %s -verify -noout -text 2>&1", path);
	check(st == 0 && strstr(out, "verify OK") != NULL,
	    "openssl req -verify: signature OK");
	check(strstr(out, "Subject: CN = r1.example.com, O = Example, "
	    "OU = VPN, C = US, serialNumber = 98S8FAWRFAQ\n") != NULL,
	    "subject in IOS order with serialNumber appended");
	check(strstr(out, "DNS:r1.example.com, DNS:alt.example.com, "
	    "IP Address:192.0.2.10, IP Address:2001:DB8:0:0:0:0:0:1\n") != NULL,
	    "SAN with two DNS names, IPv4 and IPv6");
	check(strstr(out, "challengePassword") != NULL &&
	    strstr(out, ":otp-123456") != NULL, "challengePassword attribute");
	check(challenge_type(req) == V_ASN1_PRINTABLESTRING,
	    "challengePassword as PrintableString (what every SCEP server "
	    "reads)");
	cp.challenge = "p@ss_w0rd";
	req2 = csr_build("rsa", &cp, &e);
	check(req2 != NULL && challenge_type(req2) == V_ASN1_UTF8STRING,
	    "challengePassword outside PrintableString (@, _): UTF8String");
	X509_REQ_free(req2);
	cp.challenge = "\xff\xfe";
	req2 = csr_build("rsa", &cp, &e);
	check(req2 == NULL && e.code == E_CRYPTO,
	    "challengePassword that is not UTF-8: refused (%s)", e.msg);
	X509_REQ_free(req2);
	check(strstr(out, "Signature Algorithm: sha256WithRSAEncryption") !=
	    NULL && strstr(out, "Public-Key: (2048 bit)") != NULL,
	    "sha256WithRSAEncryption over the 2048-bit key");
	free(out);
	out = run(&st, "openssl req -in %s -noout -pubkey | openssl pkey "
	    "-pubin -outform DER | od -An -tx1 | tr -d ' \\n'; echo; "
	    "openssl pkey -in %s/keys/rsa.pem -pubout -outform DER | "
	    "od -An -tx1 | tr -d ' \\n'", path, tmp);
	check(st == 0 && strchr(out, '\n') != NULL &&
	    strncmp(out, strchr(out, '\n') + 1, strlen(strchr(out, '\n') + 1))
	    == 0 && strlen(out) > 500, "CSR public key is the keystore key");
	free(out);
	out = run(&st, "openssl asn1parse -in %s | grep -c "
	    "'X509v3 Subject Alternative Name'", path);
	check(atoi(out) == 1, "exactly one subjectAltName extension");
	free(out);
	X509_REQ_free(req);
}

static void
t_build_ec_and_plain(void)
{
	struct csr_params cp = { .subject = "cn=ec.example.com",
	    .hash = "SHA384" };
	struct err e = { 0 };
	X509_REQ *req;
	char path[512], *out;
	int st;

	req = csr_build("ec", &cp, &e);
	write_pem(req, "ec.csr", path, sizeof(path));
	out = run(&st, "openssl req -in %s -verify -noout -text 2>&1", path);
	check(req != NULL && st == 0 && strstr(out, "verify OK") != NULL &&
	    strstr(out, "ecdsa-with-SHA384") != NULL,
	    "EC CSR signed with ecdsa-with-SHA384 verifies");
	free(out);
	/* openssl -text prints "Requested Extensions:" even without any */
	out = run(&st, "openssl asn1parse -in %s", path);
	check(st == 0 && strstr(out, "challengePassword") == NULL &&
	    strstr(out, "Extension Request") == NULL &&
	    strstr(out, "cont [ 0 ]") != NULL,
	    "empty attribute set: no challengePassword, no extensionRequest");
	free(out);
	X509_REQ_free(req);
	req = csr_build("ec", NULL, &e);
	write_pem(req, "plain.csr", path, sizeof(path));
	out = run(&st, "openssl req -in %s -verify -noout -text 2>&1", path);
	check(req != NULL && st == 0 && strstr(out, "verify OK") != NULL &&
	    strstr(out, "ecdsa-with-SHA256") != NULL,
	    "NULL params: empty subject, SHA-256, verifies");
	free(out);
	X509_REQ_free(req);
}

static void
t_build_errors(void)
{
	static const char *const badip[] = { "300.1.1.1" };
	static const char *const baddns[] = { "bad name" };
	struct csr_params cp = { .subject = "CN=x" };
	struct err e = { 0 };
	X509_REQ *req;

	cp.ips = badip;
	cp.nips = 1;
	req = csr_build("rsa", &cp, &e);
	check(req == NULL && e.code == E_INVAL && strstr(e.msg, "300.1.1.1"),
	    "bad IP address rejected: %s", e.msg);
	cp.nips = 0;
	cp.dns = baddns;
	cp.ndns = 1;
	e.code = E_OK;
	req = csr_build("rsa", &cp, &e);
	check(req == NULL && e.code == E_INVAL, "bad DNS name rejected: %s",
	    e.msg);
	cp.ndns = 0;
	cp.hash = "md5";
	e.code = E_OK;
	req = csr_build("rsa", &cp, &e);
	check(req == NULL && e.code == E_INVAL, "md5 rejected: %s", e.msg);
	cp.hash = NULL;
	cp.subject = "CN=a,ZZ=b";
	e.code = E_OK;
	req = csr_build("rsa", &cp, &e);
	check(req == NULL && e.code == E_INVAL, "bad subject fails the build");
	cp.subject = "CN=x";
	e.code = E_OK;
	req = csr_build("nokey", &cp, &e);
	check(req == NULL && e.code == E_NOTFOUND, "missing key: E_NOTFOUND");
}

static void
t_encodings(void)
{
	struct csr_params cp = { .subject = "CN=enc.example.com,O=Example" };
	struct err e = { 0 };
	X509_REQ *req;
	char *b64, *pem, path[512], *out, *line, *save = NULL;
	unsigned char *der;
	size_t len = 0, flen = 0;
	int st, ok = 1, lines = 0;
	char *ref;

	req = csr_build("rsa", &cp, &e);
	b64 = csr_to_base64(req);
	pem = csr_to_pem(req);
	der = csr_to_der(req, &len);
	check(pem != NULL && strncmp(pem, "-----BEGIN CERTIFICATE REQUEST-----\n",
	    36) == 0 && strstr(pem, "-----END CERTIFICATE REQUEST-----\n"),
	    "csr_to_pem has the PEM armour");
	check(b64 != NULL && strstr(b64, "-----") == NULL &&
	    b64[strlen(b64) - 1] == '\n', "csr_to_base64 has no armour and "
	    "ends in a newline");
	out = strdup(b64 != NULL ? b64 : "");
	for (line = strtok_r(out, "\n", &save); line != NULL;
	    line = strtok_r(NULL, "\n", &save), lines++)
		if (strlen(line) > 64 || (strlen(line) < 64 &&
		    strtok_r(NULL, "\n", &save) != NULL))
			ok = 0;
	check(ok && lines > 5, "base64 lines are 64 characters (last shorter)");
	free(out);
	snprintf(path, sizeof(path), "%s/b64.txt", tmp);
	file_write_atomic(path, b64, strlen(b64), 0600, &e);
	free(run(&st, "openssl base64 -d -in %s -out %s/b64.der", path, tmp));
	snprintf(path, sizeof(path), "%s/b64.der", tmp);
	ref = file_read(path, 65536, &flen, &e);
	check(ref != NULL && der != NULL && flen == len &&
	    memcmp(ref, der, len) == 0, "base64 decodes to the DER request");
	free(ref);
	write_pem(req, "enc.csr", path, sizeof(path));
	free(run(&st, "openssl req -in %s -outform DER -out %s/enc.der",
	    path, tmp));
	snprintf(path, sizeof(path), "%s/enc.der", tmp);
	ref = file_read(path, 65536, &flen, &e);
	check(ref != NULL && flen == len && memcmp(ref, der, len) == 0,
	    "csr_to_der equals openssl req -outform DER");
	free(ref);
	free(der);
	free(b64);
	free(pem);
	X509_REQ_free(req);
}

int
main(void)
{
	struct err e = { 0 };
	char kd[300];

	if (t_mkdtemp("csr") == -1)
		return 1;
	snprintf(kd, sizeof(kd), "%s/keys", tmp);
	if (key_store_init(kd, &e) == -1 ||
	    key_generate("rsa", KEY_RSA, 2048, 0, &e) == -1 ||
	    key_generate("ec", KEY_EC, 256, 0, &e) == -1) {
		printf("not ok 1 - fixtures: %s\n0 passed, 1 failed\n", e.msg);
		return 1;
	}
	t_parse_dn();
	t_build_rsa();
	t_build_ec_and_plain();
	t_build_errors();
	t_encodings();
	return t_finish();
}
