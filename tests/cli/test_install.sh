# SPDX-License-Identifier: GPL-2.0-or-later
# The README's install lines, as written, into a temporary root: the release
# build (--prefix=/usr --sysconfdir=/etc; the test suite off, to save the
# time), 'meson install --destdir', then the installed tree (binaries, man
# pages, the PAM module, the plugin's conf, catalogues, units and timers and
# the store paths they name; no path of the source or build tree in any
# installed binary), the installed ismsctl's --help and init, and
# the group steps ('groupadd --system', 'dpmsctl init --group') with a
# temporary group, created and removed under the machine lock.
. "$ISMS_TAP_LIB"
SRC=${ISMS_SOURCE_ROOT:?}
command -v meson >/dev/null 2>&1 || skip_all "meson not found"
command -v ninja >/dev/null 2>&1 || skip_all "ninja not found"
[ "$(id -u)" -eq 0 ] || skip_all "needs root, for the group steps"
command -v groupadd >/dev/null 2>&1 || skip_all "groupadd not found"

# groupadd changes the machine: the whole script under the machine lock.
machine_lock
G=isms-tdpo-$$
cleanup() {
	getent group "$G" >/dev/null 2>&1 && groupdel "$G"
	rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 143' TERM INT HUP

B="$T/build-release"
D="$T/root"
# The README's lines (README.md, Install).
run meson setup "$B" "$SRC" --prefix=/usr --sysconfdir=/etc -Dtests=false
expect_rc 0 "meson setup build-release --prefix=/usr --sysconfdir=/etc"
run nice ninja -C "$B"
expect_rc 0 "ninja -C build-release"
run meson install -C "$B" --destdir "$D"
expect_rc 0 "meson install -C build-release (--destdir)"

# has PATH NAME: the installed tree has PATH (relative to the root)
has() { if [ -e "$D/$1" ]; then ok "$2"; else echo "# missing: $1"; not_ok "$2"; fi; }
has usr/sbin/ismsctl "ismsctl in /usr/sbin"
has usr/sbin/dpmsctl "dpmsctl in /usr/sbin"
[ ! -e "$D/usr/bin/ismsctl" ] && [ ! -e "$D/usr/bin/dpmsctl" ] &&
	ok "neither tool in /usr/bin" || not_ok "neither tool in /usr/bin"
has usr/sbin/audisp-isms "audisp-isms in /usr/sbin"
has etc/audit/plugins.d/isms.conf "the plugin's conf in /etc/audit/plugins.d"
for m in man8/ismsctl.8 man8/dpmsctl.8 man8/pam_isms.8 man5/isms-policy.5 man8/audisp-isms.8 \
	man5/audisp-isms.conf.5 man5/isms-export.5 man5/isms-store.5; do
	has "usr/share/man/$m" "man page $m"
done
for f in annex-a-2022.json bsi-elementary-threats.json policy.example.json audit.example.json \
	audit.rules.example; do
	has "usr/share/isms/$f" "usr/share/isms/$f"
done
run sh -c "cd '$D/usr/share/isms/bsi-grundschutz-plusplus' && sha256sum -c --strict --quiet ../bsi-grundschutz-plusplus.sha256"
expect_rc 0 "the BSI's Grundschutz++ files installed unchanged beside their SHA-256 list"
has usr/share/isms/bsi-grundschutz-plusplus/LICENSE "with their licence"
has usr/share/isms/bsi-grundschutz-plusplus.README "and their provenance and attribution"
pam=$(find "$D" -path '*/security/pam_isms.so' | head -n 1)
if [ -n "$pam" ]; then ok "pam_isms.so in \$libdir/security (${pam#"$D"})"; else not_ok "pam_isms.so in \$libdir/security"; fi
if [ -n "$pam" ] && ! ldd "$pam" | grep -q sqlite; then ok "the installed pam_isms.so does not link libsqlite3"; else not_ok "the installed pam_isms.so does not link libsqlite3"; fi
C="$D/etc/audit/plugins.d/isms.conf"
grep -qx "path = /usr/sbin/audisp-isms" "$C" 2>/dev/null &&
	ok "isms.conf runs the installed audisp-isms" || not_ok "isms.conf runs the installed audisp-isms"
grep -qx "args = --config /etc/isms/audit.json" "$C" 2>/dev/null &&
	ok "isms.conf names the configuration under --sysconfdir" ||
	not_ok "isms.conf names the configuration under --sysconfdir"
# Inactive until the administrator has written audit.json and the rules.
grep -qx "active = no" "$C" 2>/dev/null && ! grep -q "^active *= *yes" "$C" &&
	ok "isms.conf is installed with active = no" || not_ok "isms.conf is installed with active = no"
grep -q "@" "$C" && not_ok "isms.conf has no template variable left" ||
	ok "isms.conf has no template variable left"

# An installed binary must not depend on the tree it was built from: neither
# the source nor the build directory in its strings.
if command -v strings >/dev/null 2>&1; then
	srcp=$(cd "$SRC" && pwd -P)
	for f in usr/sbin/ismsctl usr/sbin/dpmsctl usr/sbin/audisp-isms "${pam#"$D/"}"; do
		[ -f "$D/$f" ] || { not_ok "$f: no build path in its strings (missing)"; continue; }
		hits=$(strings -a "$D/$f" | grep -F -e "$srcp" -e "$SRC" -e "$B" | head -n 3)
		if [ -z "$hits" ]; then
			ok "$f: neither the source nor the build directory in its strings"
		else
			printf '# %s\n' $hits
			not_ok "$f: neither the source nor the build directory in its strings"
		fi
	done
else
	skip "strings not found (binutils): build paths in the binaries not checked"
fi

# Units and timers: each service runs the installed tool on the store init makes.
units=$(find "$D" -path '*/systemd/system' -type d | head -n 1)
for u in isms-anchor isms-snapshot isms-check isms-indicators isms-assess dpms-check dpms-retention; do
	has "${units#"$D/"}/$u.timer" "$u.timer installed"
	has "${units#"$D/"}/$u.service" "$u.service installed"
done
for u in isms-anchor isms-snapshot isms-check isms-indicators isms-assess; do
	grep -q "^ExecStart=/usr/sbin/ismsctl .*--store /var/lib/isms/store.db " "$units/$u.service" 2>/dev/null &&
		ok "$u.service: /usr/sbin/ismsctl on /var/lib/isms/store.db" ||
		not_ok "$u.service: /usr/sbin/ismsctl on /var/lib/isms/store.db"
done
grep -q "^ExecStart=/usr/sbin/dpmsctl --store /var/lib/isms-dpms/dpms.db check" "$units/dpms-check.service" 2>/dev/null &&
	ok "dpms-check.service checks the store dpmsctl init makes (/var/lib/isms-dpms/dpms.db)" ||
	{ grep ExecStart "$units/dpms-check.service" | sed 's/^/# /'; not_ok "dpms-check.service checks the store dpmsctl init makes (/var/lib/isms-dpms/dpms.db)"; }
grep -q "^ExecStart=/usr/sbin/dpmsctl --store /var/lib/isms-dpms/dpms.db retention check$" "$units/dpms-retention.service" 2>/dev/null &&
	ok "dpms-retention.service lists what is beyond retention and deletes nothing" ||
	not_ok "dpms-retention.service lists what is beyond retention and deletes nothing"
grep -q "assess --previous" "$units/isms-assess.service" 2>/dev/null &&
	ok "isms-assess.service assesses the periods that have ended" ||
	not_ok "isms-assess.service assesses the periods that have ended"

# The store directories (tmpfiles.d), mode and owner only when created.
tmpf=$(find "$D" -path '*/tmpfiles.d/isms.conf' | head -n 1)
if [ -n "$tmpf" ] && grep -q '^d /var/lib/isms *:0700 :root :root -$' "$tmpf" &&
	grep -q '^d /var/lib/isms-dpms *:0700 :root :root -$' "$tmpf"; then
	ok "tmpfiles.d/isms.conf makes /var/lib/isms and /var/lib/isms-dpms"
else
	[ -n "$tmpf" ] && sed 's/^/# /' "$tmpf"
	not_ok "tmpfiles.d/isms.conf makes /var/lib/isms and /var/lib/isms-dpms"
fi
has usr/share/bash-completion/completions/ismsctl "bash completion for ismsctl"
[ "$(readlink "$D/usr/share/bash-completion/completions/dpmsctl")" = ismsctl ] &&
	ok "and for dpmsctl (a link to it)" || not_ok "and for dpmsctl (a link to it)"

# The installed tools, on temporary stores (their catalogues from the installed tree).
I="$D/usr/sbin/ismsctl"
P="$D/usr/sbin/dpmsctl"
export ISMS_DATA_DIR="$D/usr/share/isms"
run "$I" --help
expect_rc 0 "installed ismsctl --help"
out_has "init" "its help names init"
run "$I" --store "$T/isms/store.db" init
expect_rc 0 "installed ismsctl init"
out_has "ready" "init says the store is ready"
run "$I" --store "$T/isms/store.db" --json control list
[ "$(js 'len(d) >= 93')" = true ] && ok "the store has the Annex A catalogue" || not_ok "the store has the Annex A catalogue"
is "$(stat -c %a "$T/isms/store.db")" 600 "the ISMS store is 0600"

run groupadd --system "$G"
expect_rc 0 "groupadd --system (a temporary DPO group)"
run "$P" --store "$T/dpms/dpms.db" init --group "$G"
expect_rc 0 "installed dpmsctl init --group"
is "$(stat -c '%a %G' "$T/dpms/dpms.db")" "640 $G" "the DPMS store is 0640, of the group"
is "$(stat -c '%a %G' "$T/dpms")" "2750 $G" "its directory is 2750, of the group"
run groupdel "$G"
expect_rc 0 "the temporary group removed"

done_testing
