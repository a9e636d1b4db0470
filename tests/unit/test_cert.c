/* tests/unit/test_cert.c - certificate parsing, fingerprints, CA tests,
 * serials, IOS hex, self-signed certificates, chain verification and the
 * IOS/ASA show blocks. Fixtures come from the openssl CLI; expected values
 * are computed independently with openssl and python3. */
#define _GNU_SOURCE
#include <openssl/evp.h>
#include <openssl/x509v3.h>
#include "lib/clock.h"
#include "pki/csr.h"
#include "pki/key.h"
#include "tests/unit/testlib.h"

/* run() with the trailing newline removed */
static char *
run1(const char *fmt, const char *arg1, const char *arg2)
{
	char *s = run(NULL, fmt, tmp, arg1, arg2);
	size_t n = strlen(s);

	if (n > 0 && s[n - 1] == '\n')
		s[n - 1] = '\0';
	return s;
}

static const char fixtures[] =
"set -e; cd %s\n"
"cat > ext.cnf <<'EOF'\n"
"[root]\nbasicConstraints=critical,CA:TRUE\n"
"keyUsage=critical,digitalSignature,keyCertSign,cRLSign\n"
"subjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid:always\n"
"[inter]\nbasicConstraints=critical,CA:TRUE,pathlen:0\n"
"keyUsage=critical,digitalSignature,keyCertSign,cRLSign\n"
"subjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid:always\n"
"[leaf]\nbasicConstraints=CA:FALSE\n"
"keyUsage=critical,digitalSignature,keyEncipherment\n"
"extendedKeyUsage=serverAuth,clientAuth\nsubjectKeyIdentifier=hash\n"
"authorityKeyIdentifier=keyid\n"
"subjectAltName=DNS:leaf.example.com,IP:192.0.2.7,IP:2001:db8::7\n"
"crlDistributionPoints=URI:http://ca.example/ca.crl\n"
"authorityInfoAccess=caIssuers;URI:http://ca.example/ca.crt,"
"OCSP;URI:http://ocsp.example\n"
"[ecleaf]\nkeyUsage=digitalSignature\n"
"EOF\n"
"mk() { openssl req -new -newkey $2 -nodes -keyout $1.key -subj \"$3\" "
"$4 -out $1.csr 2>/dev/null; }\n"
"mk root rsa:2048 '/CN=Test Root/O=Example'\n"
"openssl x509 -req -in root.csr -signkey root.key -days 3650 -set_serial 1 "
"-extfile ext.cnf -extensions root -out root.pem 2>/dev/null\n"
"mk inter rsa:2048 '/CN=Test Intermediate/O=Example'\n"
"openssl x509 -req -in inter.csr -CA root.pem -CAkey root.key -days 1825 "
"-set_serial 0x3E -extfile ext.cnf -extensions inter -out inter.pem "
"2>/dev/null\n"
"mk leaf rsa:2048 '/CN=leaf.example.com/O=Example/OU=VPN/C=US'\n"
"openssl x509 -req -in leaf.csr -CA inter.pem -CAkey inter.key -days 365 "
"-set_serial 0x793B572700000003750B -extfile ext.cnf -extensions leaf "
"-out leaf.pem 2>/dev/null\n"
"mk ecroot ec:<(openssl ecparam -name prime256v1) '/CN=EC Root'\n"
"openssl x509 -req -in ecroot.csr -signkey ecroot.key -days 3650 "
"-set_serial 2 -extfile ext.cnf -extensions root -out ecroot.pem "
"2>/dev/null\n"
"mk ecleaf ec:<(openssl ecparam -name prime256v1) "
"'/serialNumber=98S8FAWRFAQ+unstructuredName=CLIENT+"
"unstructuredAddress=200.1.1.1' -multivalue-rdn\n"
"openssl x509 -req -in ecleaf.csr -CA ecroot.pem -CAkey ecroot.key "
"-days 365 -set_serial 0xDC -extfile ext.cnf -extensions ecleaf "
"-out ecleaf.pem 2>/dev/null\n"
"mk other rsa:2048 '/CN=Other Root'\n"
"openssl x509 -req -in other.csr -signkey other.key -days 3650 "
"-set_serial 256 -extfile ext.cnf -extensions root -out other.pem "
"2>/dev/null\n"
"mk v1 rsa:2048 '/CN=V1 Root'\n"
"openssl x509 -req -in v1.csr -signkey v1.key -days 30 -set_serial 0 "
"-out v1.pem 2>/dev/null\n"
"for c in root inter leaf ecleaf; do openssl x509 -in $c.pem -outform DER "
"-out $c.der; done\n"
"cat leaf.pem inter.pem root.pem > chain.pem\n"
"cat > fx.py <<'EOF'\n"
"import sys, time, hashlib, subprocess\n"
"from cryptography import x509\n"
"from cryptography.hazmat.primitives import serialization as s\n"
"def groups(h): return ' '.join(h[i:i+8] for i in range(0, len(h), 8))\n"
"op, f = sys.argv[1], sys.argv[2]\n"
"if op == 'date':\n"
"  v = subprocess.check_output(['openssl', 'x509', '-noout', '-' + "
"sys.argv[3], '-in', f]).decode().split('=', 1)[1].strip()\n"
"  t = time.strptime(v, '%%b %%d %%H:%%M:%%S %%Y GMT')\n"
"  print('%%02d:%%02d:%%02d UTC %%s %%d %%d' %% (t.tm_hour, t.tm_min, "
"t.tm_sec, time.strftime('%%b', t), t.tm_mday, t.tm_year))\n"
"elif op == 'fp':\n"
"  v = subprocess.check_output(['openssl', 'x509', '-noout', "
"'-fingerprint', '-' + sys.argv[3], '-in', f]).decode()\n"
"  print(groups(v.split('=', 1)[1].strip().replace(':', '')))\n"
"elif op == 'ski':\n"
"  v = subprocess.check_output(['openssl', 'x509', '-noout', '-ext', "
"'subjectKeyIdentifier', '-in', f]).decode().splitlines()[1]\n"
"  print(groups(v.strip().replace(':', '')))\n"
"elif op == 'hex':\n"
"  d = open(f, 'rb').read().hex().upper()\n"
"  g = [d[i:i+8] for i in range(0, len(d), 8)]\n"
"  for i in range(0, len(g), 8): print('  ' + ' '.join(g[i:i+8]))\n"
"elif op in ('pkhash', 'spkihash'):\n"
"  k = x509.load_pem_x509_certificate(open(f, 'rb').read()).public_key()\n"
"  fmt = s.PublicFormat.PKCS1 if op == 'pkhash' else "
"s.PublicFormat.SubjectPublicKeyInfo\n"
"  print(hashlib.sha1(k.public_bytes(s.Encoding.DER, fmt)).hexdigest())\n"
"EOF\n";

