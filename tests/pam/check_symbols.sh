. "$ISMS_TAP_LIB" 2>/dev/null || true
echo "ok 1 - placeholder"
echo "1..1"
