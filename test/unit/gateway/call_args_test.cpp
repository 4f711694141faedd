// The status argument from the three routes.
#include <gtest/gtest.h>

#include "call_args.hpp"

using gateway::ApiError;
using gateway::CallArgs;

namespace {
const gateway::FunctionName kFn{"api", "scheduled_outbound_calls"};

CallArgs ok(const std::variant<CallArgs, ApiError> &r)
{
	if (auto *e = std::get_if<ApiError>(&r))
		ADD_FAILURE() << e->code << " " << e->message;
	return std::holds_alternative<CallArgs>(r) ? std::get<CallArgs>(r) : CallArgs{};
}

ApiError err(const std::variant<CallArgs, ApiError> &r)
{
	EXPECT_TRUE(std::holds_alternative<ApiError>(r));
	return std::holds_alternative<ApiError>(r) ? std::get<ApiError>(r) : ApiError{};
}
}  // namespace

TEST(LegacyArgs, LikeDjangosQueryDict)
{
	EXPECT_FALSE(gateway::legacy_args({}).status.has_value());
	EXPECT_EQ(*gateway::legacy_args({{"status", "pending"}}).status, "pending");
	EXPECT_EQ(*gateway::legacy_args({{"status", ""}}).status, "");
	EXPECT_EQ(*gateway::legacy_args({{"status", "a"}, {"status", "failed"}}).status, "failed");
	EXPECT_EQ(*gateway::legacy_args({{"page", "2"}, {"status", "failed"}}).status, "failed");
}

TEST(RpcQueryArgs, OnlyTheFunctionsArguments)
{
	EXPECT_FALSE(ok(gateway::rpc_query_args({}, kFn)).status.has_value());
	EXPECT_EQ(*ok(gateway::rpc_query_args({{"status", "active"}}, kFn)).status, "active");
	ApiError e = err(gateway::rpc_query_args({{"status", "active"}, {"foo", "1"}}, kFn));
	EXPECT_EQ(e.code, "PGRST202");
	EXPECT_EQ(e.status, 404);
	EXPECT_EQ(e.message, "Could not find the function api.scheduled_outbound_calls(foo, status) in the schema cache");
}

TEST(RpcBodyArgs, JsonObjectOfArguments)
{
	EXPECT_FALSE(ok(gateway::rpc_body_args("", kFn)).status.has_value());
	EXPECT_FALSE(ok(gateway::rpc_body_args("{}", kFn)).status.has_value());
	EXPECT_FALSE(ok(gateway::rpc_body_args(R"({"status":null})", kFn)).status.has_value());
	EXPECT_EQ(*ok(gateway::rpc_body_args(R"({"status":"completed"})", kFn)).status, "completed");
	EXPECT_EQ(*ok(gateway::rpc_body_args(R"({"status":7})", kFn)).status, "7");
	EXPECT_EQ(err(gateway::rpc_body_args(R"({"stat":"x"})", kFn)).code, "PGRST202");
	EXPECT_EQ(err(gateway::rpc_body_args("{oops", kFn)).code, "PGRST102");
	EXPECT_EQ(err(gateway::rpc_body_args(R"(["pending"])", kFn)).code, "PGRST102");
	EXPECT_EQ(err(gateway::rpc_body_args("{oops", kFn)).status, 400);
}
