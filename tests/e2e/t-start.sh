#!/usr/bin/env bash
# End to end: skua starts, shows its first screens in a real terminal
# (tmux), reads its rc file, answers keys, and always gives the terminal
# back: on q, SIGTERM, SIGHUP, a crash and around Ctrl-Z. The accounts
# screen is checked against a private Dovecot whose IMAPS, STARTTLS and
# POP3S ports are proven to answer with this run's certificate.
set -euo pipefail
. "${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/e2e/lib.sh"

e2e_require tmux stty
if [ -z "${SKUA:-}" ] || [ ! -x "$SKUA" ]; then
	tap_skip_all "SKUA does not name a built skua binary"
fi
e2e_init

# --- the command line, without a terminal --------------------------------

out=$("$SKUA" -v)
tap_like "$out" '^skua [0-9]+\.[0-9]+' "skua -v prints its version"
for lib in OpenSSL libetpan GMime ncurses SQLite GLib; do
	tap_like "$out" "^$lib " "skua -v names the linked $lib"
done
tap_check "skua -h prints the usage and exits 0" \
	sh -c '"$1" -h | grep -q "^usage: skua"' sh "$SKUA"

# cli_fails DESC REGEX ARGS...: exits 1 with one line on stderr.
cli_fails() {
	local desc=$1 re=$2 err st=0
	shift 2
	err=$("$SKUA" "$@" 2>&1 </dev/null >/dev/null) || st=$?
	if [ "$st" = 1 ] && [ "$(wc -l <<<"$err")" = 1 ] &&
		grep -Eq -- "$re" <<<"$err"; then
		tap_ok "$desc"
	else
		tap_fail "$desc" "status $st, stderr: $err"
	fi
}
cli_fails "an unknown option is refused" "^skua: unknown option '-x'" -x
cli_fails "a missing option argument is refused" "needs an argument" -F
cli_fails "a stray argument is refused" "unexpected argument 'junk'" junk
cli_fails "a missing -F file is refused" "cannot read '/nonexistent/rc'" \
	-F /nonexistent/rc
cli_fails "an smtp URL is not a folder" "is for sending" -f smtps://u@h/
cli_fails "a malformed URL is refused without its password" \
	"malformed URL 'imaps://\.\.\.@h:0/'" -f 'imaps://u:hunter2@h:0/'
cli_fails "no terminal: a clear refusal" "must be a terminal" \
	-F /dev/null

# --- skua in a terminal ----------------------------------------------------

# Run skua inside sh so the terminal's settings can be read before and after.
run_wrapped() {
	local name=$1
	shift
	tmux_start "$name" 80 24 sh -c '
		stty -g > "$0.before"
		"$@"
		echo "status $?" > "$0.status"
		stty -g > "$0.after"
		echo WRAPPER-DONE
		exec sleep 600' "$E2E_TMP/$name" "$SKUA" "$@"
}

# term_restored NAME DESC: the wrapper finished and stty is as before.
term_restored() {
	local name=$1 desc=$2
	if tmux_wait_for "$name" WRAPPER-DONE 15 &&
		cmp -s "$E2E_TMP/$name.before" "$E2E_TMP/$name.after"; then
		tap_ok "$desc"
	else
		tap_fail "$desc" "before: $(cat "$E2E_TMP/$name.before" 2>&1)" \
			"after: $(cat "$E2E_TMP/$name.after" 2>&1)"
	fi
}

skua_pid() {
	pgrep -f -n -- "^$SKUA" || true
}

welcome='No mail account is configured'

run_wrapped quit
tap_check "the no-account screen says how to configure one" \
	tmux_wait_for quit "$welcome"
tap_check "it names the rc file under XDG_CONFIG_HOME" \
	tmux_wait_for quit "rc file at $E2E_HOME/.config/skua/skuarc"
tap_check "the status line is on the last but one row" \
	sh -c '[ "$(tmux -L '"$E2E__TMUX_SOCKET"' capture-pane -p -t =quit: | sed -n 23p | cut -c1-8)" = "-- skua:" ]'
tmux_send quit Z
tap_check "an unbound key is answered with a message" \
	tmux_wait_for quit "key Z is not bound"
tmux_send quit '?'
tap_check "? shows the keys of the screen" tmux_wait_for quit 'enter-command'
tmux_send quit q
tap_check "q leaves the help screen" tmux_wait_for quit "$welcome"
tmux_send quit q
term_restored quit "q quits and the terminal is restored"
tap_is "$(cat "$E2E_TMP/quit.status")" "status 0" "q exits with status 0"

# The prompt, the quit option and a yes/no question.
run_wrapped ask
tmux_wait_for ask "$welcome" >/dev/null
tmux_send ask : ; tmux_send_text ask 'set ?quit'; tmux_send ask Enter
tap_check ": runs an rc command (set ?quit)" tmux_wait_for ask 'quit="yes"'
tmux_send ask : ; tmux_send_text ask 'set quit=ask-yes xyz'; tmux_send ask C-u
tmux_send_text ask 'set quit=ask-yes'; tmux_send ask Enter
tmux_send ask q
tap_check "with quit=ask-yes, q asks first" \
	tmux_wait_for ask 'Quit skua\? \(\[yes\]/no\)'
tmux_send ask n
tap_check "answering n keeps skua running" tmux_wait_gone ask 'Quit skua'
tmux_send ask : ; tmux_send_text ask 'set nosuch'; tmux_send ask Enter
tap_check "a bad : command gives a one-line error" \
	tmux_wait_for ask "unknown option 'nosuch'"
tmux_send ask q
tmux_wait_for ask 'Quit skua' >/dev/null
tmux_send ask Enter
term_restored ask "Enter takes the default answer (yes) and quits"

