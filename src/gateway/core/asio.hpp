/*
 * asio.hpp
 *		Boost.Asio for the gateway: one place for the includes and the names
 *		the event-driven files share.
 *
 * Every piece of asynchronous work is a C++20 coroutine (net::awaitable):
 * a request reads top to bottom as the straight line it is, while each
 * event loop serves thousands of connections.
 *
 * GCC 12 miscompiles some expressions around co_await (temporaries
 * destroyed twice, parameters copied wrongly), so the coroutines here keep
 * to three rules: no co_await inside ?:, && or ||; no conditional
 * expression or braced initializer as an argument of a co_await-ed call
 * (name it first); coroutine parameters are references or plain values.
 */
#ifndef CALLBOARD_GATEWAY_ASIO_HPP
#define CALLBOARD_GATEWAY_ASIO_HPP

/* Boost 1.74's awaitable.hpp uses std::exchange without including it. */
#include <utility>

#include <boost/asio.hpp>

namespace gateway {

namespace net = boost::asio;
using net::awaitable;
using net::use_awaitable;

/* The executor of the coroutine's own event loop. */
using Executor = net::any_io_executor;

}								/* namespace gateway */

#endif
