// The functions /rpc serves, their arguments from the three routes, and the SQL built.
#include <gtest/gtest.h>

#include "rpc/call_args.hpp"

using gateway::ApiError;
using gateway::RpcArgs;

namespace {
const gateway::RpcFunction &calls() { return *gateway::find_rpc_function("scheduled_outbound_calls"); }
const gateway::RpcFunction &page() { return *gateway::find_rpc_function("scheduled_outbound_calls_page"); }

RpcArgs ok(const std::variant<RpcArgs, ApiError> &r)
{
	if (auto *e = std::get_if<ApiError>(&r))
		ADD_FAILURE() << e->code << " " << e->message;
	return std::holds_alternative<RpcArgs>(r) ? std::get<RpcArgs>(r) : RpcArgs{};
}

ApiError err(const std::variant<RpcArgs, ApiError> &r)
{
	EXPECT_TRUE(std::holds_alternative<ApiError>(r));
	return std::holds_alternative<ApiError>(r) ? std::get<ApiError>(r) : ApiError{};
}

/* "name=value" per argument given, NULL for null. */
std::string show(const RpcArgs &args)
{
	std::string s;
	for (const auto &a : args)
		s += std::string(s.empty() ? "" : " ") + a.first->name + "=" + (a.second ? *a.second : "NULL");
	return s;
}
}  // namespace

TEST(RpcFunctions, TheFiveCallboardFunctions)
{
	ASSERT_EQ(gateway::rpc_functions().size(), 5u);
	EXPECT_EQ(calls().signature(), "scheduled_outbound_calls(status)");
	EXPECT_EQ(gateway::find_rpc_function("scheduled_outbound_calls_summary")->signature(),
			  "scheduled_outbound_calls_summary()");
	EXPECT_EQ(page().signature(), "scheduled_outbound_calls_page(category, page_size, cursor)");
	EXPECT_EQ(gateway::find_rpc_function("scheduled_outbound_calls_timeline")->signature(),
			  "scheduled_outbound_calls_timeline(bucket, span, until)");
	EXPECT_EQ(gateway::find_rpc_function("scheduled_outbound_calls_overview")->signature(),
			  "scheduled_outbound_calls_overview(bucket, span, until)");
	/* The rows function is for SQL clients; the gateway serves documents. */
	EXPECT_EQ(gateway::find_rpc_function("callboard_call_timeline_rows"), nullptr);
	EXPECT_EQ(gateway::find_rpc_function("pg_sleep"), nullptr);
}

TEST(LegacyArgs, LikeDjangosQueryDict)
{
	EXPECT_EQ(show(gateway::legacy_args({})), "");
	EXPECT_EQ(show(gateway::legacy_args({{"status", "pending"}})), "status=pending");
	EXPECT_EQ(show(gateway::legacy_args({{"status", ""}})), "status=");
	EXPECT_EQ(show(gateway::legacy_args({{"status", "a"}, {"status", "failed"}})), "status=failed");
	EXPECT_EQ(show(gateway::legacy_args({{"page", "2"}, {"status", "failed"}})), "status=failed");
}

TEST(RpcQueryArgs, OnlyTheFunctionsArguments)
{
	EXPECT_EQ(show(ok(gateway::rpc_query_args({}, "api", calls()))), "");
	EXPECT_EQ(show(ok(gateway::rpc_query_args({{"status", "active"}}, "api", calls()))), "status=active");
	ApiError e = err(gateway::rpc_query_args({{"status", "active"}, {"foo", "1"}}, "api", calls()));
	EXPECT_EQ(e.code, "PGRST202");
	EXPECT_EQ(e.status, 404);
	EXPECT_EQ(e.message, "Could not find the function api.scheduled_outbound_calls(foo, status) in the schema cache");
	// Given in any order, passed in the function's.
	EXPECT_EQ(show(ok(gateway::rpc_query_args({{"page_size", "5"}, {"category", "failed"}}, "api", page()))),
			  "category=failed page_size=5");
	// category has no default: without it there is no such function.
	EXPECT_EQ(err(gateway::rpc_query_args({{"page_size", "5"}}, "api", page())).code, "PGRST202");
	EXPECT_EQ(*err(gateway::rpc_query_args({{"size", "5"}}, "api", page())).hint,
			  "Perhaps you meant to call the function api.scheduled_outbound_calls_page(category, page_size, cursor)");
}

TEST(RpcBodyArgs, JsonObjectOfArguments)
{
	EXPECT_EQ(show(ok(gateway::rpc_body_args("", "api", calls()))), "");
	EXPECT_EQ(show(ok(gateway::rpc_body_args("{}", "api", calls()))), "");
	EXPECT_EQ(show(ok(gateway::rpc_body_args(R"({"status":null})", "api", calls()))), "status=NULL");
	EXPECT_EQ(show(ok(gateway::rpc_body_args(R"({"status":"completed"})", "api", calls()))), "status=completed");
	EXPECT_EQ(show(ok(gateway::rpc_body_args(R"({"page_size":7,"category":"active"})", "api", page()))),
			  "category=active page_size=7");
	EXPECT_EQ(err(gateway::rpc_body_args(R"({"stat":"x"})", "api", calls())).code, "PGRST202");
	EXPECT_EQ(err(gateway::rpc_body_args("{oops", "api", calls())).code, "PGRST102");
	EXPECT_EQ(err(gateway::rpc_body_args(R"(["pending"])", "api", calls())).code, "PGRST102");
	EXPECT_EQ(err(gateway::rpc_body_args("{oops", "api", calls())).status, 400);
}

