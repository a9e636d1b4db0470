s/^(    CA cert fingerprint:)( [0-9A-F]{8}){4}$/\1 FP/
/^% Granted certificate:$/,/^pkish#/s/^[A-Za-z0-9+\/=]{4,64}$/BASE64/
s/^(% New one-time enrollment password:) [0-9A-F]{16}$/\1 OTP/
