/*
 * call_json.hpp
 *		The JSON documents of callboard, piece by piece.
 *
 * The full document is written as rows arrive, already sorted by category:
 *
 *   document_start()
 *   for each call: advance_to_category() or call_separator(); call()
 *   advance_to_category(kCategoryCount); document_end(counts)
 *
 * Every writer is a template over an output policy (json_output.hpp) and
 * emits only through it, so the room each piece needs is measured by the
 * code that writes it.  A writer that can meet a value the format cannot
 * show returns false; the others cannot fail.  A writer must write the same
 * thing each time it runs on the same values: it is run once to measure and
 * once to write.
 *
 * Key order and spelling are docs/sql-api.md's (The document); nothing here knows
 * PostgreSQL.
 */
#ifndef CALLBOARD_CALL_JSON_HPP
#define CALLBOARD_CALL_JSON_HPP

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <type_traits>

#include "call_category.hpp"
#include "page_cursor.hpp"
#include "text_field.hpp"

namespace callboard {

/* A timestamptz column. */
struct TimestampField
{
	bool		isnull;
	std::int64_t pg_usecs;
};

/* One row, as the query returns it; uuids are nullptr when NULL. */
struct CallFields
{
	const unsigned char *call_id;
	TextField	call_sid;
	TextField	to_number;
	TextField	customer_name;
	TextField	status;
	const unsigned char *agent_id;
	TextField	agent_name;
	TimestampField created_at;
	TimestampField started_at;
	bool		duration_isnull;
	std::int64_t duration;
};

/* Held while PostgreSQL is called (detoasting, errors), which may longjmp. */
static_assert(std::is_trivially_destructible<CallFields>::value,
			  "a CallFields must not need a destructor");

namespace detail {

template <typename Out>
void
write_text(Out &out, const TextField &field) noexcept
{
	if (field.data == nullptr)
		out.literal("null");
	else
		out.string(field.data, field.len);
}

template <typename Out>
void
write_uuid_or_null(Out &out, const unsigned char *uuid) noexcept
{
	if (uuid == nullptr)
		out.literal("null");
	else
		out.uuid(uuid);
}

template <typename Out>
bool
write_timestamp(Out &out, const TimestampField &field) noexcept
{
	if (field.isnull)
	{
		out.literal("null");
		return true;
	}
	return out.timestamp(field.pg_usecs);
}

template <typename Out>
void
write_name(Out &out, Category category) noexcept
{
	const char *name = category_name(category);

	out.raw(name, std::strlen(name));
}

/* "summary":{"total_pending":N,...} */
template <typename Out>
void
write_summary(Out &out, const std::int64_t counts[kCategoryCount]) noexcept
{
	out.literal("\"summary\":{\"total_pending\":");
	out.int64(counts[0]);
	out.literal(",\"total_active\":");
	out.int64(counts[1]);
	out.literal(",\"total_completed\":");
	out.int64(counts[2]);
	out.literal(",\"total_failed\":");
	out.int64(counts[3]);
	out.literal("}");
}

}								/* namespace detail */

/*
 * {"call_id":...,"duration":...}.  False, having written part of the object,
 * when a timestamp is outside what the format can show; then *bad_column
 * names the column.
 */
template <typename Out>
bool
write_call(Out &out, const CallFields &call, const char **bad_column) noexcept
{
	out.literal("{\"call_id\":");
	detail::write_uuid_or_null(out, call.call_id);
	out.literal(",\"call_sid\":");
	detail::write_text(out, call.call_sid);
	out.literal(",\"to_number\":");
	detail::write_text(out, call.to_number);
	out.literal(",\"customer_name\":");
	detail::write_text(out, call.customer_name);
	out.literal(",\"status\":");
	detail::write_text(out, call.status);
	if (call.agent_id == nullptr)
		out.literal(",\"agent\":{\"id\":null,\"name\":\"No Agent\"}");
	else
	{
		out.literal(",\"agent\":{\"id\":");
		out.uuid(call.agent_id);
		out.literal(",\"name\":");
		detail::write_text(out, call.agent_name);
		out.literal("}");
	}
	out.literal(",\"created_at\":");
	if (!detail::write_timestamp(out, call.created_at))
	{
		*bad_column = "created_at";
		return false;
	}
	out.literal(",\"started_at\":");
	if (!detail::write_timestamp(out, call.started_at))
	{
		*bad_column = "started_at";
		return false;
	}
	out.literal(",\"duration\":");
	if (call.duration_isnull)
		out.literal("null");
	else
		out.int64(call.duration);
	out.literal("}");
	return true;
}

template <typename Out>
void
write_document_start(Out &out) noexcept
{
	out.literal("{\"success\":true,\"calls\":{");
}

/*
 * Closes the lists before `next` and opens `next` (when it is a category),
 * writing the empty lists in between.  `open` is the category whose list is
 * open, or -1 before the first.
 */
template <typename Out>
void
write_advance_to_category(Out &out, int open, int next) noexcept
{
	for (int category = open; category < next; category++)
	{
		if (category >= 0)
			out.literal("]");
		if (category + 1 < kCategoryCount)
		{
			if (category + 1 > 0)
				out.literal(",");
			out.literal("\"");
			detail::write_name(out, static_cast<Category>(category + 1));
			out.literal("\":[");
		}
	}
}

/* The separator between two calls of one list. */
template <typename Out>
void
write_call_separator(Out &out) noexcept
{
	out.literal(",");
}

template <typename Out>
void
write_document_end(Out &out, const std::int64_t counts[kCategoryCount]) noexcept
{
	out.literal("},");
	detail::write_summary(out, counts);
	out.literal("}");
}

/* scheduled_outbound_calls_summary(): {"success":true,"summary":{...}} */
template <typename Out>
void
write_summary_document(Out &out, const std::int64_t counts[kCategoryCount]) noexcept
{
	out.literal("{\"success\":true,");
	detail::write_summary(out, counts);
	out.literal("}");
}

/*
 * scheduled_outbound_calls_page(): {"success":true,"category":"...","calls":[
 * then the calls, comma-separated, then ],"next_cursor":"..."} (or null).
 */
template <typename Out>
void
write_page_start(Out &out, Category category) noexcept
{
	out.literal("{\"success\":true,\"category\":\"");
	detail::write_name(out, category);
	out.literal("\",\"calls\":[");
}

/* `cursor`: kPageCursorLen characters, or nullptr for the last page. */
template <typename Out>
void
write_page_end(Out &out, const char *cursor) noexcept
{
	out.literal("],\"next_cursor\":");
	if (cursor == nullptr)
		out.literal("null");
	else
	{
		out.literal("\"");
		out.raw(cursor, kPageCursorLen);
		out.literal("\"");
	}
	out.literal("}");
}

}								/* namespace callboard */

#endif
