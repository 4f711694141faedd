/*
 * error_capture.hpp
 *		Runs C++ code and turns any exception into plain data.
 *
 * This is the half of the entry-point guard that knows nothing of
 * PostgreSQL: it catches, copies the message into a fixed buffer (no
 * allocation, so nothing can fail while the exception is live) and returns.
 * pg_guard.hpp raises the PostgreSQL error afterwards, once every C++ frame
 * and the exception object are gone.
 */
#ifndef CALLBOARD_ERROR_CAPTURE_HPP
#define CALLBOARD_ERROR_CAPTURE_HPP

#include <cstring>
#include <exception>
#include <new>
#include <type_traits>

namespace callboard {

/* Trivially destructible, so an ereport() may longjmp over it. */
struct CapturedError
{
	char		sqlstate[6];	/* five characters, e.g. "53200" */
	char		message[512];
};

static_assert(std::is_trivially_destructible<CapturedError>::value,
			  "a CapturedError must not need a destructor");

namespace detail {

inline void
capture(CapturedError &error, const char *sqlstate, const char *what) noexcept
{
	std::memcpy(error.sqlstate, sqlstate, sizeof(error.sqlstate));
	std::strncpy(error.message, what, sizeof(error.message) - 1);
	error.message[sizeof(error.message) - 1] = '\0';
}

}								/* namespace detail */

/*
 * Calls body(); returns true if it returned, false with `error` filled if it
 * threw.  std::bad_alloc is out_of_memory (53200); anything else is
 * internal_error (XX000).
 */
template <typename Body>
bool
capture_exceptions(Body &&body, CapturedError &error) noexcept
{
	try
	{
		body();
		return true;
	}
	catch (const std::bad_alloc &)
	{
		detail::capture(error, "53200", "out of memory in callboard");
	}
	catch (const std::exception &e)
	{
		detail::capture(error, "XX000", e.what());
	}
	catch (...)
	{
		detail::capture(error, "XX000", "unknown C++ exception in callboard");
	}
	return false;
}

}								/* namespace callboard */

#endif