static void
t_parse_pem(void)
{
	struct err e = { 0 };
	STACK_OF(X509) *sk;
	char *t, *u, *b64;
	size_t len, dlen;
	X509 *leaf = load_cert("leaf.pem");

	t = slurp("chain.pem", &len);
	sk = cert_parse_any(t, len, &e);
	check(sk != NULL && sk_X509_num(sk) == 3 &&
	    X509_cmp(sk_X509_value(sk, 0), leaf) == 0,
	    "three PEM blocks parsed in order");
	sk_X509_pop_free(sk, X509_free);
	/* truncated PEM: cut in the middle of the second block */
	e.code = E_OK;
	sk = cert_parse_any(t, len * 1 / 2, &e);
	check(sk == NULL && e.code == E_INVAL && strstr(e.msg, "truncated"),
	    "truncated PEM rejected: %s", e.msg);
	/* drop the fourth base64 line of the first block: DER is broken */
	u = strdup(t);
	b64 = u;
	for (dlen = 0; dlen < 4; dlen++)
		b64 = strchr(b64, '\n') + 1;
	memmove(b64, b64 + 65, strlen(b64 + 65) + 1);
	e.code = E_OK;
	sk = cert_parse_any(u, strlen(u), &e);
	check(sk == NULL && e.code == E_INVAL && strstr(e.msg, "certificate 1"),
	    "PEM with a missing line rejected: %s", e.msg);
	free(u);
	free(t);
	X509_free(leaf);
}

