#!/usr/bin/env bash
# Prints the guest kernel's version, its image and its headers' build
# directory, as KVER=, VMLINUZ=, KBUILD= lines (exit 1 if none is installed).
# The guest kernel is Debian's linux-image-amd64, which need not be the
# kernel this host runs: `uname -r` names the host's, so the pair is found
# here by matching an installed image with headers of the same version.
set -euo pipefail
for img in $(ls -1 /boot/vmlinuz-*-amd64 2>/dev/null | sort -V -r); do
  kver=${img#/boot/vmlinuz-}
  kbuild=/usr/src/linux-headers-$kver
  [ -f "$kbuild/Makefile" ] || kbuild=/lib/modules/$kver/build
  if [ -f "$kbuild/Makefile" ]; then
    echo "KVER=$kver"
    echo "VMLINUZ=$img"
    echo "KBUILD=$kbuild"
    exit 0
  fi
done
echo "no /boot/vmlinuz-*-amd64 with matching headers (install linux-image-amd64 linux-headers-amd64)" >&2
exit 1
