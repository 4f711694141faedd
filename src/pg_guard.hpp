/*
 * pg_guard.hpp
 *		The one guard every entry point from PostgreSQL into callboard uses.
 *
 * PostgreSQL raises errors with longjmp, C++ with exceptions; neither may
 * cross the other's frames.  So:
 *
 *  - an SQL-callable function runs its body through guarded_call(), an
 *    executor or expression-context callback through guard(); both catch
 *    every C++ exception (error_capture.hpp) and, once the C++ frames and the
 *    exception are gone, raise it with raise_captured() as ereport(ERROR)
 *    with a proper SQLSTATE;
 *  - the bodies themselves hold no C++ object with a destructor while they
 *    call PostgreSQL (only plain structs and PostgreSQL memory), so an
 *    ereport(ERROR) from PostgreSQL may longjmp over them safely.  The
 *    structs so held carry a static_assert that they are trivially
 *    destructible, next to their definitions.
 *
 * sql/guard.sql throws through this guard in a real backend, from a
 * test-only module (test/guard/guard_probe.cpp).
 */
#ifndef CALLBOARD_PG_GUARD_HPP
#define CALLBOARD_PG_GUARD_HPP

#include "error_capture.hpp"

extern "C" {
#include "postgres.h"
}

namespace callboard {

[[noreturn]] inline void
raise_captured(const CapturedError &error, const char *entry_point)
{
	const char *s = error.sqlstate;

	ereport(ERROR,
			(errcode(MAKE_SQLSTATE(s[0], s[1], s[2], s[3], s[4])),
			 errmsg("%s", error.message),
			 errcontext("callboard C++ code called from %s", entry_point)));
	pg_unreachable();
}

/*
 * Runs body() under the guard; `entry_point` names the SQL function or
 * callback for the error context.
 */
template <typename Body>
inline void
guard(const char *entry_point, Body &&body)
{
	CapturedError error;

	if (!capture_exceptions(body, error))
		raise_captured(error, entry_point);
}

/* An SQL-callable function's body under the guard: returns what it returns. */
template <typename Body>
inline Datum
guarded_call(const char *entry_point, Body &&body)
{
	Datum		result = (Datum) 0;

	guard(entry_point, [&] { result = body(); });
	return result;
}

}								/* namespace callboard */

#endif