static void
t_parse_b64_der(void)
{
	struct err e = { 0 };
	STACK_OF(X509) *sk;
	char *t, *u, *b64;
	size_t len, dlen;
	unsigned char *der;
	X509 *leaf = load_cert("leaf.pem");

	b64 = run1("cd %s && openssl base64 -in leaf.der", NULL, NULL);
	sk = cert_parse_any(b64, strlen(b64), &e);
	check(sk != NULL && sk_X509_num(sk) == 1 &&
	    X509_cmp(sk_X509_value(sk, 0), leaf) == 0,
	    "bare base64 DER with line breaks");
	sk_X509_pop_free(sk, X509_free);
	e.code = E_OK;
	sk = cert_parse_any(b64, strlen(b64) - 40, &e);
	check(sk == NULL && e.code == E_INVAL, "truncated base64 rejected: %s",
	    e.msg);
	free(b64);
	b64 = run1("cd %s && openssl base64 -A -in leaf.der", NULL, NULL);
	sk = cert_parse_any(b64, strlen(b64), &e);
	check(sk != NULL && sk_X509_num(sk) == 1, "base64 on one line");
	sk_X509_pop_free(sk, X509_free);
	free(b64);
	der = (unsigned char *)slurp("leaf.der", &dlen);
	sk = cert_parse_any((char *)der, dlen, &e);
	check(sk != NULL && sk_X509_num(sk) == 1 &&
	    X509_cmp(sk_X509_value(sk, 0), leaf) == 0, "raw DER");
	sk_X509_pop_free(sk, X509_free);
	e.code = E_OK;
	sk = cert_parse_any((char *)der, dlen - 10, &e);
	check(sk == NULL && e.code == E_INVAL, "truncated DER rejected");
	free(der);
	der = (unsigned char *)slurp("leaf.der", &dlen);
	u = slurp("inter.der", &len);
	der = realloc(der, dlen + len);
	memcpy(der + dlen, u, len);
	sk = cert_parse_any((char *)der, dlen + len, &e);
	check(sk != NULL && sk_X509_num(sk) == 2, "two concatenated DER certs");
	sk_X509_pop_free(sk, X509_free);
	free(u);
	free(der);
	e.code = E_OK;
	sk = cert_parse_any("hello world, not a cert", 23, &e);
	check(sk == NULL && strcmp(e.msg, "input is not a certificate (PEM, "
	    "base64 or DER)") == 0, "garbage text rejected: %s", e.msg);
	e.code = E_OK;
	sk = cert_parse_any("\x30\x82\x01\x00garbage", 11, &e);
	check(sk == NULL && e.code == E_INVAL, "garbage DER rejected");
	e.code = E_OK;
	sk = cert_parse_any("", 0, &e);
	check(sk == NULL && e.code == E_INVAL, "empty input rejected");
	t = slurp("leaf.key", &len);
	e.code = E_OK;
	sk = cert_parse_any(t, len, &e);
	check(sk == NULL && e.code == E_INVAL, "PEM without a certificate "
	    "block rejected: %s", e.msg);
	free(t);
	X509_free(leaf);
}

static void
t_fingerprints(void)
{
	static const char *const mds[] = { "md5", "sha1", "sha256" };
	X509 *leaf = load_cert("leaf.pem");
	char fp[128], *want, *p;
	size_t i;
	int groups;

	for (i = 0; i < 3; i++) {
		want = run1("cd %s && python3 fx.py fp leaf.pem %s", mds[i],
		    NULL);
		check(cert_fingerprint(leaf, mds[i], fp, sizeof(fp)) == 0 &&
		    strcmp(fp, want) == 0, "%s fingerprint matches openssl: %s",
		    mds[i], fp);
		for (groups = 1, p = fp; *p; p++)
			groups += *p == ' ';
		check(groups == (i == 0 ? 4 : i == 1 ? 5 : 8),
		    "%s has %d groups", mds[i], groups);
		free(want);
	}
	check(cert_fingerprint(leaf, "md5", fp, 20) == -1,
	    "short buffer refused");
	check(cert_fingerprint(leaf, "sha999", fp, sizeof(fp)) == -1,
	    "unknown digest refused");
	X509_free(leaf);
}

static void
t_kinds_and_serials(void)
{
	static const struct { const char *f; const char *serial; int ca, ss; }
	    c[] = { { "root.pem", "01", 1, 1 }, { "inter.pem", "3E", 1, 0 },
	    { "leaf.pem", "793B572700000003750B", 0, 0 },
	    { "ecleaf.pem", "DC", 0, 0 }, { "other.pem", "0100", 1, 1 },
	    { "v1.pem", "00", 1, 1 } };
	X509 *x;
	char *s, *want;
	size_t i;

	for (i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		x = load_cert(c[i].f);
		s = cert_serial_hex(x);
		want = run1("cd %s && openssl x509 -noout -serial -in %s | "
		    "cut -d= -f2", c[i].f, NULL);
		check(s != NULL && strcmp(s, c[i].serial) == 0 &&
		    strtoul(s, NULL, 16) == strtoul(want, NULL, 16),
		    "%s serial %s (openssl %s)", c[i].f, s, want);
		check(cert_is_ca(x) == c[i].ca, "%s cert_is_ca %d", c[i].f,
		    c[i].ca);
		check(cert_is_self_signed(x) == c[i].ss,
		    "%s cert_is_self_signed %d", c[i].f, c[i].ss);
		free(s);
		free(want);
		X509_free(x);
	}
	s = run1("cd %s && openssl x509 -noout -text -in v1.pem | grep "
	    "Version", NULL, NULL);
	check(strstr(s, "Version: 1") != NULL, "v1 fixture really is v1");
	free(s);
}

