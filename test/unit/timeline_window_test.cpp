// The timeline's window: alignment, edges and every rule on its arguments.
#include <gtest/gtest.h>

#include <climits>
#include <cstdint>

#include "timeline_window.hpp"

using callboard::IntervalFields;
using callboard::TimelineWindow;
using callboard::WindowError;

namespace {

constexpr std::int64_t kMinute = INT64_C(60000000);
constexpr std::int64_t kHour = 60 * kMinute;
constexpr std::int64_t kDay = 24 * kHour;

// Days from 1970-01-01 to a civil date (Howard Hinnant's days_from_civil).
std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d)
{
	y -= m <= 2;
	const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
	const unsigned yoe = static_cast<unsigned>(y - era * 400);
	const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

// A PostgreSQL TimestampTz (microseconds since 2000-01-01 UTC).
std::int64_t utc(std::int64_t y, unsigned mo, unsigned d, int h = 0, int mi = 0, int s = 0, int us = 0)
{
	std::int64_t days = days_from_civil(y, mo, d) - days_from_civil(2000, 1, 1);
	return days * kDay + h * kHour + mi * kMinute + s * INT64_C(1000000) + us;
}

IntervalFields usecs(std::int64_t t) { return {t, 0, 0}; }
IntervalFields days(std::int32_t d) { return {0, d, 0}; }
IntervalFields months(std::int32_t m) { return {0, 0, m}; }

WindowError check(IntervalFields bucket, IntervalFields span, std::int64_t until)
{
	TimelineWindow w;
	return callboard::make_timeline_window(bucket, span, until, &w);
}

TimelineWindow window(IntervalFields bucket, IntervalFields span, std::int64_t until)
{
	TimelineWindow w{};
	EXPECT_EQ(callboard::make_timeline_window(bucket, span, until, &w), WindowError::none);
	return w;
}

}								// namespace

TEST(TimelineWindow, TheDefaultIsTheLast24HoursEndingWithTheCurrentHour)
{
	TimelineWindow w = window(usecs(kHour), usecs(24 * kHour), utc(2025, 10, 24, 10, 30));
	EXPECT_EQ(w.bucket_usecs, kHour);
	EXPECT_EQ(w.buckets, 24);
	EXPECT_EQ(w.start, utc(2025, 10, 23, 11));
	EXPECT_EQ(w.end, utc(2025, 10, 24, 11));
	// "1 day" is 24 hours, as date_bin() reads it.
	TimelineWindow d = window(usecs(kHour), days(1), utc(2025, 10, 24, 10, 30));
	EXPECT_EQ(d.start, w.start);
	EXPECT_EQ(d.end, w.end);
}

TEST(TimelineWindow, UntilOnAnEdgeBelongsToTheBucketItStarts)
{
	EXPECT_EQ(window(usecs(kHour), usecs(kDay), utc(2025, 10, 24, 10)).end, utc(2025, 10, 24, 11));
	EXPECT_EQ(window(usecs(kHour), usecs(kDay), utc(2025, 10, 24, 9, 59, 59, 999999)).end, utc(2025, 10, 24, 10));
	EXPECT_EQ(window(usecs(kHour), usecs(kDay), utc(2025, 10, 24, 10, 0, 0, 1)).end, utc(2025, 10, 24, 11));
}

TEST(TimelineWindow, BucketsAlignToUtcMidnightBefore2000Too)
{
	EXPECT_EQ(window(usecs(kHour), usecs(kHour), utc(1999, 12, 31, 23, 30)).end, utc(2000, 1, 1));
	EXPECT_EQ(window(usecs(kHour), usecs(kHour), utc(1999, 12, 31, 23, 30)).start, utc(1999, 12, 31, 23));
	EXPECT_EQ(window(days(1), days(7), utc(1969, 7, 20, 20, 17)).end, utc(1969, 7, 21));
	EXPECT_EQ(window(usecs(15 * kMinute), usecs(kHour), utc(1970, 1, 1, 0, 14, 59, 999999)).end, utc(1970, 1, 1, 0, 15));
	EXPECT_EQ(window(usecs(8 * kHour), days(1), utc(2025, 3, 9, 7, 30)).end, utc(2025, 3, 9, 8));
}

