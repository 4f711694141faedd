/*
 * argument_errors.cpp
 *		Quoting a bad value: enough to recognise it, short enough for a log line.
 */
#include "argument_errors.hpp"

extern "C" {
#include "postgres.h"

#include "mb/pg_wchar.h"
}

static const int kQuotedValueMaxBytes = 64;

void
report_invalid_value(const char *what, const char *value, int len, const char *hint)
{
	int			shown = pg_mbcliplen(value, len, kQuotedValueMaxBytes);

	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("invalid %s \"%.*s%s\"", what, shown, value, shown < len ? "..." : ""),
			 errhint("%s", hint)));
	pg_unreachable();
}
