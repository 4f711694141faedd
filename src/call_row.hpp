/*
 * call_row.hpp
 *		One row of a call query, read as the Datums the executor holds and
 *		written as a CALL object.
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
 * Writes the CALL object at `out` (room: call_max_len(call)); raises 22008,
 * naming the call and the column, for a timestamp the format cannot show.
 */
char	   *write_call_row(char *out, const callboard::CallFields &call, const Datum *values,
						   const bool *isnull);

#endif
