/*
 * call_json.cpp
 *		One CALL object, and the frame of lists and summary around the calls.
 */
#include "call_json.hpp"

#include "json_format.hpp"
#include "page_cursor.hpp"

#include "cpp_only.hpp"

namespace callboard {

namespace {

std::size_t
text_max_len(const TextField &field) noexcept
{
	return field.data == nullptr ? 4 : json_string_max_len(field.len);
}

char *
write_text(char *out, const TextField &field) noexcept
{
	if (field.data == nullptr)
		return write_literal(out, "null");
	return write_json_string(out, field.data, field.len);
}

char *
write_uuid_or_null(char *out, const unsigned char *uuid) noexcept
{
	if (uuid == nullptr)
		return write_literal(out, "null");
	return write_json_uuid(out, uuid);
}

char *
write_timestamp(char *out, const TimestampField &field) noexcept
{
	if (field.isnull)
		return write_literal(out, "null");
	return write_json_timestamp(out, field.pg_usecs);
}

char *
write_name(char *out, Category category) noexcept
{
	for (const char *name = category_name(category); *name; name++)
		*out++ = *name;
	return out;
}

/* "summary":{"total_pending":N,...} */
char *
write_summary(char *out, const std::int64_t counts[kCategoryCount]) noexcept
{
	out = write_literal(out, "\"summary\":{\"total_pending\":");
	out = write_json_int(out, counts[0]);
	out = write_literal(out, ",\"total_active\":");
	out = write_json_int(out, counts[1]);
	out = write_literal(out, ",\"total_completed\":");
	out = write_json_int(out, counts[2]);
	out = write_literal(out, ",\"total_failed\":");
	out = write_json_int(out, counts[3]);
	*out++ = '}';
	return out;
}

/* Every key, brace, colon and comma of one CALL object. */
constexpr std::size_t kCallSkeletonLen =
	sizeof("{\"call_id\":,\"call_sid\":,\"to_number\":,\"customer_name\":,"
		   "\"status\":,\"agent\":{\"id\":,\"name\":\"No Agent\"},"
		   "\"created_at\":,\"started_at\":,\"duration\":}");

}								/* namespace */

std::size_t
call_max_len(const CallFields &call) noexcept
{
	return kCallSkeletonLen
		+ 2 * kUuidJsonLen
		+ text_max_len(call.call_sid)
		+ text_max_len(call.to_number)
		+ text_max_len(call.customer_name)
		+ text_max_len(call.status)
		+ text_max_len(call.agent_name)
		+ 2 * kTimestampJsonMaxLen
		+ kIntJsonMaxLen;
}

char *
write_call(char *out, const CallFields &call, const char **bad_column) noexcept
{
	out = write_literal(out, "{\"call_id\":");
	out = write_uuid_or_null(out, call.call_id);
	out = write_literal(out, ",\"call_sid\":");
	out = write_text(out, call.call_sid);
	out = write_literal(out, ",\"to_number\":");
	out = write_text(out, call.to_number);
	out = write_literal(out, ",\"customer_name\":");
	out = write_text(out, call.customer_name);
	out = write_literal(out, ",\"status\":");
	out = write_text(out, call.status);
	if (call.agent_id == nullptr)
		out = write_literal(out, ",\"agent\":{\"id\":null,\"name\":\"No Agent\"}");
	else
	{
		out = write_literal(out, ",\"agent\":{\"id\":");
		out = write_json_uuid(out, call.agent_id);
		out = write_literal(out, ",\"name\":");
		out = write_text(out, call.agent_name);
		*out++ = '}';
	}
	out = write_literal(out, ",\"created_at\":");
	out = write_timestamp(out, call.created_at);
	if (out == nullptr)
	{
		*bad_column = "created_at";
		return nullptr;
	}
	out = write_literal(out, ",\"started_at\":");
	out = write_timestamp(out, call.started_at);
	if (out == nullptr)
	{
		*bad_column = "started_at";
		return nullptr;
	}
	out = write_literal(out, ",\"duration\":");
	if (call.duration_isnull)
		out = write_literal(out, "null");
	else
		out = write_json_int(out, call.duration);
	*out++ = '}';
	return out;
}

char *
write_document_start(char *out) noexcept
{
	return write_literal(out, "{\"success\":true,\"calls\":{");
}

char *
write_advance_to_category(char *out, int open, int next) noexcept
{
	for (int category = open; category < next; category++)
	{
		if (category >= 0)
			*out++ = ']';
		if (category + 1 < kCategoryCount)
		{
			if (category + 1 > 0)
				*out++ = ',';
			*out++ = '"';
			out = write_name(out, static_cast<Category>(category + 1));
			out = write_literal(out, "\":[");
		}
	}
	return out;
}

char *
write_document_end(char *out, const std::int64_t counts[kCategoryCount]) noexcept
{
	out = write_literal(out, "},");
	out = write_summary(out, counts);
	*out++ = '}';
	return out;
}

char *
write_summary_document(char *out, const std::int64_t counts[kCategoryCount]) noexcept
{
	out = write_literal(out, "{\"success\":true,");
	out = write_summary(out, counts);
	*out++ = '}';
	return out;
}

char *
write_page_start(char *out, Category category) noexcept
{
	out = write_literal(out, "{\"success\":true,\"category\":\"");
	out = write_name(out, category);
	return write_literal(out, "\",\"calls\":[");
}

char *
write_page_end(char *out, const char *cursor) noexcept
{
	out = write_literal(out, "],\"next_cursor\":");
	if (cursor == nullptr)
		out = write_literal(out, "null");
	else
	{
		*out++ = '"';
		for (std::size_t i = 0; i < kPageCursorLen; i++)
			*out++ = cursor[i];
		*out++ = '"';
	}
	*out++ = '}';
	return out;
}

}								/* namespace callboard */
