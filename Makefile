# tcpladder: TCP captures into SQLite, and into reports.
#
#   make          build ./tcpladder
#   make demo     install missing Debian packages, build, ingest examples/, report
#   make check    install missing Debian packages, build, run every test
#   make check SANITIZE=1   the same under ASan+UBSan
#   make install  [PREFIX=/usr/local] [DESTDIR=]; make uninstall

# Libraries the program links, found with pkg-config.
PKGS      := libpcap sqlite3 libxml-2.0 zlib libcrypto
# Debian packages that provide them (and the test framework).
DEB_BUILD := pkg-config libpcap-dev libsqlite3-dev libxml2-dev zlib1g-dev libssl-dev sqlite3
DEB_TEST  := check tcpdump tshark parallel time

CC      ?= cc
CFLAGS  ?= -O2 -g
WARN    := -Wall -Wextra -Werror -std=c11 -D_GNU_SOURCE -pthread
ifeq ($(SANITIZE),1)
CFLAGS  += -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
LDFLAGS += -fsanitize=address,undefined
endif

# Recursive (=) so pkg-config runs after `make deps` has installed things.
PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   = $(shell pkg-config --libs $(PKGS) 2>/dev/null)
CHECK_CFLAGS = $(shell pkg-config --cflags check 2>/dev/null)
CHECK_LIBS   = $(shell pkg-config --libs check 2>/dev/null)

