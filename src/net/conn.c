/* SPDX-License-Identifier: ISC */
/*
 * Connections as libetpan mailstreams over our own mailstream_low driver:
 * a non-blocking socket polled with a timeout and a cancel pipe, plain or
 * with TLS by OpenSSL (chain and name verified, SNI, SHA-256 pinning).
 */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netdb.h>
#include <netinet/in.h>
#include <openssl/err.h>
#include <openssl/sha.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <poll.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "net/conn.h"
#include "util/error.h"
#include "util/log.h"
#include "util/pins.h"

/* Exported by libetpan, but none of its installed headers declares them. */
struct mailstream_cancel *mailstream_cancel_new(void);
void mailstream_cancel_free(struct mailstream_cancel *cancel);
void mailstream_cancel_notify(struct mailstream_cancel *cancel);
int mailstream_cancel_get_fd(struct mailstream_cancel *cancel);

/* libetpan's default; its own socket driver uses the same. */
#define STREAM_BUFFER 8192

struct net_cancel {
	gatomicrefcount ref;
	int triggered; /* atomic; the truth, the pipe only wakes poll() */
	/*
	 * libetpan's cancel pipe: the low driver hands it out
	 * (mailstream_low_get_cancel), and mailstream_wait_idle() polls it.
	 */
	struct mailstream_cancel *mc;
	GError *io_error; /* the first failed read or write since reset */
};

/* One connection: the low driver's data. */
struct conn {
	int fd;	     /* -1 once closed */
	char *where; /* "host:port", for messages */
	struct net_cancel *cancel;
	SSL_CTX *ctx; /* NULL for a plain connection */
	SSL *ssl;
	bool failed; /* a read or write failed: no close_notify */

	/* The handshake's verification, filled by verify_cb. */
	bool verify;
	bool have_pin;
	bool pin_matched;
	bool rejected;
	bool have_leaf;
	long verify_error; /* the first error seen, X509_V_OK if none */
	unsigned char pin[SHA256_DIGEST_LENGTH];
	/* Accepted for this run or pinned in the pin file for c->where. */
	GArray *trusted; /* SHA256_DIGEST_LENGTH-byte elements */
	unsigned char leaf[SHA256_DIGEST_LENGTH];
	char subject[256];
};

static int conn_index = -1; /* SSL ex_data: the struct conn of an SSL */

void
net_conn_init(void)
{
	if (conn_index >= 0)
		return;
	conn_index = SSL_get_ex_new_index(0, NULL, NULL, NULL, NULL);
	if (conn_index < 0)
		g_error("cannot allocate an OpenSSL ex_data index");
	/* Lazily created by OpenSSL otherwise: do it before threads. */
	(void)SSL_get_ex_data_X509_STORE_CTX_idx();
}

/* ------------------------------------------------------------- cancel */

struct net_cancel *
net_cancel_new(void)
{
	struct net_cancel *c = g_new0(struct net_cancel, 1);
	int fd;

	g_atomic_ref_count_init(&c->ref);
	c->mc = mailstream_cancel_new();
	if (c->mc == NULL)
		g_error("cannot create a cancel pipe: %s", g_strerror(errno));
	/* Drained without blocking by reset (and by libetpan's ack). */
	fd = mailstream_cancel_get_fd(c->mc);
	if (fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK) < 0 ||
	    fcntl(fd, F_SETFD, FD_CLOEXEC) < 0)
		g_error("cannot set up the cancel pipe: %s", g_strerror(errno));
	return c;
}

static struct net_cancel *
cancel_ref(struct net_cancel *c)
{
	g_atomic_ref_count_inc(&c->ref);
	return c;
}

static void
cancel_unref(struct net_cancel *c)
{
	if (c == NULL || !g_atomic_ref_count_dec(&c->ref))
		return;
	mailstream_cancel_free(c->mc);
	g_clear_error(&c->io_error);
	g_free(c);
}

void
net_cancel_free(struct net_cancel *c)
{
	cancel_unref(c);
}

static bool
cancelled(struct net_cancel *c)
{
	return g_atomic_int_get(&c->triggered) != 0;
}

static void
cancel_drain(struct net_cancel *c)
{
	char buf[16];

	while (read(mailstream_cancel_get_fd(c->mc), buf, sizeof(buf)) > 0)
		;
}

void
net_cancel_trigger(struct net_cancel *c)
{
	/* At most one byte waits in the pipe (its write end blocks). */
	if (g_atomic_int_compare_and_exchange(&c->triggered, 0, 1))
		mailstream_cancel_notify(c->mc);
}

void
net_cancel_reset(struct net_cancel *c)
{
	g_atomic_int_set(&c->triggered, 0);
	cancel_drain(c);
	g_clear_error(&c->io_error);
}

