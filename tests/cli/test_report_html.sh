# SPDX-License-Identifier: GPL-2.0-or-later
# The board report's HTML in headless Chromium: it renders, logs nothing to
# the console (the page's Content-Security-Policy turns any load it tried
# into a console line), asks the network for nothing (the net log holds no
# request of the page; Chromium's own service requests aside), and prints
# to A4 pages.  Two planted copies show that each check would catch a
# load.  The screenshot stays in the build directory.
. "$ISMS_TAP_LIB"
CHROMIUM=$(command -v chromium || command -v chromium-browser || true)
[ -n "$CHROMIUM" ] || skip_all "chromium is not installed (tools/deps.sh installs it)"
command -v python3 >/dev/null 2>&1 || skip_all "python3 not found"

SHOT="${ISMS_BUILD_ROOT:-$T}/report-screenshot.png"
PGIDS=""
cleanup() {
	for p in $PGIDS; do kill -KILL -- "-$p" 2>/dev/null || true; done
	rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

# chrome NAME URL ARGS...: one headless run (ARGS must end it: --screenshot,
# --print-to-pdf or --dump-dom; else it waits for the timeout) with its own HOME and profile,
# in a process group of its own (killed however the test ends); stderr in
# $T/NAME.err, the net log in $T/NAME.net.
chrome() {
	name=$1 url=$2
	shift 2
	mkdir -p "$T/$name.home"
	sudo_args=""
	[ "$(id -u)" -eq 0 ] && sudo_args="--no-sandbox"
	HOME="$T/$name.home" TMPDIR="$T/$name.home" setsid timeout 120 "$CHROMIUM" --headless --disable-gpu $sudo_args \
		--user-data-dir="$T/$name.home/profile" --no-first-run --disable-extensions \
		--disable-sync --disable-background-networking --disable-component-update \
		--host-resolver-rules="MAP * ~NOTFOUND" --enable-logging=stderr --v=0 \
		--log-net-log="$T/$name.net" "$@" "$url" >"$T/$name.out" 2>"$T/$name.err" &
	pid=$!
	PGIDS="$PGIDS $pid"
	RC=0
	wait "$pid" || RC=$?
}

# The hosts the page asked for in net log @1: Chromium's own service
# requests (updates, time, accounts: Google's hosts) are not the page's.
page_hosts() {
	python3 - "$1" <<'EOF'
import json, re, sys, urllib.parse
text = open(sys.argv[1], errors="replace").read()
hosts = set()
for u in re.findall(r'"url":"([^"]*)"', text):
    p = urllib.parse.urlsplit(u)
    if p.scheme in ("file", "data", "about", "chrome", "blob") or not p.hostname:
        continue
    h = p.hostname
    if h == "~notfound" or re.search(r"(^|\.)(google\.com|googleapis\.com|gstatic\.com|gvt1\.com)$", h):
        continue
    hosts.add(h)
print(" ".join(sorted(hosts)))
EOF
}

console_lines() { grep -c "CONSOLE" "$1" || true; }

# --- a store like the demo's, with hostile titles ----------------------------------
isms init -q
isms -q setting set organisation "Nordwind <img src=http://x.invalid/o.png> GmbH"
isms -q setting set budget 120000
isms -q person add --name olga --role asset_owner
isms -q risk add --title '<script>alert(1)</script>' --likelihood 3 --impact 4 --owner olga
isms -q risk add --title '<img src="http://evil.invalid/p.png" onerror="alert(2)">' \
	--likelihood 2 --impact 3
isms -q risk add --title "\" style=\"background:url(http://evil.invalid/bg)\"" --likelihood 4 \
	--impact 2 --treatment mitigate --residual-likelihood 1 --residual-impact 2
isms -q risk add --title "Fire in the data room" --likelihood 1 --impact 4 --treatment transfer
isms -q measure add --title MFA --risk R-1 --cost 26900 --status implemented
isms -q measure add --title SIEM --risk R-2 --cost 84000 --status planned
isms -q nc add --title '<iframe src="https://evil.invalid/"></iframe>' --opened 2026-10-02 \
	--severity major
isms -q evidence add --kind access.deny --node bastion-01 --subject bob --ts 2026-10-05T10:00:00Z
isms -q evidence add --kind access.break-glass --node bastion-01 \
	--subject '<script>alert(3)</script>' --ts 2026-10-06T03:00:00Z
isms report --period 2026-10 --tz UTC --format html -o "$T/report.html"
expect_rc 0 "report --format html -o"

# --- the file itself -------------------------------------------------------------------
is "$(python3 "$ISMS_SOURCE_ROOT/tests/cli/html_scan.py" "$T/report.html")" "" \
	"the HTML's markup loads nothing and runs nothing"
if grep -qF '&lt;script&gt;alert(1)&lt;/script&gt;' "$T/report.html" &&
	! grep -qF '<script>alert' "$T/report.html"; then
	ok "a risk title comes out escaped"
else
	not_ok "a risk title comes out escaped"
fi
if grep -qF "Content-Security-Policy\" content=\"default-src 'none'" "$T/report.html"; then
	ok "its policy forbids every load"
else
	not_ok "its policy forbids every load"
fi

# --- rendered --------------------------------------------------------------------------
chrome page "file://$T/report.html" --screenshot="$T/shot.png" --window-size=1240,1754
expect_rc 0 "chromium renders the report"
is "$(console_lines "$T/page.err")" "0" "no console message (no error, no blocked load)"
is "$(page_hosts "$T/page.net")" "" "no network request of the page"
if [ -s "$T/shot.png" ] && [ "$(head -c 8 "$T/shot.png" | od -An -c | tr -d ' \n')" = '211PNG\r\n032\n' ]; then
	ok "a screenshot"
	cp "$T/shot.png" "$SHOT" && echo "# screenshot: $SHOT"
else
	not_ok "a screenshot"
fi
chrome pdf "file://$T/report.html" --print-to-pdf="$T/report.pdf" --no-pdf-header-footer
if [ "$RC" -eq 0 ] && [ "$(head -c 5 "$T/report.pdf")" = "%PDF-" ]; then
	ok "prints to PDF"
	# A4 (595 x 842 points) and one section a page: more than five pages
	is "$(python3 -c '
import re, sys
d = open(sys.argv[1], "rb").read()
boxes = re.findall(rb"/MediaBox\s*\[\s*0\s+0\s+([\d.]+)\s+([\d.]+)\s*\]", d)
print("%d %s" % (len(boxes) > 5, sorted({(round(float(w)), round(float(h))) for w, h in boxes})))' "$T/report.pdf")" \
		"1 [(595, 842)]" "on A4 pages, a section a page"
else
	not_ok "prints to PDF"
fi

# --- the checks catch what they are for: planted loads -----------------------------------
sed 's|</body>|<img src="http://canary.invalid/c.png"></body>|' "$T/report.html" >"$T/c1.html"
if [ -n "$(python3 "$ISMS_SOURCE_ROOT/tests/cli/html_scan.py" "$T/c1.html")" ]; then
	ok "the scan finds a planted load"
else
	not_ok "the scan finds a planted load"
fi
chrome c1 "file://$T/c1.html" --dump-dom
if [ "$(console_lines "$T/c1.err")" -gt 0 ]; then ok "a planted load shows on the console"; else
	not_ok "a planted load shows on the console"; fi
sed 's|<meta http-equiv="Content-Security-Policy"[^>]*>||; s|</body>|<img src="http://canary.invalid/c.png"></body>|' \
	"$T/report.html" >"$T/c2.html"
chrome c2 "file://$T/c2.html" --dump-dom
is "$(page_hosts "$T/c2.net")" "canary.invalid" "without the policy the net log shows the request"

done_testing
