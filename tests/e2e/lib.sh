# shellcheck shell=bash
# tests/e2e/lib.sh - harness for skua's end-to-end tests.
#
# Sourced by bash test scripts:   . "$top_srcdir/tests/e2e/lib.sh"
# Environment read: top_srcdir (source dir; defaults to two levels above this
# file), SKUA (the built binary; only tests that run skua need it), E2E_KEEP=1
# (keep the temp dir and print where it is), E2E_TIMEOUT_SCALE (integer that
# multiplies every wait timeout, e.g. 3 under ASan or valgrind), E2E_GEN_MAIL
# (alternative path of gen-mail.py), E2E_MAIL_USER (root only: the account
# mail is stored as, default "dovecot"), DOVECOT_EXTRA_CONF (text appended to
# the generated dovecot.conf, e.g. "ssl = required").
# Sourcing installs EXIT/INT/TERM/HUP traps: do not set your own traps, use
# e2e_at_exit. Diagnostics from the harness go to stderr as "# " lines; TAP
# goes to stdout. Everything works under set -euo pipefail.
#
# TAP
#   tap_plan N               Print the plan "1..N" first. Without it, tap_done
#                            (or a normal exit) prints "1..<count>" at the end.
#   tap_ok DESC              Report a passed test.
#   tap_fail DESC [DIAG...]  Report a failed test; each DIAG (may hold several
#                            lines) is printed as "# " lines.
#   tap_check DESC CMD [ARG...]
#                            Run CMD in this shell (so tap_check dovecot_start
#                            keeps its state); ok if it exits 0, else not ok
#                            with its stdout+stderr and status as "# " lines.
#   tap_is GOT WANT DESC     ok if the two strings are equal, else shows both.
#   tap_like GOT REGEX DESC  ok if GOT matches the extended REGEX (grep -E).
#   tap_skip DESC REASON     Report a skipped test ("ok N DESC # SKIP REASON").
#   tap_diag MSG...          Print MSG as "# " comment lines on stdout.
#   tap_skip_all REASON      Print "1..0 # SKIP REASON" and exit 0 (before any test).
#   tap_bail REASON          Print "Bail out! REASON" and exit 1.
#   tap_done                 Print the plan if none was given and exit: status 1
#                            if any test failed or the plan was not met, else 0.
#   A script that exits without tap_done still exits non-zero if a test failed.
#
# Test environment
#   e2e_init                 Create the private temp dir $E2E_TMP (and $E2E_HOME,
#                            the HOME and XDG_* dirs given to programs run in
#                            tmux). Idempotent; the other functions call it.
#   e2e_cleanup              Run the e2e_at_exit commands, kill this test's tmux
#                            server and its panes' processes, stop Dovecot by its
#                            pid (SIGTERM, SIGKILL after a bounded wait) and
#                            remove $E2E_TMP unless E2E_KEEP=1. Runs by itself on
#                            exit, set -e abort, SIGINT, SIGTERM and SIGHUP.
#   e2e_at_exit CMD [ARG...] Register a command for e2e_cleanup (run in reverse
#                            order, before tmux and Dovecot are stopped).
#   e2e_require CMD...       tap_skip_all naming the Debian packages if any CMD
#                            is missing from PATH.
#
# Dovecot
#   dovecot_start [USER...]  Start a private Dovecot 2.3 on 127.0.0.1 (users
#                            default to "alice bob", password "secret-USER").
#                            First call: makes a CA and a server certificate
#                            (CN=localhost, SAN DNS:localhost, IP:127.0.0.1),
#                            picks four free ports (retrying with new ports if
#                            one was taken meanwhile) and writes the config.
#                            After dovecot_stop it restarts on the SAME ports
#                            with the same mail (server restart tests).
#                            Returns when IMAP and POP3 greet on all ports.
#                            Exports DOVECOT_CONF DOVECOT_PID DOVECOT_LOG
#                            PORT_IMAP PORT_IMAPS PORT_POP3 PORT_POP3S E2E_HOST
#                            E2E_CA E2E_CA_KEY E2E_CERT E2E_CERT_SHA256
#                            E2E_PASS_<user>.
#   dovecot_stop [KILL]      Stop it (idempotent): SIGTERM, wait (bounded; a
#                            clean stop takes about 1.2 s, Dovecot's master
#                            sleeps 1 s for its log process), then SIGKILL;
#                            with KILL, SIGKILL at once (a crash). Its children
#                            are waited for too. Config, ports and mail stay.
#   e2e_password USER        Print USER's password (secret-USER).
#   e2e_doveadm ARG...       Run doveadm against this Dovecot (as root it
#                            switches to the mail user itself).
#   mailbox_count USER FOLDER
#                            Print the number of messages in FOLDER (doveadm).
#   wait_mailbox_count USER FOLDER N
#                            Poll (10 s) until FOLDER holds N messages; else
#                            say what it holds and return 1.
#   message_flags USER FOLDER MSGID
#                            Print the server's flags of the message whose
#                            Message-ID is <MSGID> ("" when none).
#   wait_message_flag USER FOLDER MSGID FLAG yes|no
#                            Poll (10 s) until FLAG is (yes) or is not (no)
#                            among them; else print the flags, return 1.
#   message_in USER FOLDER MSGID
#                            Whether FOLDER holds the message (doveadm search).
#   maildir_of USER [FOLDER] Print the Maildir of USER's FOLDER (INBOX or empty:
#                            the Maildir root; "a/b" or "a.b": "<root>/.a.b"),
#                            creating it (cur new tmp) owned by the mail user.
#   mail_generate USER FOLDER COUNT SEED [GEN-MAIL ARG...]
#                            Write COUNT generated messages into that Maildir
#                            with tests/tools/gen-mail.py (manifest in
#                            $E2E_TMP/manifest-USER-FOLDER, "/" in FOLDER -> "_")
#                            and give them to the mail user.
#   mail_deliver USER FOLDER < MESSAGE
#                            Deliver one message through "doveadm save" (the
#                            folder must exist; Dovecot must be running).
# The server: Maildir++ under $E2E_TMP/mail/USER/Maildir, default hierarchy
# separator ".", Drafts Sent Trash Junk Archive (special-use) auto-subscribed,
# AUTH=PLAIN LOGIN, TLS >= 1.2, STARTTLS/STLS offered on the plain ports,
# disable_plaintext_auth = yes, BUT Dovecot counts loopback as secure, so
# plaintext LOGIN on 127.0.0.1 is accepted: check skua's "no credentials
# without TLS" rule on the client side (the log says "secured" vs "TLS").
# Failed logins are not delayed (auth_failure_delay 0, anvil's auth penalty
# off). The log ($DOVECOT_LOG) has in=/out= bytes per IMAP and POP3 session.
# As root: mail belongs to E2E_MAIL_USER (default "dovecot"), Dovecot's own
# processes run as dovecot/dovenull, $E2E_TMP is mode 0711. As another user:
# everything runs as that user (it needs a user and a group name).
#
# SMTP (a real submission server on loopback, for the sending tests)
#   smtp_start               After dovecot_start: turn on Dovecot's own
#                            submission service in the same private Dovecot
#                            (restarted on its ports, mail kept): STARTTLS on
#                            $PORT_SUBMISSION, implicit TLS on
#                            $PORT_SUBMISSIONS, AUTH PLAIN/LOGIN against the
#                            test users (their IMAP passwords), the same
#                            certificate ($E2E_CA). It relays to a small relay
#                            (tests/e2e/smtp-relay.py, python3-aiosmtpd) on
#                            $PORT_RELAY, which refuses a recipient whose local
#                            part is not a test user (550 at RCPT) and delivers
#                            the others by LMTP ($PORT_LMTP, Dovecot's lmtp)
#                            into USER's INBOX ("bob@anything" -> bob), so a
#                            sent message is found over IMAP. The relay keeps
#                            each message as $SMTP_SPOOL/N.eml and its envelope
#                            as N.env ("MAIL FROM a", "RCPT TO b" lines).
#                            Needs dovecot-submissiond, dovecot-lmtpd and
#                            python3-aiosmtpd (e2e_require_smtp skips without).
#   smtp_stop                Stop the relay (by its pid; bounded wait, then
#                            SIGKILL); e2e_cleanup calls it. The submission
#                            service stays (it then fails with 4xx).
#   e2e_require_smtp         tap_skip_all naming the packages if the rig
#                            cannot run here.
#
# tmux (one private server per test: tmux -L skua-e2e-$$, with a generated
# config $E2E_TMP/tmux.conf instead of ~/.tmux.conf, so its options are set
# before the first program can exit: status line off, so the pane is exactly
# COLS x ROWS; TERM=screen-256color (E2E_TERM), LANG=LC_ALL=C.UTF-8
# (E2E_LOCALE), HOME and XDG_{CONFIG,CACHE,DATA,STATE}_HOME under $E2E_HOME;
# remain-on-exit on with an empty remain-on-exit-format, so the program's last
# screen is left exactly as it was and its exit status stays readable).
# To watch a test live: tmux -L skua-e2e-<test pid> attach -r
#   tmux_start NAME COLS ROWS CMD [ARG...]
#                            Start CMD (argv, no shell; use sh -c '...' for
#                            one) in a new detached session NAME.
#   tmux_send NAME KEY...    tmux send-keys: each KEY is a key name (Enter,
#                            Escape, C-g, Up, BSpace, F1...) or literal text.
#   tmux_send_text NAME TEXT...
#                            Send TEXT literally (send-keys -l), never as a key name.
#   tmux_capture NAME [OPT...]
#                            Print the visible screen (capture-pane -p OPT...;
#                            e.g. -e adds the colour escapes).
#   tmux_wait_for NAME REGEX [TIMEOUT_S=10]
#                            Poll the screen every 50 ms until a line matches
#                            REGEX (grep -E). On timeout (or when the program
#                            has exited without it) return 1 and print the last
#                            screen as "# " lines on stderr.
#   tmux_wait_gone NAME REGEX [TIMEOUT_S=10]
#                            The same, until no line matches any more.
#   tmux_wait_exit NAME [TIMEOUT_S=10]
#                            Wait until the program in NAME has exited and print
#                            its exit status (128+N if killed by signal N);
#                            return 1 on timeout.
#   tmux_pid NAME            Print the pid of the program running in NAME.
#   tmux_resize NAME COLS ROWS
#                            Resize the window (the program gets SIGWINCH) and
#                            wait until the pane has that size.
#   tmux_kill NAME           Kill the session (its program gets SIGHUP, then
#                            SIGKILL if it is still there after a bounded wait).
#
# Timeouts accept decimals ("2.5"); all waits are bounded polling loops.

