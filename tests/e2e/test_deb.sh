# SPDX-License-Identifier: GPL-2.0-or-later
# The Debian packages, end to end: built with dpkg-buildpackage from a clean
# 'git clone' of the tree's HEAD (or taken from ISMS_DEB_DIR, a directory of
# prebuilt .debs), checked with lintian (no error), installed with dpkg on
# this machine; the pam-auth-update profile enabled; a throwaway user logs in
# through pamtester on a service using common-account and
# common-session-noninteractive (pam_isms decides: its journal gets the
# decision); libpam-isms removed (its prerm takes the profile out); the same
# login again succeeds, without "Module is unknown"; then purged, and
# purge keeps the store directory that is not empty.
#
# Restores the machine however it ends: the packages purged, the common-*
# files and pam-auth-update's state (/var/lib/pam) as they were, the store
# directories removed when the test made them, the user gone.
. "$ISMS_TAP_LIB"
. "$(dirname "$0")/e2e_lib.sh"

SRC=${ISMS_SOURCE_ROOT:?}
SVC=isms-e2e-deb
U=isms-e2e-deb
PKGS="libpam-isms audisp-isms isms-tools isms-data"

[ "$(id -u)" -eq 0 ] || skip_all "needs root (installs packages, changes common-account)"
# The packages are built from a clone, not from this build: once per
# tools/check.sh is enough, in the plain build, not again under ASan.
if [ -n "${PAM_ISMS_SO:-}" ] && ldd "$PAM_ISMS_SO" 2>/dev/null | grep -q libasan; then
	skip_all "a sanitizer build: the packages do not depend on it (run in the plain build)"
fi
for c in dpkg dpkg-deb pam-auth-update pamtester useradd userdel; do
	command -v "$c" >/dev/null 2>&1 || skip_all "'$c' not found"
done
if [ -z "${ISMS_DEB_DIR:-}" ]; then
	for c in git dpkg-buildpackage dh lintian; do
		command -v "$c" >/dev/null 2>&1 ||
			skip_all "'$c' not found (tools/deps.sh installs dpkg-dev, debhelper, lintian, git)"
	done
	git -C "$SRC" rev-parse HEAD >/dev/null 2>&1 || skip_all "$SRC is not a git tree"
	if ! unmet=$(cd "$SRC" && dpkg-checkbuilddeps 2>&1); then
		skip_all "build dependencies missing: ${unmet##*:} (tools/deps.sh)"
	fi
fi
# Never over somebody's installation: theirs to keep, not ours to purge.
for p in $PKGS; do
	if dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q ' installed$'; then
		skip_all "$p is installed on this machine"
	fi
done
for d in /var/lib/isms /var/lib/isms-dpms /etc/isms; do
	[ -e "$d" ] && skip_all "$d exists: this machine has an isms installation of its own"
done

# Packages, PAM files, users: the whole script under the machine lock.
machine_lock

# --- what is restored however the test ends ---------------------------------

SAVED="$T/saved"
mkdir -p "$SAVED/pam.d"
cp -a /etc/pam.d/common-* "$SAVED/pam.d/"
[ -d /var/lib/pam ] && cp -a /var/lib/pam "$SAVED/var-lib-pam"
deb_restore() {
	for p in $PKGS; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'not-installed' ||
			dpkg --purge "$p" >/dev/null 2>&1
	done
	rm -rf /var/lib/isms /var/lib/isms-dpms /etc/isms
	# pam-auth-update's own state first: it decides what the next run writes.
	if [ -d "$SAVED/var-lib-pam" ]; then
		rm -rf /var/lib/pam
		cp -a "$SAVED/var-lib-pam" /var/lib/pam
	fi
	for f in "$SAVED"/pam.d/common-*; do
		cmp -s "$f" "/etc/pam.d/${f##*/}" || cp -a "$f" "/etc/pam.d/${f##*/}"
	done
}
E2E_CLEANUP_HOOK=deb_restore

# --- the packages -------------------------------------------------------------

