/*
 * timeline_json.hpp
 *		The JSON of the timeline documents, piece by piece (as call_json.hpp).
 *
 *   scheduled_outbound_calls_timeline():
 *     {"success":true,"timeline":TIMELINE}
 *   scheduled_outbound_calls_overview():
 *     {"success":true,"summary":{"total_pending":N,...},"timeline":TIMELINE}
 *
 * TIMELINE is
 *     {"bucket_seconds":3600,"start":"…","end":"…","buckets":[
 *       {"start":"…","pending":0,"active":2,"completed":5,"failed":1},...]}
 * with every bucket of the window, in order, zeros included.
 *
 * Written as: document_start(), timeline_start(), each bucket(),
 * timeline_end(), document_end().  A bucket's counts are in category order.
 */
#ifndef CALLBOARD_TIMELINE_JSON_HPP
#define CALLBOARD_TIMELINE_JSON_HPP

#include <cstdint>

#include "call_json.hpp"
#include "timeline_window.hpp"

namespace callboard {

/* {"success":true,  then, for the overview, "summary":{...}, */
template <typename Out>
void
write_timeline_document_start(Out &out, const std::int64_t *summary_counts) noexcept
{
	out.literal("{\"success\":true,");
	if (summary_counts != nullptr)
	{
		detail::write_summary(out, summary_counts);
		out.literal(",");
	}
}

/* "timeline":{"bucket_seconds":N,"start":"…","end":"…","buckets":[ ; false if a time cannot be shown */
template <typename Out>
bool
write_timeline_start(Out &out, const TimelineWindow &window) noexcept
{
	out.literal("\"timeline\":{\"bucket_seconds\":");
	out.int64(window.bucket_usecs / 1000000);
	out.literal(",\"start\":");
	if (!out.timestamp(window.start))
		return false;
	out.literal(",\"end\":");
	if (!out.timestamp(window.end))
		return false;
	out.literal(",\"buckets\":[");
	return true;
}

/* Bucket `index` of the window, with its counts per category; false if its start cannot be shown. */
template <typename Out>
bool
write_timeline_bucket(Out &out, const TimelineWindow &window, int index,
					  const std::int64_t counts[kCategoryCount]) noexcept
{
	if (index > 0)
		out.literal(",");
	out.literal("{\"start\":");
	if (!out.timestamp(window.start + index * window.bucket_usecs))
		return false;
	for (int category = 0; category < kCategoryCount; category++)
	{
		out.literal(",\"");
		detail::write_name(out, static_cast<Category>(category));
		out.literal("\":");
		out.int64(counts[category]);
	}
	out.literal("}");
	return true;
}

/* Closes the buckets and the timeline. */
template <typename Out>
void
write_timeline_end(Out &out) noexcept
{
	out.literal("]}");
}

/* Closes the document. */
template <typename Out>
void
write_timeline_document_end(Out &out) noexcept
{
	out.literal("}");
}

}								/* namespace callboard */

#endif
