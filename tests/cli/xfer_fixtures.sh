# tests/cli/xfer_fixtures.sh - fixed key material for the key_*, xfer_* and
# trustpool_* transcripts (made once with the openssl CLI; the matching
# certificates are pasted in the .in files). Sourced by NAME.setup:
#   . tests/cli/xfer_fixtures.sh
#   seed_key STATE_DIR LABEL {t|o|r} {yes|no}
# t: EC P-256 key certified as CN=r1.cli.test (serial 0101) by
#    CN=CLI Test CA; o: EC P-256 key of CN=other.cli.test (0202);
# r: RSA 1024 key. Files are written like the keystore writes them.

key_t() {
	cat <<'KEY'
-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQggY3F8THsYh3/xVVv
JG3eF8WeGEHDxa2jvKBg2MzomC6hRANCAASANBsv7RAHH0zG/iyvUn4bVKJ8jxTK
E6Ws4xZAmSiKgppQMejpzrxG8898PqgZwdbrcp1pfPd6Yqnyx2/ElyxV
-----END PRIVATE KEY-----
KEY
}

key_o() {
	cat <<'KEY'
-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgsy7rVop5CzRkbptl
+9oV7z8JDjLQRbyfpnSGGb2OYM2hRANCAAR0PbkXD0xjFtj3GppDvzWujytp35O9
UrZgzH8XIHl9M7UJoXa2vVUOHQkH5CpiA6iGC8iPIJKks4eABU/1FEix
-----END PRIVATE KEY-----
KEY
}

key_r() {
	cat <<'KEY'
-----BEGIN PRIVATE KEY-----
MIICeAIBADANBgkqhkiG9w0BAQEFAASCAmIwggJeAgEAAoGBAO3aAdBOWdA0XtUG
BL5Wtef/UatPsrRdbUrUpA9dVXeE2WQ/0Sbw/eQ8FgGBS3fUoJg8/FNwvifT0xCk
r2hhwv5XKkvyl1v/tnD/D8RunNKSfc52CEuSaRpALWIo+bK6/Q88ry2TQlCq/kox
5/xk8dlbS6hbLdtxsbNHLh1NYTpTAgMBAAECgYEAuLCk4eRFF0fjL1S6EDZyj9AQ
0Y5UPHujZwzQy+F0gRcWWyK2vJ869qO1jrugJ09i2HPalswfy/tOlEjcr5fh+W/S
si7mLKHcTcERjEHq5cowzQ52PJfmreNHMpWGTgWbTSIDnvPz1rNxu64gaze5LXd/
AdPIn1SjKWNOB9j7ixkCQQD8Y5AY4/Ox5C5OQfS2pUNikCg+JRIstgjszvjoAKrF
aCAAtg7oDsoTj7vBoJ+8VgXdo2p4OHlZt5i4wnd3Cg1FAkEA8UEyl/wfGBhmAiBc
d1qRMvGU+i5qaMbdLdsCOCZVYpJ7HMJ/iMXv0wbUqnYwjhXqss157q1uOJUio1m8
/iumtwJBAI5YENMY7T5tNPiKFlxUhNa3+xphigiReiMk8BjZF3dSrIn6JBoZDTtP
G1OvJafw1EoWelvnbfl9pLK/auVGVAkCQECeqACRpXp8voX/SQUnGxE8KB1C5Xmf
Gos3yEZl7iTy+0rexe5Kpkwt3jSyZ5sHP9AYvXoytf0t5RM/7CFga80CQQCeUgeT
2Na7hFMxjRFrSrs2Mdl23KcSjYyxC0V0wZBUcm4X5dKlQubjMZqxuQ1e7MxPoDiD
AR428Uh9J6fhworG
-----END PRIVATE KEY-----
KEY
}

seed_key() {
	dir=$1/keys
	mkdir -p "$dir" && chmod 700 "$dir"
	case $3 in
	t | o) type=ec bits=256 ;;
	r) type=rsa bits=1024 ;;
	esac
	(umask 077
	 "key_$3" >"$dir/$2.pem"
	 printf 'type %s\nbits %s\nexportable %s\ncreated 1700000000\n' \
	     "$type" "$bits" "$4" >"$dir/$2.meta")
}
