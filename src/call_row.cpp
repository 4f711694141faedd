/*
 * call_row.cpp
 *		Datums -> CallFields, and the one error a row can raise.
 */
#include "call_row.hpp"

#include "queries.hpp"
#include "text_datum.hpp"

extern "C" {
#include "fmgr.h"
#include "utils/builtins.h"
#include "utils/timestamp.h"
#include "utils/uuid.h"
}

using callboard::CallFields;
using callboard::TextField;
using callboard::TimestampField;

static TextField
text_field(const Datum *values, const bool *isnull, int column)
{
	return text_bytes(values[column], isnull[column]);
}

static const unsigned char *
uuid_field(const Datum *values, const bool *isnull, int column)
{
	return isnull[column] ? nullptr : DatumGetUUIDP(values[column])->data;
}

static TimestampField
timestamp_field(const Datum *values, const bool *isnull, int column)
{
	if (isnull[column])
		return {true, 0};
	return {false, DatumGetTimestampTz(values[column])};
}

CallFields
read_call_fields(const Datum *values, const bool *isnull)
{
	CallFields	call;

	call.call_id = uuid_field(values, isnull, COL_CALL_ID);
	call.call_sid = text_field(values, isnull, COL_CALL_SID);
	call.to_number = text_field(values, isnull, COL_TO_NUMBER);
	call.customer_name = text_field(values, isnull, COL_CUSTOMER_NAME);
	call.status = text_field(values, isnull, COL_STATUS);
	call.agent_id = uuid_field(values, isnull, COL_AGENT_ID);
	call.agent_name = text_field(values, isnull, COL_AGENT_NAME);
	call.created_at = timestamp_field(values, isnull, COL_CREATED_AT);
	call.started_at = timestamp_field(values, isnull, COL_STARTED_AT);
	call.duration_isnull = isnull[COL_DURATION];
	call.duration = call.duration_isnull ? 0 : DatumGetInt32(values[COL_DURATION]);
	return call;
}

void
report_unprintable_timestamp(const char *column, const Datum *values, const bool *isnull)
{
	int			attno = strcmp(column, "created_at") == 0 ? COL_CREATED_AT : COL_STARTED_AT;
	const char *id = isnull[COL_CALL_ID] ? "(null)" :
		DatumGetCString(DirectFunctionCall1(uuid_out, values[COL_CALL_ID]));
	const char *value = DatumGetCString(DirectFunctionCall1(timestamptz_out, values[attno]));

	ereport(ERROR,
			(errcode(ERRCODE_DATETIME_VALUE_OUT_OF_RANGE),
			 errmsg("%s of call %s is out of range for the JSON output", column, id),
			 errdetail("The value is \"%s\"; the output format (Python's isoformat) holds years 1 to 9999.",
					   value),
			 errhint("Correct the row in twilio_calls.")));
	pg_unreachable();
}