bool
net_io_check(struct net_cancel *c, GError **err)
{
	if (c->io_error != NULL) {
		g_propagate_error(err, g_error_copy(c->io_error));
		return false;
	}
	if (cancelled(c)) {
		g_set_error_literal(err, SKUA_ERROR, SKUA_ERROR_CANCELLED,
		    "cancelled");
		return false;
	}
	return true;
}

/* ------------------------------------------------------------- helpers */

/* strerror with a lowercase first letter, as our messages are. */
static char *
reason_of(int errnum)
{
	char *s = g_strdup(g_strerror(errnum));

	s[0] = g_ascii_tolower(s[0]);
	return s;
}

/* The reason of the last OpenSSL error of this thread; clears them all. */
static char *
ssl_reason(void)
{
	unsigned long e = ERR_peek_last_error();
	const char *r = e != 0 ? ERR_reason_error_string(e) : NULL;
	char *s = g_strdup(r != NULL ? r : "unknown TLS error");

	ERR_clear_error();
	return s;
}

static char *
host_port(const char *host, unsigned port)
{
	if (strchr(host, ':') != NULL)
		return g_strdup_printf("[%s]:%u", host, port);
	return g_strdup_printf("%s:%u", host, port);
}

static bool
is_ip_literal(const char *host)
{
	unsigned char addr[sizeof(struct in6_addr)];

	return inet_pton(AF_INET, host, addr) == 1 ||
	    inet_pton(AF_INET6, host, addr) == 1;
}

static long
timeout_of(int timeout_s)
{
	if (timeout_s > 0)
		return timeout_s;
	return mailstream_network_delay.tv_sec > 0
	    ? (long)mailstream_network_delay.tv_sec
	    : 300;
}

static gint64
deadline_in(long seconds)
{
	return g_get_monotonic_time() + (gint64)seconds * G_USEC_PER_SEC;
}

enum wait {
	WAIT_READY,
	WAIT_TIMEOUT,
	WAIT_CANCELLED,
	WAIT_ERROR, /* errno says why */
};

/* Wait until fd has one of events, the deadline passes or c fires. */
static enum wait
wait_fd(int fd, short events, struct net_cancel *c, gint64 deadline)
{
	for (;;) {
		struct pollfd p[2] = {
			{ .fd = fd, .events = events },
			{ .fd = mailstream_cancel_get_fd(c->mc),
			    .events = POLLIN },
		};
		gint64 left;
		int r;

		if (cancelled(c))
			return WAIT_CANCELLED;
		left = deadline - g_get_monotonic_time();
		if (left <= 0)
			return WAIT_TIMEOUT;
		r = poll(p, 2, (int)MIN((left + 999) / 1000, INT_MAX));
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return WAIT_ERROR;
		if (p[1].revents != 0 && !cancelled(c)) {
			/* A trigger that raced with net_cancel_reset. */
			cancel_drain(c);
			continue;
		}
		if (p[0].revents != 0)
			return WAIT_READY;
	}
}

static bool
parse_pin(const char *s, unsigned char out[SHA256_DIGEST_LENGTH])
{
	size_t n = 0;

	for (; *s != '\0'; s++) {
		int hi, lo;

		if (*s == ':' || *s == ' ')
			continue;
		hi = g_ascii_xdigit_value(s[0]);
		lo = hi < 0 ? -1 : g_ascii_xdigit_value(s[1]);
		if (lo < 0 || n == SHA256_DIGEST_LENGTH)
			return false;
		out[n++] = (unsigned char)(hi * 16 + lo);
		s++;
	}
	return n == SHA256_DIGEST_LENGTH;
}

static void
format_fingerprint(const unsigned char md[SHA256_DIGEST_LENGTH], char *out,
    size_t size)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t o = 0;

	g_assert(size >= SHA256_DIGEST_LENGTH * 3);
	for (size_t i = 0; i < SHA256_DIGEST_LENGTH; i++) {
		if (i > 0)
			out[o++] = ':';
		out[o++] = hex[md[i] >> 4];
		out[o++] = hex[md[i] & 15];
	}
	out[o] = '\0';
}

/* ------------------------------------------------------------- conn */

static struct conn *
conn_new(int fd, char *where, struct net_cancel *cancel)
{
	struct conn *c = g_new0(struct conn, 1);

	c->fd = fd;
	c->where = where;
	c->cancel = cancel != NULL ? cancel_ref(cancel) : net_cancel_new();
	c->verify_error = X509_V_OK;
	c->trusted = g_array_new(FALSE, FALSE, SHA256_DIGEST_LENGTH);
	return c;
}

