/* pki/cert_facts.h - a certificate's fields as typed values, for the
 * machine-readable views (`| json`, metrics). */
#ifndef PKI_CERT_FACTS_H
#define PKI_CERT_FACTS_H
#include <time.h>
#include <openssl/x509.h>

#define CF_MAX_SANS	32

struct cert_san {
	char		 type[8];	/* "dns", "ip", "email", "uri" */
	char		 value[256];
};

struct cert_facts {
	char		 subject[1024];	/* RFC 4514 */
	char		 issuer[1024];
	char		 serial[128];	/* upper-case hex */
	time_t		 not_before, not_after;
	struct cert_san	 sans[CF_MAX_SANS];
	size_t		 nsans;
	char		 key_type[16];	/* "rsa", "ec", "ed25519", ... */
	int		 key_bits;
	char		 curve[32];	/* EC: "prime256v1", else "" */
	char		 sha1[64];	/* "AB:CD:..." as openssl prints */
	char		 sha256[104];
	int		 is_ca, self_signed;
};

/* Fill *f from x; 0, or -1 when x is NULL or unreadable. */
int	cert_facts_get(X509 *x, struct cert_facts *f);
/* RFC 3339 UTC: "2026-12-07T07:00:00Z" (buf of 24 bytes or more). */
char	*cert_rfc3339(time_t, char *buf, size_t len);

#endif
