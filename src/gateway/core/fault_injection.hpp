/*
 * fault_injection.hpp
 *		Exceptions on demand, for the tests of what an exception leaves behind;
 *		pauses, for the tests of a race.
 *
 * A fault point names a place on the build and refresh paths (between two
 * co_awaits, while a lease, a waiter or a registered build is held).  The
 * tests start the gateway with
 *
 *   CALLBOARD_TEST_FAULTS="cohort.build,pool.wait:2"
 *
 * and the named points throw InjectedFault on their first (or n-th) pass,
 * once each, with a log line.  "cohort.refreshed:pause=1500" instead makes
 * fault_pause() there wait 1.5 s on every pass (its loop runs on), to hold
 * a race's window open.  Without the variable, which nothing but the tests
 * sets, a point costs one load of a flag.
 */
#ifndef CALLBOARD_GATEWAY_FAULT_INJECTION_HPP
#define CALLBOARD_GATEWAY_FAULT_INJECTION_HPP

#include <stdexcept>
#include <string>

#include "core/asio.hpp"

namespace gateway {

struct InjectedFault : std::runtime_error
{
	using std::runtime_error::runtime_error;
};

/* Reads CALLBOARD_TEST_FAULTS, once, before any loop runs. */
void		arm_faults(const char *spec);

/* Throws InjectedFault if `point` is armed and this is its turn. */
void		fault_point(const char *point);

/* Waits, without blocking the loop, if `point` is armed with a pause. */
awaitable<void> fault_pause(const char *point);

}								/* namespace gateway */

#endif
