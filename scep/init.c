/* SPDX-License-Identifier: ISC */
/*
 * scep/init.c - one-time setup of the SCEP engine.
 *
 * Registers the SCEP signed-attribute OIDs (RFC 8894 section 3.2.1, plus
 * failInfoText from section 3.2.1.4) with OpenSSL. The private library
 * context holding only the "legacy" provider is created the first time a
 * CertRep envelope needs it, because some CAs (micromdm scepserver among
 * them) encrypt with DES-CBC, which OpenSSL 3 keeps in that provider; the
 * rest of the process never sees it, and a process that never meets such
 * a CA never loads the module.
 *
 * The OIDs are registered by the first use of the engine (scep_nid(),
 * which every message builder and parser asks), not at start-up: an
 * object-table look-up makes OpenSSL read its configuration, and a daemon
 * that never speaks SCEP need not.
 *
 * Threading: the registration runs once (pthread_once); OpenSSL 3.0's
 * object table takes its own lock for OBJ_create() and look-ups.
 * scep_legacy_ctx() creates its context once, under its own pthread_once;
 * both statics are read-only afterwards.
 */
#include <pthread.h>
#include <stdio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/provider.h>
#include "lib/log.h"
#include "scep/scep_int.h"

static const struct {
	const char	*oid;
	const char	*name;
} attrs[SA__MAX] = {
	[SA_MESSAGE_TYPE] =	{ "2.16.840.1.113733.1.9.2", "messageType" },
	[SA_PKI_STATUS] =	{ "2.16.840.1.113733.1.9.3", "pkiStatus" },
	[SA_FAIL_INFO] =	{ "2.16.840.1.113733.1.9.4", "failInfo" },
	[SA_SENDER_NONCE] =	{ "2.16.840.1.113733.1.9.5", "senderNonce" },
	[SA_RECIPIENT_NONCE] =	{ "2.16.840.1.113733.1.9.6", "recipientNonce" },
	[SA_TRANSACTION_ID] =	{ "2.16.840.1.113733.1.9.7", "transactionID" },
	[SA_FAIL_INFO_TEXT] =	{ "1.3.6.1.5.5.7.24.1", "failInfoText" },
};

static pthread_once_t	 once = PTHREAD_ONCE_INIT;
static pthread_once_t	 legacy_once = PTHREAD_ONCE_INIT;
static OSSL_LIB_CTX	*legacy_ctx;	/* written once in legacy_init */
static char		 init_msg[256];	/* written once in do_init */

static void
do_init(void)
{
	for (int i = 0; i < SA__MAX; i++) {
		if (OBJ_txt2nid(attrs[i].oid) != NID_undef)
			continue;	/* registered already (OBJ_create => 0) */
		if (OBJ_create(attrs[i].oid, attrs[i].name, attrs[i].name) ==
		    NID_undef) {
			snprintf(init_msg, sizeof(init_msg),
			    "scep: cannot register OID %s", attrs[i].oid);
			ERR_clear_error();
			return;
		}
	}
}

/* Without the legacy module only DES-CBC replies fail (and say so). */
static void
legacy_init(void)
{
	OSSL_LIB_CTX *ctx;

	if ((ctx = OSSL_LIB_CTX_new()) == NULL ||
	    OSSL_PROVIDER_load(ctx, "legacy") == NULL) {
		log_dbg(DBG_PKI_TRANS, 1, "CRYPTO_PKI: SCEP: OpenSSL legacy "
		    "provider not available; DES-CBC CertReps cannot be read");
		OSSL_LIB_CTX_free(ctx);
		ctx = NULL;
	} else	/* the one cipher wanted from it, so its table is built */
		EVP_CIPHER_free(EVP_CIPHER_fetch(ctx, "DES-CBC", NULL));
	ERR_clear_error();
	legacy_ctx = ctx;
}

/*
 * Register the SCEP OIDs, once. Returns 0, or -1 (E_CRYPTO) when OpenSSL
 * refused; later calls return the same result.
 */
int
scep_init(struct err *e)
{
	pthread_once(&once, do_init);
	if (init_msg[0] != '\0')
		return err_set(e, E_CRYPTO, "%s", init_msg);
	return 0;
}

/* NID_undef when OpenSSL refused to register it (see scep_init()). */
int
scep_nid(enum scep_attr a)
{
	if (a < 0 || a >= SA__MAX)
		return NID_undef;
	pthread_once(&once, do_init);
	return OBJ_txt2nid(attrs[a].oid);
}

OSSL_LIB_CTX *
scep_legacy_ctx(void)
{
	pthread_once(&legacy_once, legacy_init);
	return legacy_ctx;
}

/* At shutdown: the console thread's connection is closed and the kept
 * transient certificates go. */
void
scep_cleanup(void)
{
	scep_http_release();
	scep_transient_flush();
}

/*
 * Name of an RFC 8894 section 3.2.1.4 failInfo value, "unknown" for
 * anything else.
 */
const char *
scep_fail_info_name(int fi)
{
	static const char *const names[SCEP_FAIL__MAX] = {
		"badAlg", "badMessageCheck", "badRequest", "badTime",
		"badCertId"
	};

	if (fi < 0 || fi >= SCEP_FAIL__MAX)
		return "unknown";
	return names[fi];
}

char *
scep_hex(const unsigned char *p, size_t n, char *out, size_t outlen)
{
	size_t i;

	if (outlen == 0)
		return out;
	out[0] = '\0';
	for (i = 0; i < n && 2 * i + 2 < outlen; i++)
		snprintf(out + 2 * i, 3, "%02X", p[i]);
	return out;
}
