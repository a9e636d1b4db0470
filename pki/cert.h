/* pki/cert.h - X.509 certificates: parsing (PEM, base64, DER, IOS hex),
 * fingerprints, chain verification, self-signed certificates and the IOS /
 * ASA `show` renderings. No state; every function is thread-safe.
 * Returned strings are malloc'd (free()); returned X509 and stacks belong to
 * the caller (X509_free, sk_X509_pop_free(sk, X509_free)). */
#ifndef PKI_CERT_H
#define PKI_CERT_H
#include <stddef.h>
#include <time.h>
#include <openssl/x509.h>
#include "lib/err.h"
#include "pki/csr.h"

/* One or more PEM blocks, bare base64 DER (as pasted into IOS) or raw DER. */
STACK_OF(X509) *cert_parse_any(const char *text, size_t len, struct err *);
/* md: "md5", "sha1", "sha256". IOS form "AAAAAAAA BBBBBBBB ..." (upper
 * case, 8 hex digits per group). Returns 0, or -1 if md is unknown or out
 * is too small (72 bytes suffice for sha256). */
int	 cert_fingerprint(X509 *, const char *md, char *out, size_t len);
int	 cert_is_ca(X509 *);		/* 1: CA:TRUE or v1 self-signed */
int	 cert_is_self_signed(X509 *);	/* 1: issuer == subject, sig ok */
/* Minimal upper-case hex, even number of digits: "01", "793B5727...". */
char	*cert_serial_hex(X509 *);
int	 cert_matches_key(X509 *, EVP_PKEY *);	/* 1 if the public keys match */
/* Verify leaf against cas (intermediates + self-signed anchors; without a
 * self-signed root the topmost CA given is the anchor) at time at
 * (0 = clock_now()). */
int	 cert_verify_chain(X509 *leaf, STACK_OF(X509) *cas, time_t at,
	    struct err *);
X509	*cert_dup(X509 *);			/* deep copy (X509_dup) */
char	*cert_to_pem(X509 *);
char	*certs_to_pem(STACK_OF(X509) *);
/* DER, *len set; NULL on failure. */
unsigned char *cert_to_der(X509 *, size_t *len);

/* IOS running-config hex: lines "  XXXXXXXX XXXXXXXX ..." (8 groups per
 * line), each ending "\n"; without the "  \tquit" terminator. */
char	*cert_to_ios_hex(X509 *);
/* Accepts whitespace anywhere and either case. */
X509	*cert_from_ios_hex(const char *hex, struct err *);
/* Hex helpers shared with the key display: lines of 8 groups of 8 upper-case
 * hex digits after indent; trail != 0 puts a space before each line break
 * (the `show crypto key mypubkey` layout). "" for n == 0. */
char	*cert_hex_lines(const unsigned char *, size_t, const char *indent,
	    int trail);
/* One line "AAAAAAAA BBBBBBBB ..." into out; 0, or -1 if out is too small. */
int	 cert_hex_groups(const unsigned char *, size_t, char *out, size_t len);

/* Self-signed router certificate (serial 01, not a CA) for the keystore key
 * key_label; SANs and hash from sans (may be NULL); notBefore = clock_now(). */
X509	*cert_selfsigned(const char *key_label, const X509_NAME *subject,
	    const struct csr_params *sans, int days, struct err *);

/* "cn=a,o=b": lower-case IOS attribute names, DER order, "+" joins the
 * attributes of a multi-valued RDN. */
char	*cert_name_oneline_ios(const X509_NAME *);
/* One RDN per line, each prefixed by indent and ended by "\n". */
char	*cert_name_lines_ios(const X509_NAME *, const char *indent);

/* `show crypto pki certificates [verbose]` block (no trailing blank line).
 * header: "Certificate", "CA Certificate", "CA Certificate (Rollover)",
 * "Router Self-Signed Certificate", ...; trustpoints are listed on
 * "Associated Trustpoints:"; key_label (identity certs) on "Key Label:"
 * (verbose); renew_or_0 adds "renew date:". */
char	*cert_show_ios(X509 *, const char *header,
	    const char *const *trustpoints, size_t ntp,
	    const char *key_label_or_NULL, time_t renew_or_0, int verbose);
/* ASA `show crypto ca certificates` block. */
char	*cert_show_asa(X509 *, const char *header, const char *const *tps,
	    size_t ntp, time_t renew_or_0);

#endif
