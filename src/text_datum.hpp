/*
 * text_datum.hpp
 *		The bytes of a text Datum: an argument, or a column of a query's row.
 *
 * The one place that unpacks text for callboard.  The value is detoasted
 * (into CurrentMemoryContext) only when it is compressed or stored out of
 * line; otherwise the bytes are read where they are.
 */
#ifndef CALLBOARD_TEXT_DATUM_HPP
#define CALLBOARD_TEXT_DATUM_HPP

#include "text_field.hpp"

extern "C" {
#include "postgres.h"

#include "fmgr.h"
}

callboard::TextField text_bytes(Datum value, bool isnull);

/* Argument `argno` of a function, declared text (or varchar). */
inline callboard::TextField
text_argument(FunctionCallInfo fcinfo, int argno)
{
	if (PG_ARGISNULL(argno))
		return {nullptr, 0};
	return text_bytes(PG_GETARG_DATUM(argno), false);
}

#endif
