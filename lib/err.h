/* lib/err.h - the one error model: 0/-1 or NULL plus struct err */
#ifndef LIB_ERR_H
#define LIB_ERR_H

enum err_code {
	E_OK, E_NOMEM, E_INVAL, E_NOTFOUND, E_EXISTS, E_IO, E_CRYPTO,
	E_NET, E_PROTO, E_TIMEOUT, E_PERM, E__MAX
};

struct err {
	enum err_code	 code;
	int		 detail;	/* e.g. curl code, ACME error code */
	char		 msg[512];	/* human text, no trailing newline */
};

/* Fill e (may be NULL) and return -1. */
int	err_set(struct err *, enum err_code, const char *, ...)
	    __attribute__((format(printf, 3, 4)));
/* E_CRYPTO with the OpenSSL error queue appended (and cleared). */
int	err_ssl(struct err *, const char *, ...)
	    __attribute__((format(printf, 2, 3)));
/* Prefix existing message with context: "ctx: old". Returns -1. */
int	err_ctx(struct err *, const char *, ...)
	    __attribute__((format(printf, 2, 3)));
const char *err_code_name(enum err_code);

#endif
