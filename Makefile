# Lunaix-rs: `make run` boots the demo, `make test` runs every test.
# See README.md. Everything is built into build/:
#   build/kernel.elf     the kernel (Multiboot ELF32)
#   build/bin/*          user programs (Rust apps from uapps/, C apps from uapps/c/)
#   build/initrd.cpio    the boot image holding build/bin/* as /bin/*

SHELL        := bash
QEMU         ?= qemu-system-i386
INIT         ?= /bin/init
ARGS         ?=
KOPTS        ?=
MEMORY       ?= 256M
BUILD        := build
KERNEL_ELF   := kernel/target/i686-lunaix/release/kernel
UAPPS_OUT    := uapps/target/i686-lunaix/release
# One program per uapps/src/bin/<name>.rs or uapps/src/bin/<name>/main.rs (Cargo's two layouts).
RUST_APPS    := $(sort $(basename $(notdir $(wildcard uapps/src/bin/*.rs))) \
                       $(notdir $(patsubst %/main.rs,%,$(wildcard uapps/src/bin/*/main.rs))))
C_APPS       := $(basename $(notdir $(wildcard uapps/c/*.c)))
BUILDER      := target/release/initrd-builder
# The flags every boot shares with scripts/bench.sh and the test harness (comments dropped;
# \x23 is the comment sign, spelled so make does not take it for one).
QEMU_FLAGS   := $(strip $(shell sed -e 's/\x23.*//' scripts/qemu-flags)) -m $(MEMORY)
# `make run` at a terminal: the console reads (console=input), and QEMU's stdio is a multiplexer
# whose ^C goes to the guest (signal=off); Ctrl-A x quits QEMU, Ctrl-A c its monitor.
comma        := ,
TTY_FLAGS    := $(subst -serial stdio,-chardev stdio$(comma)id=con$(comma)mux=on$(comma)signal=off \
                  -serial chardev:con -mon chardev=con$(comma)mode=readline,$(subst -monitor none,,$(QEMU_FLAGS)))

.PHONY: all run test bench bench-linux bench-chart fuzz soak fuzz-host gdb kernel uapps sysroot initrd toolchain deps doc lint clean

all: kernel initrd

# The pinned nightly from rust-toolchain.toml (with rust-src), installed on first use.
toolchain:
	@rustup run "$$(sed -n 's/^channel *= *"\(.*\)"/\1/p' rust-toolchain.toml)" true 2>/dev/null \
	  || rustup toolchain install

# System tools: qemu-system-i386 (Debian's qemu-system-x86), gcc and binutils
# for the C shim, cpio for the initrd tests. Installed with apt when missing
# and we are root; otherwise the command to type is printed.

deps:
	@missing=""; \
	for tool in $(QEMU):qemu-system-x86 gcc:gcc objcopy:binutils cpio:cpio strace:strace; do \
	  command -v $${tool%%:*} >/dev/null || missing="$$missing $${tool##*:}"; \
	done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "installing$$missing"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	  else \
	    echo "missing tools: run  sudo apt-get install -y$$missing"; exit 1; \
	  fi; \
	fi

kernel: toolchain
	cargo -Zunstable-options -C kernel build --release
	@mkdir -p $(BUILD) && cp $(KERNEL_ELF) $(BUILD)/kernel.elf

sysroot: toolchain deps
	sysroot/build.sh

uapps: sysroot
	cd uapps && ../sysroot/bin/lunaix-cargo build --release
	@mkdir -p $(BUILD)/bin
	@# Debug info and symbols stay in $(UAPPS_OUT) for gdb; the boot image gets stripped copies
	@# (every program is held twice in RAM while the initrd is unpacked: docs/boot.md).
	@for app in $(RUST_APPS); do objcopy --strip-all $(UAPPS_OUT)/$$app $(BUILD)/bin/$$app || exit 1; done
	@for app in $(C_APPS); do sysroot/bin/lunaix-cc uapps/c/$$app.c -o $(BUILD)/bin/$$app && \
	  objcopy --strip-all $(BUILD)/bin/$$app || exit 1; done

initrd: uapps
	cargo build -q --release -p initrd-builder
	$(BUILDER) create -o $(BUILD)/initrd.cpio $(addprefix $(BUILD)/bin/,$(RUST_APPS) $(C_APPS))

# Boots the demo (or INIT=/bin/prog ARGS="..." KOPTS="loglevel=debug").
# QEMU's exit status encodes how pid 1 ended (docs/boot.md): 1 means it exited 0.
run: all deps
	@if [ -t 0 ]; then flags="$(TTY_FLAGS)"; input=console=input; \
	  else flags="$(QEMU_FLAGS)"; input=; fi; \
	  $(QEMU) $$flags -kernel $(BUILD)/kernel.elf -initrd $(BUILD)/initrd.cpio \
	  -append "init=$(INIT) $$input $(KOPTS)$(if $(ARGS), -- $(ARGS))"; status=$$?; \
	  if [ $$status -ne 1 ]; then echo "(QEMU exit status $$status: see docs/boot.md)"; exit 1; fi

test: all deps
	tests/run-all.sh

# Every figure beside its floor and Linux i386's (docs/performance.md); about a minute.
bench: all deps
	scripts/bench.sh

# Linux i386's figures for `make bench` (build/bench-linux.txt): Debian's kernel from the package
# archive running the same benchmarks in C, under the same QEMU; a few minutes.
bench-linux: deps
	scripts/bench-linux.sh

# docs/scaling.svg: fork + exit + wait and yield against the number of processes alive.
bench-chart: all deps
	scripts/bench-chart.sh

# The host fuzzers of every parser of outside input (docs/testing.md#host-fuzzing), each for
# FUZZ_SECONDS (default 600), one after the other; FUZZ_TARGETS="elf cmdline" runs only those.
# Installs cargo-fuzz when missing. Not part of `make test`, which replays their corpora.
FUZZ_SECONDS ?= 600
FUZZ_TARGETS ?=
fuzz-host: toolchain
	FUZZ_SECONDS=$(FUZZ_SECONDS) scripts/fuzz-host.sh $(FUZZ_TARGETS)

# A million fuzzed system calls in 4 processes (FUZZ_SEED, FUZZ_CALLS, FUZZ_PROCS): docs/testing.md.
fuzz: all deps
	scripts/fuzz.sh

# SOAK_MINUTES (30) of mixed load at -m 64M, checked every minute: docs/testing.md.
soak: all deps
	nice -n 10 scripts/soak.sh

# QEMU halted with a GDB stub on :1234, and GDB attached with the kernel's symbols.
gdb: all deps
	@command -v gdb >/dev/null || { echo "gdb is missing: run  apt-get install -y gdb"; exit 1; }
	@$(QEMU) $(QEMU_FLAGS) -kernel $(BUILD)/kernel.elf -initrd $(BUILD)/initrd.cpio \
	  -append "init=$(INIT) $(KOPTS)$(if $(ARGS), -- $(ARGS))" -s -S & qemu=$$!; \
	gdb -q $(BUILD)/kernel.elf -ex "target remote :1234" -ex "break kmain" -ex "continue"; \
	kill $$qemu 2>/dev/null || true

# rustfmt and clippy (warnings are errors) over the host workspace, the kernel and the apps.
lint: sysroot
	cargo fmt --all -- --check
	cd kernel && cargo fmt --check
	cd uapps && cargo fmt --check
	cd ulib && cargo fmt --check
	cargo clippy --workspace --all-targets -- -D warnings
	cargo -Zunstable-options -C kernel clippy --release -- -D warnings
	cd uapps && ../sysroot/bin/lunaix-cargo clippy --release -- -D warnings

doc:
	cd ulib && ../sysroot/bin/lunaix-cargo doc --no-deps

clean:
	rm -rf $(BUILD) target kernel/target uapps/target fuzz/target fuzz/artifacts
