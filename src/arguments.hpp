/*
 * arguments.hpp
 *		Arguments shared by callboard's SQL functions, and the error for a
 *		value callboard does not accept.
 */
#ifndef CALLBOARD_ARGUMENTS_HPP
#define CALLBOARD_ARGUMENTS_HPP

#include "call_category.hpp"
#include "text_field.hpp"

extern "C" {
#include "postgres.h"

#include "fmgr.h"
}

/*
 * ERROR 22023: invalid <what> "<value>", with `hint`.  The value is quoted
 * up to 64 bytes (on a character boundary, then "...").
 */
[[noreturn]] void report_invalid_value(const char *what, callboard::TextField value, const char *hint);

/*
 * The `status` filter of scheduled_outbound_calls() and of its stream
 * (argument `argno`): NULL or '' for every category, else one of the filter
 * values; anything else is 22023 with the valid values in the hint.
 */
callboard::Filter status_filter_argument(FunctionCallInfo fcinfo, int argno);

#endif