/* Frees c; closes its fd unless told not to (STARTTLS: not ours yet). */
static void
conn_free(struct conn *c, bool close_fd)
{
	if (c->ssl != NULL)
		SSL_free(c->ssl);
	if (c->ctx != NULL)
		SSL_CTX_free(c->ctx);
	if (close_fd && c->fd >= 0)
		close(c->fd);
	cancel_unref(c->cancel);
	g_array_free(c->trusted, TRUE);
	g_free(c->where);
	g_free(c);
}

/* Remember the first failure of the stream's reads and writes. */
G_GNUC_PRINTF(3, 4)
static void
io_fail(struct conn *c, int code, const char *fmt, ...)
{
	va_list ap;

	c->failed = true;
	if (c->cancel->io_error != NULL)
		return;
	va_start(ap, fmt);
	c->cancel->io_error = g_error_new_valist(SKUA_ERROR, code, fmt, ap);
	va_end(ap);
}

static void
io_fail_errno(struct conn *c, const char *op, int errnum)
{
	char *reason = reason_of(errnum);

	io_fail(c, SKUA_ERROR_NETWORK, "cannot %s '%s': %s", op, c->where,
	    reason);
	g_free(reason);
}

/* After SSL_read/SSL_write failed with e (not WANT_*). */
static void
io_fail_ssl(struct conn *c, const char *op, int e)
{
	char *reason;

	if (e == SSL_ERROR_ZERO_RETURN ||
	    (e == SSL_ERROR_SYSCALL && errno == 0)) {
		ERR_clear_error();
		io_fail(c, SKUA_ERROR_NETWORK,
		    "cannot %s '%s': connection closed by the server", op,
		    c->where);
		return;
	}
	if (e == SSL_ERROR_SYSCALL) {
		ERR_clear_error();
		io_fail_errno(c, op, errno);
		return;
	}
	reason = ssl_reason();
	io_fail(c, SKUA_ERROR_NETWORK, "cannot %s '%s': %s", op, c->where,
	    reason);
	g_free(reason);
}

/* After wait_fd gave w (not WAIT_READY): the read or write fails. */
static void
io_fail_wait(struct conn *c, const char *op, enum wait w, long timeout)
{
	switch (w) {
	case WAIT_TIMEOUT:
		io_fail(c, SKUA_ERROR_NETWORK,
		    "cannot %s '%s': timed out after %ld s", op, c->where,
		    timeout);
		break;
	case WAIT_CANCELLED:
		io_fail(c, SKUA_ERROR_CANCELLED, "cannot %s '%s': cancelled",
		    op, c->where);
		break;
	default:
		io_fail_errno(c, op, errno);
		break;
	}
}

/* ------------------------------------------------------------- driver */

static long
low_timeout(mailstream_low *low)
{
	return timeout_of(low->timeout > INT_MAX ? INT_MAX : (int)low->timeout);
}

static ssize_t
low_read(mailstream_low *low, void *buf, size_t count)
{
	struct conn *c = low->data;
	long timeout = low_timeout(low);
	gint64 deadline = deadline_in(timeout);
	int len = (int)MIN(count, INT_MAX);

	if (c->fd < 0)
		return -1;
	for (;;) {
		short events = POLLIN;
		enum wait w;

		if (cancelled(c->cancel)) {
			io_fail_wait(c, "read from", WAIT_CANCELLED, timeout);
			return -1;
		}
		if (c->ssl != NULL) {
			int r, e;

			ERR_clear_error();
			r = SSL_read(c->ssl, buf, len);
			if (r > 0)
				return r;
			e = SSL_get_error(c->ssl, r);
			if (e == SSL_ERROR_WANT_WRITE) {
				events = POLLOUT;
			} else if (e != SSL_ERROR_WANT_READ) {
				io_fail_ssl(c, "read from", e);
				return e == SSL_ERROR_ZERO_RETURN ? 0 : -1;
			}
		} else {
			ssize_t r = recv(c->fd, buf, count, 0);

			if (r > 0)
				return r;
			if (r == 0) {
				io_fail(c, SKUA_ERROR_NETWORK,
				    "cannot read from '%s': connection closed "
				    "by the server",
				    c->where);
				return 0;
			}
			if (errno == EINTR)
				continue;
			if (errno != EAGAIN && errno != EWOULDBLOCK) {
				io_fail_errno(c, "read from", errno);
				return -1;
			}
		}
		w = wait_fd(c->fd, events, c->cancel, deadline);
		if (w != WAIT_READY) {
			io_fail_wait(c, "read from", w, timeout);
			return -1;
		}
	}
}

