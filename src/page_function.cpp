/*
 * page_function.cpp
 *		scheduled_outbound_calls_page(category text, page_size integer DEFAULT 50,
 *									  cursor text DEFAULT NULL) RETURNS json
 *
 * One category's newest calls, a page at a time:
 *   {"success":true,"category":"pending","calls":[CALL,...],"next_cursor":"..."}
 * next_cursor is null on the last page.  The cursor names the last call sent
 * (keyset pagination), so pages neither skip nor repeat calls when new ones
 * arrive, and every page costs the same: with the recommended index, a range
 * scan of page_size + 1 entries.
 */
#include "arguments.hpp"
#include "call_category.hpp"
#include "call_json.hpp"
#include "call_row.hpp"
#include "callboard.hpp"
#include "output_buffer.hpp"
#include "page_cursor.hpp"
#include "pg_guard.hpp"
#include "queries.hpp"
#include "text_datum.hpp"

extern "C" {
#include "access/htup_details.h"
#include "executor/spi.h"
#include "fmgr.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/timestamp.h"
#include "utils/uuid.h"

PG_FUNCTION_INFO_V1(scheduled_outbound_calls_page);
}

static const int kMaxPageSize = 1000;

/* The category names are the filter's values, '' and NULL excepted. */
static const char *
category_hint()
{
	return psprintf("Valid categories are %s.", callboard::filter_values_text());
}

static callboard::Category
page_category_argument(FunctionCallInfo fcinfo)
{
	callboard::TextField value = text_argument(fcinfo, 0);

	if (value.data == nullptr)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("category must not be NULL"),
				 errhint("%s", category_hint())));

	callboard::Filter filter = callboard::parse_filter(value.data, value.len);

	if (filter.kind != callboard::Filter::one)
		report_invalid_value("category", value, category_hint());
	return filter.category;
}

static int
page_size_argument(FunctionCallInfo fcinfo)
{
	int			size = PG_ARGISNULL(1) ? 0 : PG_GETARG_INT32(1);

	if (PG_ARGISNULL(1) || size < 1 || size > kMaxPageSize)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("page_size must be between 1 and %d", kMaxPageSize),
				 PG_ARGISNULL(1) ? 0 : errdetail("The value was %d.", size)));
	return size;
}

/* False for the first page (no cursor). */
static bool
cursor_argument(FunctionCallInfo fcinfo, callboard::Category category, callboard::PageCursor *cursor)
{
	callboard::TextField text = text_argument(fcinfo, 2);

	if (text.data == nullptr || text.len == 0)
		return false;
	if (!callboard::decode_page_cursor(text.data, text.len, cursor))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("invalid page cursor"),
				 errhint("Pass the next_cursor of the previous page as it was returned, or NULL for the first page.")));
	if (cursor->rank != callboard::category_rank(category))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("page cursor belongs to category \"%s\", not \"%s\"",
						callboard::category_name(static_cast<callboard::Category>(cursor->rank - 1)),
						callboard::category_name(category))));
	return true;
}

static Datum
build_page_json(FunctionCallInfo fcinfo)
{
	callboard::Category category = page_category_argument(fcinfo);
	int			page_size = page_size_argument(fcinfo);
	callboard::PageCursor after = {};
	bool		has_cursor = cursor_argument(fcinfo, category, &after);
	OutputBuffer out;

	/* In the caller's memory context, so the result outlives SPI_finish(). */
	out.init(callboard_output_limit(), VARHDRSZ);
	out.append([&](auto &json) { callboard::write_page_start(json, category); });

	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");

	/* One row more than the page tells whether there is a next page. */
	pg_uuid_t	after_id;
	Datum		args[4] = {
		Int32GetDatum(callboard::category_rank(category)),
		Int64GetDatum(page_size + 1),
		TimestampTzGetDatum(after.created_at),
		UUIDPGetDatum(&after_id),
	};

	if (has_cursor)
	{
		memcpy(after_id.data, after.id, sizeof(after_id.data));
		run_query(CallboardQuery::page_next, fcinfo->flinfo->fn_oid, args, NULL, NULL);
	}
	else
		run_query(CallboardQuery::page_first, fcinfo->flinfo->fn_oid, args, NULL, NULL);

	uint64		sent = Min(SPI_processed, (uint64) page_size);
	Datum		values[CALL_COLUMN_COUNT];
	bool		isnull[CALL_COLUMN_COUNT];

	for (uint64 row = 0; row < sent; row++)
	{
		CHECK_FOR_INTERRUPTS();
		heap_deform_tuple(SPI_tuptable->vals[row], SPI_tuptable->tupdesc, values, isnull);

		callboard::CallFields call = read_call_fields(values, isnull);
		const char *bad_column = nullptr;

		if (!out.append([&](auto &json) {
				if (row > 0)
					callboard::write_call_separator(json);
				return callboard::write_call(json, call, &bad_column);
			}))
			report_unprintable_timestamp(bad_column, values, isnull);
	}

	/* values/isnull still hold the last call sent. */
	char		next[callboard::kPageCursorLen];
	bool		more = SPI_processed > (uint64) page_size;

	if (more)
	{
		if (isnull[COL_CREATED_AT] || isnull[COL_CALL_ID])
			ereport(ERROR,
					(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
					 errmsg("a call with a NULL created_at or id cannot end a page")));
		callboard::PageCursor cursor;

		cursor.rank = callboard::category_rank(category);
		cursor.created_at = DatumGetTimestampTz(values[COL_CREATED_AT]);
		memcpy(cursor.id, DatumGetUUIDP(values[COL_CALL_ID])->data, sizeof(cursor.id));
		callboard::encode_page_cursor(cursor, next);
	}
	const char *cursor = more ? next : nullptr;

	out.append([&](auto &json) { callboard::write_page_end(json, cursor); });
	SPI_finish();

	return out.finish_json("scheduled_outbound_calls_page",
						 "Ask for a smaller page_size, or raise callboard.max_output_bytes.");
}

extern "C" Datum
scheduled_outbound_calls_page(PG_FUNCTION_ARGS)
{
	return callboard::guarded_call("scheduled_outbound_calls_page", [&] { return build_page_json(fcinfo); });
}
