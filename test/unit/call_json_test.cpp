// One CALL object and the frame of the document, key by key.
#include <gtest/gtest.h>

#include <cstring>
#include <string>

#include "call_json.hpp"

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

std::string render(const CallFields &call, const char **bad = nullptr)
{
	const char *ignored;
	std::string out(callboard::call_max_len(call), '\0');
	char *end = callboard::write_call(&out[0], call, bad ? bad : &ignored);
	if (end == nullptr)
		return "<null>";
	EXPECT_LE(static_cast<std::size_t>(end - out.data()), callboard::call_max_len(call));
	out.resize(end - out.data());
	return out;
}

std::string advance(int open, int next)
{
	char buf[callboard::kAdvanceMaxLen];
	return std::string(buf, callboard::write_advance_to_category(buf, open, next));
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

TEST(CallJson, BoundHoldsForWorstCaseText)
{
	std::string controls(200, '\x1f');
	CallFields call = example_call();
	call.call_sid = call.to_number = call.customer_name = call.status = call.agent_name =
		text(controls.c_str());
	call.started_at = {false, -1};
	call.duration = INT64_MIN;
	render(call);	// asserts the length bound
}

TEST(DocumentFrame, EmptyDocument)
{
	char buf[512];
	char *out = callboard::write_document_start(buf);
	out = callboard::write_advance_to_category(out, -1, callboard::kCategoryCount);
	const std::int64_t counts[4] = {0, 0, 0, 0};
	out = callboard::write_document_end(out, counts);
	EXPECT_EQ(std::string(buf, out),
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
	char buf[callboard::kDocumentEndMaxLen];
	const std::int64_t counts[4] = {5, 2, INT64_MAX, 3};
	char *end = callboard::write_document_end(buf, counts);
	EXPECT_EQ(std::string(buf, end),
			  "},\"summary\":{\"total_pending\":5,\"total_active\":2,"
			  "\"total_completed\":9223372036854775807,\"total_failed\":3}}");
}

TEST(DocumentFrame, SummaryDocument)
{
	char buf[callboard::kSummaryDocumentMaxLen];
	const std::int64_t counts[4] = {1, 0, 22, 333};
	char *end = callboard::write_summary_document(buf, counts);
	EXPECT_EQ(std::string(buf, end),
			  "{\"success\":true,\"summary\":{\"total_pending\":1,\"total_active\":0,"
			  "\"total_completed\":22,\"total_failed\":333}}");
}

TEST(DocumentFrame, PageFrame)
{
	char buf[256];
	char *out = callboard::write_page_start(buf, callboard::Category::completed);
	out = callboard::write_page_end(out, nullptr);
	EXPECT_EQ(std::string(buf, out),
			  "{\"success\":true,\"category\":\"completed\",\"calls\":[],\"next_cursor\":null}");
	std::string cursor(52, 'a');
	out = callboard::write_page_start(buf, callboard::Category::pending);
	out = callboard::write_page_end(out, cursor.c_str());
	EXPECT_EQ(std::string(buf, out),
			  "{\"success\":true,\"category\":\"pending\",\"calls\":[],\"next_cursor\":\"" + cursor + "\"}");
}
