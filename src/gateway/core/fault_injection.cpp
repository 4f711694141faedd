/*
 * fault_injection.cpp
 *		The armed points: set once at start, counted from any thread.
 */
#include "core/fault_injection.hpp"

#include <atomic>
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
		Armed	   &a = armed.emplace_back();
		a.point = item.substr(0, colon);
		a.turn = colon == std::string::npos ? 1 : std::stoul(item.substr(colon + 1));
		log_event("test faults: " + a.point + " throws on pass " + std::to_string(a.turn));
	}
	any_armed = !armed.empty();
}

void
fault_point(const char *point)
{
	if (!any_armed.load(std::memory_order_relaxed))
		return;
	for (Armed &a : armed)
		if (a.point == point && a.passes.fetch_add(1) + 1 == a.turn)
		{
			log_event(std::string("test faults: throwing at ") + point);
			throw InjectedFault(std::string("injected fault at ") + point);
		}
}

}								/* namespace gateway */
