/*
 * guard_probe.cpp
 *		A test-only module: throws C++ exceptions through callboard's guard
 *		inside a real backend.
 *
 * sql/guard.sql loads it from the build tree (the Makefile builds it for
 * installcheck); it is never installed, so no server gets a function that
 * throws on request.  It compiles the very pg_guard.hpp and
 * error_capture.hpp every entry point of callboard uses.
 *
 *   callboard_guard_probe(kind text) RETURNS text
 *     'return'         returns 'returned': the body's value comes through
 *     'bad_alloc'      throws std::bad_alloc
 *     'huge_new'       asks operator new for 2^62 bytes, which fails for real
 *     'runtime_error'  throws std::runtime_error with a message
 *     'long_message'   throws one with a 2,000-byte message
 *     'int'            throws an int
 *     'postgres_error' raises a PostgreSQL error inside the guarded body
 *     'destroyed'      how many C++ objects the throws above destroyed
 */
#include <cstdio>
#include <cstring>
#include <new>
#include <stdexcept>
#include <string>

#include "pg_guard.hpp"

extern "C" {
#include "fmgr.h"
#include "utils/builtins.h"

PG_MODULE_MAGIC;

PG_FUNCTION_INFO_V1(callboard_guard_probe);
}

/* Objects with a destructor that the unwinding of a throw ran. */
static int	destroyed = 0;

static char *volatile kept;

struct Counted
{
	~Counted() { destroyed++; }
};

static bool
is(const text *kind, const char *name)
{
	return VARSIZE_ANY_EXHDR(kind) == strlen(name) &&
		memcmp(VARDATA_ANY(kind), name, strlen(name)) == 0;
}

/* Throws as `kind` asks, each time with a live object to destroy. */
static void
throw_as(const text *kind)
{
	Counted		live;

	if (is(kind, "bad_alloc"))
		throw std::bad_alloc();
	if (is(kind, "huge_new"))
		kept = new char[std::size_t(1) << 62];	/* kept: the allocation cannot be elided */
	if (is(kind, "runtime_error"))
		throw std::runtime_error("probe: a std::runtime_error thrown through the guard");
	if (is(kind, "long_message"))
		throw std::runtime_error(std::string(2000, 'm'));
	if (is(kind, "int"))
		throw 42;
}

extern "C" Datum
callboard_guard_probe(PG_FUNCTION_ARGS)
{
	return callboard::guarded_call("callboard_guard_probe", [&]() -> Datum {
		const text *kind = PG_GETARG_TEXT_PP(0);

		if (is(kind, "return"))
			return CStringGetTextDatum("returned");
		if (is(kind, "destroyed"))
		{
			char		count[16];

			snprintf(count, sizeof(count), "%d", destroyed);
			return CStringGetTextDatum(count);
		}
		if (is(kind, "postgres_error"))
			ereport(ERROR,
					(errcode(ERRCODE_DIVISION_BY_ZERO),
					 errmsg("probe: a PostgreSQL error inside the guarded body")));
		throw_as(kind);
		return CStringGetTextDatum("did not throw");
	});
}
