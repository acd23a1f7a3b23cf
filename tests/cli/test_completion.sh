# SPDX-License-Identifier: GPL-2.0-or-later
# The bash completion (data/bash-completion/ismsctl): commands, actions and
# options read from the built tools' --help, for ismsctl and dpmsctl.
. "$ISMS_TAP_LIB"
command -v bash >/dev/null 2>&1 || skip_all "bash not found"
COMPL=${ISMS_SOURCE_ROOT:?}/data/bash-completion/ismsctl
BIN=$T/bin
mkdir -p "$BIN"
ln -s "$ISMSCTL" "$BIN/ismsctl"
ln -s "$DPMSCTL" "$BIN/dpmsctl"

# complete WORD...: what TAB offers for the last word (empty: a new word).
complete_words() {
	PATH="$BIN:$PATH" bash -c '. "$1"; shift
		COMP_WORDS=("$@"); COMP_CWORD=$((${#COMP_WORDS[@]} - 1)); _isms_complete
		printf "%s\n" "${COMPREPLY[@]}"' sh "$COMPL" "$@"
}
has_word() { printf '%s\n' "$1" | grep -qx -- "$2"; }
check() {
	name=$1 want=$2
	shift 2
	got=$(complete_words "$@")
	if has_word "$got" "$want"; then ok "$name"; else echo "# got: $(echo $got)"; not_ok "$name"; fi
}

run bash -n "$COMPL"
expect_rc 0 "the completion file is valid bash"
check "ismsctl ri<TAB>: risk" risk ismsctl ri
check "ismsctl risk <TAB>: matrix (from the top-level help)" matrix ismsctl risk ""
check "ismsctl risk <TAB>: add (from the register's usage)" add ismsctl risk ""
got=$(complete_words ismsctl risk "")
has_word "$got" the && not_ok "ismsctl risk <TAB>: no word of a description" ||
	ok "ismsctl risk <TAB>: no word of a description"
check "ismsctl --store S person a<TAB>: add (--store's value skipped)" add ismsctl --store x.db person a
check "ismsctl indicator <TAB>: scan" scan ismsctl indicator ""
check "ismsctl person add --fu<TAB>: --full-name" --full-name ismsctl person add --fu
check "ismsctl --j<TAB>: --json" --json ismsctl --j
check "ismsctl help so<TAB>: soa" soa ismsctl help so
check "dpmsctl ret<TAB>: retention" retention dpmsctl ret
check "dpmsctl retention <TAB>: check" check dpmsctl retention ""
check "ismsctl --store <TAB>: files" "$T/bin" ismsctl --store "$T/bi"

done_testing
