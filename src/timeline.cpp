/*
 * timeline.cpp
 *		The timeline's arguments, its counting, and its JSON.
 *
 * The window's calls are pushed by the executor into a DestReceiver that
 * counts each one in its bucket as it arrives: with the index docs/sql-api.md
 * recommends, an index-only range scan, no sort, no aggregate, and memory
 * of one row whatever the window holds.  The status is mapped by the one
 * mapping (call_category.hpp).
 */
#include "timeline.hpp"

#include "call_category.hpp"
#include "pg_guard.hpp"
#include "queries.hpp"
#include "text_datum.hpp"
#include "timeline_json.hpp"

extern "C" {
#include "access/xact.h"
#include "catalog/pg_type.h"
#include "executor/tuptable.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/memutils.h"
#include "utils/timestamp.h"
}

using callboard::TimelineWindow;
using callboard::WindowError;

static const char *const kBucketHint =
	"Pass a whole number of minutes that divides a day, such as '5 minutes', '15 minutes', "
	"'1 hour', '6 hours' or '1 day'; buckets start at the same UTC times every day.";

static const char *
interval_text(Datum interval)
{
	return DatumGetCString(DirectFunctionCall1(interval_out, interval));
}

static callboard::IntervalFields
interval_fields(Datum value)
{
	Interval   *interval = DatumGetIntervalP(value);

	return {interval->time, interval->day, interval->month};
}

/* NULL for a bucket or span: the defaults are for leaving an argument out. */
static void
check_not_null(FunctionCallInfo fcinfo, int argno, const char *name, const char *default_text)
{
	if (PG_ARGISNULL(argno))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s must not be NULL", name),
				 errhint("Leave the argument out for the default of %s.", default_text)));
}

[[noreturn]] static void
report_window_error(WindowError error, Datum bucket, Datum span, Datum until)
{
	switch (error)
	{
		case WindowError::bucket_has_months:
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("bucket must be a fixed length, without months or years"),
					 errdetail("The bucket was \"%s\".", interval_text(bucket)),
					 errhint("%s", kBucketHint)));
			break;
		case WindowError::bucket_out_of_range:
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("bucket must be between 1 minute and 1 day"),
					 errdetail("The bucket was \"%s\".", interval_text(bucket)),
					 errhint("%s", kBucketHint)));
			break;
		case WindowError::bucket_not_day_divisor:
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("bucket must be a whole number of minutes that divides a day"),
					 errdetail("The bucket was \"%s\".", interval_text(bucket)),
					 errhint("%s", kBucketHint)));
			break;
		case WindowError::span_has_months:
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("span must be a fixed length, without months or years"),
					 errdetail("The span was \"%s\".", interval_text(span)),
					 errhint("Write it in days or hours, e.g. '7 days'; at most '31 days'.")));
			break;
		case WindowError::span_out_of_range:
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("span must be between one bucket and 31 days"),
					 errdetail("The span was \"%s\" and the bucket \"%s\".",
							   interval_text(span), interval_text(bucket)),
					 errhint("The default is a span of 24 hours in buckets of 1 hour.")));
			break;
		case WindowError::span_not_whole_buckets:
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("span must be a whole number of buckets"),
					 errdetail("The span was \"%s\" and the bucket \"%s\".",
							   interval_text(span), interval_text(bucket)),
					 errhint("Pass a span that the bucket divides, e.g. '24 hours' in buckets of '1 hour'.")));
			break;
		case WindowError::too_many_buckets:
			{
				std::int64_t bucket_usecs = 1;
				std::int64_t span_usecs = 0;

				/* Both were read this way to come here. */
				callboard::interval_usecs(interval_fields(bucket), &bucket_usecs);
				callboard::interval_usecs(interval_fields(span), &span_usecs);
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						 errmsg("a timeline holds at most %d buckets", callboard::kMaxBuckets),
						 errdetail("A span of \"%s\" in buckets of \"%s\" makes %lld.",
								   interval_text(span), interval_text(bucket),
								   static_cast<long long>(span_usecs / bucket_usecs)),
						 errhint("Pass a longer bucket or a shorter span.")));
			}
			break;
		case WindowError::until_out_of_range:
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("until is out of range for a timeline"),
					 errdetail("until was \"%s\".",
							   DatumGetCString(DirectFunctionCall1(timestamptz_out, until))),
					 errhint("Pass a time whose window lies within the years 1 to 9999, or NULL for now.")));
			break;
		case WindowError::none:
			break;
	}
	elog(ERROR, "unexpected timeline window error %d", static_cast<int>(error));
	pg_unreachable();
}