static ssize_t
low_write(mailstream_low *low, const void *buf, size_t count)
{
	struct conn *c = low->data;
	long timeout = low_timeout(low);
	gint64 deadline = deadline_in(timeout);
	int len = (int)MIN(count, INT_MAX);

	if (c->fd < 0)
		return -1;
	for (;;) {
		short events = POLLOUT;
		enum wait w;

		if (cancelled(c->cancel)) {
			io_fail_wait(c, "write to", WAIT_CANCELLED, timeout);
			return -1;
		}
		if (c->ssl != NULL) {
			int r, e;

			ERR_clear_error();
			r = SSL_write(c->ssl, buf, len);
			if (r > 0)
				return r;
			e = SSL_get_error(c->ssl, r);
			if (e == SSL_ERROR_WANT_READ) {
				events = POLLIN;
			} else if (e != SSL_ERROR_WANT_WRITE) {
				io_fail_ssl(c, "write to", e);
				return -1;
			}
		} else {
			ssize_t r = send(c->fd, buf, count, MSG_NOSIGNAL);

			if (r >= 0)
				return r;
			if (errno == EINTR)
				continue;
			if (errno != EAGAIN && errno != EWOULDBLOCK) {
				io_fail_errno(c, "write to", errno);
				return -1;
			}
		}
		w = wait_fd(c->fd, events, c->cancel, deadline);
		if (w != WAIT_READY) {
			io_fail_wait(c, "write to", w, timeout);
			return -1;
		}
	}
}

static int
low_close(mailstream_low *low)
{
	struct conn *c = low->data;

	if (c->fd < 0)
		return 0;
	if (c->ssl != NULL && !c->failed) {
		/* One try at close_notify; never wait for the peer's. */
		ERR_clear_error();
		(void)SSL_shutdown(c->ssl);
		ERR_clear_error();
	}
	close(c->fd);
	c->fd = -1;
	return 0;
}

static int
low_get_fd(mailstream_low *low)
{
	return ((struct conn *)low->data)->fd;
}

/* mailstream_low_free: frees the data and low itself, never closes. */
static void
low_free(mailstream_low *low)
{
	conn_free(low->data, false);
	free(low);
}

static void
low_cancel(mailstream_low *low)
{
	net_cancel_trigger(((struct conn *)low->data)->cancel);
}

static struct mailstream_cancel *
low_get_cancel(mailstream_low *low)
{
	return ((struct conn *)low->data)->cancel->mc;
}

/* The peer's chain as DER in MMAPStrings; NULL for a plain stream. */
static carray *
low_get_certificate_chain(mailstream_low *low)
{
	struct conn *c = low->data;
	STACK_OF(X509) * chain;
	carray *out;

	if (c->ssl == NULL || (chain = SSL_get_peer_cert_chain(c->ssl)) == NULL)
		return NULL;
	out = carray_new(4);
	if (out == NULL)
		return NULL;
	for (int i = 0; i < sk_X509_num(chain); i++) {
		unsigned char *der = NULL;
		int len = i2d_X509(sk_X509_value(chain, i), &der);
		MMAPString *str;

		if (len < 0)
			continue;
		str = mmap_string_new_len((const char *)der, (size_t)len);
		OPENSSL_free(der);
		if (str != NULL && carray_add(out, str, NULL) < 0)
			mmap_string_free(str);
	}
	return out;
}

/* The idle hooks stay NULL: libetpan then polls our fd and cancel pipe. */
static mailstream_low_driver conn_driver = {
	.mailstream_read = low_read,
	.mailstream_write = low_write,
	.mailstream_close = low_close,
	.mailstream_get_fd = low_get_fd,
	.mailstream_free = low_free,
	.mailstream_cancel = low_cancel,
	.mailstream_get_cancel = low_get_cancel,
	.mailstream_get_certificate_chain = low_get_certificate_chain,
};

/* ------------------------------------------------------------- idle */

enum net_ready
net_wait_readable(mailstream *s, int wake_fd, int timeout_ms)
{
	mailstream_low *low = mailstream_get_low(s);
	struct conn *c;
	gint64 deadline =
	    g_get_monotonic_time() + (gint64)MAX(timeout_ms, 0) * 1000;

	/* Bytes libetpan or OpenSSL already read count as readable. */
	if (s->read_buffer_len > 0)
		return NET_READY_DATA;
	if (low == NULL || low->driver != &conn_driver)
		return NET_READY_ERROR;
	c = low->data;
	if (c->fd < 0)
		return NET_READY_ERROR;
	if (c->ssl != NULL && SSL_pending(c->ssl) > 0)
		return NET_READY_DATA;
	for (;;) {
		struct pollfd p[3] = {
			{ .fd = c->fd, .events = POLLIN },
			{ .fd = wake_fd, .events = POLLIN },
			{ .fd = mailstream_cancel_get_fd(c->cancel->mc),
			    .events = POLLIN },
		};
		gint64 left = deadline - g_get_monotonic_time();
		int r;

		if (cancelled(c->cancel))
			return NET_READY_ERROR;
		if (left <= 0)
			return NET_READY_TIMEOUT;
		r = poll(p, 3, (int)MIN((left + 999) / 1000, INT_MAX));
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return NET_READY_ERROR;
		if (p[2].revents != 0) {
			if (cancelled(c->cancel))
				return NET_READY_ERROR;
			cancel_drain(c->cancel); /* raced with a reset */
		}
		if (p[1].revents != 0)
			return NET_READY_WAKE;
		if (p[0].revents != 0)
			return NET_READY_DATA;
	}
}