static void
t_ios_hex(void)
{
	struct err e = { 0 };
	X509 *leaf = load_cert("leaf.pem"), *back;
	char *hex, *want, *lower, *p, *hex2;
	unsigned char *der, *ref;
	size_t dlen, rlen, i, j;

	hex = cert_to_ios_hex(leaf);
	want = run(NULL, "cd %s && python3 fx.py hex leaf.der", tmp);
	check(hex != NULL && strcmp(hex, want) == 0,
	    "IOS hex layout matches the independent rendering");
	check(hex != NULL && strstr(hex, " \n") == NULL &&
	    strncmp(hex, "  3082", 6) == 0, "no trailing spaces, 2-space indent");
	free(want);
	back = cert_from_ios_hex(hex, &e);
	der = cert_to_der(back, &dlen);
	ref = (unsigned char *)slurp("leaf.der", &rlen);
	check(der != NULL && dlen == rlen && memcmp(der, ref, rlen) == 0,
	    "hex -> cert -> DER is byte-exact");
	hex2 = cert_to_ios_hex(back);
	check(hex2 != NULL && strcmp(hex, hex2) == 0, "hex round-trips");
	free(hex2);
	free(der);
	X509_free(back);
	/* lower case, whitespace everywhere */
	lower = malloc(strlen(hex) * 2 + 1);
	for (p = lower, i = 0, j = 0; hex[i] != '\0'; i++) {
		*p++ = (char)(hex[i] >= 'A' && hex[i] <= 'F' ? hex[i] + 32 :
		    hex[i]);
		if (++j % 7 == 0)
			*p++ = j % 2 ? '\t' : '\n';
	}
	*p = '\0';
	back = cert_from_ios_hex(lower, &e);
	der = cert_to_der(back, &dlen);
	check(der != NULL && dlen == rlen && memcmp(der, ref, rlen) == 0,
	    "lower case with stray whitespace decodes to the same DER");
	free(der);
	X509_free(back);
	free(lower);
	e.code = E_OK;
	hex[strlen(hex) - 2] = '\0';	/* drop one digit + newline */
	check(cert_from_ios_hex(hex, &e) == NULL && e.code == E_INVAL,
	    "odd digit count rejected: %s", e.msg);
	free(hex);
	hex = cert_to_ios_hex(leaf);
	*strrchr(hex, '\n') = '\0';
	*(strrchr(hex, '\n') + 1) = '\0';	/* drop the last line */
	e.code = E_OK;
	check(cert_from_ios_hex(hex, &e) == NULL && e.code == E_INVAL &&
	    strstr(e.msg, "not a valid DER certificate"),
	    "truncated certificate rejected: %s", e.msg);
	e.code = E_OK;
	check(cert_from_ios_hex("3082 01ZZ", &e) == NULL && e.code == E_INVAL,
	    "non-hex character rejected: %s", e.msg);
	free(hex);
	hex = cert_to_ios_hex(leaf);
	hex2 = malloc(strlen(hex) + 8);
	sprintf(hex2, "%s 00 00", hex);
	e.code = E_OK;
	check(cert_from_ios_hex(hex2, &e) == NULL && e.code == E_INVAL,
	    "trailing bytes after the certificate rejected");
	free(hex2);
	free(hex);
	free(ref);
	X509_free(leaf);
}