if [ -n "${ISMS_DEB_DIR:-}" ]; then
	D=$ISMS_DEB_DIR
	echo "# prebuilt packages from $D"
else
	D="$T/debs"
	mkdir -p "$D"
	run git clone -q "$SRC" "$D/isms"
	expect_rc 0 "git clone of the tree's HEAD ($(git -C "$SRC" rev-parse --short HEAD))"
	# nocheck: the package build never runs the suite (debian/rules too).
	(cd "$D/isms" && DEB_BUILD_OPTIONS=nocheck nice dpkg-buildpackage -us -uc -b) \
		>"$T/build.log" 2>&1
	RC=$?
	[ "$RC" -eq 0 ] || tail -n 30 "$T/build.log" | sed 's/^/# build: /'
	expect_rc 0 "dpkg-buildpackage -us -uc -b in the clean clone"
	run lintian "$D"/isms_*.changes
	if [ "$RC" -eq 0 ] && ! grep -q '^E:' "$OUT"; then
		ok "lintian: no error"
	else
		grep '^[EW]:' "$OUT" | head -n 20 | sed 's/^/# /'
		not_ok "lintian: no error"
	fi
	grep '^W:' "$OUT" | sed 's/^/# lintian: /'
fi
debs=""
for p in $PKGS; do
	f=$(ls "$D/${p}"_*.deb 2>/dev/null | head -n 1)
	[ -n "$f" ] || { echo "Bail out! no $p .deb in $D"; exit 1; }
	debs="$debs $f"
