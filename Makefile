# offboard: `make run` and `make test` set up everything on a fresh Debian machine.
BUILD    := build
ASAN     := build-asan
FUZZ     := build-fuzz
DATA     ?= ./data
DB       ?= sqlite:$(DATA)/offboard.db
LISTEN   ?= 127.0.0.1:8080
POLICY   ?= etc/policy.conf

.PHONY: all build run test bench fuzz clean deps

all: build

build:
	@scripts/deps.sh build
	@[ -f $(BUILD)/build.ninja ] || meson setup $(BUILD) >/dev/null
	@ninja -C $(BUILD) >/dev/null
	@echo "built $(BUILD)/offboard"

run: build
	@scripts/run.sh $(BUILD)/offboard "$(DB)" "$(LISTEN)" "$(DATA)" "$(POLICY)"

test:
	@scripts/deps.sh build test pg fuzz e2e
	@scripts/test.sh

bench: build
	@scripts/deps.sh bench pg
	@bench/run.sh $(BUILD)/offboard

fuzz:
	@scripts/deps.sh build fuzz
	@FUZZ_SECONDS=$${FUZZ_SECONDS:-60} scripts/fuzz.sh

clean:
	rm -rf $(BUILD) $(ASAN) $(FUZZ) tests/out
