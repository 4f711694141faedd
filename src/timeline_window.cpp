/*
 * timeline_window.cpp
 *		Bucket and span -> the window's bounds, every rule checked.
 */
#include "timeline_window.hpp"

#include "json_format.hpp"

#include "cpp_only.hpp"

namespace callboard {

namespace {

/* Rounds down, also before 2000 (negative times). */
std::int64_t
floor_div(std::int64_t a, std::int64_t b) noexcept
{
	std::int64_t q = a / b;

	return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

bool
printable(std::int64_t t) noexcept
{
	return json_timestamp_len(t) != 0;
}

}								/* namespace */

bool
interval_usecs(IntervalFields interval, std::int64_t *usecs) noexcept
{
	std::int64_t days;

	if (interval.month != 0)
		return false;
	return !__builtin_mul_overflow(static_cast<std::int64_t>(interval.day), kUsecsPerDay, &days) &&
		!__builtin_add_overflow(days, interval.time, usecs);
}

WindowError
make_timeline_window(IntervalFields bucket, IntervalFields span, std::int64_t until,
					 TimelineWindow *window) noexcept
{
	std::int64_t bucket_usecs;
	std::int64_t span_usecs;

	if (bucket.month != 0)
		return WindowError::bucket_has_months;
	if (!interval_usecs(bucket, &bucket_usecs) || bucket_usecs < kMinBucketUsecs ||
		bucket_usecs > kMaxBucketUsecs)
		return WindowError::bucket_out_of_range;
	if (bucket_usecs % kUsecsPerMinute != 0 || kUsecsPerDay % bucket_usecs != 0)
		return WindowError::bucket_not_day_divisor;

	if (span.month != 0)
		return WindowError::span_has_months;
	if (!interval_usecs(span, &span_usecs) || span_usecs < bucket_usecs || span_usecs > kMaxSpanUsecs)
		return WindowError::span_out_of_range;
	if (span_usecs % bucket_usecs != 0)
		return WindowError::span_not_whole_buckets;
	if (span_usecs / bucket_usecs > kMaxBuckets)
		return WindowError::too_many_buckets;

	/* Years 1 to 9999: nothing near int64's ends, so no sum below overflows. */
	if (!printable(until))
		return WindowError::until_out_of_range;

	std::int64_t end = floor_div(until, bucket_usecs) * bucket_usecs + bucket_usecs;
	std::int64_t start = end - span_usecs;

	if (!printable(start) || !printable(end))
		return WindowError::until_out_of_range;

	window->bucket_usecs = bucket_usecs;
	window->start = start;
	window->end = end;
	window->buckets = static_cast<int>(span_usecs / bucket_usecs);
	return WindowError::none;
}

}								/* namespace callboard */
