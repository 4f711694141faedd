/*
 * call_row.hpp
 *		One row of a call query, read as the Datums the executor holds, and
 *		the one error a row can raise.
 */
#ifndef CALLBOARD_CALL_ROW_HPP
#define CALLBOARD_CALL_ROW_HPP

#include "call_json.hpp"

extern "C" {
#include "postgres.h"
}

/*
 * The fields of a row (CallColumn order).  Text is detoasted only when it is
 * compressed or stored out of line, into CurrentMemoryContext.
 */
callboard::CallFields read_call_fields(const Datum *values, const bool *isnull);

/*
 * ERROR 22008 for a timestamp the format cannot show, naming the call and
 * the column write_call() reported.
 */
[[noreturn]] void report_unprintable_timestamp(const char *column, const Datum *values,
											   const bool *isnull);

#endif
