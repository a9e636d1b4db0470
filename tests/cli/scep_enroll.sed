# What the scripted CA makes anew on every start: its key (fingerprints;
# tests/e2e/scep_cli.sh checks them against openssl's) and the issue time.
s/(Fingerprint (MD5|SHA1): )([0-9A-F]{8} ){4,5}/\1FP /
s/[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z/ISO-DATE/