static mailstream_low *
low_new(struct conn *c, int timeout_s)
{
	mailstream_low *low = mailstream_low_new(c, &conn_driver);

	if (low == NULL)
		g_error("cannot allocate a stream: out of memory");
	mailstream_low_set_timeout(low, timeout_s > 0 ? timeout_s : 0);
	return low;
}

/* ------------------------------------------------------------- TLS */

static void
note_leaf(struct conn *c, X509 *leaf)
{
	unsigned int len = 0;
	BIO *bio;
	const char *end;
	char *text;
	long n;

	if (X509_digest(leaf, EVP_sha256(), c->leaf, &len) != 1 ||
	    len != SHA256_DIGEST_LENGTH)
		return;
	c->have_leaf = true;
	bio = BIO_new(BIO_s_mem());
	if (bio == NULL)
		return;
	if (X509_NAME_print_ex(bio, X509_get_subject_name(leaf), 0,
		XN_FLAG_ONELINE & ~ASN1_STRFLGS_ESC_MSB) >= 0) {
		n = BIO_get_mem_data(bio, &text);
		n = CLAMP(n, 0, (long)sizeof(c->subject) - 1);
		if (n > 0)
			memcpy(c->subject, text, (size_t)n);
		c->subject[n] = '\0';
		/* Never cut a UTF-8 sequence in two. */
		if (!g_utf8_validate(c->subject, -1, &end))
			c->subject[end - c->subject] = '\0';
	}
	BIO_free(bio);
}

/*
 * Called by OpenSSL for each step of the chain check and the name check.
 * A failure is accepted when the leaf is the pinned one or verification is
 * off; the first failure is remembered either way, for the caller to show.
 */
static int
verify_cb(int ok, X509_STORE_CTX *store)
{
	SSL *ssl = X509_STORE_CTX_get_ex_data(store,
	    SSL_get_ex_data_X509_STORE_CTX_idx());
	struct conn *c = ssl != NULL ? SSL_get_ex_data(ssl, conn_index) : NULL;
	X509 *leaf = X509_STORE_CTX_get0_cert(store);

	if (c == NULL)
		return 0;
	if (!c->have_leaf && leaf != NULL)
		note_leaf(c, leaf);
	if (ok)
		return 1;
	if (c->verify_error == X509_V_OK)
		c->verify_error = X509_STORE_CTX_get_error(store);
	if (!c->verify)
		return 1;
	if (c->have_pin && c->have_leaf &&
	    memcmp(c->pin, c->leaf, SHA256_DIGEST_LENGTH) == 0) {
		c->pin_matched = true;
		return 1;
	}
	for (guint i = 0; c->have_leaf && i < c->trusted->len; i++) {
		if (memcmp(c->trusted->data + (gsize)i * SHA256_DIGEST_LENGTH,
			c->leaf, SHA256_DIGEST_LENGTH) == 0) {
			c->pin_matched = true;
			return 1;
		}
	}
	c->rejected = true;
	return 0;
}

static void
fill_peer(const struct conn *c, struct net_peer *peer)
{
	const SSL_CIPHER *cipher;

	if (peer == NULL)
		return;
	memset(peer, 0, sizeof(*peer));
	if (c->have_leaf)
		format_fingerprint(c->leaf, peer->fingerprint,
		    sizeof(peer->fingerprint));
	g_strlcpy(peer->subject, c->subject, sizeof(peer->subject));
	if (c->ssl != NULL) {
		g_strlcpy(peer->tls_version, SSL_get_version(c->ssl),
		    sizeof(peer->tls_version));
		cipher = SSL_get_current_cipher(c->ssl);
		if (cipher != NULL)
			g_strlcpy(peer->cipher, SSL_CIPHER_get_name(cipher),
			    sizeof(peer->cipher));
	}
	peer->verify_result = c->verify_error;
}