done
ok "the four packages: $(for f in $debs; do printf '%s ' "${f##*/}"; done)"

is "$(dpkg-deb -f "$(ls "$D"/isms-data_*.deb)" Architecture)" all "isms-data is Architecture: all"
run dpkg-deb -c "$(ls "$D"/isms-tools_*.deb)"
out_has "./usr/sbin/ismsctl" "isms-tools: ismsctl in /usr/sbin"
out_has "./usr/share/bash-completion/completions/ismsctl" "isms-tools: bash completion"
out_has "tmpfiles.d/isms.conf" "isms-tools: the tmpfiles.d entry"
# No path of the tree the packages were built in, in any packaged binary.
if [ -z "${ISMS_DEB_DIR:-}" ] && command -v strings >/dev/null 2>&1; then
	mkdir -p "$T/x"
	for f in $debs; do dpkg-deb -x "$f" "$T/x"; done
	hits=$(find "$T/x" -type f \( -perm -u+x -o -name '*.so' \) -exec strings -a {} + |
		grep -F "$D/isms" | head -n 3)
	if [ -z "$hits" ]; then ok "no build path in the packaged binaries"; else
		printf '# %s\n' $hits; not_ok "no build path in the packaged binaries"; fi
fi
run dpkg-deb -c "$(ls "$D"/libpam-isms_*.deb)"
out_has "/security/pam_isms.so" "libpam-isms: the module"
out_has "./usr/share/pam-configs/isms" "libpam-isms: the pam-auth-update profile"

# --- installed --------------------------------------------------------------

# Nothing of ours may start while dpkg runs (there are no daemons to start,
# and the timers are shipped disabled): whatever dpkg says goes to the log.
run dpkg -i $debs
expect_rc 0 "dpkg -i the four packages"
[ "$RC" -eq 0 ] || { echo "Bail out! the packages did not install"; exit 1; }
is "$(grep -c pam_isms /etc/pam.d/common-account)" 0 "installed: common-account unchanged (the profile is Default: no)"
run /usr/sbin/ismsctl --help
expect_rc 0 "the installed ismsctl runs"
grep -qx "active = no" /etc/audit/plugins.d/isms.conf &&
	ok "the plugin's conf is installed with active = no" ||
	not_ok "the plugin's conf is installed with active = no"
dpkg-query -W -f='${Conffiles}\n' audisp-isms | grep -q ' /etc/audit/plugins.d/isms.conf ' &&
	ok "/etc/audit/plugins.d/isms.conf is a conffile" || not_ok "/etc/audit/plugins.d/isms.conf is a conffile"
[ -d /var/lib/isms ] && [ "$(stat -c %a /var/lib/isms)" = 700 ] &&
	ok "/var/lib/isms made by tmpfiles.d, 0700" || not_ok "/var/lib/isms made by tmpfiles.d, 0700"
[ -z "$(ls -A /var/lib/isms 2>/dev/null)" ] &&
	ok "no store made that nobody asked for" || not_ok "no store made that nobody asked for"
for t in isms-snapshot isms-anchor isms-check isms-indicators isms-assess dpms-check dpms-retention; do
	[ ! -e "/etc/systemd/system/timers.target.wants/$t.timer" ] || { not_ok "$t.timer not enabled"; continue; }
	ok "$t.timer shipped disabled"
done

# --- the profile enabled, a login -----------------------------------------------

e2e_user "$U" || { echo "Bail out! cannot create the test user"; exit 1; }
e2e_pam_service "$SVC" "# isms end-to-end test service (test_deb.sh), removed when the test ends
auth     required pam_permit.so
@include common-account
@include common-session-noninteractive
password required pam_deny.so"

run pam-auth-update --package --enable isms
expect_rc 0 "pam-auth-update --enable isms"
grep -q "pam_isms.so mode=audit" /etc/pam.d/common-account &&
	ok "common-account has pam_isms in audit mode" || not_ok "common-account has pam_isms in audit mode"
grep -q "pam_isms.so mode=audit" /etc/pam.d/common-session-noninteractive &&
	ok "common-session-noninteractive records sessions" ||
	not_ok "common-session-noninteractive records sessions"

pt() { run timeout 30 pamtester -v "$SVC" "$U" authenticate acct_mgmt open_session close_session; }
pt
expect_rc 0 "login with the profile enabled (no policy, no store: audit mode admits)"
if grep -q "Module is unknown" "$OUT" "$ERR"; then not_ok "no 'Module is unknown'"; else ok "no 'Module is unknown'"; fi
# pam_isms decided: the decision is journaled beside the (absent) store.
[ -s /var/lib/isms/store.db.journal ] && ok "pam_isms journaled the decision (/var/lib/isms/store.db.journal)" ||
	not_ok "pam_isms journaled the decision (/var/lib/isms/store.db.journal)"

# --- removed ----------------------------------------------------------------

run dpkg -r libpam-isms
expect_rc 0 "dpkg -r libpam-isms"
is "$(grep -c pam_isms /etc/pam.d/common-account /etc/pam.d/common-session /etc/pam.d/common-session-noninteractive | awk -F: '{ s += $2 } END { print s + 0 }')" 0 \
	"the prerm took the profile out of the common-* files"
pt
expect_rc 0 "login after the removal succeeds"
if grep -q "Module is unknown" "$OUT" "$ERR"; then not_ok "after the removal: no 'Module is unknown'"; else ok "after the removal: no 'Module is unknown'"; fi

run dpkg --purge $PKGS
expect_rc 0 "dpkg --purge the packages"
err_has "/var/lib/isms kept" "purge says it keeps /var/lib/isms (it holds the journal)"
[ -d /var/lib/isms ] && ok "purge kept the non-empty /var/lib/isms" || not_ok "purge kept the non-empty /var/lib/isms"
[ ! -e /var/lib/isms-dpms ] && ok "purge removed the empty /var/lib/isms-dpms" ||
	not_ok "purge removed the empty /var/lib/isms-dpms"
[ ! -e /etc/audit/plugins.d/isms.conf ] && ok "purge removed the plugin's conffile" ||
	not_ok "purge removed the plugin's conffile"

# What the trap restores, restored now, and checked.
deb_restore
same=1
for f in "$SAVED"/pam.d/common-*; do
	cmp -s "$f" "/etc/pam.d/${f##*/}" || { echo "# differs: /etc/pam.d/${f##*/}"; same=0; }
done
is "$same" 1 "the common-* files as they were"
is "$(dpkg-query -W -f='${Status}\n' $PKGS 2>/dev/null | grep -c ' installed$')" 0 "no isms package left installed"

done_testing
