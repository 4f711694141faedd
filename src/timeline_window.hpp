/*
 * timeline_window.hpp
 *		The window of a timeline: its buckets, from the arguments.
 *
 * A timeline counts the outbound calls created in each bucket of a window.
 * Buckets are fixed lengths in microseconds, a whole number of minutes that
 * divides a day (a day counts as 24 hours, as date_bin() counts it), so
 * they start at the same UTC times every day; they are aligned to UTC
 * midnight, whatever the session's time zone.  The window is `span` long, a
 * whole number of buckets, and ends with the bucket that holds `until`
 * (now, by default): [start, end), every bucket [s, s + bucket).
 *
 * Plain C++, so that the arithmetic and its bounds are unit-tested without
 * a server.
 */
#ifndef CALLBOARD_TIMELINE_WINDOW_HPP
#define CALLBOARD_TIMELINE_WINDOW_HPP

#include <cstdint>
#include <type_traits>

namespace callboard {

constexpr std::int64_t kUsecsPerMinute = INT64_C(60000000);
constexpr std::int64_t kUsecsPerDay = 1440 * kUsecsPerMinute;

/* The bounds, in docs/sql-api.md's words. */
constexpr std::int64_t kMinBucketUsecs = kUsecsPerMinute;
constexpr std::int64_t kMaxBucketUsecs = kUsecsPerDay;
constexpr std::int64_t kMaxSpanUsecs = 31 * kUsecsPerDay;
constexpr int kMaxBuckets = 1440;

/* An SQL interval's fields, as PostgreSQL's Interval holds them. */
struct IntervalFields
{
	std::int64_t time;			/* microseconds */
	std::int32_t day;
	std::int32_t month;
};

struct TimelineWindow
{
	std::int64_t bucket_usecs;
	std::int64_t start;			/* PostgreSQL TimestampTz: microseconds since 2000-01-01 UTC */
	std::int64_t end;			/* start + buckets * bucket_usecs, exclusive */
	int			buckets;
};

/* Held while PostgreSQL is called, which may longjmp. */
static_assert(std::is_trivially_destructible<TimelineWindow>::value,
			  "a TimelineWindow must not need a destructor");

enum class WindowError
{
	none,
	bucket_has_months,			/* months or years: not a fixed length */
	bucket_out_of_range,		/* under 1 minute or over 1 day */
	bucket_not_day_divisor,		/* not a whole number of minutes that divides a day */
	span_has_months,
	span_out_of_range,			/* under one bucket or over 31 days */
	span_not_whole_buckets,
	too_many_buckets,			/* over kMaxBuckets */
	until_out_of_range,			/* a window outside the years 1 to 9999 (or infinity) */
};

/*
 * An interval without months as microseconds, a day being 24 hours (as
 * date_bin() reads it); false when it has months or does not fit.
 */
bool		interval_usecs(IntervalFields interval, std::int64_t *usecs) noexcept;

/*
 * The window of `bucket` and `span` ending with the bucket that holds
 * `until`.  The checks run in the order of the enum: the first broken rule
 * is the one reported.  *window is set only when the result is none.
 */
WindowError make_timeline_window(IntervalFields bucket, IntervalFields span, std::int64_t until,
								 TimelineWindow *window) noexcept;

/*
 * The bucket of a creation time in the window: 0 to buckets - 1, or -1 when
 * it is outside.
 */
inline int
timeline_bucket_of(const TimelineWindow &window, std::int64_t created_at) noexcept
{
	if (created_at < window.start || created_at >= window.end)
		return -1;
	return static_cast<int>((created_at - window.start) / window.bucket_usecs);
}

}								/* namespace callboard */

#endif
