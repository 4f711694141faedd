// One CALL object and the frame of the document, key by key.
#include <gtest/gtest.h>

#include <cstring>
#include <string>

#include "call_json.hpp"
#include "json_output.hpp"

using callboard::CallFields;

namespace {

const unsigned char kCallId[16] = {0x3f, 0x1c, 0, 0, 0, 0, 0x40, 0, 0x80, 0, 0, 0, 0, 0, 0, 1};
const unsigned char kAgentId[16] = {0xa0, 0, 0, 0, 0, 0, 0x40, 0, 0x80, 0, 0, 0, 0, 0, 0, 2};

callboard::TextField text(const char *s)
{
	return {s, s ? std::strlen(s) : 0};
}

CallFields example_call()
{
	CallFields call;
	call.call_id = kCallId;
	call.call_sid = text("CA123");
	call.to_number = text("+15551234567");
	call.customer_name = text("John Doe");
	call.status = text("initiated");
	call.agent_id = kAgentId;
	call.agent_name = text("Sales Agent");
	call.created_at = {false, INT64_C(814615200000000)};	// 2025-10-24T10:00:00Z
	call.started_at = {true, 0};
	call.duration_isnull = false;
	call.duration = 0;
	return call;
}

// Writes a piece into exactly its MaxLen of room; "<null>" when it fails.
template <typename Piece>
std::string render(const Piece &piece)
{
	std::string out(callboard::max_len(piece), '\0');
	callboard::Raw raw{&out[0]};
	if (!callboard::run_piece(piece, raw))
		return "<null>";
	EXPECT_LE(static_cast<std::size_t>(raw.p - out.data()), out.size());
	out.resize(raw.p - out.data());
	return out;
}

std::string render(const CallFields &call, const char **bad = nullptr)
{
	const char *ignored;
	return render([&](auto &out) { return callboard::write_call(out, call, bad ? bad : &ignored); });
}

std::string advance(int open, int next)
{
	return render([&](auto &out) { callboard::write_advance_to_category(out, open, next); });
}

}  // namespace

TEST(CallJson, ContractExample)
{
	EXPECT_EQ(render(example_call()),
			  "{\"call_id\":\"3f1c0000-0000-4000-8000-000000000001\",\"call_sid\":\"CA123\","
			  "\"to_number\":\"+15551234567\",\"customer_name\":\"John Doe\",\"status\":\"initiated\","
			  "\"agent\":{\"id\":\"a0000000-0000-4000-8000-000000000002\",\"name\":\"Sales Agent\"},"
			  "\"created_at\":\"2025-10-24T10:00:00+00:00\",\"started_at\":null,\"duration\":0}");
}

TEST(CallJson, NoAgent)
{
	CallFields call = example_call();
	call.agent_id = nullptr;
	call.agent_name = text(nullptr);
	EXPECT_NE(render(call).find(",\"agent\":{\"id\":null,\"name\":\"No Agent\"},"), std::string::npos);
}

TEST(CallJson, EveryNullIsNull)
{
	CallFields call;
	call.call_id = nullptr;
	call.call_sid = call.to_number = call.customer_name = call.status = text(nullptr);
	call.agent_id = kAgentId;
	call.agent_name = text(nullptr);
	call.created_at = call.started_at = {true, 0};
	call.duration_isnull = true;
	call.duration = 0;
	EXPECT_EQ(render(call),
			  "{\"call_id\":null,\"call_sid\":null,\"to_number\":null,\"customer_name\":null,"
			  "\"status\":null,\"agent\":{\"id\":\"a0000000-0000-4000-8000-000000000002\",\"name\":null},"
			  "\"created_at\":null,\"started_at\":null,\"duration\":null}");
}

TEST(CallJson, UnprintableTimestampNamesTheColumn)
{
	CallFields call = example_call();
	const char *bad = nullptr;
	call.started_at = {false, INT64_MAX};
	EXPECT_EQ(render(call, &bad), "<null>");
	EXPECT_STREQ(bad, "started_at");
	call = example_call();
	call.created_at = {false, INT64_MIN};
	EXPECT_EQ(render(call, &bad), "<null>");
	EXPECT_STREQ(bad, "created_at");
}

TEST(DocumentFrame, EmptyDocument)
{
	const std::int64_t counts[4] = {0, 0, 0, 0};
	EXPECT_EQ(render([&](auto &out) {
				  callboard::write_document_start(out);
				  callboard::write_advance_to_category(out, -1, callboard::kCategoryCount);
				  callboard::write_document_end(out, counts);
			  }),
			  "{\"success\":true,\"calls\":{\"pending\":[],\"active\":[],\"completed\":[],\"failed\":[]},"
			  "\"summary\":{\"total_pending\":0,\"total_active\":0,\"total_completed\":0,\"total_failed\":0}}");
}

TEST(DocumentFrame, AdvanceOpensAndClosesLists)
{
	EXPECT_EQ(advance(-1, 0), "\"pending\":[");
	EXPECT_EQ(advance(-1, 2), "\"pending\":[],\"active\":[],\"completed\":[");
	EXPECT_EQ(advance(0, 1), "],\"active\":[");
	EXPECT_EQ(advance(1, 3), "],\"completed\":[],\"failed\":[");
	EXPECT_EQ(advance(3, 4), "]");
	EXPECT_EQ(advance(-1, 4), "\"pending\":[],\"active\":[],\"completed\":[],\"failed\":[]");
}

TEST(DocumentFrame, SummaryInOrder)
{
	const std::int64_t counts[4] = {5, 2, INT64_MAX, 3};
	EXPECT_EQ(render([&](auto &out) { callboard::write_document_end(out, counts); }),
			  "},\"summary\":{\"total_pending\":5,\"total_active\":2,"
			  "\"total_completed\":9223372036854775807,\"total_failed\":3}}");
}

TEST(DocumentFrame, SummaryDocument)
{
	const std::int64_t counts[4] = {1, 0, 22, 333};
	EXPECT_EQ(render([&](auto &out) { callboard::write_summary_document(out, counts); }),
			  "{\"success\":true,\"summary\":{\"total_pending\":1,\"total_active\":0,"
			  "\"total_completed\":22,\"total_failed\":333}}");
}

TEST(DocumentFrame, PageFrame)
{
	EXPECT_EQ(render([](auto &out) {
				  callboard::write_page_start(out, callboard::Category::completed);
				  callboard::write_page_end(out, nullptr);
			  }),
			  "{\"success\":true,\"category\":\"completed\",\"calls\":[],\"next_cursor\":null}");
	std::string cursor(52, 'a');
	EXPECT_EQ(render([&](auto &out) {
				  callboard::write_page_start(out, callboard::Category::pending);
				  callboard::write_page_end(out, cursor.c_str());
			  }),
			  "{\"success\":true,\"category\":\"pending\",\"calls\":[],\"next_cursor\":\"" + cursor + "\"}");
}