if [ -n "${E2E__LIB_LOADED:-}" ]; then
	return 0
fi
E2E__LIB_LOADED=1

if [ -z "${top_srcdir:-}" ]; then
	top_srcdir=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
fi
export top_srcdir

# dovecot is in /usr/sbin, which is not in a Debian user's PATH.
case :$PATH: in
*:/usr/sbin:*) ;;
*) PATH=$PATH:/usr/sbin ;;
esac

# A test started by another test must not reuse its parent's instance.
unset E2E_TMP E2E_HOME DOVECOT_CONF DOVECOT_PID DOVECOT_LOG PORT_IMAP \
	PORT_IMAPS PORT_POP3 PORT_POP3S E2E_HOST E2E_CA E2E_CA_KEY E2E_CERT \
	E2E_CERT_SHA256

E2E__OWNER=$BASHPID	# the shell whose exit cleans up
E2E__TAP_N=0
E2E__TAP_FAILED=0
E2E__TAP_PLAN=
E2E__TAP_DONE=
E2E__CLEANED=
E2E__AT_EXIT=()
E2E__DOVECOT_PID=
E2E__DOVECOT_USERS=()
E2E__RELAY_PID=
E2E__INSTANCE=skua-e2e-$$
E2E__TMUX_SOCKET=skua-e2e-$$

# ---------------------------------------------------------------- internals

# Print each argument's lines as "# " comment lines.
e2e__comment() {
	local text line
	for text in "$@"; do
		while IFS= read -r line || [ -n "$line" ]; do
			case $line in
			'#'*) printf '%s\n' "$line" ;;
			*) printf '# %s\n' "$line" ;;
			esac
		done <<<"$text"
	done
}

e2e__err() {
	e2e__comment "$@" >&2
}

# Polling loops use no $(...): bash 5.2.15 fails to run a trap (SIGTERM,
# SIGINT) that arrives while it parses a command substitution, and then
# exits with status 2 (the EXIT trap still cleans up).

