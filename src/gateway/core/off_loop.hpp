/*
 * off_loop.hpp
 *		Work that would block an event loop, run on a thread pool of its own,
 *		the coroutine resuming on its loop afterwards.
 *
 * What blocks: PBKDF2 (a password check takes a core for a while),
 * PQcancel (it connects to the server and waits), and libpq's connection
 * steps (host name resolution, SCRAM's key derivation).  A loop that ran
 * them would stall every connection it serves.
 *
 * co_await off_loop(pool, work) co_spawns `work` on the pool and awaits
 * it, as Boost.Beast's examples do: the caller resumes on its own executor
 * with the result, or the exception.  (Boost 1.74's
 * co_await net::post(pool, use_awaitable) does not move the coroutine: it
 * resumes on the caller's own loop, and the work after it runs there.)
 */
#ifndef CALLBOARD_GATEWAY_OFF_LOOP_HPP
#define CALLBOARD_GATEWAY_OFF_LOOP_HPP

#include <type_traits>
#include <utility>

#include "core/asio.hpp"

namespace gateway {

using BlockingPool = net::thread_pool::executor_type;

/* `work()` on `pool`; co_await it from a loop's coroutine. */
template <class Work>
awaitable<std::invoke_result_t<Work &>>
off_loop(BlockingPool pool, Work work)
{
	using Result = std::invoke_result_t<Work &>;
	return net::co_spawn(pool, [work = std::move(work)]() mutable -> awaitable<Result> {
		co_return work();
	}, use_awaitable);
}

}								/* namespace gateway */

#endif
