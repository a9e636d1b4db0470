# fuzz/fuzz.mk - libFuzzer targets (included by the Makefile).
#   make fuzz           build every fuzz/fuzz_*.c and run each for FUZZ_S
#                       seconds (default 60) from its corpus; fails on any
#                       crash, leak, timeout or sanitizer report
#   make fuzz-build     only build them (build-fuzz/fuzz_NAME)
# The project's own sources ($(SRCS), main.c excluded) are built again with
# clang and -fsanitize=fuzzer-no-link,address,undefined into build-fuzz/.
FZ_CC	 = clang
FZ_BUILD = build-fuzz
FUZZ_S	?= 60
FZ_SAN	 = -fsanitize=address,undefined -fno-sanitize-recover=undefined \
	   -fno-omit-frame-pointer
FZ_CFLAGS = -std=c11 -g -O1 -D_GNU_SOURCE= -I. $(PKGCFLAGS) $(FZ_SAN) \
	   -fsanitize=fuzzer-no-link -Wall -Wno-unused-parameter -MMD -MP
FZ_OBJS	 = $(SRCS:%.c=$(FZ_BUILD)/%.o) $(FZ_BUILD)/fuzz/common.o
FZ_SRCS	 = $(wildcard fuzz/fuzz_*.c)
FZ_BINS	 = $(FZ_SRCS:fuzz/%.c=$(FZ_BUILD)/%)

.PHONY: fuzz fuzz-build
fuzz-build: $(FZ_BINS)

fuzz: test-deps
	$(MAKE) fuzz-build
	sh fuzz/run.sh $(FUZZ_S)

$(FZ_BUILD)/fuzz_%: $(FZ_BUILD)/fuzz/fuzz_%.o $(FZ_OBJS)
	$(FZ_CC) $(FZ_SAN) -fsanitize=fuzzer -o $@ $^ $(LDLIBS)

$(FZ_BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	$(FZ_CC) $(FZ_CFLAGS) -c -o $@ $<

-include $(FZ_OBJS:.o=.d) $(FZ_SRCS:%.c=$(FZ_BUILD)/%.d)