# Set E2E__DEADLINE to now + $1 seconds (decimals allowed) times
# E2E_TIMEOUT_SCALE, in microseconds of $EPOCHREALTIME.
e2e__deadline() {
	local s=${1:-10} int frac scale=${E2E_TIMEOUT_SCALE:-1} now=${EPOCHREALTIME/[.,]/}
	case $s in
	*.*) int=${s%%.*} frac=${s#*.} ;;
	*) int=$s frac= ;;
	esac
	frac=${frac}000000
	frac=${frac:0:6}
	case ${int:-0}$frac$scale in
	*[!0-9]*)
		e2e__err "bad timeout '$s' or E2E_TIMEOUT_SCALE '$scale'"
		int=10 frac=0 scale=1
		;;
	esac
	E2E__DEADLINE=$((now + (10#${int:-0} * 1000000 + 10#$frac) * scale))
}

# Has the deadline $1 (from e2e__deadline) passed?
e2e__expired() {
	local now=${EPOCHREALTIME/[.,]/}
	[ "$now" -ge "$1" ]
}

# Does pid $1 still run? A zombie has closed its files and sockets: it counts
# as gone (a daemon's parent is pid 1, which may reap late or never).
e2e__alive() {
	local stat
	[ -n "$1" ] && kill -0 "$1" 2>/dev/null || return 1
	read -r stat <"/proc/$1/stat" 2>/dev/null || return 0
	stat=${stat##*) }
	[ "${stat%% *}" != Z ]
}

# Is pid $1 alive and ours ($2: text its command line contains)? Checked
# before any signal is sent. An exiting process may already have an empty
# command line: it is not "ours" any more, but e2e__alive until it is gone.
e2e__pid_is() {
	local cmdline
	e2e__alive "$1" || return 1
	[ -r "/proc/$1/cmdline" ] || return 0
	cmdline=$(tr '\0' ' ' <"/proc/$1/cmdline" 2>/dev/null) || return 1
	case $cmdline in
	*"$2"*) return 0 ;;
	*) return 1 ;;
	esac
}

e2e__children() {
	local pid
	for pid in $(pgrep -P "$1" 2>/dev/null); do
		echo "$pid"
		e2e__children "$pid"
	done
}

# Wait until none of the pids exists (at most $1 microseconds).
# Wait until none of the pids exists (at most $1 seconds).
e2e__wait_pids_gone() {
	local deadline pid alive
	e2e__deadline "$1"
	deadline=$E2E__DEADLINE
	shift
	while :; do
		alive=
		for pid in "$@"; do
			if e2e__alive "$pid"; then
				alive=1
				break
			fi
		done
		[ -z "$alive" ] && return 0
		e2e__expired "$deadline" && return 1
		sleep 0.05
	done
}

# Prefix stdin's lines with "| " (a screen shown inside "# " comments).
e2e__boxed() {
	local line
	while IFS= read -r line || [ -n "$line" ]; do
		printf '| %s\n' "$line"
	done
}

e2e__have() {
	command -v "$1" >/dev/null 2>&1
}

# ---------------------------------------------------------------- TAP

e2e__tap_desc() {
	local d=$*
	d=${d//$'\n'/ }
	d=${d//'#'/'\#'}
	printf '%s' "$d"
}

tap_plan() {
	E2E__TAP_PLAN=$1
	echo "1..$1"
}

tap_ok() {
	E2E__TAP_N=$((E2E__TAP_N + 1))
	echo "ok $E2E__TAP_N - $(e2e__tap_desc "$1")"
}

tap_fail() {
	local desc=$1
	shift
	E2E__TAP_N=$((E2E__TAP_N + 1))
	E2E__TAP_FAILED=$((E2E__TAP_FAILED + 1))
	echo "not ok $E2E__TAP_N - $(e2e__tap_desc "$desc")"
	[ $# -gt 0 ] && e2e__comment "$@"
	return 0
}

tap_skip() {
	E2E__TAP_N=$((E2E__TAP_N + 1))
	echo "ok $E2E__TAP_N - $(e2e__tap_desc "$1") # SKIP $(e2e__tap_desc "${2:-}")"
}

tap_diag() {
	e2e__comment "$@"
}

# The command runs in this shell (not in $(...)), so tap_check dovecot_start
# or tap_check tmux_start keep their state; its output goes through a file.
tap_check() {
	local desc=$1 out rc=0
	shift
	if [ -n "${E2E_TMP:-}" ] && [ -d "$E2E_TMP" ]; then
		out=$E2E_TMP/tap_check.out
	else
		out=$(mktemp "${TMPDIR:-/tmp}/skua-e2e-check.XXXXXXXX") || return 1
	fi
	"$@" >"$out" 2>&1 || rc=$?
	if [ "$rc" -eq 0 ]; then
		tap_ok "$desc"
	else
		tap_fail "$desc" "command: $*" "exit status: $rc" "$(cat "$out")"
	fi
	case $out in
	"${E2E_TMP:-/nonexistent}"/*) : >"$out" ;;
	*) rm -f "$out" ;;
	esac
}

tap_is() {
	if [ "$1" = "$2" ]; then
		tap_ok "$3"
	else
		tap_fail "$3" "     got: '$1'" "expected: '$2'"
	fi
}

tap_like() {
	if grep -Eq -- "$2" <<<"$1"; then
		tap_ok "$3"
	else
		tap_fail "$3" "got:" "$1" "does not match /$2/"
	fi
}

tap_skip_all() {
	echo "1..0 # SKIP $(e2e__tap_desc "$1")"
	E2E__TAP_DONE=1
	exit 0
}

tap_bail() {
	echo "Bail out! $(e2e__tap_desc "$1")"
	E2E__TAP_DONE=1
	E2E__TAP_FAILED=$((E2E__TAP_FAILED + 1))
	exit 1
}

# The plan check and the exit status; used by tap_done and the EXIT trap.
e2e__tap_finish() {
	local rc=$1
	[ -n "$E2E__TAP_DONE" ] && return "$rc"
	E2E__TAP_DONE=1
	if [ "$rc" -ne 0 ]; then
		# Aborted: no trailing plan, so the driver reports the missing tests.
		e2e__comment "test script exited with status $rc after $E2E__TAP_N tests"
		return "$rc"
	fi
	if [ -z "$E2E__TAP_PLAN" ]; then
		echo "1..$E2E__TAP_N"
	elif [ "$E2E__TAP_PLAN" != "$E2E__TAP_N" ]; then
		e2e__comment "planned $E2E__TAP_PLAN tests but ran $E2E__TAP_N"
		return 1
	fi
	[ "$E2E__TAP_FAILED" -eq 0 ] || return 1
	return 0
}

tap_done() {
	local rc=0
	e2e__tap_finish 0 || rc=$?
	exit "$rc"
}

# ---------------------------------------------------------------- setup, cleanup

e2e_require() {
	local cmd pkg missing=()
	for cmd in "$@"; do
		e2e__have "$cmd" && continue
		case $cmd in
		dovecot) pkg="dovecot-core dovecot-imapd dovecot-pop3d" ;;
		doveadm) pkg=dovecot-core ;;
		python3) pkg=python3 ;;
		*) pkg=$cmd ;;
		esac
		missing+=("$pkg")
	done
	if [ ${#missing[@]} -gt 0 ]; then
		tap_skip_all "missing programs; install: ${missing[*]}"
	fi
}

e2e_init() {
	if [ -n "${E2E_TMP:-}" ] && [ -d "$E2E_TMP" ]; then
		return 0
	fi
	local base=${TMPDIR:-/tmp}
	# Unix socket paths (Dovecot's base_dir) must stay short.
	if [ ${#base} -gt 40 ] || [ ! -d "$base" ] || [ ! -w "$base" ]; then
		base=/tmp
	fi
	E2E_TMP=$(mktemp -d "$base/skua-e2e.XXXXXXXX") || {
		e2e__err "e2e_init: mktemp -d in $base failed"
		return 1
	}
	# Dovecot's unprivileged processes must reach the sockets and mail below.
	chmod 0711 "$E2E_TMP"
	E2E_HOME=$E2E_TMP/home
	mkdir -p "$E2E_HOME/.config" "$E2E_HOME/.cache" "$E2E_HOME/.local/share" \
		"$E2E_HOME/.local/state"
	export E2E_TMP E2E_HOME
}

e2e_at_exit() {
	local q
	printf -v q '%q ' "$@"
	E2E__AT_EXIT+=("$q")
}

e2e_cleanup() {
	[ "$BASHPID" = "$E2E__OWNER" ] || return 0
	[ -n "$E2E__CLEANED" ] && return 0
	E2E__CLEANED=1
	local i
	for ((i = ${#E2E__AT_EXIT[@]} - 1; i >= 0; i--)); do
		eval "${E2E__AT_EXIT[i]}" || e2e__err "e2e_at_exit command failed: ${E2E__AT_EXIT[i]}"
	done
	e2e__tmux_kill_server
	smtp_stop
	dovecot_stop
	if [ "$E2E__TAP_FAILED" -gt 0 ] && [ -n "${DOVECOT_LOG:-}" ] && [ -s "$DOVECOT_LOG" ]; then
		e2e__err "last lines of $DOVECOT_LOG:" "$(tail -n 25 "$DOVECOT_LOG")"
	fi
	if [ -n "${E2E_TMP:-}" ] && [ -d "$E2E_TMP" ]; then
		if [ "${E2E_KEEP:-0}" = 1 ]; then
			e2e__err "E2E_KEEP=1: kept $E2E_TMP"
		else
			case $E2E_TMP in
			*/skua-e2e.*) rm -rf -- "$E2E_TMP" ;;
			esac
		fi
	fi
}

e2e__on_exit() {
	local rc=$?
	set +e
	[ "$BASHPID" = "$E2E__OWNER" ] || return "$rc"
	e2e_cleanup
	e2e__tap_finish "$rc"
	rc=$?
	exit "$rc"
}

e2e__on_signal() {
	set +e
	[ "$BASHPID" = "$E2E__OWNER" ] || exit 1
	e2e__err "caught SIG$1, cleaning up"
	trap - EXIT
	e2e_cleanup
	trap - "$1"
	kill -s "$1" "$BASHPID"
	exit $((128 + $(kill -l "$1")))
}

trap e2e__on_exit EXIT
trap 'e2e__on_signal INT' INT
trap 'e2e__on_signal TERM' TERM
trap 'e2e__on_signal HUP' HUP

# ---------------------------------------------------------------- Dovecot

e2e_password() {
	printf 'secret-%s\n' "$1"
}

# The uid/gid mail is stored as, and the users Dovecot's own processes run as.
e2e__dovecot_ids() {
	[ -n "${E2E__MAIL_UID:-}" ] && return 0
	if [ "$(id -u)" -eq 0 ]; then
		local mu=${E2E_MAIL_USER:-dovecot}
		if ! E2E__MAIL_UID=$(id -u "$mu") || ! E2E__MAIL_GID=$(id -g "$mu"); then
			e2e__err "dovecot_start: user '$mu' (E2E_MAIL_USER) does not exist"
			E2E__MAIL_UID=
			return 1
		fi
		E2E__INTERNAL_USER=dovecot
		E2E__INTERNAL_GROUP=dovecot
		E2E__LOGIN_USER=dovenull
		id -u dovenull >/dev/null 2>&1 || E2E__LOGIN_USER=dovecot
	else
		# Without root Dovecot cannot change uid: everything runs as us.
		E2E__MAIL_UID=$(id -u)
		E2E__MAIL_GID=$(id -g)
		E2E__INTERNAL_USER=$(id -un) || {
			e2e__err "dovecot_start: uid $(id -u) has no user name; Dovecot needs one"
			E2E__MAIL_UID=
			return 1
		}
		E2E__INTERNAL_GROUP=$(id -gn) || {
			e2e__err "dovecot_start: gid $(id -g) has no group name; Dovecot needs one"
			E2E__MAIL_UID=
			return 1
		}
		E2E__LOGIN_USER=$E2E__INTERNAL_USER
	fi
}

# Give a path (recursively) to the mail user; a no-op unless root.
e2e__chown_mail() {
	if [ "$(id -u)" -eq 0 ]; then
		chown -R "$E2E__MAIL_UID:$E2E__MAIL_GID" "$@"
	fi
}

e2e__dovecot_certs() {
	local d=$E2E_TMP/tls
	E2E_CA=$d/ca.pem
	E2E_CA_KEY=$d/ca.key
	E2E_CERT=$d/server.pem
	if [ ! -s "$E2E_CERT" ]; then
		mkdir -p "$d"
		cat >"$d/openssl.cnf" <<-'EOF'
			[req]
			distinguished_name = dn
			prompt = no
			[dn]
			CN = unused
			[ca_ext]
			basicConstraints = critical,CA:TRUE
			keyUsage = critical,keyCertSign,cRLSign
			subjectKeyIdentifier = hash
			[server_ext]
			basicConstraints = critical,CA:FALSE
			keyUsage = critical,digitalSignature,keyEncipherment
			extendedKeyUsage = serverAuth
			subjectAltName = DNS:localhost,IP:127.0.0.1
			subjectKeyIdentifier = hash
			authorityKeyIdentifier = keyid
		EOF
		# (set -e would be ignored here: this runs on the left of ||.)
		(
			cd "$d" && umask 077 &&
				openssl req -config openssl.cnf -x509 -newkey ec \
					-pkeyopt ec_paramgen_curve:P-256 -nodes -keyout ca.key \
					-out ca.pem -days 2 -subj "/CN=skua e2e test CA $$" \
					-extensions ca_ext &&
				openssl req -config openssl.cnf -new -newkey ec \
					-pkeyopt ec_paramgen_curve:P-256 -nodes \
					-keyout server.key -out server.csr -subj /CN=localhost &&
				openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key \
					-set_serial "0x$(openssl rand -hex 8)" -days 2 \
					-extfile openssl.cnf -extensions server_ext -out server.pem &&
				chmod 0644 ca.pem server.pem
		) >"$d/openssl.log" 2>&1 || {
			e2e__err "dovecot_start: certificate generation failed:" "$(cat "$d/openssl.log")"
			return 1
		}
	fi
	E2E_CERT_SHA256=$(openssl x509 -in "$E2E_CERT" -noout -fingerprint -sha256)
	E2E_CERT_SHA256=${E2E_CERT_SHA256#*=}
	export E2E_CA E2E_CA_KEY E2E_CERT E2E_CERT_SHA256
}

# Add users to the passwd-file and make their homes; idempotent.
e2e__dovecot_users() {
	local u pw f=$E2E_TMP/dovecot/passwd
	touch "$f"
	chmod 0644 "$f"	# read by the auth process (test passwords only)
	for u in "$@"; do
		case $u in
		"" | [!A-Za-z_]* | *[!A-Za-z0-9_]*)
			e2e__err "dovecot_start: bad user name '$u' (use [A-Za-z_][A-Za-z0-9_]*)"
			return 1
			;;
		esac
		pw=$(e2e_password "$u")
		export "E2E_PASS_$u=$pw"
		if ! grep -q "^$u:" "$f"; then
			printf '%s:{PLAIN}%s\n' "$u" "$pw" >>"$f"
			E2E__DOVECOT_USERS+=("$u")
		fi
		maildir_of "$u" INBOX >/dev/null || return 1
	done
}

# Four distinct ports that are free now, from the kernel.
e2e__free_ports() {
	python3 -c '
import socket
socks = []
for _ in range(4):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.bind(("127.0.0.1", 0))
    socks.append(s)
print(" ".join(str(s.getsockname()[1]) for s in socks))
'
}

e2e__dovecot_conf() {
	local d=$E2E_TMP/dovecot
	cat >"$DOVECOT_CONF" <<EOF
# Generated by tests/e2e/lib.sh for one test run; everything lives in
# $E2E_TMP.
instance_name = $E2E__INSTANCE
base_dir = $d/run
state_dir = $d/state
log_path = $DOVECOT_LOG
info_log_path = $DOVECOT_LOG
log_timestamp = "%Y-%m-%d %H:%M:%S "

listen = 127.0.0.1
protocols = imap pop3

ssl = yes
ssl_cert = <$E2E_CERT
ssl_key = <$E2E_TMP/tls/server.key
ssl_min_protocol = TLSv1.2

# The default, stated: plaintext auth is refused without TLS, except that
# Dovecot counts a connection whose remote IP equals its local IP (loopback)
# as secure, so LOGIN over the plain ports from 127.0.0.1 is accepted.
disable_plaintext_auth = yes
auth_mechanisms = plain login
auth_verbose = yes
auth_failure_delay = 0
mail_max_userip_connections = 100

default_internal_user = $E2E__INTERNAL_USER
default_internal_group = $E2E__INTERNAL_GROUP
default_login_user = $E2E__LOGIN_USER
first_valid_uid = $E2E__MAIL_UID
last_valid_uid = $E2E__MAIL_UID
first_valid_gid = $E2E__MAIL_GID
last_valid_gid = $E2E__MAIL_GID

passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%u $d/passwd
}
userdb {
  driver = static
  args = uid=$E2E__MAIL_UID gid=$E2E__MAIL_GID home=$E2E_TMP/mail/%u
}
mail_location = maildir:$E2E_TMP/mail/%u/Maildir

namespace inbox {
  inbox = yes
  mailbox Drafts {
    special_use = \\Drafts
    auto = subscribe
  }
  mailbox Sent {
    special_use = \\Sent
    auto = subscribe
  }
  mailbox Trash {
    special_use = \\Trash
    auto = subscribe
  }
  mailbox Junk {
    special_use = \\Junk
    auto = subscribe
  }
  mailbox Archive {
    special_use = \\Archive
    auto = subscribe
  }
}

imap_logout_format = in=%i out=%o deleted=%{deleted} expunged=%{expunged} trashed=%{trashed} hdr_count=%{fetch_hdr_count} hdr_bytes=%{fetch_hdr_bytes} body_count=%{fetch_body_count} body_bytes=%{fetch_body_bytes}
pop3_logout_format = in=%i out=%o top=%t/%p retr=%r/%b del=%d/%m size=%s

# No chroot: it needs root, and base_dir is private anyway.
service imap-login {
  chroot =
  inet_listener imap {
    port = $PORT_IMAP
  }
  inet_listener imaps {
    port = $PORT_IMAPS
    ssl = yes
  }
}
service pop3-login {
  chroot =
  inet_listener pop3 {
    port = $PORT_POP3
  }
  inet_listener pop3s {
    port = $PORT_POP3S
    ssl = yes
  }
}
# Repeated failed logins from one IP make auth wait 2, 4, 8... 15 s (anvil's
# auth penalty); tests fail logins on purpose: refusing auth the socket turns
# the penalty off.
service anvil {
  chroot =
  unix_listener anvil-auth-penalty {
    mode = 0
  }
}
service auth-worker {
  user = \$default_internal_user
}
${DOVECOT_EXTRA_CONF:-}
EOF
}

# Read a greeting that is not Dovecot's "Waiting for authentication" one.
e2e__greeting() {
	(
		exec 3<>"/dev/tcp/127.0.0.1/$1" || exit 1
		while IFS= read -r -t 2 -u 3 line; do
			line=${line%$'\r'}
			case $line in
			*"Waiting for authentication"*) continue ;;
			esac
			printf '%s\n' "$line"
			exit 0
		done
		exit 1
	) 2>/dev/null
}

# Bounded wait until all four listeners accept and the plain ones greet.
e2e__dovecot_wait_ready() {
	local deadline port g ok
	e2e__deadline 15
	deadline=$E2E__DEADLINE
	while :; do
		ok=1
		for port in "$PORT_IMAPS" "$PORT_POP3S"; do
			(exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null || ok=
		done
		if [ -n "$ok" ]; then
			g=$(e2e__greeting "$PORT_IMAP") && [[ $g == "* OK"* ]] || ok=
		fi
		if [ -n "$ok" ]; then
			g=$(e2e__greeting "$PORT_POP3") && [[ $g == "+OK"* ]] || ok=
		fi
		[ -n "$ok" ] && return 0
		if ! e2e__pid_is "$E2E__DOVECOT_PID" "$DOVECOT_CONF"; then
			e2e__err "dovecot_start: Dovecot died while starting:" "$(tail -n 20 "$DOVECOT_LOG" 2>/dev/null)"
			return 1
		fi
		if e2e__expired "$deadline"; then
			e2e__err "dovecot_start: Dovecot not ready after 15 s:" "$(tail -n 20 "$DOVECOT_LOG" 2>/dev/null)"
			return 1
		fi
		sleep 0.05
	done
}

# Run the master; 0 ok, 2 a port was taken, 1 another failure.
e2e__dovecot_launch() {
	local d=$E2E_TMP/dovecot out rc=0 deadline pid=
	# Never a pipe: the daemonized master keeps stdout/stderr open for good.
	rm -f "$d/run/master.pid"
	dovecot -c "$DOVECOT_CONF" </dev/null >"$d/start.out" 2>&1 || rc=$?
	out=$(cat "$d/start.out")
	if [ "$rc" -ne 0 ]; then
		if grep -q 'Address already in use' <<<"$out"; then
			return 2
		fi
		e2e__err "dovecot_start: 'dovecot -c $DOVECOT_CONF' failed ($rc):" "$out"
		return 1
	fi
	# The daemonized master writes its pid file right after forking.
	e2e__deadline 10
	deadline=$E2E__DEADLINE
	while :; do
		if [ -s "$d/run/master.pid" ]; then
			read -r pid <"$d/run/master.pid" || pid=
			[ -n "$pid" ] && break
		fi
		if e2e__expired "$deadline"; then
			e2e__err "dovecot_start: no $d/run/master.pid after 10 s:" "$(tail -n 20 "$DOVECOT_LOG" 2>/dev/null)"
			return 1
		fi
		sleep 0.02
	done
	E2E__DOVECOT_PID=$pid
	DOVECOT_PID=$pid
	export DOVECOT_PID
	e2e__dovecot_wait_ready || {
		dovecot_stop KILL
		return 1
	}
}

dovecot_start() {
	local attempt rc ports d
	if [ -n "$E2E__DOVECOT_PID" ]; then
		e2e__err "dovecot_start: already running (pid $E2E__DOVECOT_PID)"
		return 1
	fi
	e2e_init || return 1
	if ! e2e__have dovecot || ! e2e__have doveadm; then
		e2e__err "dovecot_start: dovecot/doveadm not found (install dovecot-imapd dovecot-pop3d)"
		return 1
	fi
	e2e__dovecot_ids || return 1
	d=$E2E_TMP/dovecot
	mkdir -p "$d"
	DOVECOT_CONF=$d/dovecot.conf
	DOVECOT_LOG=$d/dovecot.log
	E2E_HOST=127.0.0.1
	export DOVECOT_CONF DOVECOT_LOG E2E_HOST
	e2e__dovecot_certs || return 1
	if [ $# -eq 0 ] && [ ${#E2E__DOVECOT_USERS[@]} -eq 0 ]; then
		set -- alice bob
	fi
	e2e__dovecot_users "$@" || return 1

	if [ -s "$DOVECOT_CONF" ]; then
		# A restart: same ports, same certificate, same mail.
		rc=0
		e2e__dovecot_launch || rc=$?
		if [ "$rc" -eq 2 ]; then
			e2e__err "dovecot_start: cannot restart, a port of $PORT_IMAP $PORT_IMAPS $PORT_POP3 $PORT_POP3S is taken"
		fi
		[ "$rc" -eq 0 ] || return 1
		return 0
	fi
	for attempt in 1 2 3 4 5 6; do
		ports=$(e2e__free_ports) || {
			e2e__err "dovecot_start: cannot find free ports (python3)"
			return 1
		}
		read -r PORT_IMAP PORT_IMAPS PORT_POP3 PORT_POP3S <<<"$ports"
		export PORT_IMAP PORT_IMAPS PORT_POP3 PORT_POP3S
		e2e__dovecot_conf
		rc=0
		e2e__dovecot_launch || rc=$?
		[ "$rc" -eq 0 ] && return 0
		[ "$rc" -eq 2 ] || break
		e2e__err "dovecot_start: a port was taken (attempt $attempt), retrying with new ports"
	done
	rm -f "$DOVECOT_CONF"
	return 1
}

dovecot_stop() {
	local pid=$E2E__DOVECOT_PID mode=${1:-TERM} kids conf
	[ -n "${E2E_TMP:-}" ] || return 0
	conf=$E2E_TMP/dovecot/dovecot.conf
	if [ -z "$pid" ] && [ -s "$E2E_TMP/dovecot/run/master.pid" ]; then
		# Started in a subshell, e.g. $(dovecot_start): still ours to stop.
		read -r pid <"$E2E_TMP/dovecot/run/master.pid" || pid=
	fi
	[ -n "$pid" ] || return 0
	if e2e__pid_is "$pid" "$conf"; then
		# Children are named "dovecot-<instance>/<service>".
		kids=$(e2e__children "$pid")
		if [ "$mode" = KILL ]; then
			kill -KILL "$pid" 2>/dev/null || true
		else
			kill -TERM "$pid" 2>/dev/null || true
			if ! e2e__wait_pids_gone 10 "$pid"; then
				e2e__err "dovecot_stop: pid $pid ignored SIGTERM for 10 s, sending SIGKILL"
				kids="$kids $(e2e__children "$pid")"
				kill -KILL "$pid" 2>/dev/null || true
			fi
		fi
		e2e__wait_pids_gone 5 "$pid" ||
			e2e__err "dovecot_stop: pid $pid survived SIGKILL"
		# shellcheck disable=SC2086 # a list of pids
		if ! e2e__wait_pids_gone 3 $kids; then
			local k
			for k in $kids; do
				if e2e__pid_is "$k" "$E2E__INSTANCE/"; then
					kill -KILL "$k" 2>/dev/null || true
				fi
			done
			# shellcheck disable=SC2086
			e2e__wait_pids_gone 3 $kids ||
				e2e__err "dovecot_stop: Dovecot children survived SIGKILL"
		fi
	fi
	E2E__DOVECOT_PID=
	DOVECOT_PID=
	return 0
}

e2e_doveadm() {
	doveadm -c "$DOVECOT_CONF" "$@"
}

mailbox_count() {
	e2e_doveadm -f flow mailbox status -u "$1" messages "$2" |
		sed -n 's/.*messages=\([0-9][0-9]*\).*/\1/p'
}

wait_mailbox_count() {
	local got
	for _ in $(seq 100); do
		got=$(mailbox_count "$1" "$2" 2>/dev/null || true)
		[ "$got" = "$3" ] && return 0
		sleep 0.1
	done
	echo "$2 holds $got messages, not $3"
	return 1
}

message_flags() {
	e2e_doveadm fetch -u "$1" flags mailbox "$2" header message-id "<$3>" 2>&1 || true
}

wait_message_flag() {
	local got
	for _ in $(seq 100); do
		got=$(message_flags "$1" "$2" "$3")
		if [ "$5" = yes ] && grep -q "$4" <<<"$got"; then
			return 0
		fi
		if [ "$5" = no ] && ! grep -q "$4" <<<"$got"; then
			return 0
		fi
		sleep 0.1
	done
	echo "flags of <$3> in $2: $got"
	return 1
}

message_in() {
	e2e_doveadm search -u "$1" mailbox "$2" header message-id "<$3>" 2>/dev/null | grep -q .
}

maildir_of() {
	local user=$1 folder=${2:-INBOX} dir new=
	if [ -z "$user" ]; then
		e2e__err "usage: maildir_of USER [FOLDER]"
		return 1
	fi
	e2e_init || return 1
	e2e__dovecot_ids || return 1
	dir=$E2E_TMP/mail/$user/Maildir
	case $folder in
	INBOX | inbox | "") ;;
	*..* | /* | *. | .*)
		e2e__err "maildir_of: bad folder name '$folder'"
		return 1
		;;
	*) dir=$dir/.${folder//\//.} ;;
	esac
	[ -d "$dir/cur" ] || new=1
	mkdir -p "$dir/cur" "$dir/new" "$dir/tmp" || return 1
	if [ -n "$new" ]; then
		[ "$dir" = "$E2E_TMP/mail/$user/Maildir" ] || touch "$dir/maildirfolder"
		e2e__chown_mail "$E2E_TMP/mail/$user"
	fi
	printf '%s\n' "$dir"
}

mail_generate() {
	local user=$1 folder=$2 count=$3 seed=$4 dir gen manifest
	if [ $# -lt 4 ]; then
		e2e__err "usage: mail_generate USER FOLDER COUNT SEED [gen-mail args...]"
		return 1
	fi
	shift 4
	gen=${E2E_GEN_MAIL:-$top_srcdir/tests/tools/gen-mail.py}
	if [ ! -f "$gen" ]; then
		e2e__err "mail_generate: $gen not found"
		return 1
	fi
	dir=$(maildir_of "$user" "$folder") || return 1
	manifest=$E2E_TMP/manifest-$user-${folder//\//_}
	python3 "$gen" --seed "$seed" --count "$count" --out "$dir" \
		--manifest "$manifest" "$@" || {
		e2e__err "mail_generate: $gen failed"
		return 1
	}
	e2e__chown_mail "$E2E_TMP/mail/$user"
}

mail_deliver() {
	if [ $# -ne 2 ]; then
		e2e__err "usage: mail_deliver USER FOLDER < message"
		return 1
	fi
	e2e_doveadm save -u "$1" -m "$2"
}

# ---------------------------------------------------------------- SMTP

# The python3 that has aiosmtpd: Debian's package is for the system's
# python3, which another python3 earlier in PATH (pyenv) may hide.
e2e__smtp_python() {
	local p
	for p in python3 /usr/bin/python3; do
		if "$p" -c 'import aiosmtpd' 2>/dev/null; then
			printf '%s\n' "$p"
			return 0
		fi
	done
	return 1
}

e2e_require_smtp() {
	local missing=()
	[ -x /usr/lib/dovecot/submission ] || missing+=(dovecot-submissiond)
	[ -x /usr/lib/dovecot/lmtp ] || missing+=(dovecot-lmtpd)
	e2e__smtp_python >/dev/null || missing+=(python3-aiosmtpd)
	if [ ${#missing[@]} -gt 0 ]; then
		tap_skip_all "the SMTP rig needs: ${missing[*]}"
	fi
}

smtp_start() {
	local d ports users deadline g py
	if [ -z "$E2E__DOVECOT_PID" ]; then
		e2e__err "smtp_start: call dovecot_start first"
		return 1
	fi
	if [ -n "$E2E__RELAY_PID" ]; then
		e2e__err "smtp_start: already running (relay pid $E2E__RELAY_PID)"
		return 1
	fi
	d=$E2E_TMP/smtp
	SMTP_SPOOL=$d/spool
	mkdir -p "$SMTP_SPOOL"
	if [ -z "${PORT_RELAY:-}" ]; then
		ports=$(e2e__free_ports) || {
			e2e__err "smtp_start: cannot find free ports (python3)"
			return 1
		}
		read -r PORT_SUBMISSION PORT_SUBMISSIONS PORT_LMTP PORT_RELAY <<<"$ports"
		export PORT_SUBMISSION PORT_SUBMISSIONS PORT_LMTP PORT_RELAY SMTP_SPOOL
	fi
	py=$(e2e__smtp_python) || {
		e2e__err "smtp_start: no python3 with aiosmtpd (install python3-aiosmtpd)"
		return 1
	}
	users=$(cut -d: -f1 "$E2E_TMP/dovecot/passwd" | paste -sd, -)
	rm -f "$d/relay.ready"
	"$py" "$top_srcdir/tests/e2e/smtp-relay.py" --port "$PORT_RELAY" \
		--lmtp-port "$PORT_LMTP" --users "$users" --spool "$SMTP_SPOOL" \
		--ready "$d/relay.ready" </dev/null >>"$d/relay.log" 2>&1 &
	E2E__RELAY_PID=$!
	e2e__deadline 15
	deadline=$E2E__DEADLINE
	until [ -s "$d/relay.ready" ]; do
		if ! e2e__alive "$E2E__RELAY_PID" || e2e__expired "$deadline"; then
			e2e__err "smtp_start: the relay did not start:" "$(tail -n 20 "$d/relay.log")"
			smtp_stop
			return 1
		fi
		sleep 0.05
	done
	if ! grep -q '^# smtp rig' "$DOVECOT_CONF"; then
		cat >>"$DOVECOT_CONF" <<EOF
# smtp rig (smtp_start): submission relaying to the relay, LMTP for it.
protocols = imap pop3 submission lmtp
hostname = localhost
postmaster_address = postmaster@localhost
submission_relay_host = 127.0.0.1
submission_relay_port = $PORT_RELAY
submission_relay_trusted = yes
service submission-login {
  chroot =
  inet_listener submission {
    port = $PORT_SUBMISSION
  }
  inet_listener submissions {
    port = $PORT_SUBMISSIONS
    ssl = yes
  }
}
service lmtp {
  inet_listener lmtp {
    address = 127.0.0.1
    port = $PORT_LMTP
  }
}
EOF
	fi
	dovecot_stop
	dovecot_start || return 1
	e2e__deadline 15
	deadline=$E2E__DEADLINE
	while :; do
		g=$(e2e__greeting "$PORT_SUBMISSION") || g=
		if [[ $g == 220* ]] && (exec 3<>"/dev/tcp/127.0.0.1/$PORT_SUBMISSIONS") 2>/dev/null &&
			(exec 3<>"/dev/tcp/127.0.0.1/$PORT_LMTP") 2>/dev/null; then
			return 0
		fi
		if e2e__expired "$deadline"; then
			e2e__err "smtp_start: submission not ready after 15 s:" "$(tail -n 20 "$DOVECOT_LOG" 2>/dev/null)"
			return 1
		fi
		sleep 0.05
	done
}

smtp_stop() {
	local pid=$E2E__RELAY_PID
	[ -n "$pid" ] || return 0
	if e2e__pid_is "$pid" smtp-relay.py; then
		kill -TERM "$pid" 2>/dev/null || true
		if ! e2e__wait_pids_gone 5 "$pid"; then
			kill -KILL "$pid" 2>/dev/null || true
			e2e__wait_pids_gone 3 "$pid" || e2e__err "smtp_stop: relay pid $pid survived SIGKILL"
		fi
	fi
	wait "$pid" 2>/dev/null || true
	E2E__RELAY_PID=
	return 0
}

# ---------------------------------------------------------------- tmux

# Every argument reaches tmux as is: tmux splits commands at arguments that
# end in ";", so such a trailing ";" is escaped ("\;" stands for ";").
e2e__tmux() {
	local -a args=()
	local a
	for a in "$@"; do
		case $a in
		*';') args+=("${a%;}\\;") ;;
		*) args+=("$a") ;;
		esac
	done
	env -u TMUX LC_ALL="${E2E_LOCALE:-C.UTF-8}" \
		tmux -u -L "$E2E__TMUX_SOCKET" -f "$E2E_TMP/tmux.conf" "${args[@]}"
}

e2e__tmux_conf() {
	[ -s "$E2E_TMP/tmux.conf" ] && return 0
	cat >"$E2E_TMP/tmux.conf" <<-EOF
		set -g status off
		set -g remain-on-exit on
		set -g remain-on-exit-format ""
		set -g default-terminal "${E2E_TERM:-screen-256color}"
		set -g history-limit 2000
		set -g automatic-rename off
		set -s escape-time 0
	EOF
}

e2e__tmux_name() {
	case $1 in
	"" | *[!A-Za-z0-9_-]*)
		e2e__err "tmux: bad session name '$1' (use [A-Za-z0-9_-]+)"
		return 1
		;;
	esac
}

# Ask the pane for a format; fails if the session does not exist.
e2e__tmux_fmt() {
	e2e__tmux display-message -p -t "=$1:" "$2" 2>/dev/null
}

# The same into E2E__FMT, without $(...) (for polling loops).
e2e__tmux_fmt_var() {
	local f=$E2E_TMP/.fmt.$BASHPID
	E2E__FMT=
	e2e__tmux display-message -p -t "=$1:" "$2" >"$f" 2>/dev/null || return 1
	read -r E2E__FMT <"$f" || true
}

tmux_start() {
	local name=$1 cols=$2 rows=$3 loc=${E2E_LOCALE:-C.UTF-8}
	if [ $# -lt 4 ]; then
		e2e__err "usage: tmux_start NAME COLS ROWS CMD [ARG...]"
		return 1
	fi
	shift 3
	e2e__tmux_name "$name" || return 1
	e2e_init || return 1
	e2e__tmux_conf
	# tmux runs a single argument through the shell, several with execvp.
	[ $# -eq 1 ] && set -- env -- "$1"
	e2e__tmux new-session -d -s "$name" -x "$cols" -y "$rows" \
		-e "LANG=$loc" -e "LC_ALL=$loc" -e "HOME=$E2E_HOME" \
		-e "XDG_CONFIG_HOME=$E2E_HOME/.config" \
		-e "XDG_CACHE_HOME=$E2E_HOME/.cache" \
		-e "XDG_DATA_HOME=$E2E_HOME/.local/share" \
		-e "XDG_STATE_HOME=$E2E_HOME/.local/state" \
		-- "$@" || {
		e2e__err "tmux_start: new-session $name failed"
		return 1
	}
}

tmux_send() {
	local name=$1
	shift
	e2e__tmux send-keys -t "=$name:" -- "$@"
}

tmux_send_text() {
	local name=$1 t
	shift
	for t in "$@"; do
		e2e__tmux send-keys -t "=$name:" -l -- "$t" || return 1
	done
}

tmux_capture() {
	local name=$1
	shift
	e2e__tmux capture-pane -p -t "=$name:" "$@"
}

tmux_pid() {
	e2e__tmux_fmt "$1" '#{pane_pid}'
}

# Poll until the screen matches (want=1) or no longer matches (want=0).
# Poll until the screen matches (want=1) or no longer matches (want=0).
e2e__tmux_poll() {
	local want=$1 name=$2 re=$3 timeout=${4:-10} deadline dead found
	local f=$E2E_TMP/.screen.$BASHPID
	e2e__deadline "$timeout"
	deadline=$E2E__DEADLINE
	while :; do
		e2e__tmux_fmt_var "$name" '#{pane_dead}' || {
			e2e__err "tmux: no session '$name'"
			return 1
		}
		dead=$E2E__FMT
		tmux_capture "$name" >"$f" || return 1
		found=0
		grep -Eq -- "$re" "$f" && found=1
		[ "$found" = "$want" ] && return 0
		# A dead pane's screen never changes again.
		[ "$dead" = 1 ] && break
		e2e__expired "$deadline" && break
		sleep 0.05
	done
	if [ "$dead" = 1 ]; then
		e2e__err "tmux: the program in '$name' exited; /$re/ $([ "$want" = 1 ] && echo never appeared || echo is still there); last screen:"
	else
		e2e__err "tmux: waited ${timeout}s (x${E2E_TIMEOUT_SCALE:-1}) for /$re/ to $([ "$want" = 1 ] && echo appear || echo go) in '$name'; last screen:"
	fi
	e2e__err "$(e2e__boxed <"$f")"
	return 1
}

tmux_wait_for() {
	e2e__tmux_poll 1 "$@"
}

tmux_wait_gone() {
	e2e__tmux_poll 0 "$@"
}

tmux_wait_exit() {
	local name=$1 timeout=${2:-10} deadline st n=0
	e2e__deadline "$timeout"
	deadline=$E2E__DEADLINE
	while :; do
		# pane_dead turns 1 on the pty's EOF, the status comes with SIGCHLD.
		e2e__tmux_fmt_var "$name" '#{pane_dead}:#{pane_dead_status}:#{pane_dead_signal}' || {
			e2e__err "tmux_wait_exit: no session '$name'"
			return 1
		}
		st=$E2E__FMT
		case $st in
		1:[0-9]*:*)
			st=${st#1:}
			echo "${st%%:*}"
			return 0
			;;
		1::[0-9]*)
			echo $((128 + ${st#1::}))
			return 0
			;;
		1::)
			# tmux 3.3a sometimes misses the SIGCHLD of a program that exits
			# at once and leaves it a zombie: have it run waitpid again.
			n=$((n + 1))
			if [ $((n % 4)) = 0 ]; then
				if e2e__tmux_fmt_var "$name" '#{pid}'; then
					kill -CHLD "$E2E__FMT" 2>/dev/null || true
				fi
			fi
			;;
		esac
		if e2e__expired "$deadline"; then
			e2e__err "tmux_wait_exit: '$name' still running after ${timeout}s (x${E2E_TIMEOUT_SCALE:-1}); last screen:"
			e2e__err "$(tmux_capture "$name" | e2e__boxed)"
			return 1
		fi
		sleep 0.05
	done
}

tmux_resize() {
	local name=$1 cols=$2 rows=$3 deadline
	e2e__tmux resize-window -t "=$name:" -x "$cols" -y "$rows" || return 1
	e2e__deadline 5
	deadline=$E2E__DEADLINE
	while ! e2e__tmux_fmt_var "$name" '#{pane_width}x#{pane_height}' ||
		[ "$E2E__FMT" != "${cols}x$rows" ]; do
		if e2e__expired "$deadline"; then
			e2e__err "tmux_resize: '$name' is not ${cols}x$rows"
			return 1
		fi
		sleep 0.05
	done
}

# Wait for pane programs to go after a hangup, then SIGKILL their groups.
e2e__reap_panes() {
	local pid
	[ $# -gt 0 ] || return 0
	e2e__wait_pids_gone 3 "$@" && return 0
	for pid in "$@"; do
		if e2e__alive "$pid"; then
			e2e__err "tmux: pane process $pid ignored SIGHUP, sending SIGKILL"
			# tmux makes each pane's program a session and process group leader.
			kill -KILL -- "-$pid" 2>/dev/null || kill -KILL "$pid" 2>/dev/null || true
		fi
	done
	e2e__wait_pids_gone 2 "$@"
}

tmux_kill() {
	local name=$1 pid
	pid=$(e2e__tmux_fmt "$name" '#{?pane_dead,,#{pane_pid}}') || return 0
	e2e__tmux kill-session -t "=$name" 2>/dev/null || true
	# shellcheck disable=SC2086 # empty when the program had already exited
	e2e__reap_panes $pid || e2e__err "tmux_kill: pid $pid survived SIGKILL"
	return 0
}

e2e__tmux_kill_server() {
	local pids spid sock
	[ -n "${E2E_TMP:-}" ] && [ -s "$E2E_TMP/tmux.conf" ] || return 0
	spid=$(e2e__tmux display-message -p '#{pid}' 2>/dev/null) || spid=
	if [ -n "$spid" ]; then
		pids=$(e2e__tmux list-panes -a -F '#{?pane_dead,,#{pane_pid}}' 2>/dev/null)
		e2e__tmux kill-server 2>/dev/null || true
		# shellcheck disable=SC2086 # a list of pids
		e2e__reap_panes $pids || e2e__err "tmux: pane processes survived SIGKILL: $pids"
		if ! e2e__wait_pids_gone 3 "$spid"; then
			if e2e__pid_is "$spid" "$E2E__TMUX_SOCKET"; then
				kill -KILL "$spid" 2>/dev/null || true
			fi
		fi
	fi
	# tmux -L NAME means $TMUX_TMPDIR/tmux-UID/NAME; the server leaves it.
	sock=${TMUX_TMPDIR:-/tmp}/tmux-$(id -u)/$E2E__TMUX_SOCKET
	if [ -S "$sock" ]; then
		rm -f -- "$sock"
	fi
	return 0
}