TEST(TimelineWindow, AnIntervalIsItsTotalLength)
{
	// '1 day -23 hours' is one hour.
	TimelineWindow w = window({-23 * kHour, 1, 0}, usecs(kDay), utc(2025, 10, 24, 10, 30));
	EXPECT_EQ(w.bucket_usecs, kHour);
	EXPECT_EQ(w.buckets, 24);
}

TEST(TimelineWindow, BucketOf)
{
	TimelineWindow w = window(usecs(kHour), usecs(kDay), utc(2025, 10, 24, 10, 30));
	EXPECT_EQ(callboard::timeline_bucket_of(w, w.start - 1), -1);
	EXPECT_EQ(callboard::timeline_bucket_of(w, w.start), 0);
	EXPECT_EQ(callboard::timeline_bucket_of(w, w.start + kHour - 1), 0);
	EXPECT_EQ(callboard::timeline_bucket_of(w, w.start + kHour), 1);
	EXPECT_EQ(callboard::timeline_bucket_of(w, w.end - 1), 23);
	EXPECT_EQ(callboard::timeline_bucket_of(w, w.end), -1);
	EXPECT_EQ(callboard::timeline_bucket_of(w, INT64_MIN), -1);
	EXPECT_EQ(callboard::timeline_bucket_of(w, INT64_MAX), -1);
}

TEST(TimelineWindow, BucketsAreWholeMinutesThatDivideADay)
{
	for (std::int64_t minutes : {1, 2, 3, 4, 5, 6, 8, 9, 10, 12, 15, 16, 20, 30, 45, 60, 90, 120, 180, 240, 360, 480, 720, 1440})
		EXPECT_EQ(check(usecs(minutes * kMinute), days(1), utc(2025, 10, 24)), WindowError::none) << minutes;
	for (std::int64_t minutes : {7, 11, 13, 25, 50, 70, 100, 1000})
		EXPECT_EQ(check(usecs(minutes * kMinute), days(7), utc(2025, 10, 24)), WindowError::bucket_not_day_divisor) << minutes;
	// 90 seconds and 691.2 seconds divide a day, but not in whole minutes.
	EXPECT_EQ(check(usecs(90000000), usecs(kHour * 3), utc(2025, 10, 24)), WindowError::bucket_not_day_divisor);
	EXPECT_EQ(check(usecs(691200000), days(1), utc(2025, 10, 24)), WindowError::bucket_not_day_divisor);
	EXPECT_EQ(check(usecs(kMinute + 1), days(1), utc(2025, 10, 24)), WindowError::bucket_not_day_divisor);
}

TEST(TimelineWindow, BucketBounds)
{
	std::int64_t until = utc(2025, 10, 24);
	EXPECT_EQ(check(usecs(kMinute - 1), usecs(kHour), until), WindowError::bucket_out_of_range);
	EXPECT_EQ(check(usecs(0), usecs(kHour), until), WindowError::bucket_out_of_range);
	EXPECT_EQ(check(usecs(-kHour), usecs(kHour), until), WindowError::bucket_out_of_range);
	EXPECT_EQ(check(days(-1), usecs(kHour), until), WindowError::bucket_out_of_range);
	EXPECT_EQ(check(usecs(kDay + kMinute), days(2), until), WindowError::bucket_out_of_range);
	EXPECT_EQ(check(days(2), days(4), until), WindowError::bucket_out_of_range);
	EXPECT_EQ(check(months(1), days(31), until), WindowError::bucket_has_months);
	EXPECT_EQ(check({0, 0, -12}, days(31), until), WindowError::bucket_has_months);
	// Lengths that do not fit in 64 bits are out of range, not wrapped.
	EXPECT_EQ(check({INT64_MAX, 1, 0}, days(1), until), WindowError::bucket_out_of_range);
	EXPECT_EQ(check({0, INT32_MAX, 0}, days(1), until), WindowError::bucket_out_of_range);
	EXPECT_EQ(check({INT64_MIN, INT32_MIN, 0}, days(1), until), WindowError::bucket_out_of_range);
}