static void
set_verify_error(const struct conn *c, const char *host, struct net_peer *peer,
    GError **err)
{
	char fp[96] = "";

	if (c->have_leaf)
		format_fingerprint(c->leaf, fp, sizeof(fp));
	fill_peer(c, peer);
	if (!c->have_leaf) {
		g_set_error(err, SKUA_ERROR, SKUA_ERROR_TLS_VERIFY,
		    "certificate for '%s' is not trusted (%s)", host,
		    X509_verify_cert_error_string(c->verify_error));
		return;
	}
	g_set_error(err, SKUA_ERROR, SKUA_ERROR_TLS_VERIFY,
	    "certificate for '%s' is not trusted (%s)%s; its SHA-256 "
	    "fingerprint is %s",
	    host, X509_verify_cert_error_string(c->verify_error),
	    c->have_pin ? " and is not the pinned one" : "", fp);
}

/* Set up c->ssl for host: trust, verification, SNI, the name to check. */

/*
 * One SSL_CTX per CA file for the whole process (SSL_CTX is reference
 * counted and safe to share once set up): loading the system store and
 * the CA file costs milliseconds and about a megabyte per context, and an
 * account opens up to three connections, several accounts more. Returns a
 * new reference, or NULL with err.
 */
static GMutex ctx_lock;
static GHashTable *ctx_cache; /* CA file path ("" for none) -> SSL_CTX */

static SSL_CTX *
shared_ctx(const char *ca_file, GError **err)
{
	const char *key = ca_file != NULL ? ca_file : "";
	SSL_CTX *ctx;
	char *reason;

	g_mutex_lock(&ctx_lock);
	if (ctx_cache == NULL)
		ctx_cache = g_hash_table_new_full(g_str_hash, g_str_equal,
		    g_free, (GDestroyNotify)SSL_CTX_free);
	ctx = g_hash_table_lookup(ctx_cache, key);
	if (ctx != NULL) {
		SSL_CTX_up_ref(ctx);
		g_mutex_unlock(&ctx_lock);
		return ctx;
	}
	ERR_clear_error();
	ctx = SSL_CTX_new(TLS_client_method());
	if (ctx == NULL || !SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION))
		goto fail;
	SSL_CTX_set_mode(ctx,
	    SSL_MODE_ENABLE_PARTIAL_WRITE |
		SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
	/* No system store is no error: the CA file or a pin may do. */
	if (!SSL_CTX_set_default_verify_paths(ctx))
		ERR_clear_error();
	if (ca_file != NULL &&
	    !SSL_CTX_load_verify_locations(ctx, ca_file, NULL)) {
		reason = ssl_reason();
		g_set_error(err, SKUA_ERROR, SKUA_ERROR_CONFIG,
		    "cannot load the CA file '%s': %s", ca_file, reason);
		g_free(reason);
		SSL_CTX_free(ctx);
		g_mutex_unlock(&ctx_lock);
		return NULL;
	}
	SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, verify_cb);
	g_hash_table_insert(ctx_cache, g_strdup(key), ctx);
	SSL_CTX_up_ref(ctx);
	g_mutex_unlock(&ctx_lock);
	return ctx;
fail:
	reason = ssl_reason();
	g_set_error(err, SKUA_ERROR, SKUA_ERROR_PROTOCOL,
	    "cannot set up TLS: %s", reason);
	g_free(reason);
	if (ctx != NULL)
		SSL_CTX_free(ctx);
	g_mutex_unlock(&ctx_lock);
	return NULL;
}

static bool
tls_setup(struct conn *c, const char *host, const struct net_tls_opts *opts,
    GError **err)
{
	char *reason;

	g_assert(conn_index >= 0); /* net_init() was called */
	c->verify = opts == NULL || opts->verify;
	if (opts != NULL && opts->fingerprint != NULL) {
		if (!parse_pin(opts->fingerprint, c->pin)) {
			g_set_error(err, SKUA_ERROR, SKUA_ERROR_CONFIG,
			    "cannot use the fingerprint '%s': not a SHA-256 "
			    "fingerprint (64 hex digits)",
			    opts->fingerprint);
			return false;
		}
		c->have_pin = true;
	}
	if (opts != NULL && opts->accepted != NULL) {
		unsigned char md[SHA256_DIGEST_LENGTH];

		if (parse_pin(opts->accepted, md))
			g_array_append_vals(c->trusted, md, 1);
	}
	if (opts != NULL && opts->pin_file != NULL) {
		GError *why = NULL;

		/* An unreadable pin file trusts nothing; the rest still may. */
		if (!pins_load(opts->pin_file, c->where, c->trusted, &why)) {
			log_warn("%s", why->message);
			g_error_free(why);
		}
	}
	c->ctx = shared_ctx(opts != NULL ? opts->ca_file : NULL, err);
	if (c->ctx == NULL)
		return false;
	c->ssl = SSL_new(c->ctx);
	if (c->ssl == NULL || !SSL_set_ex_data(c->ssl, conn_index, c) ||
	    !SSL_set_fd(c->ssl, c->fd))
		goto fail;
	if (is_ip_literal(host)) {
		if (!X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(c->ssl),
			host))
			goto fail;
	} else {
		SSL_set_hostflags(c->ssl, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
		if (!SSL_set_tlsext_host_name(c->ssl, host) ||
		    !SSL_set1_host(c->ssl, host))
			goto fail;
	}
	return true;
fail:
	reason = ssl_reason();
	g_set_error(err, SKUA_ERROR, SKUA_ERROR_PROTOCOL,
	    "cannot set up TLS for '%s': %s", c->where, reason);
	g_free(reason);
	return false;
}