static void
t_selfsigned(void)
{
	static const char *const dns[] = { "r1.example.com" };
	static const char *const ips[] = { "192.0.2.1" };
	struct csr_params sans = { .dns = dns, .ndns = 1, .ips = ips,
	    .nips = 1 };
	struct err e = { 0 };
	X509_NAME *nm = csr_parse_dn("CN=R1.example.com,O=Lab", &e);
	X509 *x, *ecx;
	EVP_PKEY *pk, *other;
	char *pem, path[512], *out;
	int st;

	clock_set(1700000000);
	x = cert_selfsigned("ssrsa", nm, &sans, 365, &e);
	check(x != NULL, "cert_selfsigned RSA %s", e.msg);
	pem = cert_to_pem(x);
	snprintf(path, sizeof(path), "%s/ss.pem", tmp);
	file_write_atomic(path, pem, strlen(pem), 0600, &e);
	free(pem);
	out = run(&st, "openssl x509 -in %s -noout -text", path);
	check(st == 0 && strstr(out, "Serial Number: 1 (0x1)") &&
	    strstr(out, "Version: 3"), "openssl: v3, serial 01");
	check(strstr(out, "Not Before: Nov 14 22:13:20 2023 GMT") &&
	    strstr(out, "Not After : Nov 13 22:13:20 2024 GMT"),
	    "notBefore is clock_now(), 365 days");
	check(strstr(out, "Issuer: CN = R1.example.com, O = Lab") &&
	    strstr(out, "Subject: CN = R1.example.com, O = Lab"),
	    "issuer == subject in the given order");
	check(strstr(out, "Digital Signature, Key Encipherment") &&
	    strstr(out, "DNS:r1.example.com, IP Address:192.0.2.1") &&
	    strstr(out, "Basic Constraints") == NULL,
	    "keyUsage, SAN, no basicConstraints");
	free(out);
	out = run(&st, "openssl verify -attime 1700000100 -check_ss_sig "
	    "-CAfile %s %s 2>&1", path, path);
	check(st == 0 && strstr(out, ": OK\n") != NULL,
	    "openssl verify accepts the self-signed cert");
	free(out);
	check(cert_is_self_signed(x) == 1 && cert_is_ca(x) == 0,
	    "self-signed, not a CA");
	pk = key_get1("ssrsa", &e);
	other = key_get1("ssec", &e);
	check(cert_matches_key(x, pk) == 1 && cert_matches_key(x, other) == 0,
	    "cert_matches_key: own key 1, other key 0");
	ecx = cert_selfsigned("ssec", nm, NULL, 30, &e);
	check(ecx != NULL && X509_get_signature_nid(ecx) ==
	    NID_ecdsa_with_SHA256 && X509_get_key_usage(ecx) ==
	    KU_DIGITAL_SIGNATURE, "EC self-signed: ecdsa-with-SHA256, "
	    "digitalSignature only");
	e.code = E_OK;
	check(cert_selfsigned("ssrsa", nm, NULL, 0, &e) == NULL &&
	    e.code == E_INVAL, "0 days rejected");
	e.code = E_OK;
	check(cert_selfsigned("nokey", nm, NULL, 30, &e) == NULL &&
	    e.code == E_NOTFOUND, "missing key: E_NOTFOUND");
	EVP_PKEY_free(pk);
	EVP_PKEY_free(other);
	X509_free(ecx);
	X509_free(x);
	X509_NAME_free(nm);
}

static void
t_verify(void)
{
	struct err e = { 0 };
	X509 *leaf = load_cert("leaf.pem"), *inter = load_cert("inter.pem"),
	    *root = load_cert("root.pem"), *other = load_cert("other.pem");
	STACK_OF(X509) *cas = sk_X509_new_null();
	char *out;
	int st;
	time_t now = time(NULL);

	clock_set(now);
	out = run(&st, "cd %s && openssl verify -CAfile root.pem -untrusted "
	    "inter.pem leaf.pem", tmp);
	check(st == 0, "openssl verify accepts the fixture chain");
	free(out);
	sk_X509_push(cas, inter);
	sk_X509_push(cas, root);
	check(cert_verify_chain(leaf, cas, 0, &e) == 0,
	    "leaf verifies against [inter, root] %s", e.msg);
	e.code = E_OK;
	check(cert_verify_chain(leaf, cas, now + 3 * 365 * 86400L, &e) == -1 &&
	    strstr(e.msg, "certificate has expired"),
	    "3 years later: %s", e.msg);
	e.code = E_OK;
	check(cert_verify_chain(leaf, cas, now - 86400L * 30, &e) == -1 &&
	    strstr(e.msg, "certificate is not yet valid"),
	    "a month earlier: %s", e.msg);
	clock_set(now + 3 * 365 * 86400L);
	e.code = E_OK;
	check(cert_verify_chain(leaf, cas, 0, &e) == -1 &&
	    strstr(e.msg, "expired"), "at 0 the virtual clock is used");
	clock_set(now);
	sk_X509_zero(cas);
	sk_X509_push(cas, root);
	sk_X509_push(cas, inter);
	check(cert_verify_chain(leaf, cas, 0, &e) == 0,
	    "order of the CA list does not matter");
	sk_X509_zero(cas);
	sk_X509_push(cas, inter);
	check(cert_verify_chain(leaf, cas, 0, &e) == 0,
	    "intermediate alone is the anchor (partial chain)");
	sk_X509_zero(cas);
	sk_X509_push(cas, root);
	e.code = E_OK;
	check(cert_verify_chain(leaf, cas, 0, &e) == -1 &&
	    strstr(e.msg, "unable to get local issuer certificate"),
	    "missing intermediate: %s", e.msg);
	sk_X509_zero(cas);
	sk_X509_push(cas, other);
	e.code = E_OK;
	check(cert_verify_chain(leaf, cas, 0, &e) == -1 && e.code == E_CRYPTO,
	    "unrelated CA: %s", e.msg);
	sk_X509_zero(cas);
	e.code = E_OK;
	check(cert_verify_chain(leaf, cas, 0, &e) == -1 && e.code == E_INVAL,
	    "no CA: E_INVAL");
	sk_X509_push(cas, root);
	check(cert_verify_chain(root, cas, 0, &e) == 0,
	    "a root verifies against itself");
	sk_X509_free(cas);
	X509_free(leaf);
	X509_free(inter);
	X509_free(root);
	X509_free(other);
}

