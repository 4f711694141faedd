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
#include <type_traits>

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
				 PG_ARGISNULL(1) ? 0 : errdetail("The value was %d.", size),
				 errhint("Walk a longer list page by page with next_cursor.")));
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
						callboard::category_name(category)),
				 errhint("Pass a cursor with the category of the page it came from.")));
	return true;
}

/* What one call of the function asks for. */
struct PageRequest
{
	callboard::Category category;
	int			page_size;
	bool		has_cursor;		/* false for the first page */
	callboard::PageCursor after;
};

static_assert(std::is_trivially_destructible<PageRequest>::value,
			  "a PageRequest is held across SPI calls, which may longjmp");

static PageRequest
page_request(FunctionCallInfo fcinfo)
{
	PageRequest request = {};

	request.category = page_category_argument(fcinfo);
	request.page_size = page_size_argument(fcinfo);
	request.has_cursor = cursor_argument(fcinfo, request.category, &request.after);
	return request;
}

/*
 * Runs the page's query into SPI_tuptable: page_size + 1 rows, since one
 * more than the page tells whether there is a next page.
 */
static void
fetch_page_rows(const PageRequest &request, Oid function_oid)
{
	pg_uuid_t	after_id;
	Datum		args[4] = {
		Int32GetDatum(callboard::category_rank(request.category)),
		Int64GetDatum(request.page_size + 1),
		TimestampTzGetDatum(request.after.created_at),
		UUIDPGetDatum(&after_id),
	};

	memcpy(after_id.data, request.after.id, sizeof(after_id.data));
	run_query(request.has_cursor ? CallboardQuery::page_next : CallboardQuery::page_first,
			  function_oid, args, NULL, NULL);
}

/* Writes the first `sent` rows as calls; values/isnull end with the last. */
static void
write_page_calls(OutputBuffer *out, uint64 sent, Datum *values, bool *isnull)
{
	for (uint64 row = 0; row < sent; row++)
	{
		CHECK_FOR_INTERRUPTS();
		heap_deform_tuple(SPI_tuptable->vals[row], SPI_tuptable->tupdesc, values, isnull);

		callboard::CallFields call = read_call_fields(values, isnull);
		const char *bad_column = nullptr;

		if (!out->append([&](auto &json) {
				if (row > 0)
					callboard::write_call_separator(json);
				return callboard::write_call(json, call, &bad_column);
			}))
			report_unprintable_timestamp(bad_column, values, isnull);
	}
}

/* The cursor naming the call in values/isnull, the last of the page. */
static void
encode_next_cursor(callboard::Category category, const Datum *values, const bool *isnull,
				   char next[callboard::kPageCursorLen])
{
	if (isnull[COL_CREATED_AT] || isnull[COL_CALL_ID])
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("a call with a NULL created_at or id cannot end a page"),
				 errhint("The app's twilio_calls has both NOT NULL; correct the row.")));

	callboard::PageCursor cursor;

	cursor.rank = callboard::category_rank(category);
	cursor.created_at = DatumGetTimestampTz(values[COL_CREATED_AT]);
	memcpy(cursor.id, DatumGetUUIDP(values[COL_CALL_ID])->data, sizeof(cursor.id));
	callboard::encode_page_cursor(cursor, next);
}

static Datum
build_page_json(FunctionCallInfo fcinfo)
{
	PageRequest request = page_request(fcinfo);
	OutputBuffer out;

	/* In the caller's memory context, so the result outlives SPI_finish(). */
	out.init(callboard_output_limit(), VARHDRSZ);
	out.append([&](auto &json) { callboard::write_page_start(json, request.category); });

	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	fetch_page_rows(request, fcinfo->flinfo->fn_oid);

	bool		more = SPI_processed > (uint64) request.page_size;
	Datum		values[CALL_COLUMN_COUNT];
	bool		isnull[CALL_COLUMN_COUNT];
	char		next[callboard::kPageCursorLen];

	write_page_calls(&out, more ? request.page_size : SPI_processed, values, isnull);
	if (more)
		encode_next_cursor(request.category, values, isnull, next);
	SPI_finish();

	const char *cursor = more ? next : nullptr;

	out.append([&](auto &json) { callboard::write_page_end(json, cursor); });
	return out.finish_json("scheduled_outbound_calls_page",
						   "Ask for a smaller page_size, or raise callboard.max_output_bytes.");
}

extern "C" Datum
scheduled_outbound_calls_page(PG_FUNCTION_ARGS)
{
	return callboard::guarded_call("scheduled_outbound_calls_page", [&] { return build_page_json(fcinfo); });
}
