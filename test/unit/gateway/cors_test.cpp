// Which origins may call, and what they are told.
#include <gtest/gtest.h>

#include "http/cors.hpp"

namespace {
std::string header(const gateway::Headers &headers, const std::string &name)
{
	for (const auto &h : headers)
		if (h.first == name)
			return h.second;
	return "<absent>";
}
}  // namespace

TEST(Cors, UnsetAllowsAnyOrigin)
{
	gateway::CorsPolicy any(std::nullopt);
	EXPECT_TRUE(any.allows("https://anything.example"));
	EXPECT_EQ(header(any.response_headers("https://a.example"), "Access-Control-Allow-Origin"), "https://a.example");
}

TEST(Cors, ListAllowsOnlyThose)
{
	gateway::CorsPolicy listed(std::vector<std::string>{"https://dash.example"});
	EXPECT_TRUE(listed.allows("https://dash.example"));
	EXPECT_FALSE(listed.allows("https://evil.example"));
	EXPECT_FALSE(listed.allows("https://dash.example.evil"));
}

TEST(Cors, PreflightEchoesRequestedHeaders)
{
	gateway::CorsPolicy any(std::nullopt);
	auto h = any.preflight_headers("https://a.example", "authorization, content-type");
	EXPECT_EQ(header(h, "Access-Control-Allow-Headers"), "authorization, content-type");
	EXPECT_EQ(header(h, "Access-Control-Allow-Methods"), "GET, POST, PATCH, PUT, DELETE, OPTIONS, HEAD");
	EXPECT_EQ(header(h, "Access-Control-Max-Age"), "86400");
	EXPECT_NE(header(any.preflight_headers("https://a.example", ""), "Access-Control-Allow-Headers")
				  .find("Authorization"), std::string::npos);
}