static void
t_names_and_pem(void)
{
	X509 *leaf = load_cert("leaf.pem"), *ec = load_cert("ecleaf.pem"), *d;
	STACK_OF(X509) *sk;
	char *s, *t;
	size_t len;
	int plus = 0;

	s = cert_name_oneline_ios(X509_get_subject_name(leaf));
	check(strcmp(s, "cn=leaf.example.com,o=Example,ou=VPN,c=US") == 0,
	    "oneline: %s", s);
	free(s);
	s = cert_name_lines_ios(X509_get_subject_name(leaf), "    ");
	check(strcmp(s, "    cn=leaf.example.com\n    o=Example\n    ou=VPN\n"
	    "    c=US\n") == 0, "multi-line form");
	free(s);
	s = cert_name_oneline_ios(X509_get_subject_name(ec));
	for (t = s; *t; t++)
		plus += *t == '+';
	check(plus == 2 && strchr(s, ',') == NULL &&
	    strstr(s, "serialNumber=98S8FAWRFAQ") &&
	    strstr(s, "hostname=CLIENT") && strstr(s, "ipaddress=200.1.1.1"),
	    "multi-valued RDN joined by '+': %s", s);
	free(s);
	s = cert_to_pem(leaf);
	t = slurp("leaf.pem", &len);
	check(s != NULL && strcmp(s, t) == 0, "cert_to_pem equals the fixture");
	free(s);
	free(t);
	t = slurp("chain.pem", &len);
	sk = cert_parse_any(t, len, NULL);
	s = certs_to_pem(sk);
	check(s != NULL && strcmp(s, t) == 0, "certs_to_pem equals the chain");
	free(s);
	free(t);
	sk_X509_pop_free(sk, X509_free);
	d = cert_dup(leaf);
	check(d != NULL && d != leaf && X509_cmp(d, leaf) == 0, "cert_dup");
	X509_free(d);
	X509_free(leaf);
	X509_free(ec);
}

static void
t_show_ios(void)
{
	static const char *const tps[] = { "TP1", "TP2" };
	X509 *leaf = load_cert("leaf.pem"), *root = load_cert("root.pem");
	char *got, want[8192], *s1, *e1, *s2, *e2;

	s1 = run1("cd %s && python3 fx.py date leaf.pem %s", "startdate", NULL);
	e1 = run1("cd %s && python3 fx.py date leaf.pem %s", "enddate", NULL);
	s2 = run1("cd %s && python3 fx.py date root.pem %s", "startdate", NULL);
	e2 = run1("cd %s && python3 fx.py date root.pem %s", "enddate", NULL);
	got = cert_show_ios(leaf, "Certificate", tps, 2, "k1", 0, 0);
	snprintf(want, sizeof(want), "Certificate\n  Status: Available\n"
	    "  Certificate Serial Number (hex): 793B572700000003750B\n"
	    "  Certificate Usage: General Purpose\n  Issuer: \n"
	    "    cn=Test Intermediate\n    o=Example\n  Subject:\n"
	    "    Name: leaf.example.com\n    cn=leaf.example.com\n"
	    "    o=Example\n    ou=VPN\n    c=US\n"
	    "  CRL Distribution Points: \n    http://ca.example/ca.crl\n"
	    "  Validity Date: \n    start date: %s\n    end   date: %s\n"
	    "  Associated Trustpoints: TP1 TP2 \n", s1, e1);
	check(got != NULL && strcmp(got, want) == 0, "IOS identity block");
	if (got != NULL && strcmp(got, want) != 0)
		printf("# got:\n%s# want:\n%s", got, want);
	free(got);
	got = cert_show_ios(root, "CA Certificate", tps, 1, NULL, 1700000000,
	    0);
	snprintf(want, sizeof(want), "CA Certificate\n  Status: Available\n"
	    "  Certificate Serial Number (hex): 01\n"
	    "  Certificate Usage: Signature\n  Issuer: \n"
	    "    cn=Test Root\n    o=Example\n  Subject: \n"
	    "    cn=Test Root\n    o=Example\n"
	    "  Validity Date: \n    start date: %s\n    end   date: %s\n"
	    "    renew date: 22:13:20 UTC Nov 14 2023\n"
	    "  Associated Trustpoints: TP1 \n", s2, e2);
	check(got != NULL && strcmp(got, want) == 0,
	    "IOS CA block with renew date");
	if (got != NULL && strcmp(got, want) != 0)
		printf("# got:\n%s# want:\n%s", got, want);
	free(got);
	free(s1);
	free(e1);
	free(s2);
	free(e2);
	X509_free(leaf);
	X509_free(root);
}

