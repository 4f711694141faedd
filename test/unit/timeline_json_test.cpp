// The timeline documents, key by key.
#include <gtest/gtest.h>

#include <cstdint>
#include <string>

#include "json_output.hpp"
#include "timeline_json.hpp"

namespace {

constexpr std::int64_t kHour = INT64_C(3600000000);
constexpr std::int64_t k20251024T10 = INT64_C(814615200000000);	// 2025-10-24T10:00:00Z

template <typename Piece>
std::string render(const Piece &piece)
{
	std::string out(callboard::max_len(piece), '\0');
	callboard::Raw raw{&out[0]};
	if (!callboard::run_piece(piece, raw))
		return "<null>";
	out.resize(raw.p - out.data());
	EXPECT_EQ(out.size(), callboard::exact_len(piece));	// Length counts what Raw writes
	return out;
}

callboard::TimelineWindow two_hours()
{
	return {kHour, k20251024T10, k20251024T10 + 2 * kHour, 2};
}

}								// namespace

TEST(TimelineJson, TheTimelineDocument)
{
	callboard::TimelineWindow w = two_hours();
	const std::int64_t counts[2][4] = {{0, 2, 5, 1}, {3, 0, 0, 1234567890123}};
	std::string doc = render([&](auto &out) {
		callboard::write_timeline_document_start(out, nullptr);
		bool ok = callboard::write_timeline_start(out, w);
		for (int b = 0; b < w.buckets; b++)
			ok = ok && callboard::write_timeline_bucket(out, w, b, counts[b]);
		callboard::write_timeline_end(out);
		callboard::write_timeline_document_end(out);
		return ok;
	});
	EXPECT_EQ(doc,
			  "{\"success\":true,\"timeline\":{\"bucket_seconds\":3600,"
			  "\"start\":\"2025-10-24T10:00:00+00:00\",\"end\":\"2025-10-24T12:00:00+00:00\",\"buckets\":["
			  "{\"start\":\"2025-10-24T10:00:00+00:00\",\"pending\":0,\"active\":2,\"completed\":5,\"failed\":1},"
			  "{\"start\":\"2025-10-24T11:00:00+00:00\",\"pending\":3,\"active\":0,\"completed\":0,\"failed\":1234567890123}]}}");
}

TEST(TimelineJson, TheOverviewCarriesTheSummaryFirst)
{
	const std::int64_t summary[4] = {1, 2, 3, 4};
	EXPECT_EQ(render([&](auto &out) { callboard::write_timeline_document_start(out, summary); }),
			  "{\"success\":true,\"summary\":{\"total_pending\":1,\"total_active\":2,\"total_completed\":3,"
			  "\"total_failed\":4},");
}

TEST(TimelineJson, AWindowWithoutBuckets)
{
	callboard::TimelineWindow w = two_hours();
	EXPECT_EQ(render([&](auto &out) {
		bool ok = callboard::write_timeline_start(out, w);
		callboard::write_timeline_end(out);
		return ok;
	}), "\"timeline\":{\"bucket_seconds\":3600,\"start\":\"2025-10-24T10:00:00+00:00\","
		"\"end\":\"2025-10-24T12:00:00+00:00\",\"buckets\":[]}");
}

TEST(TimelineJson, ATimeTheFormatCannotShowFails)
{
	callboard::TimelineWindow w = {kHour, INT64_MAX - kHour, INT64_MAX, 1};
	const std::int64_t counts[4] = {0, 0, 0, 0};
	EXPECT_EQ(render([&](auto &out) { return callboard::write_timeline_start(out, w); }), "<null>");
	EXPECT_EQ(render([&](auto &out) { return callboard::write_timeline_bucket(out, w, 0, counts); }), "<null>");
}
