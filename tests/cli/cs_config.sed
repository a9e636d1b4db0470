s/^(% New one-time enrollment password:) [0-9A-F]{16}$/\1 OTP/
