#!/usr/bin/env bash
# Installs what is missing (Debian packages only) and builds kernsim into build/.
# Safe to run again: a warm machine skips apt and rebuilds incrementally.
set -euo pipefail
cd "$(dirname "$0")/.."

PKGS=(build-essential cmake git
      libboost-context-dev            # fibers
      libprotobuf-dev protobuf-compiler python3-protobuf   # repro files
      pybind11-dev python3-dev python3-pytest              # kernsim._core and its tests
      libgtest-dev                    # C++ tests
      relacy-dev                      # the anchor the lost-wakeup figure is measured against (bench/)
      python3-distributed             # explore --cluster: Dask scheduler, workers, client (and its test)
      python3-hypothesis              # the parser fuzz tests (tests/python/test_parsers_fuzz.py)
      python3-rich                    # progress (rate, ETA) on long commands, colour in `show`
      chromium python3-pil            # the timeline page's screenshot test (tests/python/test_timeline_screenshot.py)
      clang libclang-rt-14-dev        # libFuzzer/ASan entry points (fuzz/, optional)
      # The full-system check (qemu/, `kernsim qemu`): a real kernel to boot,
      # its headers to build the drivers against, the guest's userland, and
      # protobuf-c for the guest agent that reads Programs.
      qemu-system-x86 linux-image-amd64 linux-headers-amd64 busybox-static cpio
      libprotobuf-c-dev protobuf-c-compiler)

missing=()
for p in "${PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "kernsim setup: installing ${missing[*]}"
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get -o DPkg::Lock::Timeout=600 update -q
  $SUDO apt-get -o DPkg::Lock::Timeout=600 install -y -q --no-install-recommends "${missing[@]}"
fi

# The guest kernel and its headers' build directory, named explicitly
# (`uname -r` is the host's kernel, not the one the guest boots).
if kpaths=$(bash qemu/kernel_paths.sh 2>/dev/null); then
  echo "kernsim setup: guest kernel $(echo "$kpaths" | sed -n 's/^KVER=//p'), headers $(echo "$kpaths" | sed -n 's/^KBUILD=//p')"
fi

cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo > build.log 2>&1 || { cat build.log; exit 1; }
# Also the libFuzzer/ASan tree, build/libfuzzer (target libfuzzer_tree;
# nothing without clang): its ctest entry only runs it.
cmake --build build -j"$(nproc)" >> build.log 2>&1 || { tail -60 build.log; exit 1; }
# The `kernsim` command on PATH, where this user may put it.
if [ -w /usr/local/bin ]; then
  ln -sf "$PWD/build/bin/kernsim" /usr/local/bin/kernsim
  echo "kernsim setup: built into build/ (log: build.log); kernsim -> /usr/local/bin/kernsim"
else
  echo "kernsim setup: built into build/ (log: build.log); add $PWD/build/bin to PATH for kernsim"
fi