TEST(RpcSql, NamedParametersOnlyForTheArgumentsGiven)
{
	/* The document is called in its chunked form, in the select list, so that it streams. */
	EXPECT_EQ(gateway::rpc_sql("\"api\"", calls(), {}), "SELECT \"api\".scheduled_outbound_calls_chunks()");
	RpcArgs args = ok(gateway::rpc_query_args({{"cursor", "ab"}, {"category", "x';DROP"}}, "api", page()));
	EXPECT_EQ(gateway::rpc_sql("\"api\"", page(), args),
			  "SELECT \"api\".scheduled_outbound_calls_page(category => $1::text, cursor => $2::text)");
	auto values = gateway::rpc_values(args);
	ASSERT_EQ(values.size(), 2u);
	EXPECT_EQ(*values[0], "x';DROP");
	EXPECT_EQ(*values[1], "ab");

	/* The timeline's arguments are cast to interval and timestamptz, in its order. */
	const gateway::RpcFunction &timeline = *gateway::find_rpc_function("scheduled_outbound_calls_timeline");
	RpcArgs window = ok(gateway::rpc_query_args({{"until", "2025-10-24T10:00:00Z"}, {"bucket", "PT15M"}}, "api", timeline));
	EXPECT_EQ(gateway::rpc_sql("\"api\"", timeline, window),
			  "SELECT \"api\".scheduled_outbound_calls_timeline(bucket => $1::interval, until => $2::timestamptz)");
}

// No body is no arguments, as {} is: a function with a required argument is
// then PGRST202, not a call that PostgreSQL refuses (found by fuzzing).
TEST(RpcBodyArgs, NoBodyIsAnEmptyObject)
{
	for (const char *body : {"", " \r\n\t", "{}"})
	{
		ApiError e = err(gateway::rpc_body_args(body, "api", page()));
		EXPECT_EQ(e.code, "PGRST202") << body;
		EXPECT_EQ(e.message, "Could not find the function api.scheduled_outbound_calls_page without parameters in the schema cache")
			<< body;
		EXPECT_EQ(show(ok(gateway::rpc_body_args(body, "api", calls()))), "");
	}
}

// nlohmann/json stops reading at a NUL byte; JSON text never holds one, so
// a body with one is invalid, whatever precedes it (found by fuzzing).
TEST(RpcBodyArgs, NulByteIsInvalidJson)
{
	for (std::string body : {std::string("{}\0garbage", 10), std::string("{\"status\":\"failed\"}\0", 21),
							 std::string("\0", 1), std::string("0\0[[[", 5)})
	{
		ApiError e = err(gateway::rpc_body_args(body, "api", calls()));
		EXPECT_EQ(e.code, "PGRST102");
		EXPECT_EQ(e.message, "Empty or invalid json");
	}
}


// Which categories a document can show: a change elsewhere need not read it again.
TEST(RpcCategories, OneWhenTheCallNamesOne)
{
	using callboard::Category;
	using callboard::category_bit;
	using gateway::rpc_categories;
	const gateway::RpcFunction &calls = *gateway::find_rpc_function("scheduled_outbound_calls");
	const gateway::RpcFunction &page = *gateway::find_rpc_function("scheduled_outbound_calls_page");
	const gateway::RpcFunction &summary = *gateway::find_rpc_function("scheduled_outbound_calls_summary");
	auto args = [](const gateway::RpcFunction &f, std::optional<std::string> value) {
		return RpcArgs{{&f.params[0], std::move(value)}};
	};

	EXPECT_EQ(rpc_categories(calls, args(calls, "pending")), category_bit(Category::pending));
	EXPECT_EQ(rpc_categories(calls, args(calls, "in_progress")), category_bit(Category::active));
	EXPECT_EQ(rpc_categories(calls, args(calls, "active")), category_bit(Category::active));
	EXPECT_EQ(rpc_categories(page, args(page, "failed")), category_bit(Category::failed));
	EXPECT_EQ(rpc_categories(page, args(page, "completed")), category_bit(Category::completed));
	// Every category: no filter, an empty or NULL one, one the function refuses, no category parameter.
	EXPECT_EQ(rpc_categories(calls, {}), callboard::kAllCategories);
	EXPECT_EQ(rpc_categories(calls, args(calls, "")), callboard::kAllCategories);
	EXPECT_EQ(rpc_categories(calls, args(calls, std::nullopt)), callboard::kAllCategories);
	EXPECT_EQ(rpc_categories(calls, args(calls, "Pending")), callboard::kAllCategories);
	EXPECT_EQ(rpc_categories(page, args(page, "everything")), callboard::kAllCategories);
	EXPECT_EQ(rpc_categories(summary, {}), callboard::kAllCategories);
	// The legacy path's status is the same parameter.
	EXPECT_EQ(rpc_categories(gateway::legacy_function(), gateway::legacy_args({{"status", "completed"}})),
			  category_bit(Category::completed));
}
