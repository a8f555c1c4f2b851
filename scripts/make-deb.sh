#!/bin/sh
# make deb: stages a Debian install of build/deb/safeharbor with `make install`
# (PREFIX=/usr, SYSCONFDIR=/etc), writes DEBIAN/ (control with the shared libraries'
# packages as dependencies, conffiles, maintainer scripts) and builds the .deb with
# dpkg-deb. Nothing is fetched. Usage: scripts/make-deb.sh DEB_DIR VERSION
set -eu
cd "$(dirname "$0")/.."
dir="$1"
version="$2"
arch="$(dpkg --print-architecture)"
root="$dir/root"
deb="$dir/safeharbor_${version}_${arch}.deb"

rm -rf "$root"
make -s install DESTDIR="$PWD/$root" PREFIX=/usr SYSCONFDIR=/etc UNITDIR=/lib/systemd/system \
	INSTALL_BIN="$dir/safeharbor" >/dev/null
# Debian keeps copyright and changelog in the doc directory
install -m 0644 LICENSE "$root/usr/share/doc/safeharbor/copyright"
gzip -9nc CHANGELOG.md > "$root/usr/share/doc/safeharbor/changelog.gz"
rm -f "$root/usr/share/doc/safeharbor/LICENSE"

# Depends: the package of every shared library the binary links, at least the version
# built against (what dpkg-shlibdeps would say, without a debian/ source tree)
depends=""
seen=" "
for soname in $(readelf -d "$dir/safeharbor" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p'); do
	lib="$(ldd "$dir/safeharbor" | awk -v n="$soname" '$1 == n {print $3}')"
	[ -n "$lib" ] || continue
	pkg="$(dpkg -S "$(readlink -f "$lib")" 2>/dev/null | head -n1 | cut -d: -f1)"
	[ -n "$pkg" ] || pkg="$(dpkg -S "$lib" 2>/dev/null | head -n1 | cut -d: -f1)"
	[ -n "$pkg" ] || continue
	case "$seen" in *" $pkg "*) continue ;; esac
	seen="$seen$pkg "
	ver="$(dpkg-query -W -f='${Version}' "$pkg" | sed 's/-[^-]*$//; s/^[0-9]*://')"
	depends="${depends:+$depends, }$pkg (>= $ver)"
done

install -d -m 0755 "$root/DEBIAN"
sed -e "s|@VERSION@|$version|" -e "s|@ARCH@|$arch|" -e "s|@DEPENDS@|$depends|" \
	contrib/debian/control.in > "$root/DEBIAN/control"
echo "Installed-Size: $(du -sk --exclude=DEBIAN "$root" | cut -f1)" >> "$root/DEBIAN/control"
echo /etc/safeharbor/safeharbor.conf > "$root/DEBIAN/conffiles"
for s in postinst prerm postrm; do
	install -m 0755 "contrib/debian/$s" "$root/DEBIAN/$s"
done
find "$root" -type d -exec chmod 0755 {} +
dpkg-deb --root-owner-group -Zxz --build "$root" "$deb" >/dev/null
echo "deb: $deb ($(du -k "$deb" | cut -f1) KiB)"
