# pkish - plain Makefile. `make` builds ./pkish.
# `make run`  : install missing Debian packages, build, start the console.
# `make test` : install missing packages (incl. test peers), build plain and
#               ASan+UBSan binaries and the fuzz targets (fuzz/), run
#               every test (the fuzz corpora too).
# `make fuzz` : run every fuzz target FUZZ_S seconds (default 60).
CC	?= cc
# Every library pkish uses is linked through pkg-config (`ldd pkish`
# lists them): OpenSSL (libcrypto, libssl), libcurl (every HTTP request),
# json-c (ACME), libssh (the SSH server), libcrypt (type 5 secrets),
# libmicrohttpd (the HTTP listener: HTTP-01, SCEP server).
PKGS	 = openssl libcurl json-c libssh libcrypt libmicrohttpd
PKGCFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKGLIBS	  := $(shell pkg-config --libs $(PKGS) 2>/dev/null)
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
# The SCEP load client of bench/ca.sh and the CA tests links libcurl.
LOADSRCS = $(wildcard bench/*.c)
LOADOBJS = $(LOADSRCS:%.c=$(BUILD)/%.o)
CURLLIBS := $(shell pkg-config --libs libcurl 2>/dev/null)

.PHONY: all run test deps test-deps bench-deps san unit clean bench
.PHONY: install uninstall
.SECONDARY:
all: pkish

ifeq ($(SAN),1)
all: $(BUILD)/pkish $(TBINS) $(BUILD)/pkish_drv
else
pkish: $(BUILD)/pkish
	cp $< $@.tmp && mv -f $@.tmp $@
endif

$(BUILD)/pkish: $(BUILD)/main.o $(OBJS)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/tests/%: $(BUILD)/tests/unit/%.o $(OBJS)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/scep_load: $(LOADOBJS) $(OBJS)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS) $(CURLLIBS)

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -c -o $@ $<

unit: $(TBINS) $(BUILD)/scep_load $(BUILD)/pkish_drv

# bench/httpd.sh and tests/e2e/limit_http.sh: the listener alone, and the
# libevent evhttp build of the same it is measured against.
$(BUILD)/pkish_drv: $(BUILD)/bench/httpd/pkish_drv.o $(OBJS)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/evhttp_drv: bench/httpd/evhttp_drv.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -o $@ $< $(shell pkg-config --libs libevent libevent_pthreads 2>/dev/null)

deps:
	@sh scripts/deps.sh run

test-deps:
	@sh scripts/deps.sh test

bench-deps:
	@sh scripts/deps.sh bench

run: deps
	$(MAKE) pkish
	./pkish --state $(STATE)

test: test-deps
	$(MAKE) pkish unit
	$(MAKE) SAN=1 all
	$(MAKE) fuzz-build
	sh tests/run.sh

bench: bench-deps
	$(MAKE) pkish $(BUILD)/scep_load $(BUILD)/pkish_drv $(BUILD)/evhttp_drv
	@for b in bench/*.sh; do sh $$b; done

clean:
	rm -rf build build-san build-fuzz pkish

# `make install [PREFIX=/usr/local] [DESTDIR=]`: pkish is a daemon run by
# the administrator (man section 8), so it goes to sbin; the unit names
# $(SBINDIR)/pkish in its ExecStart=.
PREFIX	?= /usr/local
SBINDIR	?= $(PREFIX)/sbin
MANDIR	?= $(PREFIX)/share/man
UNITDIR	?= $(PREFIX)/lib/systemd/system
INSTALL	?= install

install: pkish
	$(INSTALL) -d -m 0755 $(DESTDIR)$(SBINDIR) $(DESTDIR)$(MANDIR)/man8 \
	    $(DESTDIR)$(UNITDIR)
	$(INSTALL) -m 0755 pkish $(DESTDIR)$(SBINDIR)/pkish
	$(INSTALL) -m 0644 man/pkish.8 $(DESTDIR)$(MANDIR)/man8/pkish.8
	sed 's|^ExecStart=/usr/local/sbin/|ExecStart=$(SBINDIR)/|' \
	    dist/pkish.service > $(DESTDIR)$(UNITDIR)/pkish.service.tmp
	chmod 0644 $(DESTDIR)$(UNITDIR)/pkish.service.tmp
	mv -f $(DESTDIR)$(UNITDIR)/pkish.service.tmp \
	    $(DESTDIR)$(UNITDIR)/pkish.service

uninstall:
	rm -f $(DESTDIR)$(SBINDIR)/pkish $(DESTDIR)$(MANDIR)/man8/pkish.8 \
	    $(DESTDIR)$(UNITDIR)/pkish.service

include fuzz/fuzz.mk

-include $(OBJS:.o=.d) $(LOADOBJS:.o=.d) $(BUILD)/main.d $(BUILD)/bench/httpd/pkish_drv.d $(TSRCS:tests/unit/%.c=$(BUILD)/tests/unit/%.d)
