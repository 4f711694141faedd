/*
 * responder.hpp
 *		How a handler answers its request: a whole reply, or a body sent in
 *		pieces as it is produced.
 *
 * Implemented by the HTTP session (http_session.cpp).  A handler that
 * streams calls begin(), then write() for each piece, then end(); each
 * write waits until the client has taken the piece (or the kernel has), so
 * a slow reader slows the producer instead of filling memory.  A client
 * that reads slower than callboard-min-send-rate, or goes away, makes
 * write() return false.
 */
#ifndef CALLBOARD_GATEWAY_RESPONDER_HPP
#define CALLBOARD_GATEWAY_RESPONDER_HPP

#include <cstddef>
#include <functional>
#include <optional>
#include <string>

#include "core/asio.hpp"
#include "http/request.hpp"

namespace gateway {

class Responder
{
public:
	virtual		~Responder() = default;

	/* Headers for whatever response this exchange gives (CORS). */
	virtual void add_headers(const Headers &headers) = 0;

	/* A whole response.  false: the client is gone. */
	virtual awaitable<bool> send(const Reply &reply) = 0;

	/*
	 * The status and headers of `head` (its body is ignored); the body
	 * follows through write().  With `content_length` the body is exactly
	 * that long, else it is sent chunked.
	 */
	virtual awaitable<bool> begin(const Reply &head, std::optional<std::size_t> content_length) = 0;
	virtual awaitable<bool> write(const char *data, std::size_t size) = 0;
	virtual awaitable<bool> end() = 0;

	/*
	 * Ends a begun response so the client can tell it is incomplete: no last
	 * chunk, the connection closed.  `reason` goes to the log.
	 */
	virtual void abort(const std::string &reason) = 0;

	/*
	 * While armed, calls on_hangup (on this loop) if the client closes the
	 * connection, or the server must end the exchange (shutdown's grace is
	 * over): for work that sends nothing for a while, such as a query that
	 * waits on a lock.  It stays armed across begin() and write(), and ends
	 * with disarm_hangup() or a complete response.
	 */
	virtual void arm_hangup(std::function<void()> on_hangup) = 0;
	virtual void disarm_hangup() = 0;

	/*
	 * For a response that never ends by itself (an event stream): called
	 * when the server begins to shut down, so it can end cleanly and the
	 * client reconnect elsewhere.
	 */
	virtual void on_shutdown(std::function<void()> ending) = 0;

	/*
	 * For a response that lasts, where only the latest bytes matter (an
	 * event stream): the kernel holds little of it unsent (128 kB), so a
	 * reader that cannot keep up makes write() wait, on bytes shared with
	 * every other stream, and the stream skips to the latest version.
	 * Otherwise the kernel grows the socket's buffer up to 4 MB (tcp_wmem)
	 * and copies in every version whole: 500 readers at 2 kB/s held 1.3 GB
	 * that way, past the kernel's TCP memory pressure mark, and every
	 * connection's packets were dropped and sent again.  (Not for a
	 * document, which ends: there the larger buffer serves a fast reader
	 * with fewer wake-ups.)
	 */
	virtual void limit_unsent() = 0;

	/*
	 * The exchange goes on with `rest` once the handler has returned and the
	 * request is let go: a response that lasts for hours (an event stream)
	 * then holds only what `rest` holds, not the request or the handler's
	 * frames.  The handler's last call, after begin(); `rest` always runs
	 * (it may own what it needs), and an exception in it is handled as one
	 * in the handler.
	 */
	virtual void then(awaitable<void> rest) = 0;
};

}								/* namespace gateway */

#endif
