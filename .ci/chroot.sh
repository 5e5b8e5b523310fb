#!/bin/sh
# chroot.sh - runs `make test` from a clean clone inside a fresh minimal Debian 12
# chroot, so a dependency that only happens to be installed on this machine
# cannot hide a missing install step. Needs root (debootstrap, mount, chroot).
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
mirror=${DEBIAN_MIRROR:-http://deb.debian.org/debian}

if [ "$(id -u)" -ne 0 ]; then
    echo "chroot: SKIP needs root"; exit 0
fi
if ! command -v debootstrap >/dev/null 2>&1; then
    DEBIAN_FRONTEND=noninteractive apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap >/dev/null
fi

root=$(mktemp -d /tmp/ringscan-chroot.XXXXXX)
cleanup() {
    for m in dev/pts dev proc; do
        mountpoint -q "$root/$m" 2>/dev/null && umount -l "$root/$m" || true
    done
    rm -rf --one-file-system "$root"
}
trap cleanup EXIT INT TERM

echo "chroot: debootstrap bookworm into $root"
debootstrap --variant=minbase --include=build-essential,git bookworm "$root" "$mirror" \
    >"$root.log" 2>&1 || { tail -20 "$root.log"; exit 1; }
rm -f "$root.log"
mount -t proc proc "$root/proc"
mount --bind /dev "$root/dev"
mount --bind /dev/pts "$root/dev/pts"
cp /etc/resolv.conf "$root/etc/resolv.conf" 2>/dev/null || true

mkdir -p "$root/build"
git clone -q --no-local "$top" "$root/build/ringscan"
# The committed tree only: what a user's checkout has.
if [ -d "$top/../shared" ]; then
    cp -r "$top/../shared" "$root/build/shared"
fi
echo "chroot: make test in a clean Debian 12"
chroot "$root" /bin/sh -c 'cd /build/ringscan && make test'
