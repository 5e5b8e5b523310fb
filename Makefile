# ringscan - build, test and demo.
#
#   make demo    check dependencies, build, run the pipeline on generated demo data
#   make test    check dependencies, build, run every unit and end-to-end test
#
# Sources are discovered by folder: every .c under graph/ ingest/ algorithms/
# export/ datasets/gen/ datasets/eval/ goes into build/libringscan.a except files
# named *_main.c, which are program entry points. Each tests/test_<module>.c is a
# cmocka program linked against that archive; each tests/e2e_*.sh is an
# end-to-end script run with the build directory as its first argument.

CC       ?= cc
BUILD    ?= build
PKGS     := igraph jansson libmaxminddb libxxhash sqlite3 libutf8proc
# The sanitizer and coverage variants reuse the rules with another BUILD dir.
OPT      ?= -O2 -g
WARN     := -std=c11 -Wall -Wextra -Wpedantic -Wshadow -Wstrict-prototypes \
            -Wmissing-prototypes -Wformat=2 -Wvla -Wcast-qual -Wpointer-arith \
            -Wundef -Wnull-dereference -Werror
# Library headers are system headers: our warning flags are not theirs to pass.
CPPFLAGS += -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE -I. \
            $(patsubst -I%,-isystem %,$(shell pkg-config --cflags $(PKGS) 2>/dev/null))
CFLAGS   += $(OPT) $(WARN) -pthread -MMD -MP
LDLIBS   += $(shell pkg-config --libs $(PKGS) 2>/dev/null) -lcsv -lz -lcrypto -lm
TEST_LDLIBS := $(shell pkg-config --libs cmocka 2>/dev/null)