static void
t_show_ios_verbose(void)
{
	static const char *const tps[] = { "TP1", "TP2" };
	X509 *leaf = load_cert("leaf.pem"), *root = load_cert("root.pem"),
	    *ec = load_cert("ecroot.pem"), *ecl = load_cert("ecleaf.pem");
	char *got, want[8192], *s2, *e2, *md5, *sha1, *ski;

	s2 = run1("cd %s && python3 fx.py date root.pem %s", "startdate", NULL);
	e2 = run1("cd %s && python3 fx.py date root.pem %s", "enddate", NULL);
	md5 = run1("cd %s && python3 fx.py fp root.pem %s", "md5", NULL);
	sha1 = run1("cd %s && python3 fx.py fp root.pem %s", "sha1", NULL);
	ski = run1("cd %s && python3 fx.py ski root.pem", NULL, NULL);
	got = cert_show_ios(root, "CA Certificate", tps, 1, NULL, 0, 1);
	snprintf(want, sizeof(want), "CA Certificate\n  Status: Available\n"
	    "  Version: 3\n  Certificate Serial Number (hex): 01\n"
	    "  Certificate Usage: Signature\n  Issuer: \n"
	    "    cn=Test Root\n    o=Example\n  Subject: \n"
	    "    cn=Test Root\n    o=Example\n"
	    "  Validity Date: \n    start date: %s\n    end   date: %s\n"
	    "  Subject Key Info:\n    Public Key Algorithm: rsaEncryption\n"
	    "    RSA Public Key: (2048 bit)\n"
	    "  Signature Algorithm: SHA256 with RSA Encryption\n"
	    "  Fingerprint MD5: %s \n  Fingerprint SHA1: %s \n"
	    "  X509v3 extensions:\n    X509v3 Key Usage: 86000000\n"
	    "      Digital Signature\n      Key Cert Sign\n"
	    "      CRL Signature\n    X509v3 Subject Key ID: %s \n"
	    "    X509v3 Basic Constraints:\n        CA: TRUE\n"
	    "    X509v3 Authority Key ID: %s \n"
	    "  Associated Trustpoints: TP1 \n", s2, e2, md5, sha1, ski, ski);
	check(got != NULL && strcmp(got, want) == 0, "IOS verbose CA block");
	if (got != NULL && strcmp(got, want) != 0)
		printf("# got:\n%s# want:\n%s", got, want);
	free(got);
	got = cert_show_ios(leaf, "Certificate", tps, 1, "k1", 0, 1);
	check(got != NULL && strstr(got, "    X509v3 Key Usage: A0000000\n"
	    "      Digital Signature\n      Key Encipherment\n") &&
	    strstr(got, "    Extended Key Usage:\n        Server Auth\n"
	    "        Client Auth\n") &&
	    strstr(got, "    X509v3 Subject Alternative Name:\n"
	    "        leaf.example.com\n        IP Address : 192.0.2.7\n"
	    "        IP Address : 2001:db8::7\n") &&
	    strstr(got, "    Authority Info Access:\n"
	    "        CA ISSUERS: http://ca.example/ca.crt\n"
	    "        OCSP URL: http://ocsp.example\n") &&
	    strstr(got, "Basic Constraints") == NULL &&
	    strstr(got, "  Associated Trustpoints: TP1 \n  Key Label: k1\n"),
	    "IOS verbose identity: KU, EKU, SAN, AIA, key label");
	free(got);
	got = cert_show_ios(ec, "CA Certificate", tps, 1, NULL, 0, 1);
	check(got != NULL && strstr(got, "    Public Key Algorithm: "
	    "id-ecPublicKey\n    EC Public Key: (256 bit)\n  Signature "
	    "Algorithm: SHA256 with ECDSA\n"), "EC key and ECDSA signature");
	free(got);
	got = cert_show_ios(ecl, "Certificate", tps, 1, NULL, 0, 0);
	check(got != NULL && strstr(got, "  Subject:\n    Name: CLIENT\n"
	    "    IP Address: 200.1.1.1\n    Serial Number: 98S8FAWRFAQ\n    "),
	    "identity summary lines from hostname/ipaddress/serialNumber");
	free(got);
	free(md5);
	free(sha1);
	free(ski);
	free(s2);
	free(e2);
	X509_free(leaf);
	X509_free(root);
	X509_free(ec);
	X509_free(ecl);
}

