/* shell/ssh_dl.h - internal to shell/ssh*.c: libssh, loaded on demand */
#ifndef SHELL_SSH_DL_H
#define SHELL_SSH_DL_H
#include <libssh/libssh.h>
#include <libssh/server.h>
#include <libssh/callbacks.h>
#include "lib/dl.h"
#include "lib/err.h"

/*
 * libssh is not linked: it pulls in Kerberos and friends, which would cost
 * every start of pkish. ssh_dl_load() dlopen()s SSH_DL_SONAME and fills
 * the table below; the macros further down send each libssh call through
 * it, so ssh*.c keep calling libssh by its own names. A libssh function
 * used without an entry here is an undefined reference at link time.
 * (ssh_callbacks_init is a macro in <libssh/callbacks.h>, no function.)
 */
#define SSH_DL_SONAME	"libssh.so.4"

#define SSH_DL_FUNCS(X) \
	X(ssh_bind_accept_fd) X(ssh_bind_free) X(ssh_bind_new) \
	X(ssh_bind_options_set) X(ssh_channel_close) X(ssh_channel_is_eof) \
	X(ssh_channel_is_open) X(ssh_channel_new) \
	X(ssh_channel_read_nonblocking) \
	X(ssh_channel_request_send_exit_status) X(ssh_channel_send_eof) \
	X(ssh_channel_window_size) X(ssh_channel_write) X(ssh_disconnect) \
	X(ssh_event_add_session) X(ssh_event_dopoll) X(ssh_event_free) \
	X(ssh_event_new) X(ssh_event_remove_session) X(ssh_finalize) \
	X(ssh_free) X(ssh_get_cipher_out) X(ssh_get_error) X(ssh_get_fd) \
	X(ssh_get_hmac_out) X(ssh_handle_key_exchange) X(ssh_init) \
	X(ssh_is_connected) X(ssh_key_free) X(ssh_new) X(ssh_options_set) \
	X(ssh_pki_export_privkey_base64) X(ssh_pki_generate) \
	X(ssh_pki_import_privkey_file) X(ssh_set_auth_methods) \
	X(ssh_set_channel_callbacks) X(ssh_set_server_callbacks) \
	X(ssh_string_free_char)

DL_DECLARE(ssh, SSH_DL_FUNCS)

/*
 * Function-like, so that only calls are redirected: the member names
 * above (not followed by '(') stay as they are. Valid once ssh_dl_load()
 * has returned 0.
 */
#define SSH_DL_CALL(f)	(ssh_dl_api->f)
#define ssh_bind_accept_fd(...)	SSH_DL_CALL(ssh_bind_accept_fd)(__VA_ARGS__)
#define ssh_bind_free(...)	SSH_DL_CALL(ssh_bind_free)(__VA_ARGS__)
#define ssh_bind_new(...)	SSH_DL_CALL(ssh_bind_new)(__VA_ARGS__)
#define ssh_bind_options_set(...) \
	SSH_DL_CALL(ssh_bind_options_set)(__VA_ARGS__)
#define ssh_channel_close(...)	SSH_DL_CALL(ssh_channel_close)(__VA_ARGS__)
#define ssh_channel_is_eof(...)	SSH_DL_CALL(ssh_channel_is_eof)(__VA_ARGS__)
#define ssh_channel_is_open(...) \
	SSH_DL_CALL(ssh_channel_is_open)(__VA_ARGS__)
#define ssh_channel_new(...)	SSH_DL_CALL(ssh_channel_new)(__VA_ARGS__)
#define ssh_channel_read_nonblocking(...) \
	SSH_DL_CALL(ssh_channel_read_nonblocking)(__VA_ARGS__)
#define ssh_channel_request_send_exit_status(...) \
	SSH_DL_CALL(ssh_channel_request_send_exit_status)(__VA_ARGS__)
#define ssh_channel_send_eof(...) \
	SSH_DL_CALL(ssh_channel_send_eof)(__VA_ARGS__)
#define ssh_channel_window_size(...) \
	SSH_DL_CALL(ssh_channel_window_size)(__VA_ARGS__)
#define ssh_channel_write(...)	SSH_DL_CALL(ssh_channel_write)(__VA_ARGS__)
#define ssh_disconnect(...)	SSH_DL_CALL(ssh_disconnect)(__VA_ARGS__)
#define ssh_event_add_session(...) \
	SSH_DL_CALL(ssh_event_add_session)(__VA_ARGS__)
#define ssh_event_dopoll(...)	SSH_DL_CALL(ssh_event_dopoll)(__VA_ARGS__)
#define ssh_event_free(...)	SSH_DL_CALL(ssh_event_free)(__VA_ARGS__)
#define ssh_event_new(...)	SSH_DL_CALL(ssh_event_new)(__VA_ARGS__)
#define ssh_event_remove_session(...) \
	SSH_DL_CALL(ssh_event_remove_session)(__VA_ARGS__)
#define ssh_finalize(...)	SSH_DL_CALL(ssh_finalize)(__VA_ARGS__)
#define ssh_free(...)		SSH_DL_CALL(ssh_free)(__VA_ARGS__)
#define ssh_get_cipher_out(...)	SSH_DL_CALL(ssh_get_cipher_out)(__VA_ARGS__)
#define ssh_get_error(...)	SSH_DL_CALL(ssh_get_error)(__VA_ARGS__)
#define ssh_get_fd(...)		SSH_DL_CALL(ssh_get_fd)(__VA_ARGS__)
#define ssh_get_hmac_out(...)	SSH_DL_CALL(ssh_get_hmac_out)(__VA_ARGS__)
#define ssh_handle_key_exchange(...) \
	SSH_DL_CALL(ssh_handle_key_exchange)(__VA_ARGS__)
#define ssh_init(...)		SSH_DL_CALL(ssh_init)(__VA_ARGS__)
#define ssh_is_connected(...)	SSH_DL_CALL(ssh_is_connected)(__VA_ARGS__)
#define ssh_key_free(...)	SSH_DL_CALL(ssh_key_free)(__VA_ARGS__)
#define ssh_new(...)		SSH_DL_CALL(ssh_new)(__VA_ARGS__)
#define ssh_options_set(...)	SSH_DL_CALL(ssh_options_set)(__VA_ARGS__)
#define ssh_pki_export_privkey_base64(...) \
	SSH_DL_CALL(ssh_pki_export_privkey_base64)(__VA_ARGS__)
#define ssh_pki_generate(...)	SSH_DL_CALL(ssh_pki_generate)(__VA_ARGS__)
#define ssh_pki_import_privkey_file(...) \
	SSH_DL_CALL(ssh_pki_import_privkey_file)(__VA_ARGS__)
#define ssh_set_auth_methods(...) \
	SSH_DL_CALL(ssh_set_auth_methods)(__VA_ARGS__)
#define ssh_set_channel_callbacks(...) \
	SSH_DL_CALL(ssh_set_channel_callbacks)(__VA_ARGS__)
#define ssh_set_server_callbacks(...) \
	SSH_DL_CALL(ssh_set_server_callbacks)(__VA_ARGS__)
#define ssh_string_free_char(...) \
	SSH_DL_CALL(ssh_string_free_char)(__VA_ARGS__)

#endif
