# fuzz.mk - libFuzzer harnesses (tests/fuzz/README.md); included by the top
# Makefile, whose variables (BUILD, LIB, LIB_SRC, CPPFLAGS, CFLAGS, WARN,
# LDLIBS, CC) it uses.
#
#   make fuzz            build every harness with clang, libFuzzer, ASan and
#                        UBSan into build-fuzz/ and run each for FUZZ_SECONDS
#                        (default 60) on a copy of its seed corpus; fails on
#                        any crash, leak, timeout or out-of-memory
#   make fuzz-regress    replay tests/fuzz/corpus/ and tests/fuzz/regressions/
#                        through every harness built with $(CC) and a plain
#                        driver (no clang needed; run by make test)
#   make fuzz-clean      remove build-fuzz/

FUZZ_HARNESSES := table config parsers pipeline dispositions mapping
FUZZ_CC        ?= clang
FUZZ_DIR       ?= build-fuzz
FUZZ_SECONDS   ?= 60
# libFuzzer options for every run; FUZZ_ARGS_<harness> adds to them.
FUZZ_FLAGS     ?= -rss_limit_mb=2048 -timeout=10 -print_final_stats=1
FUZZ_ARGS_pipeline ?= -max_len=8192 -close_fd_mask=3
FUZZ_HINT      := fuzz: needs clang with libFuzzer; on Debian 12 as root: apt-get install -y \
                  --no-install-recommends clang libclang-rt-14-dev
FUZZ_SAN       := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
FUZZ_CFLAGS    := -O1 -g $(WARN) -pthread -MMD -MP $(FUZZ_SAN) -fsanitize=fuzzer-no-link

FUZZ_SRC       := $(FUZZ_HARNESSES:%=tests/fuzz/fuzz_%.c) tests/fuzz/fuzzutil.c
FUZZ_LIB_OBJ   := $(LIB_SRC:%.c=$(FUZZ_DIR)/obj/%.o)
FUZZ_OBJ       := $(FUZZ_SRC:%.c=$(FUZZ_DIR)/obj/%.o)
FUZZ_LIB       := $(FUZZ_DIR)/libringscan.a
FUZZ_BINS      := $(FUZZ_HARNESSES:%=$(FUZZ_DIR)/fuzz_%)

FUZZ_REGRESS_OBJ  := $(FUZZ_SRC:%.c=$(BUILD)/%.o) $(BUILD)/tests/fuzz/driver.o
FUZZ_REGRESS_BINS := $(FUZZ_HARNESSES:%=$(BUILD)/fuzz-regress/fuzz_%)

.PHONY: fuzz fuzz-build fuzz-regress fuzz-clean

# --- libFuzzer build (clang) ------------------------------------------------
# The library's warnings are the gcc build's to enforce: clang's extra ones do
# not stop fuzzing. The harnesses themselves build with -Werror.
$(FUZZ_LIB_OBJ): FUZZ_WERROR := -Wno-error

$(FUZZ_DIR)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	@echo "CC(fuzz) $<"
	@$(FUZZ_CC) $(CPPFLAGS) $(FUZZ_CFLAGS) $(FUZZ_WERROR) -c $< -o $@ || \
	  { command -v $(FUZZ_CC) >/dev/null || echo "$(FUZZ_HINT)"; exit 1; }

$(FUZZ_LIB): $(FUZZ_LIB_OBJ)
	@rm -f $@
	@ar rcs $@ $^

$(FUZZ_BINS): $(FUZZ_DIR)/fuzz_%: $(FUZZ_DIR)/obj/tests/fuzz/fuzz_%.o \
              $(FUZZ_DIR)/obj/tests/fuzz/fuzzutil.o $(FUZZ_LIB)
	@echo "LD $@"
	@$(FUZZ_CC) $(FUZZ_SAN) -fsanitize=fuzzer -pthread -o $@ $^ $(LDLIBS) || \
	  { echo "$(FUZZ_HINT)"; exit 1; }

fuzz-build: $(FUZZ_BINS)

# One harness after another (each is single-threaded; the machine may be busy).
fuzz: $(FUZZ_BINS)
	@fail=0; $(foreach h,$(FUZZ_HARNESSES),sh tests/fuzz/run.sh $(h) $(FUZZ_DIR) \
	  $(FUZZ_SECONDS) $(FUZZ_FLAGS) $(FUZZ_ARGS_$(h)) || fail=1;) \
	if [ $$fail -ne 0 ]; then echo "fuzz: FAILED (reproducers above)"; exit 1; fi

fuzz-clean:
	rm -rf $(FUZZ_DIR)

# --- regression replay ($(CC), no libFuzzer) ---------------------------------
# Objects come from the top Makefile's $(BUILD)/%.o rule, so the asan variant
# replays under the sanitizers too.
$(FUZZ_REGRESS_BINS): $(BUILD)/fuzz-regress/fuzz_%: $(BUILD)/tests/fuzz/fuzz_%.o \
                      $(BUILD)/tests/fuzz/fuzzutil.o $(BUILD)/tests/fuzz/driver.o $(LIB)
	@mkdir -p $(dir $@)
	@echo "LD $@"
	@$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(LDLIBS)

fuzz-regress: $(FUZZ_REGRESS_BINS)
	@mkdir -p $(BUILD)/test-logs; fail=0; \
	for h in $(FUZZ_HARNESSES); do \
	  log=$(BUILD)/test-logs/fuzz-regress-$$h.log; \
	  dirs=$$(for d in tests/fuzz/corpus/$$h tests/fuzz/regressions/$$h; do \
	          [ -d $$d ] && echo $$d; done); \
	  if $(BUILD)/fuzz-regress/fuzz_$$h $$dirs >$$log 2>&1; then \
	    echo "PASS fuzz-regress $$h ($$(tail -n 1 $$log | sed "s/^driver: //"))"; \
	  else \
	    fail=1; echo "FAIL fuzz-regress $$h ($$(tail -n 1 $$log | sed "s/^driver: //")), log $$log:"; \
	    grep -E "^(driver: FAIL|fuzz: invariant|SUMMARY|==[0-9]+==ERROR|    #[0-3] )" $$log | \
	      head -n 20 | sed "s/^/     | /"; \
	  fi; \
	done; exit $$fail

-include $(FUZZ_LIB_OBJ:.o=.d) $(FUZZ_OBJ:.o=.d) $(FUZZ_REGRESS_OBJ:.o=.d)