# Resize: SIGWINCH redraws at the new size.
run_wrapped resize
tmux_wait_for resize "$welcome" >/dev/null
tmux_resize resize 100 30
tap_check "after growing to 100x30 the status line is on row 29" \
	sh -c 'for i in $(seq 100); do [ "$(tmux -L '"$E2E__TMUX_SOCKET"' capture-pane -p -t =resize: | sed -n 29p | cut -c1-8)" = "-- skua:" ] && exit 0; sleep 0.05; done; exit 1'
tmux_resize resize 50 8
tap_check "after shrinking to 50x8 the status line is on row 7" \
	sh -c 'for i in $(seq 100); do [ "$(tmux -L '"$E2E__TMUX_SOCKET"' capture-pane -p -t =resize: | sed -n 7p | cut -c1-8)" = "-- skua:" ] && exit 0; sleep 0.05; done; exit 1'
tmux_send resize q
term_restored resize "quit after resizing restores the terminal"

# Ctrl-Z in a job-control shell: skua stops with the terminal given back
# to the shell, and fg brings it back redrawn. (Without job control, as in
# the wrapper above, the kernel discards SIGTSTP for an orphaned group.)
tmux_start suspend 80 24 bash --norc --noprofile -i
tmux_wait_for suspend '[$#] *$' >/dev/null
tmux_send_text suspend "PS1='sh> '; $SKUA; echo skua-status=\$?"
tmux_send suspend Enter
tmux_wait_for suspend "$welcome" >/dev/null
tmux_send suspend C-z
tap_check "Ctrl-Z stops skua and the shell gets the terminal back" \
	tmux_wait_for suspend 'Stopped'
tap_check "while stopped, skua's screen is gone" \
	tmux_wait_gone suspend "$welcome"
tmux_send_text suspend fg
tmux_send suspend Enter
tap_check "fg brings skua back, redrawn" tmux_wait_for suspend "$welcome"
tmux_send suspend q
tmux_wait_gone suspend "$welcome" >/dev/null
tmux_send_text suspend 'echo fg-status=$?'
tmux_send suspend Enter
tap_check "q after a suspend exits 0" tmux_wait_for suspend '^fg-status=0'

# Signals: SIGTERM and SIGHUP leave cleanly, a crash restores the terminal.
for sig in TERM HUP SEGV; do
	name=sig$sig
	run_wrapped "$name"
	tmux_wait_for "$name" "$welcome" >/dev/null
	kill -"$sig" "$(skua_pid)"
	term_restored "$name" "SIG$sig: the terminal is restored"
	st=$(sed 's/status //' "$E2E_TMP/$name.status" 2>/dev/null || echo none)
	if [ "$sig" = SEGV ]; then
		tap_like "$st" '^(139|1[0-9][0-9]|[1-9])$' "SIGSEGV: skua dies with a failure status ($st)"
	else
		tap_is "$st" 1 "SIG$sig: skua exits with status 1"
	fi
done

# push <quit>: read once the first screen is complete.
run_wrapped push -e 'push <quit>'
term_restored push "-e 'push <quit>' quits after the first screen"
tap_is "$(cat "$E2E_TMP/push.status")" "status 0" "push <quit> exits 0"

# --- rc file, accounts and the test Dovecot ---------------------------------

dovecot_start alice
tap_check "IMAPS answers with this run's certificate" \
	sh -c 'echo | openssl s_client -connect "127.0.0.1:$PORT_IMAPS" -CAfile "$E2E_CA" -verify_return_error -verify_hostname localhost 2>&1 | grep -q "Verify return code: 0"'
tap_check "IMAP STARTTLS answers with this run's certificate" \
	sh -c 'echo | openssl s_client -connect "127.0.0.1:$PORT_IMAP" -starttls imap -CAfile "$E2E_CA" -verify_return_error -verify_hostname localhost 2>&1 | grep -q "Verify return code: 0"'
tap_check "POP3S answers with this run's certificate" \
	sh -c 'echo | openssl s_client -connect "127.0.0.1:$PORT_POP3S" -CAfile "$E2E_CA" -verify_return_error -verify_hostname localhost 2>&1 | grep -q "Verify return code: 0"'

rc=$E2E_TMP/skuarc
cat >"$rc" <<RC
# a test rc file
set nosuch = 1
set help = no
account mail
	set folder = "pops://alice@127.0.0.1:$PORT_POP3S"
	set tls_ca_file = "$E2E_CA"
	set password = "$(e2e_password alice)"
end
account broken
end
RC
run_wrapped accounts -F "$rc"
tap_check "the POP3S account opens its local store: an empty INBOX" \
	tmux_wait_for accounts 'INBOX \[Msgs:0\]'
tap_check "the store is made under XDG_DATA_HOME, named after the account" \
	test -d "$E2E_HOME/.local/share/skua/mail/mail/cur"
tap_check "an rc error names file:line and the rest still applies" \
	tmux_wait_for accounts "skuarc:2: unknown option 'nosuch' \(and 1 more"
tap_check "set help = no removed the help line" \
	sh -c '! tmux -L '"$E2E__TMUX_SOCKET"' capture-pane -p -t =accounts: | head -1 | grep -q "q:Quit"'
tmux_send accounts y
tap_check "y lists the POP3S account's local folders" \
	tmux_wait_for accounts '^ +0 +INBOX$'
tmux_send accounts q
tmux_send accounts q
tmux_send accounts q
term_restored accounts "q quits"
tap_check "rc errors are repeated on stderr at exit" \
	tmux_wait_for accounts "^skua: .*skuarc:9: account 'broken' has no folder"
tap_done
