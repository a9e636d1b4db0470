/* parser/kwhelp.c - help texts for keywords, as IOS prints them for `?` */
#include <string.h>
#include "parser/engine.h"

/* In strcmp order: kw_help() searches it by halves. */
static const char *const dict[][2] = {
	{ "acme", "Automatic Certificate Management Environment" },
	{ "all", "All" },
	{ "authenticate", "Get the certificate of the CA" },
	{ "auto-enroll", "Enable auto-enrollment" },
	{ "begin", "Begin with the line that matches" },
	{ "ca", "Certificate authority" },
	{ "certificate", "Certificate" },
	{ "certificates", "Show certificates" },
	{ "chain", "Certificate chain for a trustpoint" },
	{ "clear", "Reset functions" },
	{ "clock", "Manage the system clock" },
	{ "configure", "Enter configuration mode" },
	{ "copy", "Copy from one file to another" },
	{ "count", "Count number of lines which match regexp" },
	{ "crypto", "Encryption module" },
	{ "debug", "Debugging functions (see also 'undebug')" },
	{ "detail", "Show detailed information" },
	{ "disable", "Turn off privileged commands" },
	{ "do", "To run exec commands in config mode" },
	{ "domain", "Domain name" },
	{ "ec", "Generate EC keys for ECDSA" },
	{ "enable", "Turn on privileged commands" },
	{ "end", "Exit from configure mode" },
	{ "enroll", "Request a certificate from a CA" },
	{ "enrollment", "Enrollment parameters" },
	{ "exclude", "Exclude lines that match" },
	{ "exec-timeout", "Set the EXEC timeout" },
	{ "exit", "Exit from the EXEC" },
	{ "export", "Export keys" },
	{ "exportable", "Allow the key to be exported" },
	{ "fingerprint", "Expected CA certificate fingerprint" },
	{ "fqdn", "Fully qualified domain name" },
	{ "general-keys", "Generate a general purpose RSA key pair for "
	    "signing and encryption" },
	{ "generate", "Generate new keys" },
	{ "hash", "Hash algorithm" },
	{ "host", "Set syslog server IP address and parameters" },
	{ "hostname", "Set system's network name" },
	{ "http", "HTTP server configuration" },
	{ "import", "Import certificates" },
	{ "include", "Include lines that match" },
	{ "interface", "Select an interface to configure" },
	{ "ip", "Global IP configuration subcommands" },
	{ "ip-address", "Include the IP address in the certificate request" },
	{ "key", "Long term key operations" },
	{ "keypair", "Key pair for this trustpoint" },
	{ "label", "Provide a label" },
	{ "length", "Set number of lines on a screen" },
	{ "line", "Configure a terminal line" },
	{ "logging", "Modify message logging facilities" },
	{ "login", "Enable password checking" },
	{ "memory", "Write to NV memory" },
	{ "modulus", "Provide number of modulus bits on the command line" },
	{ "monitor", "Copy debug output to the current terminal line" },
	{ "mypubkey", "Show public keys associated with this router" },
	{ "no", "Negate a command or set its defaults" },
	{ "noconfirm", "Do not ask for confirmation" },
	{ "password", "Revocation/challenge password" },
	{ "pem", "Use PEM format" },
	{ "pki", "Public Key components" },
	{ "privilege", "Set user privilege level" },
	{ "protocol", "Enrollment protocol" },
	{ "revocation-check", "Revocation checking options" },
	{ "rsa", "Generate RSA keys" },
	{ "rsakeypair", "Which RSA key pair to use for this trustpoint" },
	{ "running-config", "Current operating configuration" },
	{ "secret", "Specify the secret for the user" },
	{ "section", "Filter a section of output" },
	{ "serial-number", "Include or not the device serial number" },
	{ "show", "Show running system information" },
	{ "shutdown", "Shutdown the selected interface" },
	{ "startup-config", "Contents of startup configuration" },
	{ "subject-alt-name", "Subject Alternative Name" },
	{ "subject-name", "Subject Name" },
	{ "terminal", "Set terminal line parameters" },
	{ "timers", "Show PKI timers" },
	{ "transport", "Define transport protocols for line" },
	{ "trustpoint", "Define a CA trustpoint" },
	{ "trustpoints", "Show trustpoints" },
	{ "trustpool", "Trustpool commands" },
	{ "url", "Enrollment URL" },
	{ "usage", "Usage of the key" },
	{ "username", "Establish User Name Authentication" },
	{ "users", "Display information about terminal lines" },
	{ "verbose", "Display in verbose mode" },
	{ "version", "System hardware and software status" },
	{ "width", "Set width of the display terminal" },
	{ "write", "Write running configuration to memory, network, or "
	    "terminal" },
	{ "zeroize", "Remove keys" },
};

/* The dictionary is sorted: a binary search. */
const char *
kw_help(const char *kw)
{
	size_t lo = 0, hi = sizeof(dict) / sizeof(dict[0]);

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(dict[mid][0], kw);
		if (c == 0)
			return dict[mid][1];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}