TimelineWindow
timeline_window_argument(FunctionCallInfo fcinfo)
{
	check_not_null(fcinfo, 0, "bucket", "1 hour");
	check_not_null(fcinfo, 1, "span", "24 hours");

	Datum		bucket = PG_GETARG_DATUM(0);
	Datum		span = PG_GETARG_DATUM(1);
	TimestampTz until = PG_ARGISNULL(2) ? GetCurrentTransactionStartTimestamp() : PG_GETARG_TIMESTAMPTZ(2);
	TimelineWindow window;
	WindowError error = callboard::make_timeline_window(interval_fields(bucket), interval_fields(span),
														until, &window);

	if (error != WindowError::none)
		report_window_error(error, bucket, span, TimestampTzGetDatum(until));
	return window;
}

/* The executor's rows, counted one by one. */
struct TimelineReceiver
{
	DestReceiver pub;			/* first, so a DestReceiver * is one of these */
	TimelineWindow window;
	std::int64_t *counts;
	MemoryContext row_context;	/* a status detoasted, if it ever is */
};

static_assert(std::is_trivially_destructible<TimelineReceiver>::value,
			  "a TimelineReceiver is held across PostgreSQL calls, which may longjmp");

static void
count_row(TimelineReceiver *receiver, TupleTableSlot *slot)
{
	CHECK_FOR_INTERRUPTS();

	slot_getsomeattrs(slot, TIMELINE_COLUMN_COUNT);

	/* created_at is NOT NULL in the app's table, and NULL is in no range. */
	if (slot->tts_isnull[TIMELINE_CREATED_AT])
		elog(ERROR, "timeline query returned a call without created_at");

	int			bucket = callboard::timeline_bucket_of(receiver->window,
													   DatumGetTimestampTz(slot->tts_values[TIMELINE_CREATED_AT]));

	if (bucket < 0)
		elog(ERROR, "timeline query returned a call outside its window");

	MemoryContextReset(receiver->row_context);
	MemoryContext caller_context = MemoryContextSwitchTo(receiver->row_context);
	callboard::TextField status = text_bytes(slot->tts_values[TIMELINE_STATUS],
											 slot->tts_isnull[TIMELINE_STATUS]);

	MemoryContextSwitchTo(caller_context);

	int			category = static_cast<int>(callboard::category_of_status(status.data, status.len));

	receiver->counts[bucket * callboard::kCategoryCount + category]++;
}

static bool
timeline_receive_slot(TupleTableSlot *slot, DestReceiver *self)
{
	TimelineReceiver *receiver = reinterpret_cast<TimelineReceiver *>(self);

	callboard::guard("scheduled_outbound_calls_timeline", [&] { count_row(receiver, slot); });
	return true;
}

static void
timeline_startup(DestReceiver *self, int operation, TupleDesc typeinfo)
{
	callboard::guard("scheduled_outbound_calls_timeline", [&] {
		/* The query casts both columns; this only guards against a future edit. */
		if (typeinfo->natts != TIMELINE_COLUMN_COUNT ||
			TupleDescAttr(typeinfo, TIMELINE_CREATED_AT)->atttypid != TIMESTAMPTZOID ||
			TupleDescAttr(typeinfo, TIMELINE_STATUS)->atttypid != TEXTOID)
			elog(ERROR, "timeline query returns other columns than (timestamptz, text)");
	});
}

static void
timeline_shutdown(DestReceiver *self)
{
}

static void
timeline_destroy(DestReceiver *self)
{
}

void
count_timeline(const TimelineWindow &window, Oid function_oid, std::int64_t *counts)
{
	TimelineReceiver receiver;

	memset(&receiver, 0, sizeof(receiver));
	receiver.pub.receiveSlot = timeline_receive_slot;
	receiver.pub.rStartup = timeline_startup;
	receiver.pub.rShutdown = timeline_shutdown;
	receiver.pub.rDestroy = timeline_destroy;
	receiver.pub.mydest = DestNone;
	receiver.window = window;
	receiver.counts = counts;
	receiver.row_context = AllocSetContextCreate(CurrentMemoryContext, "callboard timeline row",
												 ALLOCSET_SMALL_SIZES);

	Datum		args[2] = {TimestampTzGetDatum(window.start), TimestampTzGetDatum(window.end)};

	run_query(CallboardQuery::timeline, function_oid, args, NULL, &receiver.pub);
	MemoryContextDelete(receiver.row_context);
}

void
append_timeline(OutputBuffer *out, const TimelineWindow &window, const std::int64_t *counts)
{
	/* The window was checked to be printable (make_timeline_window). */
	if (!out->append([&](auto &json) { return callboard::write_timeline_start(json, window); }))
		elog(ERROR, "timeline window cannot be printed");
	for (int bucket = 0; bucket < window.buckets; bucket++)
	{
		const std::int64_t *bucket_counts = counts + bucket * callboard::kCategoryCount;

		if (!out->append([&](auto &json) {
				return callboard::write_timeline_bucket(json, window, bucket, bucket_counts);
			}))
			elog(ERROR, "timeline bucket cannot be printed");
	}
	out->append([](auto &json) { callboard::write_timeline_end(json); });
}
