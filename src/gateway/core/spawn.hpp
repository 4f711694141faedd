/*
 * spawn.hpp
 *		Starting a coroutine that nobody awaits, without losing its failure.
 *
 * net::co_spawn(..., net::detached) drops the exception that ends a
 * coroutine.  spawn() logs it instead, naming the task, and counts it
 * (callboard_task_failures_total{task=...} in /metrics), so an on-call
 * engineer sees a refresh or a session that died, and how often.
 */
#ifndef CALLBOARD_GATEWAY_SPAWN_HPP
#define CALLBOARD_GATEWAY_SPAWN_HPP

#include <cstdint>
#include <exception>
#include <string>
#include <utility>
#include <vector>

#include "core/asio.hpp"

namespace gateway {

/* Logs and counts the exception that ended `task`. */
void		task_failed(const char *task, std::exception_ptr error);

/* Failures so far, by task. */
std::vector<std::pair<std::string, std::uint64_t>> task_failures();

/*
 * co_spawn on `loop`; `work` is an awaitable<void> or a function object
 * returning one (which then lives as long as the coroutine).  `task` is a
 * string literal: the metric's label.
 */
template <class Work>
void
spawn(Executor loop, Work &&work, const char *task)
{
	net::co_spawn(loop, std::forward<Work>(work), [task](std::exception_ptr error) {
		if (error)
			task_failed(task, error);
	});
}

}								/* namespace gateway */

#endif
