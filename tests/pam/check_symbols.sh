# SPDX-License-Identifier: GPL-2.0-or-later
# The built pam_isms.so as Linux-PAM will see it: it exports the pam_sm_*
# entry points and nothing else (libisms is linked in statically and must not
# leak into sshd's symbol space), it dlopens with RTLD_NOW, and every symbol
# it needs comes from a library it is allowed to depend on.  TAP, POSIX sh.
. "$ISMS_TAP_LIB"

SO=${PAM_ISMS_SO:-}
[ -n "$SO" ] && [ -f "$SO" ] || skip_all "PAM_ISMS_SO not set or missing"
for c in nm readelf; do
	command -v "$c" >/dev/null 2>&1 || skip_all "$c not installed"
done

# 1. Only pam_sm_* is exported (the version script keeps the rest local).
nm -D --defined-only "$SO" | awk '$2 ~ /^[TtWwDdBbRrVvi]$/ { print $3 }' | sed 's/@.*//' |
	sort -u >"$T/exported"
grep -v '^pam_sm_' "$T/exported" >"$T/stray" || true
if [ -s "$T/exported" ] && [ ! -s "$T/stray" ]; then
	ok "exports only pam_sm_* symbols"
else
	sed 's/^/# stray export: /' "$T/stray"
	not_ok "exports only pam_sm_* symbols"
fi
for f in pam_sm_acct_mgmt pam_sm_open_session pam_sm_close_session pam_sm_authenticate \
	pam_sm_setcred pam_sm_chauthtok; do
	if grep -qx "$f" "$T/exported"; then ok "exports $f"; else not_ok "exports $f"; fi
done

# 2. Depends only on the libraries we mean to (sanitizer runtimes aside).
readelf -d "$SO" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p' >"$T/needed"
sanitized=no
grep -q -e '^libasan' -e '^libubsan' "$T/needed" && sanitized=yes
# No libsqlite3 and no libcrypto: the login path reads the facts snapshot
# and writes the journal, it never opens the store (issue 9).  json-c is
# linked in (one library less to map per login).
grep -v -e '^libc\.so' -e '^libpam\.so' -e '^libaudit\.so' -e '^ld-linux' \
	-e '^libasan\.so' -e '^libubsan\.so' \
	"$T/needed" >"$T/other" || true
if [ ! -s "$T/other" ]; then
	ok "needs only libc, libpam, libaudit"
else
	sed 's/^/# unexpected NEEDED: /' "$T/other"
	not_ok "needs only libc, libpam, libaudit"
fi
# What the dynamic linker would load, transitively, as sshd would.
if env -u LD_PRELOAD ldd "$SO" 2>/dev/null | grep -q -e libsqlite3 -e libcrypto -e libjson-c; then
	env -u LD_PRELOAD ldd "$SO" | sed 's/^/# /'
	not_ok "ldd lists no libsqlite3, libcrypto or libjson-c"
else
	ok "ldd lists no libsqlite3, libcrypto or libjson-c"
fi
if nm -D --undefined-only "$SO" | grep -q -e ' sqlite3_' -e ' EVP_' -e ' json_'; then
	not_ok "no undefined sqlite3_*, EVP_* or json_* symbol"
else
	ok "no undefined sqlite3_*, EVP_* or json_* symbol"
fi

# 3. Every undefined (non-weak) symbol is defined by one of those libraries.
# ldd resolves the paths the dynamic linker would use.
env -u LD_PRELOAD ldd "$SO" 2>/dev/null | awk '
	$2 == "=>" && $3 ~ /^\// { print $1, $3 }
	$1 ~ /^\/.*ld-linux/ { n = $1; sub(".*/", "", n); print n, $1 }' >"$T/paths"
: >"$T/provided"
while read -r name path; do
	case $name in
	libc.so* | libpam.so* | libaudit.so* | ld-linux* | libasan.so* | libubsan.so*)
		nm -D --defined-only "$path" | awk 'NF == 3 { print $3 }' | sed 's/@.*//' >>"$T/provided"
		;;
	esac
done <"$T/paths"
sort -u "$T/provided" -o "$T/provided"
nm -D --undefined-only "$SO" | awk '$1 == "U" { print $2 }' | sed 's/@.*//' | sort -u >"$T/undef"
comm -23 "$T/undef" "$T/provided" >"$T/unresolved"
if [ -s "$T/undef" ] && [ -s "$T/provided" ] && [ ! -s "$T/unresolved" ]; then
	ok "all $(wc -l <"$T/undef") undefined symbols come from the allowed libraries"
else
	sed 's/^/# unresolved: /' "$T/unresolved" | head -20
	not_ok "all undefined symbols come from the allowed libraries"
fi
# The check above would pass vacuously if nm found nothing: make sure it saw
# symbols we know the module takes from each library.
for sym in pam_get_user audit_open getpwnam_r; do
	if grep -qx "$sym" "$T/undef" && grep -qx "$sym" "$T/provided"; then
		ok "takes $sym from its library"
	else
		not_ok "takes $sym from its library"
	fi
done

# 4. It loads with every symbol bound now, as Linux-PAM dlopens it, and the
# entry points resolve.  Outside pam_wrapper; an ASan build needs its runtime
# loaded first.
PY=$(command -v python3 || true)
if [ -z "$PY" ]; then
	echo "ok $((TAP_N + 1)) # SKIP python3 not installed: no dlopen check"
	TAP_N=$((TAP_N + 1))
else
	preload=
	if [ "$sanitized" = yes ]; then
		preload=$(awk '$1 ~ /^libasan\.so/ { print $2 }' "$T/paths")
	fi
	RC=0
	env -u LD_PRELOAD -u PAM_WRAPPER ${preload:+LD_PRELOAD=$preload} \
		ASAN_OPTIONS=detect_leaks=0:verify_asan_link_order=0 \
		"$PY" - "$SO" >"$OUT" 2>"$ERR" <<'EOF' || RC=$?
import ctypes, os, sys
lib = ctypes.CDLL(sys.argv[1], mode=os.RTLD_NOW | os.RTLD_LOCAL)
for f in ("pam_sm_acct_mgmt", "pam_sm_open_session", "pam_sm_close_session",
          "pam_sm_authenticate", "pam_sm_setcred", "pam_sm_chauthtok"):
    getattr(lib, f)
# libisms is linked in: its names must not be reachable through dlsym.
for f in ("isms_policy_evaluate", "isms_snapshot_read", "pam_isms_parse_args",
          "json_tokener_parse"):
    try:
        getattr(lib, f)
    except AttributeError:
        continue
    print("leaked", f)
    sys.exit(2)
print("loaded")
EOF
	if [ "$RC" -eq 0 ] && grep -qx loaded "$OUT"; then
		ok "dlopen(RTLD_NOW) succeeds and the entry points resolve"
	else
		echo "# exit $RC"
		not_ok "dlopen(RTLD_NOW) succeeds and the entry points resolve"
	fi
fi

done_testing
