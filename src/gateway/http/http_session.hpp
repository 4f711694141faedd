/*
 * http_session.hpp
 *		One client connection: HTTP/1.1 read with limits, handed to the
 *		application, answered whole or streamed; keep-alive and pipelining.
 *
 * Limits meet a hostile client before the application sees a byte: the
 * request line and header size and count are bounded in the parser, the body
 * too (chunked or not), the whole request must arrive within
 * callboard-request-timeout from its first byte, an idle connection closes
 * after callboard-keep-alive-timeout, and a reader slower than
 * callboard-min-send-rate is cut off.
 */
#ifndef CALLBOARD_GATEWAY_HTTP_SESSION_HPP
#define CALLBOARD_GATEWAY_HTTP_SESSION_HPP

#include <atomic>
#include <chrono>
#include <cstddef>
#include <functional>
#include <unordered_set>

#include "config/config.hpp"
#include "core/access_log.hpp"
#include "core/asio.hpp"
#include "http/request.hpp"
#include "http/responder.hpp"

namespace gateway {

struct HttpLimits
{
	std::size_t max_uri_bytes;		/* request target: 414 */
	std::size_t max_header_bytes;	/* all header fields: 431 */
	std::size_t max_headers;		/* number of header fields: 431 */
	std::size_t max_body_bytes;		/* 413 */
	std::chrono::seconds request_timeout;	/* a whole request, from its first byte */
	std::chrono::seconds keep_alive_timeout;	/* idle between requests */
	std::size_t min_send_rate;		/* bytes per second a reader must take */
};

HttpLimits	http_limits(const Config &config);

/* What serves a parsed request: the routes (dispatch.cpp). */
class App
{
public:
	virtual		~App() = default;
	virtual awaitable<void> serve(const Request &request, Responder &responder) = 0;
};

class Session;

/*
 * The connections of one event loop, touched only from that loop: the
 * server stops them through it.
 */
class SessionSet
{
public:
	/* Shutdown begins: idle connections close; busy ones after their response. */
	void		stop_idle();

	/* The grace period is over: every connection closes, its work is cancelled. */
	void		close_all();

	bool		stopping() const { return stopping_; }

	/* Called (on the loop) when the last connection is gone after stop_idle(). */
	std::function<void()> on_drained;

	/* The server's count of open connections, which this set's sessions leave. */
	std::atomic<int> *open_connections = nullptr;

private:
	friend class Session;
	void		add(Session *s) { sessions_.insert(s); }
	void		remove(Session *s);

	std::unordered_set<Session *> sessions_;
	bool		stopping_ = false;
};

/* Serves `socket` until it closes; the session registers in `set`. */
void		start_session(net::ip::tcp::socket socket, SessionSet &set, const HttpLimits &limits,
						  App &app, ExchangeLog &log);

}								/* namespace gateway */

#endif