/* The TLS handshake on c->fd, verifying the certificate for host. */
static bool
tls_handshake(struct conn *c, const char *host, const struct net_tls_opts *opts,
    int timeout_s, struct net_peer *peer, GError **err)
{
	long timeout = timeout_of(timeout_s);
	gint64 deadline = deadline_in(timeout);
	char *reason;

	if (peer != NULL)
		memset(peer, 0, sizeof(*peer));
	if (!tls_setup(c, host, opts, err))
		return false;
	for (;;) {
		short events;
		enum wait w;
		int r, e;

		ERR_clear_error();
		r = SSL_connect(c->ssl);
		if (r == 1)
			break;
		e = SSL_get_error(c->ssl, r);
		if (e == SSL_ERROR_WANT_READ) {
			events = POLLIN;
		} else if (e == SSL_ERROR_WANT_WRITE) {
			events = POLLOUT;
		} else if (c->rejected) {
			ERR_clear_error();
			set_verify_error(c, host, peer, err);
			return false;
		} else if (e == SSL_ERROR_SSL) {
			reason = ssl_reason();
			g_set_error(err, SKUA_ERROR, SKUA_ERROR_PROTOCOL,
			    "cannot set up TLS with '%s': %s", c->where,
			    reason);
			g_free(reason);
			return false;
		} else {
			int errnum = errno;

			ERR_clear_error();
			reason = e == SSL_ERROR_SYSCALL && errnum != 0
			    ? reason_of(errnum)
			    : g_strdup("connection closed by the server");
			g_set_error(err, SKUA_ERROR, SKUA_ERROR_NETWORK,
			    "cannot set up TLS with '%s': %s", c->where,
			    reason);
			g_free(reason);
			return false;
		}
		w = wait_fd(c->fd, events, c->cancel, deadline);
		if (w == WAIT_READY)
			continue;
		if (w == WAIT_CANCELLED) {
			g_set_error(err, SKUA_ERROR, SKUA_ERROR_CANCELLED,
			    "cannot set up TLS with '%s': cancelled", c->where);
		} else if (w == WAIT_TIMEOUT) {
			g_set_error(err, SKUA_ERROR, SKUA_ERROR_NETWORK,
			    "cannot set up TLS with '%s': timed out after %ld "
			    "s",
			    c->where, timeout);
		} else {
			reason = reason_of(errno);
			g_set_error(err, SKUA_ERROR, SKUA_ERROR_NETWORK,
			    "cannot set up TLS with '%s': %s", c->where,
			    reason);
			g_free(reason);
		}
		return false;
	}
	/* verify_cb decides; this only guards against a path it missed. */
	if (c->verify && !c->pin_matched &&
	    (!c->have_leaf || c->verify_error != X509_V_OK ||
		SSL_get_verify_result(c->ssl) != X509_V_OK)) {
		if (c->verify_error == X509_V_OK)
			c->verify_error = c->have_leaf
			    ? SSL_get_verify_result(c->ssl)
			    : X509_V_ERR_UNSPECIFIED;
		set_verify_error(c, host, peer, err);
		return false;
	}
	fill_peer(c, peer);
	return true;
}

/* ------------------------------------------------------------- connect */

/* A connected non-blocking socket, or -1 with err. */
static int
tcp_connect(const char *host, unsigned port, const char *where, long timeout,
    struct net_cancel *cancel, GError **err)
{
	struct addrinfo hints = {
		.ai_socktype = SOCK_STREAM,
		.ai_flags = AI_NUMERICSERV,
	};
	struct addrinfo *res = NULL;
	char service[8], *reason = NULL;
	int r, fd = -1;

