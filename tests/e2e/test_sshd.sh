. "$ISMS_TAP_LIB"
ok placeholder
done_testing
