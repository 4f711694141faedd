/*
 * arguments.cpp
 *		The status filter argument, and quoting a bad value: enough to
 *		recognise it, short enough for a log line.
 */
#include "arguments.hpp"

#include "text_datum.hpp"

extern "C" {
#include "mb/pg_wchar.h"
#include "utils/builtins.h"
}

static const int kQuotedValueMaxBytes = 64;

void
report_invalid_value(const char *what, callboard::TextField value, const char *hint)
{
	int			len = static_cast<int>(value.len);	/* a text value is under 1 GB */
	int			shown = pg_mbcliplen(value.data, len, kQuotedValueMaxBytes);

	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("invalid %s \"%.*s%s\"", what, shown, value.data, shown < len ? "..." : ""),
			 errhint("%s", hint)));
	pg_unreachable();
}

callboard::Filter
status_filter_argument(FunctionCallInfo fcinfo, int argno)
{
	callboard::TextField value = text_argument(fcinfo, argno);
	callboard::Filter filter = callboard::parse_filter(value.data, value.len);

	if (filter.kind == callboard::Filter::invalid)
		report_invalid_value("status filter", value,
							 psprintf("Valid values are %s; NULL or an empty string returns every category.",
									  callboard::filter_values_text()));
	return filter;
}
