/*
 * fault_injection.cpp
 *		The armed points: set once at start, counted from any thread.
 */
#include "core/fault_injection.hpp"

#include <atomic>
#include <chrono>
#include <cstring>
#include <deque>
#include <sstream>

#include "core/access_log.hpp"

namespace gateway {

namespace {

struct Armed
{
	std::string point;
	unsigned long turn;			/* throw on this pass, 1 first */
	unsigned long pause_ms;		/* instead: fault_pause() waits this long on every pass (0: none) */
	std::atomic<unsigned long> passes{0};
};

/* Filled before the loops start and never changed after: read without a lock. */
std::deque<Armed> armed;
std::atomic<bool> any_armed{false};

}								/* namespace */

void
arm_faults(const char *spec)
{
	if (spec == nullptr || *spec == '\0')
		return;
	std::stringstream items(spec);
	for (std::string item; std::getline(items, item, ',');)
	{
		if (item.empty())
			continue;
		std::size_t colon = item.find(':');
		std::string after = colon == std::string::npos ? "" : item.substr(colon + 1);
		Armed	   &a = armed.emplace_back();
		a.point = item.substr(0, colon);
		bool		pause = after.rfind("pause=", 0) == 0;
		a.turn = pause || after.empty() ? 1 : std::stoul(after);
		a.pause_ms = pause ? std::stoul(after.substr(6)) : 0;
		log_event("test faults: " + a.point + (pause ? " pauses " + std::to_string(a.pause_ms) + " ms on every pass"
											   : " throws on pass " + std::to_string(a.turn)));
	}
	any_armed = !armed.empty();
}

void
fault_point(const char *point)
{
	if (!any_armed.load(std::memory_order_relaxed))
		return;
	for (Armed &a : armed)
		if (a.point == point && a.pause_ms == 0 && a.passes.fetch_add(1) + 1 == a.turn)
		{
			log_event(std::string("test faults: throwing at ") + point);
			throw InjectedFault(std::string("injected fault at ") + point);
		}
}

awaitable<void>
fault_pause(const char *point)
{
	if (!any_armed.load(std::memory_order_relaxed))
		co_return;
	for (Armed &a : armed)
		if (a.point == point && a.pause_ms > 0)
		{
			log_event(std::string("test faults: pausing at ") + point);
			net::steady_timer timer(co_await net::this_coro::executor, std::chrono::milliseconds(a.pause_ms));
			boost::system::error_code ec;
			co_await timer.async_wait(net::redirect_error(use_awaitable, ec));
		}
}

}								/* namespace gateway */
