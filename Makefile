# pkish - plain Makefile. `make` builds ./pkish.
# `make run`  : install missing Debian packages, build, start the console.
# `make test` : install missing packages (incl. test peers), build plain and
#               ASan+UBSan binaries and the fuzz targets (fuzz/), run
#               every test (the fuzz corpora too).
# `make fuzz` : run every fuzz target FUZZ_S seconds (default 60).
CC	?= cc
PKGS	 = openssl libcurl json-c libssh
# Only libcrypto is linked. The rest are dlopen()ed where first needed
# (dlopen is in glibc's libc since 2.34), so only their headers are
# needed here: libcurl by lib/http_curl.c for a request through a proxy,
# libssl by lib/ssl_dl.c for the first TLS context, json-c by
# lib/json_dl.c when the ACME engine starts, libcrypt by lib/crypt_dl.c
# for the first type 5 secret, libssh by shell/ssh_dl.c when the SSH
# server starts. test_http_tls runs a TLS server of its own: it links
# libssl.
LINKPKGS = libcrypto
PKGCFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKGLIBS	  := $(shell pkg-config --libs $(LINKPKGS) 2>/dev/null)
SSLLIBS	  := $(shell pkg-config --libs libssl 2>/dev/null)
CFLAGS	?= -O2 -g
CFLAGS	+= -std=c11 -Wall -Wextra -Werror -Wshadow -Wno-unused-parameter \
	   -D_GNU_SOURCE= -I. $(PKGCFLAGS) -MMD -MP
LDLIBS	+= $(PKGLIBS) -lpthread
STATE	?= $(HOME)/.pkish

BUILD	?= build
ifeq ($(SAN),1)
BUILD	 = build-san
CFLAGS	+= -fsanitize=address,undefined -fno-omit-frame-pointer
LDFLAGS	+= -fsanitize=address,undefined
endif

SRCS	 = $(wildcard lib/*.c shell/*.c parser/*.c conf/*.c pki/*.c acme/*.c scep/*.c)
OBJS	 = $(SRCS:%.c=$(BUILD)/%.o)
TSRCS	 = $(wildcard tests/unit/test_*.c)
TBINS	 = $(TSRCS:tests/unit/%.c=$(BUILD)/tests/%)

.PHONY: all run test deps test-deps san unit clean bench
.SECONDARY:
all: pkish

ifeq ($(SAN),1)
all: $(BUILD)/pkish $(TBINS)
else
pkish: $(BUILD)/pkish
	cp $< $@.tmp && mv -f $@.tmp $@
endif

$(BUILD)/pkish: $(BUILD)/main.o $(OBJS)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/tests/%: $(BUILD)/tests/unit/%.o $(OBJS)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/tests/test_http_tls: LDLIBS += $(SSLLIBS)

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -c -o $@ $<

unit: $(TBINS)

deps:
	@sh scripts/deps.sh run

test-deps:
	@sh scripts/deps.sh test

run: deps
	$(MAKE) pkish
	./pkish --state $(STATE)

test: test-deps
	$(MAKE) pkish unit
	$(MAKE) SAN=1 all
	$(MAKE) fuzz-build
	sh tests/run.sh

bench: pkish
	@for b in bench/*.sh; do sh $$b; done

clean:
	rm -rf build build-san build-fuzz pkish

include fuzz/fuzz.mk

-include $(OBJS:.o=.d) $(BUILD)/main.d $(TSRCS:tests/unit/%.c=$(BUILD)/tests/unit/%.d)
