// When a clock-bound document stops being current: callboard's timestamps read back exactly.
#include <gtest/gtest.h>

#include <chrono>

#include "live/document_expiry.hpp"
#include "rpc/call_args.hpp"

using namespace std::chrono;
using gateway::parse_utc_timestamp;
using gateway::SystemTime;

TEST(ParseUtcTimestamp, CallboardsTwoForms)
{
	auto t = parse_utc_timestamp("2025-10-24T10:00:00+00:00");
	ASSERT_TRUE(t);
	EXPECT_EQ(duration_cast<seconds>(t->time_since_epoch()).count(), 1761300000);
	auto f = parse_utc_timestamp("2025-10-24T10:00:00.123400+00:00");
	ASSERT_TRUE(f);
	EXPECT_EQ(duration_cast<microseconds>(*f - *t).count(), 123400);
	EXPECT_EQ(*parse_utc_timestamp("1970-01-01T00:00:00+00:00"), SystemTime{});
	EXPECT_EQ(*parse_utc_timestamp("2024-02-29T23:59:59.999999+00:00") + microseconds{1},
			  *parse_utc_timestamp("2024-03-01T00:00:00+00:00"));
}

TEST(ParseUtcTimestamp, AnythingElseIsRefused)
{
	for (const char *bad : {"", "2025-10-24", "2025-10-24T10:00:00Z", "2025-10-24T10:00:00+01:00",
							"2025-10-24 10:00:00+00:00", "2025-10-24T10:00:00.1234+00:00",
							"2025-13-01T00:00:00+00:00", "2025-02-29T00:00:00+00:00", "2025-10-24T24:00:00+00:00",
							"2025-10-24T10:60:00+00:00", "2025-10-24T10:00:60+00:00", "0000-01-01T00:00:00+00:00",
							"+025-10-24T10:00:00+00:00", "2025-1a-24T10:00:00+00:00", "2025-10-24T10:00:00,123400+00:00",
							"2025-10-24T10:00:00+00:00 ", "2025-10-24T10:00:00.-12340+00:00"})
		EXPECT_FALSE(parse_utc_timestamp(bad)) << bad;
}

TEST(ParseUtcTimestamp, YearsTheClockCannotHoldAreItsEnds)
{
	// The system clock's nanoseconds hold 1678 to 2261: beyond, its ends, never a wrapped value.
	EXPECT_EQ(*parse_utc_timestamp("9999-12-31T23:59:59.999999+00:00"), SystemTime::max());
	EXPECT_EQ(*parse_utc_timestamp("0001-01-01T00:00:00+00:00"), SystemTime::min());
	EXPECT_LT(*parse_utc_timestamp("2261-01-01T00:00:00+00:00"), SystemTime::max());
}

TEST(DocumentExpiry, TheTimelinesEnd)
{
	const char *doc = R"({"success":true,"timeline":{"bucket_seconds":3600,"start":"2025-10-23T11:00:00+00:00",)"
					  R"("end":"2025-10-24T11:00:00+00:00","buckets":[]}})";
	EXPECT_EQ(gateway::document_expiry("/timeline/end", doc), *parse_utc_timestamp("2025-10-24T11:00:00+00:00"));
}

TEST(DocumentExpiry, ADocumentWithoutOneIsAlreadyOld)
{
	for (const char *doc : {"", "null", "{", "[]", "{\"timeline\":[1,2]}", "{\"timeline\":\"x\"}",
							"{\"timeline\":{\"end\":null}}", "{\"timeline\":{\"end\":\"tomorrow\"}}",
							"{\"timeline\":{\"end\":1761300000}}"})
		EXPECT_EQ(gateway::document_expiry("/timeline/end", doc), SystemTime::min()) << doc;
}

TEST(DocumentExpiry, TheClockBoundFunctionsNameTheirEnd)
{
	for (const char *name : {"scheduled_outbound_calls_timeline", "scheduled_outbound_calls_overview"})
	{
		const gateway::RpcFunction *f = gateway::find_rpc_function(name);
		ASSERT_NE(f, nullptr) << name;
		ASSERT_NE(f->expires_at, nullptr) << name;
		EXPECT_STREQ(f->expires_at, "/timeline/end");
	}
	for (const char *name : {"scheduled_outbound_calls", "scheduled_outbound_calls_summary", "scheduled_outbound_calls_page"})
		EXPECT_EQ(gateway::find_rpc_function(name)->expires_at, nullptr) << name;
}
