/* SPDX-License-Identifier: ISC */
/*
 * scep/caps.c - GetCACaps (RFC 8894 section 3.5).
 *
 * Parses the capability list a CA returns (one keyword per line, case
 * insensitive, unknown keywords ignored; section 3.5.2) and chooses the
 * strongest message algorithms it advertises. SCEPStandard implies AES,
 * POSTPKIOperation and SHA-256 (section 3.5.2). Without caps, or without
 * any stronger keyword, the fallbacks are SHA-1 and DES-EDE3-CBC.
 * No state; callers own the struct scep_caps.
 */
#include <string.h>
#include <strings.h>
#include "lib/log.h"
#include "scep/scep_int.h"

/* Set the flag for one keyword (len bytes at kw, no line ending). */
static void
caps_word(struct scep_caps *c, const char *kw, size_t len)
{
	static const struct {
		const char	*word;
		int		 bit;
	} words[] = {
		{ "POSTPKIOperation", 0 }, { "SHA-1", 1 }, { "SHA-256", 2 },
		{ "SHA-512", 3 }, { "AES", 4 }, { "DES3", 5 }, { "Renewal", 6 },
		{ "GetNextCACert", 7 }, { "Update", 8 }, { "SCEPStandard", 9 },
	};
	size_t i;

	for (i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if (strlen(words[i].word) == len &&
		    strncasecmp(words[i].word, kw, len) == 0)
			break;
	switch (i < sizeof(words) / sizeof(words[0]) ? words[i].bit : -1) {
	case 0: c->post = 1; break;
	case 1: c->sha1 = 1; break;
	case 2: c->sha256 = 1; break;
	case 3: c->sha512 = 1; break;
	case 4: c->aes = 1; break;
	case 5: c->des3 = 1; break;
	case 6: c->renewal = 1; break;
	case 7: c->getnextca = 1; break;
	case 8: c->update = 1; break;
	case 9: c->scepstd = c->aes = c->post = c->sha256 = 1; break;
	default: break;			/* unknown keywords are ignored */
	}
}

/*
 * Parse a GetCACaps body into c (zeroed first). c->raw keeps the
 * keywords as received, one per line ("\n"), truncated to fit.
 */
void
scep_caps_parse(const char *body, size_t len, struct scep_caps *c)
{
	size_t i = 0, s, e, used = 0;

	memset(c, 0, sizeof(*c));
	while (i < len) {
		while (i < len && (body[i] == '\r' || body[i] == '\n' ||
		    body[i] == ' ' || body[i] == '\t'))
			i++;
		for (s = i; i < len && body[i] != '\r' && body[i] != '\n'; i++)
			;
		for (e = i; e > s && (body[e - 1] == ' ' ||
		    body[e - 1] == '\t'); e--)
			;
		if (e == s)
			continue;
		caps_word(c, body + s, e - s);
		if (used + (e - s) + 2 <= sizeof(c->raw)) {
			memcpy(c->raw + used, body + s, e - s);
			used += e - s;
			c->raw[used++] = '\n';
			c->raw[used] = '\0';
		}
	}
}

const EVP_MD *
scep_caps_md(const struct scep_caps *c)
{
	if (c != NULL && c->sha512)
		return EVP_sha512();
	if (c != NULL && c->sha256)
		return EVP_sha256();
	return EVP_sha1();
}

const EVP_CIPHER *
scep_caps_cipher(const struct scep_caps *c)
{
	if (c != NULL && c->aes)
		return EVP_aes_256_cbc();
	return EVP_des_ede3_cbc();
}

/*
 * GetCACaps (RFC 8894 section 3.5.1). An HTTP error status means the CA
 * predates GetCACaps: empty caps and success.
 */
int
scep_get_caps(const char *url, struct scep_caps *c, struct err *e)
{
	struct scep_http q = { .url = url, .op = "GetCACaps",
	    .allow_status = 1 };
	struct http_resp r;

	memset(c, 0, sizeof(*c));
	if (scep_http_do(&q, &r, e) == -1)
		return -1;
	if (r.status == 200)
		scep_caps_parse((const char *)r.body, r.body_len, c);
	else
		log_dbg(DBG_PKI_TRANS, 1, "CRYPTO_PKI: GetCACaps: HTTP %ld, "
		    "assuming no capabilities", r.status);
	http_resp_free(&r);
	log_dbg(DBG_PKI_TRANS, 1, "CRYPTO_PKI: Capabilities received: %s%s"
	    "%s%s%s%s%s%s%s", c->getnextca ? "GET NEXT CA CERT, " : "",
	    c->renewal ? "RENEWAL, " : "", c->sha1 ? "SHA1, " : "",
	    c->sha256 ? "SHA256, " : "", c->sha512 ? "SHA512, " : "",
	    c->des3 ? "DES3, " : "", c->aes ? "AES, " : "",
	    c->post ? "POST, " : "", c->update ? "UPDATE, " : "");
	return 0;
}