static void
t_show_asa(void)
{
	static const char *const tps[] = { "acme" };
	X509 *leaf = load_cert("leaf.pem"), *ec = load_cert("ecroot.pem");
	char *got, want[4096], *s1, *e1, *pkh, *spkih;

	s1 = run1("cd %s && python3 fx.py date leaf.pem %s", "startdate", NULL);
	e1 = run1("cd %s && python3 fx.py date leaf.pem %s", "enddate", NULL);
	pkh = run1("cd %s && python3 fx.py pkhash leaf.pem", NULL, NULL);
	spkih = run1("cd %s && python3 fx.py spkihash leaf.pem", NULL, NULL);
	got = cert_show_asa(leaf, "Certificate", tps, 1, 1700000000);
	snprintf(want, sizeof(want), "Certificate\n  Status: Available\n"
	    "  Certificate Serial Number: 793b572700000003750b\n"
	    "  Certificate Usage: General Purpose\n"
	    "  Public Key Type: RSA (2048 bits)\n"
	    "  Signature Algorithm: sha256WithRSAEncryption\n"
	    "  Issuer Name: \n    CN=Test Intermediate\n    O=Example\n"
	    "  Subject Name: \n    CN=leaf.example.com\n    O=Example\n"
	    "    OU=VPN\n    C=US\n"
	    "  Validity Date: \n    start date: %s\n    end   date: %s\n"
	    "    renew date: 22:13:20 UTC Nov 14 2023\n"
	    "  Storage: immediate\n  Associated Trustpoints: acme \n"
	    "  Public Key Hashes: \n    SHA1 PublicKey hash: %s\n"
	    "    SHA1 PublicKeyInfo hash: %s\n", s1, e1, pkh, spkih);
	check(got != NULL && strcmp(got, want) == 0, "ASA identity block");
	if (got != NULL && strcmp(got, want) != 0)
		printf("# got:\n%s# want:\n%s", got, want);
	free(got);
	got = cert_show_asa(ec, "CA Certificate", tps, 1, 0);
	check(got != NULL && strstr(got, "  Public Key Type: ECDSA (256 bits)\n"
	    "  Signature Algorithm: ecdsa-with-SHA256\n") &&
	    strstr(got, "  Storage: config\n") && !strstr(got, "renew"),
	    "ASA CA block: ECDSA, config storage, no renew date");
	free(got);
	free(s1);
	free(e1);
	free(pkh);
	free(spkih);
	X509_free(leaf);
	X509_free(ec);
}

int
main(void)
{
	struct err e = { 0 };
	char cmd[8192], kd[300];
	int rc;

	if (t_mkdtemp("cert") == -1)
		return 1;
	snprintf(cmd, sizeof(cmd), fixtures, tmp);
	snprintf(kd, sizeof(kd), "%s/fx.sh", tmp);
	file_write_atomic(kd, cmd, strlen(cmd), 0700, &e);
	snprintf(cmd, sizeof(cmd), "bash %s/fx.sh", tmp);
	rc = system(cmd);
	snprintf(kd, sizeof(kd), "%s/keys", tmp);
	if (rc != 0 || key_store_init(kd, &e) == -1 ||
	    key_generate("ssrsa", KEY_RSA, 2048, 0, &e) == -1 ||
	    key_generate("ssec", KEY_EC, 256, 0, &e) == -1) {
		printf("not ok 1 - fixtures (%d) %s\n0 passed, 1 failed\n", rc,
		    e.msg);
		return 1;
	}
	t_parse_pem();
	t_parse_b64_der();
	t_fingerprints();
	t_kinds_and_serials();
	t_ios_hex();
	t_selfsigned();
	t_verify();
	t_names_and_pem();
	t_show_ios();
	t_show_ios_verbose();
	t_show_asa();
	return t_finish();
}