B := build
SRC      := $(wildcard src/*.c)
LIB_OBJ  := $(patsubst src/%.c,$(B)/%.o,$(filter-out src/main.c,$(SRC))) \
            $(B)/schema_sql.o $(B)/templates.o
TEST_SRC := $(wildcard tests/*.c)
TEST_OBJ := $(patsubst tests/%.c,$(B)/tests/%.o,$(TEST_SRC))
SCHEMA   := $(sort $(wildcard schema/*.sql))
TEMPLATES := $(sort $(wildcard templates/*))
EXAMPLES := $(patsubst %,examples/%.pcap,seed simultaneous-close refused rst-abort \
              midstream port-reuse seq-wrap ipv6 stalled)

.PHONY: all deps deps-test demo check test examples clean install uninstall FORCE
all: tcpladder

# Objects remember the flags they were built with: switching SANITIZE (or
# CFLAGS) rebuilds everything instead of linking a mix.
$(B)/flags: FORCE | $(B)
	@echo '$(CC) $(CFLAGS) $(LDFLAGS)' | cmp -s - $@ || echo '$(CC) $(CFLAGS) $(LDFLAGS)' > $@

tcpladder: $(B)/main.o $(LIB_OBJ)
	$(CC) $(LDFLAGS) -o $@ $^ $(PKG_LIBS) -lm -pthread

$(B)/%.o: src/%.c $(wildcard src/*.h) $(B)/flags
	$(CC) $(CFLAGS) $(WARN) $(PKG_CFLAGS) -Isrc -c -o $@ $<

# The schema is embedded in the binary: every schema/*.sql, in name order,
# as one C string; the views alone again (an upgrade makes them anew); flows'
# indexes alone again (ingest -j builds them after its shards are in); and
# each schema/upgrade/N.sql, the step from version N-1 to N, at index N.
EMBED_SQL = awk '{ gsub(/\\/, "&&"); gsub(/"/, "\\\""); print "\"" $$0 "\\n\"" }'
UPGRADES := $(sort $(wildcard schema/upgrade/*.sql))
$(B)/schema_sql.c: $(SCHEMA) $(UPGRADES) Makefile | $(B)
	{ echo '/* generated from the schema directory; do not edit */'; \
	  echo 'const char db_schema_sql[] ='; $(EMBED_SQL) $(SCHEMA); echo ';'; \
	  echo 'const char db_views_sql[] ='; $(EMBED_SQL) $(filter %_views.sql,$(SCHEMA)); echo ';'; \
	  echo 'const char db_indexes_sql[] ='; $(EMBED_SQL) $(filter %_indexes.sql,$(SCHEMA)); echo ';'; \
	  echo 'const char *const db_upgrade_sql[] = {'; \
	  for f in $(UPGRADES); do echo "[$$(basename $$f .sql)] ="; $(EMBED_SQL) $$f; echo ','; done; \
	  echo '};'; \
	  echo 'const unsigned db_upgrade_count = sizeof db_upgrade_sql / sizeof db_upgrade_sql[0];'; \
	} > $@
$(B)/schema_sql.o: $(B)/schema_sql.c $(B)/flags
	$(CC) $(CFLAGS) $(WARN) -c -o $@ $<

# Templates too: each file of templates/ as a named C string.
$(B)/templates.c: $(TEMPLATES) | $(B)
	awk 'BEGIN { print "/* generated from the templates directory; do not edit */"; \
	             print "struct html_template { const char *name; const char *text; };"; \
	             print "const struct html_template html_templates[] = {" } \
	     FNR == 1 { if (NR > 1) print "},"; n = FILENAME; sub(/.*\//, "", n); \
	                print "{\"" n "\"," } \
	     { gsub(/\\/, "&&"); gsub(/"/, "\\\""); print "\"" $$0 "\\n\"" } \
	     END { if (NR > 0) print "},"; print "{0, 0}};" }' $(TEMPLATES) > $@
$(B)/templates.o: $(B)/templates.c $(B)/flags
	$(CC) $(CFLAGS) $(WARN) -c -o $@ $<

$(B)/tests/%.o: tests/%.c $(wildcard src/*.h tests/*.h) $(B)/flags
	$(CC) $(CFLAGS) $(WARN) -Wno-missing-field-initializers $(PKG_CFLAGS) $(CHECK_CFLAGS) -Isrc -Itests -c -o $@ $<

$(B)/check_tcpladder: $(TEST_OBJ) $(LIB_OBJ)
	$(CC) $(LDFLAGS) -o $@ $^ $(PKG_LIBS) $(CHECK_LIBS) -lm -pthread

$(B)/mkexamples: examples/mkexamples.c $(B)/flags
	$(CC) $(CFLAGS) $(WARN) $(PKG_CFLAGS) -o $@ $< $(PKG_LIBS)

examples: $(EXAMPLES)
$(EXAMPLES) &: $(B)/mkexamples
	$(B)/mkexamples examples

$(B):
	mkdir -p $(B)/tests

# Install what is missing, only when something is: a machine that has
# everything never needs root. Under CI or as root, no sudo.
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
define install_missing
	@missing=""; for p in $(1); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q 'ok installed' || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing"; \
	  $(SUDO) apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends $$missing; \
	fi
endef
deps:
	$(call install_missing,$(DEB_BUILD))
deps-test: deps
	$(call install_missing,$(DEB_TEST))

DEMO_QUERY := SELECT t.frame, t.seen_frame, t.endpoint, t.from_state, t.to_state, t.event \
  FROM transitions_view t JOIN flows_view f ON f.id = t.flow_id \
  WHERE f.server = '192.168.1.104:9999' ORDER BY t.step
DEMO_SEED_ID = $$(sqlite3 demo/tcpladder.db "SELECT id FROM flows_view WHERE server = '192.168.1.104:9999'")

demo: deps
	@$(MAKE) --no-print-directory tcpladder examples
	@rm -rf demo
	./tcpladder run -v -o demo examples
	@echo
	@echo "The seed's conversation, both endpoints' states:"
	@sqlite3 -header -column demo/tcpladder.db "$(DEMO_QUERY)"
	@echo
	@echo "report:   file://$(CURDIR)/demo/index.html"
	@echo "the seed: file://$(CURDIR)/demo/flows/$(DEMO_SEED_ID).html"
	@echo "database: $(CURDIR)/demo/tcpladder.db"
	@echo "  sqlite3 -header -column demo/tcpladder.db 'SELECT id, client, server, client_state, server_state FROM flows_view'"
	@echo "  README.md walks through the seed; docs/queries.md has 24 more queries"

check: deps-test
	@$(MAKE) --no-print-directory tcpladder examples $(B)/check_tcpladder
	@$(MAKE) --no-print-directory test

# Check's summary line is the last line this prints.
test:
	@if command -v tshark >/dev/null 2>&1; then $(MAKE) --no-print-directory diff-tshark; else echo "tshark not installed: the tshark differential is not run"; fi
	cd tests && CK_DEFAULT_TIMEOUT=120 ../$(B)/check_tcpladder

clean:
	rm -rf $(B) tcpladder demo

# make install: the binary, the man page, the bash completion, and the
# schema and templates (the binary embeds both; these copies are for
# reading and for SQL of one's own). DESTDIR stages a package's tree.
# make uninstall removes these files, and share/tcpladder's folders when
# nothing else is left in them.
PREFIX  ?= /usr/local
BINDIR  := $(PREFIX)/bin
MAN1DIR := $(PREFIX)/share/man/man1
DATADIR := $(PREFIX)/share/tcpladder
COMPDIR := $(PREFIX)/share/bash-completion/completions
INSTALL ?= install
install: tcpladder
	$(INSTALL) -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MAN1DIR) $(DESTDIR)$(COMPDIR) \
	  $(DESTDIR)$(DATADIR)/schema/upgrade $(DESTDIR)$(DATADIR)/templates
	$(INSTALL) -m 755 tcpladder $(DESTDIR)$(BINDIR)/tcpladder
	$(INSTALL) -m 644 docs/tcpladder.1 $(DESTDIR)$(MAN1DIR)/tcpladder.1
	$(INSTALL) -m 644 completions/tcpladder.bash $(DESTDIR)$(COMPDIR)/tcpladder
	$(INSTALL) -m 644 $(SCHEMA) $(DESTDIR)$(DATADIR)/schema
	$(INSTALL) -m 644 $(UPGRADES) $(DESTDIR)$(DATADIR)/schema/upgrade
	$(INSTALL) -m 644 $(TEMPLATES) $(DESTDIR)$(DATADIR)/templates
uninstall:
	rm -f $(DESTDIR)$(BINDIR)/tcpladder $(DESTDIR)$(MAN1DIR)/tcpladder.1 \
	  $(DESTDIR)$(COMPDIR)/tcpladder \
	  $(patsubst %,$(DESTDIR)$(DATADIR)/%,$(SCHEMA) $(UPGRADES) $(TEMPLATES))
	-rmdir $(DESTDIR)$(DATADIR)/schema/upgrade $(DESTDIR)$(DATADIR)/schema \
	  $(DESTDIR)$(DATADIR)/templates $(DESTDIR)$(DATADIR) 2>/dev/null

# The tshark differential (tests/diff/diff_tshark.c, docs/analysis.md):
# every capture of examples/ and ../shared/corpus ingested, and each
# segment's analysis flags and each capture's connections compared with
# tshark's; fails below 99% agreement or on an unexplained connection
# count. `make test` runs it when tshark is installed.
$(B)/diff_tshark: tests/diff/diff_tshark.c $(B)/flags | $(B)
	$(CC) $(CFLAGS) $(WARN) $(LDFLAGS) $(PKG_CFLAGS) -o $@ $< $(PKG_LIBS)

# docs/queries.md's expected outputs, and what README.md shows under its
# command lines, rewritten from the current build over examples/
# (tests/test_queries.c and tests/test_docs.c compare them); read the diff
# after: a changed output is a changed answer, and the prose may follow.
.PHONY: queries-expected readme-expected
queries-expected: tcpladder examples
	tests/queries-expected.sh ./tcpladder docs/queries.md examples
readme-expected: tcpladder examples
	tests/readme-expected.sh ./tcpladder README.md examples

.PHONY: diff-tshark
diff-tshark: tcpladder examples $(B)/diff_tshark
	$(B)/diff_tshark ./tcpladder examples ../shared/corpus ../shared/corpus-tunnels

# make bench: issue 6's measurements, one table (bench/run.sh says what).
# BENCH_SCALE=0.1 shrinks the captures for a quick run; BENCH_SKIP_SLOW=1
# skips tshark and tcpdump. The programs of bench/ build here.
BENCH_PKG_FLAGS = $(shell pkg-config --cflags --libs libpcap sqlite3 2>/dev/null)
$(B)/bench/%: bench/%.c $(B)/flags
	@mkdir -p $(B)/bench
	$(CC) $(CFLAGS) $(WARN) -o $@ $< $(BENCH_PKG_FLAGS)
.PHONY: bench bench-synflood
bench: deps
	bench/run.sh
# make bench-synflood: a million lone SYNs, peak RSS per --max-flows
# (bench/synflood.sh; docs/security.md has the figures).
bench-synflood: deps
	bench/synflood.sh

# make fuzz: the libFuzzer targets of fuzz/ (docs/security.md), built with
# clang under ASan+UBSan into $(FZ), apart from the normal build: the
# packet decoder one frame at a time (fuzz_decode) and a whole capture's
# ingest from memory into an in-memory database (fuzz_ingest). Each runs
# FUZZ_SECONDS on a corpus kept in $(FZ)/corpus/TARGET, seeded from
# examples/, ../shared/corpus and ../shared/corpus-tunnels (one capture of
# nearly every tunnel and link type; fuzz_seeds splits the captures into
# frames for the decoder); a crash leaves its input as
# $(FZ)/crash-TARGET-*, and fails the run.
FUZZ_CC      ?= clang
FUZZ_SECONDS ?= 10
FUZZ_FLAGS   := -g -O1 -fno-omit-frame-pointer -fsanitize=address,undefined \
                -fno-sanitize-recover=all
FZ := $(B)/fuzz
FUZZ_LIB_OBJ := $(patsubst src/%.c,$(FZ)/%.o,$(filter-out src/main.c,$(SRC))) \
                $(FZ)/schema_sql.o $(FZ)/templates.o
FUZZ_TARGETS := decode ingest
SHARED_CORPUS := ../shared/corpus ../shared/corpus-tunnels

$(FZ): | $(B)
	mkdir -p $(FZ)
$(FZ)/%.o: src/%.c $(wildcard src/*.h) | $(FZ)
	$(FUZZ_CC) $(FUZZ_FLAGS) -fsanitize=fuzzer-no-link $(WARN) $(PKG_CFLAGS) -Isrc -c -o $@ $<
$(FZ)/schema_sql.o $(FZ)/templates.o: $(FZ)/%.o: $(B)/%.c | $(FZ)
	$(FUZZ_CC) $(FUZZ_FLAGS) $(WARN) -c -o $@ $<
$(FZ)/fuzz_%: fuzz/fuzz_%.c $(FUZZ_LIB_OBJ)
	$(FUZZ_CC) $(FUZZ_FLAGS) -fsanitize=fuzzer $(WARN) $(PKG_CFLAGS) -Isrc -o $@ $^ \
	  $(PKG_LIBS) -lm -pthread
# The seed splitter is no fuzz target: the same objects, no libFuzzer main.
$(FZ)/fuzz_seeds: fuzz/fuzz_seeds.c $(FUZZ_LIB_OBJ)
	$(FUZZ_CC) $(FUZZ_FLAGS) -fsanitize=fuzzer-no-link $(WARN) $(PKG_CFLAGS) -Isrc -o $@ $^ \
	  $(PKG_LIBS) -lm -pthread

# Seeds: every capture (under 1 MiB) whole for ingest, their frames for
# the decoder; remade on every run (cheap), the corpora kept.
.PHONY: fuzz fuzz-build fuzz-seeds
fuzz-build: $(patsubst %,$(FZ)/fuzz_%,$(FUZZ_TARGETS)) $(FZ)/fuzz_seeds
fuzz-seeds: fuzz-build examples
	rm -rf $(FZ)/seeds && mkdir -p $(FZ)/seeds/decode $(FZ)/seeds/ingest
	find examples $(wildcard $(SHARED_CORPUS)) -type f -size -1024k \
	  \( -name '*.pcap' -o -name '*.pcapng' -o -name '*.cap' -o -name '*.gz' \) \
	  -exec cp {} $(FZ)/seeds/ingest/ \;
	$(FZ)/fuzz_seeds $(FZ)/seeds/decode $(FZ)/seeds/ingest/*
	cp fuzz/seeds/decode/* $(FZ)/seeds/decode/
# clang and its libFuzzer runtime, installed as check's packages are.
DEB_FUZZ := clang libclang-rt-14-dev
.PHONY: deps-fuzz
deps-fuzz: deps
	$(call install_missing,$(DEB_FUZZ))
fuzz: deps-fuzz
	@$(MAKE) --no-print-directory fuzz-seeds
	@for t in $(FUZZ_TARGETS); do \
	  mkdir -p $(FZ)/corpus/$$t; \
	  echo "fuzz: $$t for $(FUZZ_SECONDS) s"; \
	  ASAN_OPTIONS=detect_leaks=1 $(FZ)/fuzz_$$t -max_total_time=$(FUZZ_SECONDS) \
	    -timeout=10 -rss_limit_mb=2048 -max_len=$$([ $$t = ingest ] && echo 131072 || echo 65600) \
	    -print_final_stats=1 -artifact_prefix=$(FZ)/crash-$$t- \
	    $(FZ)/corpus/$$t $(FZ)/seeds/$$t 2>&1 | tee $(FZ)/$$t.log | \
	    grep -E '^(INFO: seed corpus|#[0-9]+[[:space:]]+(INITED|DONE)|Done|stat::|==[0-9]+==ERROR|SUMMARY)'; \
	  grep -q '^Done [0-9]* runs' $(FZ)/$$t.log || { echo "fuzz: $$t failed: $(FZ)/$$t.log"; exit 1; }; \
	done
