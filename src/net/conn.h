/* SPDX-License-Identifier: ISC */
/*
 * Connections for the protocol drivers: TCP with timeouts and cancellation,
 * TLS by OpenSSL with verification, both as a libetpan mailstream (our own
 * mailstream_low driver; libetpan's TLS functions are never used).
 */
#ifndef SKUA_NET_CONN_H
#define SKUA_NET_CONN_H

#include <glib.h>
#include <libetpan/libetpan.h>
#include <stdbool.h>

/* How to trust the server's certificate. */
struct net_tls_opts {
	/* Extra CA bundle (PEM) besides the system store, or NULL. */
	const char *ca_file;
	/*
	 * Pinned SHA-256 of the leaf certificate: hex, colons optional,
	 * case-insensitive; trusted when no CA vouches for it. NULL: none.
	 */
	const char *fingerprint;
	/*
	 * A fingerprint (same form) the user accepted for this run; NULL:
	 * none.
	 */
	const char *accepted;
	/*
	 * The pin file (util/pins.h): the fingerprints it pins for this
	 * host:port are trusted too. NULL: none.
	 */
	const char *pin_file;
	/* false: accept any certificate (the user's explicit tls_verify=no). */
	bool verify;
};

/* What the peer showed; filled on success AND on TLS verify failure. */
struct net_peer {
	/* "AB:CD:...": SHA-256 of the leaf; "" when none was seen. */
	char fingerprint[96];
	/* The leaf's subject, one line, for the trust prompt (untrusted). */
	char subject[256];
	char tls_version[16];
	char cipher[64];
	long verify_result; /* X509_V_OK or the first OpenSSL verify error */
};

/*
 * Lets another thread abort blocking I/O. One per connection (or per
 * worker); the streams made with it hold a reference, so it may be freed
 * before or after them.
 */
struct net_cancel;
struct net_cancel *net_cancel_new(void);
/*
 * Any thread: pending and later I/O on streams using c fails (net_connect
 * and net_starttls with SKUA_ERROR_CANCELLED, libetpan calls with a stream
 * error). mailstream_cancel() on such a stream does the same.
 */
void net_cancel_trigger(struct net_cancel *c);
/* Owner thread: before reusing c for a new connection. */
void net_cancel_reset(struct net_cancel *c);
void net_cancel_free(struct net_cancel *c);
/*
 * Owner thread, after a libetpan call failed with a stream error: false
 * with err saying why the first failed read or write on a stream using c
 * failed since the last net_cancel_reset() (SKUA_ERROR_CANCELLED, or
 * SKUA_ERROR_NETWORK: timed out, reset, closed by the server), true when
 * none failed.
 */
bool net_io_check(struct net_cancel *c, GError **err);

/*
 * Resolve host, connect (non-blocking connect + poll with timeout_s, every
 * address getaddrinfo gives), and for tls=true do the TLS handshake
 * (implicit TLS: imaps/pops/smtps). timeout_s also applies to every later
 * read/write of the stream (<= 0: libetpan's mailstream_network_delay).
 * Returns a libetpan mailstream ready for mailimap_connect() /
 * mailpop3_connect() / mailsmtp_connect(), or NULL with err:
 * SKUA_ERROR_NETWORK (resolve/connect/timeout; the message names host:port
 * and the reason), SKUA_ERROR_TLS_VERIFY (peer_out filled), SKUA_ERROR_CONFIG
 * (bad fingerprint or CA file), SKUA_ERROR_PROTOCOL (TLS handshake failure),
 * SKUA_ERROR_CANCELLED. peer_out and cancel may be NULL.
 */
mailstream *net_connect(const char *host, unsigned port, bool tls,
    const struct net_tls_opts *opts, int timeout_s, struct net_cancel *cancel,
    struct net_peer *peer_out, GError **err);
/*
 * After a successful STARTTLS/STLS command on a plain stream: refuse
 * (SKUA_ERROR_PROTOCOL) if the server sent more than its reply (bytes wait
 * in the stream's buffer), else replace the stream's low driver by a TLS one
 * on the same fd, verifying the certificate for host as net_connect does.
 * On failure the stream keeps its plain driver; the caller closes it.
 */
bool net_starttls(mailstream *s, const char *host,
    const struct net_tls_opts *opts, int timeout_s, struct net_cancel *cancel,
    struct net_peer *peer_out, GError **err);

/* What net_wait_readable() saw first. */
enum net_ready {
	NET_READY_DATA,	   /* the server sent something (maybe buffered) */
	NET_READY_WAKE,	   /* wake_fd became readable */
	NET_READY_TIMEOUT, /* timeout_ms passed */
	NET_READY_ERROR,   /* cancelled, or the stream is not ours/closed */
};
/*
 * Owner thread, between commands (IMAP IDLE): wait until s (made by
 * net_connect()) has bytes to read, counting those buffered by libetpan or
 * OpenSSL, or wake_fd is readable, or timeout_ms passes. The connection's
 * cancel fires as NET_READY_ERROR. Reads nothing.
 */
enum net_ready net_wait_readable(mailstream *s, int wake_fd, int timeout_ms);

/*
 * Process-wide OpenSSL set-up; called once from net_init() on the main
 * thread before threads start.
 */
void net_conn_init(void);

#endif