TEST(TimelineWindow, SpanBounds)
{
	std::int64_t until = utc(2025, 10, 24);
	EXPECT_EQ(check(usecs(kHour), usecs(kHour), until), WindowError::none);
	EXPECT_EQ(check(usecs(kHour), usecs(kHour - kMinute), until), WindowError::span_out_of_range);
	EXPECT_EQ(check(usecs(kHour), usecs(0), until), WindowError::span_out_of_range);
	EXPECT_EQ(check(usecs(kHour), usecs(-kDay), until), WindowError::span_out_of_range);
	EXPECT_EQ(check(days(1), days(31), until), WindowError::none);
	EXPECT_EQ(check(days(1), days(32), until), WindowError::span_out_of_range);
	EXPECT_EQ(check(usecs(kHour), {kHour, 31, 0}, until), WindowError::span_out_of_range);
	EXPECT_EQ(check(usecs(kHour), months(1), until), WindowError::span_has_months);
	EXPECT_EQ(check(usecs(kHour), {0, INT32_MAX, 0}, until), WindowError::span_out_of_range);
	EXPECT_EQ(check(usecs(kHour), usecs(90 * kMinute), until), WindowError::span_not_whole_buckets);
	EXPECT_EQ(check(usecs(kHour), usecs(kDay + 1), until), WindowError::span_not_whole_buckets);
}

TEST(TimelineWindow, AtMost1440Buckets)
{
	std::int64_t until = utc(2025, 10, 24);
	TimelineWindow w = window(usecs(kMinute), days(1), until);
	EXPECT_EQ(w.buckets, 1440);
	EXPECT_EQ(check(usecs(kMinute), usecs(kDay + kMinute), until), WindowError::too_many_buckets);
	EXPECT_EQ(window(usecs(30 * kMinute), days(30), until).buckets, 1440);
	EXPECT_EQ(check(usecs(30 * kMinute), days(31), until), WindowError::too_many_buckets);
	EXPECT_EQ(window(usecs(kHour), days(31), until).buckets, 744);
}

TEST(TimelineWindow, TheWindowMustLieWithinYears1To9999)
{
	EXPECT_EQ(check(usecs(kHour), days(1), INT64_MAX), WindowError::until_out_of_range);	// infinity
	EXPECT_EQ(check(usecs(kHour), days(1), INT64_MIN), WindowError::until_out_of_range);	// -infinity
	EXPECT_EQ(check(usecs(kHour), days(1), utc(9999, 12, 31, 22, 59)), WindowError::none);
	// The bucket holding 23:30 ends at 10000-01-01, which the format cannot show.
	EXPECT_EQ(check(usecs(kHour), days(1), utc(9999, 12, 31, 23, 30)), WindowError::until_out_of_range);
	EXPECT_EQ(check(usecs(kHour), days(1), utc(10000, 1, 1)), WindowError::until_out_of_range);
	EXPECT_EQ(check(usecs(kHour), days(1), utc(1, 1, 1, 23)), WindowError::none);
	EXPECT_EQ(check(usecs(kHour), days(1), utc(1, 1, 1, 22)), WindowError::until_out_of_range);
	EXPECT_EQ(check(usecs(kHour), days(1), utc(0, 12, 31, 23)), WindowError::until_out_of_range);
	EXPECT_EQ(window(usecs(kHour), days(1), utc(1, 1, 1, 23)).start, utc(1, 1, 1));
}

TEST(TimelineWindow, TheFirstBrokenRuleIsReported)
{
	EXPECT_EQ(check(months(1), months(1), INT64_MAX), WindowError::bucket_has_months);
	EXPECT_EQ(check(usecs(7 * kMinute), months(1), INT64_MAX), WindowError::bucket_not_day_divisor);
	EXPECT_EQ(check(usecs(kHour), months(1), INT64_MAX), WindowError::span_has_months);
	EXPECT_EQ(check(usecs(kMinute), days(2), INT64_MAX), WindowError::too_many_buckets);
}