	g_snprintf(service, sizeof(service), "%u", port);
	r = getaddrinfo(host, service, &hints, &res);
	if (r != 0) {
		reason = r == EAI_SYSTEM ? reason_of(errno)
					 : g_strdup(gai_strerror(r));
		g_set_error(err, SKUA_ERROR, SKUA_ERROR_NETWORK,
		    "cannot resolve '%s': %s", where, reason);
		g_free(reason);
		return -1;
	}
	for (struct addrinfo *ai = res; ai != NULL; ai = ai->ai_next) {
		int soerr = 0;
		socklen_t len = sizeof(soerr);
		enum wait w;

		if (cancelled(cancel))
			break;
		fd = socket(ai->ai_family,
		    ai->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC,
		    ai->ai_protocol);
		if (fd < 0) {
			g_free(reason);
			reason = reason_of(errno);
			continue;
		}
		if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0)
			break;
		if (errno == EINPROGRESS || errno == EINTR) {
			w = wait_fd(fd, POLLOUT, cancel, deadline_in(timeout));
			if (w == WAIT_READY &&
			    getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr,
				&len) == 0 &&
			    soerr == 0)
				break;
			g_free(reason);
			if (w == WAIT_TIMEOUT)
				reason =
				    g_strdup_printf("timed out after %ld s",
					timeout);
			else if (w == WAIT_READY)
				reason = reason_of(soerr != 0 ? soerr : errno);
			else
				reason = reason_of(errno);
		} else {
			g_free(reason);
			reason = reason_of(errno);
		}
		close(fd);
		fd = -1;
	}
	freeaddrinfo(res);
	if (fd < 0 && cancelled(cancel)) {
		g_set_error(err, SKUA_ERROR, SKUA_ERROR_CANCELLED,
		    "cannot connect to '%s': cancelled", where);
	} else if (fd < 0) {
		g_set_error(err, SKUA_ERROR, SKUA_ERROR_NETWORK,
		    "cannot connect to '%s': %s", where,
		    reason != NULL ? reason : "no address");
	}
	g_free(reason);
	return fd;
}

mailstream *
net_connect(const char *host, unsigned port, bool tls,
    const struct net_tls_opts *opts, int timeout_s, struct net_cancel *cancel,
    struct net_peer *peer_out, GError **err)
{
	struct conn *c;
	mailstream *s;
	int fd;

	if (peer_out != NULL)
		memset(peer_out, 0, sizeof(*peer_out));
	c = conn_new(-1, host_port(host, port), cancel);
	fd = tcp_connect(host, port, c->where, timeout_of(timeout_s), c->cancel,
	    err);
	if (fd < 0) {
		conn_free(c, true);
		return NULL;
	}
	c->fd = fd;
	if (tls && !tls_handshake(c, host, opts, timeout_s, peer_out, err)) {
		conn_free(c, true);
		return NULL;
	}
	s = mailstream_new(low_new(c, timeout_s), STREAM_BUFFER);
	if (s == NULL)
		g_error("cannot allocate a stream: out of memory");
	return s;
}

/* "host:port" of the fd's peer, for a stream that is not ours. */
static char *
where_of_fd(int fd, const char *host)
{
	struct sockaddr_storage sa;
	socklen_t len = sizeof(sa);
	unsigned port = 0;

	if (getpeername(fd, (struct sockaddr *)&sa, &len) == 0) {
		if (sa.ss_family == AF_INET)
			port = ntohs(((struct sockaddr_in *)&sa)->sin_port);
		else if (sa.ss_family == AF_INET6)
			port = ntohs(((struct sockaddr_in6 *)&sa)->sin6_port);
	}
	return host_port(host, port);
}

bool
net_starttls(mailstream *s, const char *host, const struct net_tls_opts *opts,
    int timeout_s, struct net_cancel *cancel, struct net_peer *peer_out,
    GError **err)
{
	mailstream_low *old = mailstream_get_low(s);
	struct conn *c;
	int fd;

	if (peer_out != NULL)
		memset(peer_out, 0, sizeof(*peer_out));
	/* Bytes read before the handshake would pass as if encrypted. */
	if (s->read_buffer_len > 0) {
		g_set_error(err, SKUA_ERROR, SKUA_ERROR_PROTOCOL,
		    "server sent data after its STARTTLS reply (possible "
		    "injection)");
		return false;
	}
	fd = mailstream_low_get_fd(old);
	if (fd < 0) {
		g_set_error(err, SKUA_ERROR, SKUA_ERROR_NETWORK,
		    "cannot start TLS with '%s': the connection is closed",
		    host);
		return false;
	}
	if (old->driver == &conn_driver) {
		struct conn *plain = old->data;

		c = conn_new(fd, g_strdup(plain->where),
		    cancel != NULL ? cancel : plain->cancel);
	} else {
		c = conn_new(fd, where_of_fd(fd, host), cancel);
	}
	if (!tls_handshake(c, host, opts, timeout_s, peer_out, err)) {
		conn_free(c, false); /* the old driver still owns fd */
		return false;
	}
	mailstream_low_free(old); /* does not close fd */
	mailstream_set_low(s, low_new(c, timeout_s));
	return true;
}
