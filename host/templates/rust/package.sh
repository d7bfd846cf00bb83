#!/bin/sh
# Builds the plugin and packs it as a Debian package that installs into the
# cost-ops host's plugin directory and depends on plugin ABI 1.1 or later 1.x.
set -eu
cd "$(dirname "$0")"
cargo build --release --offline
version=$(sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -n 1)
root=target/deb/root
rm -rf target/deb
mkdir -p "$root/DEBIAN" "$root/usr/lib/cost-ops/plugins"
cp target/release/lib@NAME@.so "$root/usr/lib/cost-ops/plugins/@NAME@.so"
cat > "$root/DEBIAN/control" <<CONTROL
Package: cost-ops-plugin-@PACKAGE@
Version: $version
Architecture: $(dpkg --print-architecture)
Maintainer: maintainer@example.com
Depends: cost-ops-bench-abi-1 (>= 1.1), libc6
Description: @NAME@ benchmark targets for cost-ops
CONTROL
dpkg-deb --build --root-owner-group "$root" "target/cost-ops-plugin-@PACKAGE@_${version}.deb"
echo "target/cost-ops-plugin-@PACKAGE@_${version}.deb"