LIB_DIRS := base graph model ingest algorithms export src datasets/gen datasets/eval
LIB_SRC  := $(filter-out %_main.c src/main.c,$(foreach d,$(LIB_DIRS),$(wildcard $(d)/*.c)))
LIB_OBJ  := $(LIB_SRC:%.c=$(BUILD)/%.o)
LIB      := $(BUILD)/libringscan.a

MAIN_SRC := src/main.c $(wildcard datasets/gen/gen_main.c datasets/eval/eval_main.c)
BINS     := $(BUILD)/ringscan $(if $(wildcard datasets/gen/gen_main.c),$(BUILD)/ringscan-gen) \
            $(if $(wildcard datasets/eval/eval_main.c),$(BUILD)/ringscan-eval)

TEST_SRC := $(wildcard tests/test_*.c)
TEST_BIN := $(TEST_SRC:tests/%.c=$(BUILD)/tests/%)
E2E      := $(sort $(wildcard tests/e2e_*.sh))

DEMO_OUT ?= out/demo

.PHONY: all deps check-deps test unit e2e demo bench bench-nightly eval-worlds eval-worlds-2025 asan valgrind format lint layers screenshots \
        clean geoip ci-chroot build-all
.DEFAULT_GOAL := all
.SECONDARY:

all: $(BINS)

# --- dependencies ---------------------------------------------------------
# Debian packages: libraries, test fixture writers and output checkers; iso-codes
# (ISO 3166 country names and alpha-3 codes, read at run time by ingest/country.c);
# libutf8proc (Unicode normalisation of names and addresses, ingest/normalize.c);
# time (/usr/bin/time: peak RSS and CPU seconds in make bench); tzdata (the zone files
# datasets/country-timezones.py reads to refresh datasets/country-timezones.csv).
DEB_PKGS := make gcc pkg-config libigraph-dev libcsv-dev libjansson-dev \
            libmaxminddb-dev libcmocka-dev libxxhash-dev libutf8proc-dev zlib1g-dev libssl-dev libsqlite3-dev sqlite3 \
            libmaxmind-db-writer-perl mmdb-bin libxml2-utils python3 python3-networkx iso-codes time tzdata
MISSING = $(shell for p in $(DEB_PKGS); do \
            dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q 'ok installed' || echo $$p; done)

deps:
	@missing="$(MISSING)"; \
	if [ -z "$$missing" ]; then echo "deps: all Debian packages present"; exit 0; fi; \
	if [ "$$(id -u)" -ne 0 ]; then \
	  echo "deps: missing packages: $$missing"; \
	  echo "deps: run as root:  apt-get install -y $$missing"; exit 1; fi; \
	echo "deps: installing $$missing"; \
	DEBIAN_FRONTEND=noninteractive apt-get update -qq && \
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing
check-deps:
	@if [ -n "$(MISSING)" ]; then $(MAKE) --no-print-directory deps; fi

# --- build ----------------------------------------------------------------
$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	@echo "CC $<"
	@$(CC) $(CPPFLAGS) $(CFLAGS) -c $< -o $@

$(LIB): $(LIB_OBJ)
	@mkdir -p $(dir $@)
	@rm -f $@
	@ar rcs $@ $^

$(BUILD)/ringscan: $(BUILD)/src/main.o $(LIB)
	@echo "LD $@"
	@$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(LDLIBS)
$(BUILD)/ringscan-gen: $(BUILD)/datasets/gen/gen_main.o $(LIB)
	@echo "LD $@"
	@$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(LDLIBS)
$(BUILD)/ringscan-eval: $(BUILD)/datasets/eval/eval_main.o $(LIB)
	@echo "LD $@"
	@$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/tests/%: $(BUILD)/tests/%.o $(LIB)
	@echo "LD $@"
	@$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(LDLIBS) $(TEST_LDLIBS)

# --- tests ----------------------------------------------------------------
test: check-deps
	@$(MAKE) --no-print-directory unit e2e fuzz-regress

unit: $(TEST_BIN) $(BINS)
	@sh tests/run-tests.sh unit $(BUILD) $(TEST_BIN)

e2e: $(BINS)
	@sh tests/run-tests.sh e2e $(BUILD) $(E2E)

asan: check-deps
	@$(MAKE) --no-print-directory BUILD=build-asan \
	  OPT="-O1 -g -fsanitize=address,undefined,float-cast-overflow -fno-sanitize-recover=all -fno-omit-frame-pointer" \
	  LDFLAGS="-fsanitize=address,undefined,float-cast-overflow" unit e2e fuzz-regress

valgrind: check-deps
	@$(MAKE) --no-print-directory BUILD=build-vg OPT="-O1 -g" build-all
	@RINGSCAN_VALGRIND=1 sh tests/run-tests.sh unit build-vg \
	  $(patsubst $(BUILD)/%,build-vg/%,$(TEST_BIN))
	@RINGSCAN_VALGRIND=1 sh tests/run-tests.sh e2e build-vg $(E2E)

# Every binary and test program of this BUILD (used by the variants above).
build-all: $(BINS) $(TEST_BIN)

# --- demo, bench, data ----------------------------------------------------
demo: check-deps
	@$(MAKE) --no-print-directory all
	@sh datasets/demo.sh $(BUILD) $(DEMO_OUT)

bench: check-deps
	@$(MAKE) --no-print-directory all $(BUILD)/tests/bench_ip $(BUILD)/tests/bench_textsim \
	  $(BUILD)/tests/bench_floor
	@sh datasets/bench.sh $(BUILD)
	@if [ -f "$(GEOIP_DIR)/asn-ipv4.csv" ]; then $(BUILD)/tests/bench_ip "$(GEOIP_DIR)"; \
	else echo "bench: no IP data in $(GEOIP_DIR) (make geoip): IP lookup bench skipped"; fi
	@$(BUILD)/tests/bench_textsim 1000000
	@sh datasets/bench-pandas.sh $(BUILD)

# A night over a sliding window of daily partitions against a cold run (README,
# "Performance"): BENCH_ACCOUNTS and BENCH_RUNS as for make bench.
bench-nightly: check-deps
	@$(MAKE) --no-print-directory all
	@sh datasets/bench-nightly.sh $(BUILD)

# The held-out protocol of docs/detection.md: randomised worlds 101-120, never used for
# tuning (make eval-worlds FIRST=1 LAST=10 scores the tuning worlds).
FIRST ?= 101
LAST  ?= 120
eval-worlds: check-deps
	@$(MAKE) --no-print-directory all
	@sh datasets/eval-worlds.sh $(BUILD) $(FIRST) $(LAST) out/eval-worlds-$(FIRST)-$(LAST)

# The same protocol on worlds with the 2024-2025 schemes and their look-alikes
# (ringscan-gen --schemes 2025): recall per scheme, FPR per look-alike. Seeds 1-10 are
# for tuning (make eval-worlds-2025 FIRST=1 LAST=10); 101-120 are held out.
eval-worlds-2025: check-deps
	@$(MAKE) --no-print-directory all
	@EVAL_GEN_ARGS="--randomize --schemes 2025" sh datasets/eval-worlds.sh $(BUILD) $(FIRST) \
	    $(LAST) out/eval-worlds-2025-$(FIRST)-$(LAST)

# Where `make geoip` installs IP data: the first place ringscan searches
# (after $$RINGSCAN_GEOIP_DIR). Override with make geoip GEOIP_DIR=/path.
GEOIP_DIR ?= $(if $(XDG_DATA_HOME),$(XDG_DATA_HOME),$(HOME)/.local/share)/ringscan/geoip

geoip:
	@sh datasets/geoip.sh "$(GEOIP_DIR)"

# PNGs of the demo's index and first case page at 1400 px (headless Chromium).
screenshots: check-deps
	@$(MAKE) --no-print-directory all
	@sh datasets/screenshots.sh $(BUILD) $(DEMO_OUT)

ci-chroot:
	@sh .ci/chroot.sh

# --- hygiene --------------------------------------------------------------
ALL_C := $(LIB_SRC) $(MAIN_SRC) $(TEST_SRC) $(wildcard */*.h datasets/*/*.h)
format:
	clang-format -i $(ALL_C)

# The one-way layering of docs/architecture.md and the function-length rule.
layers:
	@sh tests/check-layers.sh .

lint: layers
	clang-format --dry-run --Werror $(ALL_C)
	cppcheck --quiet --error-exitcode=1 --enable=warning,performance,portability \
	  --inline-suppr --std=c11 -I. $(LIB_SRC) $(MAIN_SRC)
	clang-tidy --quiet $(LIB_SRC) $(MAIN_SRC) -- $(CPPFLAGS) -std=c11

clean:
	rm -rf build build-asan build-vg build-fuzz out

-include $(LIB_OBJ:.o=.d) $(TEST_BIN:=.d) $(BUILD)/src/main.d

# libFuzzer harnesses (make fuzz, make fuzz-regress): tests/fuzz/README.md
include tests/fuzz/fuzz.mk

# --- generated: the built-in hosting/VPN ASN table -------------------------
# datasets/hosting-asns.csv becomes $(BUILD)/gen/hosting_asns.c (the table behind
# algorithms/hosting_asns.h) through datasets/hosting-asns.awk, which stops the build
# with FILE:LINE: message on a malformed row; written under a temporary name and
# renamed. Its object joins the library and the fuzz library (after fuzz.mk, which
# defines FUZZ_LIB; the fuzz object comes from fuzz.mk's $(FUZZ_DIR)/obj/%.o rule).
HOSTING_C := $(BUILD)/gen/hosting_asns.c
HOSTING_O := $(BUILD)/gen/hosting_asns.o
$(HOSTING_C): datasets/hosting-asns.csv datasets/hosting-asns.awk
	@mkdir -p $(dir $@)
	@echo "GEN $@"
	@awk -f datasets/hosting-asns.awk datasets/hosting-asns.csv >$@.tmp || \
	  { rm -f $@.tmp; echo "hosting-asns: fix datasets/hosting-asns.csv (datasets/README.md)" >&2; exit 1; }
	@mv $@.tmp $@
$(HOSTING_O): $(HOSTING_C)
	@echo "CC $<"
	@$(CC) $(CPPFLAGS) $(CFLAGS) -c $< -o $@
$(LIB): $(HOSTING_O)
$(FUZZ_LIB): $(FUZZ_DIR)/obj/$(HOSTING_O)
-include $(HOSTING_O:.o=.d)

# --- generated: the built-in disposable e-mail domains ----------------------
# datasets/disposable-domains.txt becomes $(BUILD)/gen/disposable_domains.c (the
# table behind ingest/disposable_domains.h) in the same way, through
# datasets/disposable-domains.awk (byte-wise comparisons: LC_ALL=C).
DISPOSABLE_C := $(BUILD)/gen/disposable_domains.c
DISPOSABLE_O := $(BUILD)/gen/disposable_domains.o
$(DISPOSABLE_C): datasets/disposable-domains.txt datasets/disposable-domains.awk
	@mkdir -p $(dir $@)
	@echo "GEN $@"
	@LC_ALL=C awk -f datasets/disposable-domains.awk datasets/disposable-domains.txt >$@.tmp || \
	  { rm -f $@.tmp; echo "disposable-domains: fix datasets/disposable-domains.txt (datasets/README.md)" >&2; exit 1; }
	@mv $@.tmp $@
$(DISPOSABLE_O): $(DISPOSABLE_C)
	@echo "CC $<"
	@$(CC) $(CPPFLAGS) $(CFLAGS) -c $< -o $@
$(LIB): $(DISPOSABLE_O)
$(FUZZ_LIB): $(FUZZ_DIR)/obj/$(DISPOSABLE_O)
-include $(DISPOSABLE_O:.o=.d)

# --- generated: the built-in country time-zone spans -------------------------
# datasets/country-timezones.csv (written from tzdata by datasets/country-timezones.py)
# becomes $(BUILD)/gen/country_tz.c (the table behind model/country_tz.h) in the
# same way, through datasets/country-timezones.awk (byte-wise order: LC_ALL=C).
COUNTRY_TZ_C := $(BUILD)/gen/country_tz.c
COUNTRY_TZ_O := $(BUILD)/gen/country_tz.o
$(COUNTRY_TZ_C): datasets/country-timezones.csv datasets/country-timezones.awk
	@mkdir -p $(dir $@)
	@echo "GEN $@"
	@LC_ALL=C awk -f datasets/country-timezones.awk datasets/country-timezones.csv >$@.tmp || \
	  { rm -f $@.tmp; echo "country-timezones: fix datasets/country-timezones.csv (datasets/README.md)" >&2; exit 1; }
	@mv $@.tmp $@
$(COUNTRY_TZ_O): $(COUNTRY_TZ_C)
	@echo "CC $<"
	@$(CC) $(CPPFLAGS) $(CFLAGS) -c $< -o $@
$(LIB): $(COUNTRY_TZ_O)
$(FUZZ_LIB): $(FUZZ_DIR)/obj/$(COUNTRY_TZ_O)
-include $(COUNTRY_TZ_O:.o=.d)
