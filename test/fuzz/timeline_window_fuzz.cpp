/*
 * timeline_window_fuzz.cpp
 *		The timeline's window from any arguments, and its end as the gateway
 *		reads it back from the document.
 *
 * Input: when it holds 40 bytes or more, an interval for the bucket, one
 * for the span (8 bytes of time, 4 of days, 4 of months each) and `until`
 * (8 bytes); make_timeline_window() must then either refuse them or give a
 * window that keeps every rule.  The input is also text for
 * parse_utc_timestamp(): what it reads, callboard writes back the same.
 */
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include "fuzz_check.hpp"
#include "json_format.hpp"
#include "live/document_expiry.hpp"
#include "timeline_window.hpp"

using namespace callboard;

namespace {

/* PostgreSQL's epoch, 2000-01-01, in Unix microseconds. */
constexpr std::int64_t kPgEpochUnixUsecs = INT64_C(946684800000000);

template <typename T>
T take(const std::uint8_t *&p)
{
	T			value;
	std::memcpy(&value, p, sizeof value);
	p += sizeof value;
	return value;
}

/* The time as callboard prints it, without the quotes. */
std::string print(std::int64_t pg_usecs)
{
	char		buffer[kTimestampJsonMaxLen];
	char	   *end = write_json_timestamp(buffer, pg_usecs);
	FUZZ_CHECK(end != nullptr);
	return std::string(buffer + 1, end - 1);
}

/* What the gateway makes of a PostgreSQL time, within the system clock's range. */
bool in_clock_range(std::int64_t pg_usecs)
{
	using namespace std::chrono;
	auto		t = sys_time<microseconds>{microseconds{pg_usecs + kPgEpochUnixUsecs}};
	return t > ceil<microseconds>(gateway::SystemTime::min()) && t < floor<microseconds>(gateway::SystemTime::max());
}

std::int64_t unix_usecs(gateway::SystemTime t)
{
	return std::chrono::duration_cast<std::chrono::microseconds>(t.time_since_epoch()).count();
}

}								/* namespace */

extern "C" int
LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
	if (size >= 40)
	{
		const std::uint8_t *p = data;
		IntervalFields bucket{take<std::int64_t>(p), take<std::int32_t>(p), take<std::int32_t>(p)};
		IntervalFields span{take<std::int64_t>(p), take<std::int32_t>(p), take<std::int32_t>(p)};
		std::int64_t until = take<std::int64_t>(p);
		TimelineWindow w;

		if (make_timeline_window(bucket, span, until, &w) == WindowError::none)
		{
			FUZZ_CHECK(w.bucket_usecs >= kMinBucketUsecs && w.bucket_usecs <= kMaxBucketUsecs);
			FUZZ_CHECK(w.bucket_usecs % kUsecsPerMinute == 0 && kUsecsPerDay % w.bucket_usecs == 0);
			FUZZ_CHECK(w.buckets >= 1 && w.buckets <= kMaxBuckets);
			FUZZ_CHECK(w.end - w.start == w.buckets * w.bucket_usecs && w.end - w.start <= kMaxSpanUsecs);
			/* Aligned to UTC midnight, and the last bucket holds until. */
			FUZZ_CHECK(((w.end % kUsecsPerDay) + kUsecsPerDay) % w.bucket_usecs == 0);
			FUZZ_CHECK(w.end - w.bucket_usecs <= until && until < w.end);
			FUZZ_CHECK(timeline_bucket_of(w, until) == w.buckets - 1);
			FUZZ_CHECK(timeline_bucket_of(w, w.start) == 0 && timeline_bucket_of(w, w.end) == -1);
			FUZZ_CHECK(timeline_bucket_of(w, w.start - 1) == -1);
			/* The gateway reads the end the document prints as the same instant. */
			std::string end = print(w.end);
			auto		read = gateway::parse_utc_timestamp(end);
			FUZZ_CHECK(read.has_value());
			if (in_clock_range(w.end))
				FUZZ_CHECK(unix_usecs(*read) == w.end + kPgEpochUnixUsecs);
		}
	}

	/* Text: whatever parses is a time callboard prints the same way. */
	std::vector<char> bytes(data, data + size);
	std::string_view text(bytes.data(), bytes.size());
	if (auto t = gateway::parse_utc_timestamp(text))
	{
		FUZZ_CHECK(size == 25 || size == 32);
		if (*t != gateway::SystemTime::min() && *t != gateway::SystemTime::max())
		{
			std::int64_t pg = unix_usecs(*t) - kPgEpochUnixUsecs;
			std::string again = print(pg);
			/* A fraction of .000000 is printed without one. */
			FUZZ_CHECK(again == text || (size == 32 && text.substr(19, 7) == ".000000" &&
										 again == std::string(text.substr(0, 19)) + "+00:00"));
		}
	}
	return 0;
}
