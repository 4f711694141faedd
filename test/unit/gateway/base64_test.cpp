// Both alphabets, with or without padding; garbage refused.
#include <gtest/gtest.h>

#include "core/base64.hpp"

TEST(Base64, Alphabets)
{
	EXPECT_EQ(*gateway::base64_decode("aGVsbG8="), "hello");
	EXPECT_EQ(*gateway::base64_decode("aGVsbG8"), "hello");
	EXPECT_EQ(*gateway::base64_decode("-_8"), std::string("\xfb\xff", 2));
	EXPECT_EQ(*gateway::base64_decode("+/8="), std::string("\xfb\xff", 2));
	EXPECT_EQ(*gateway::base64_decode(""), "");
}

TEST(Base64, Garbage)
{
	EXPECT_FALSE(gateway::base64_decode("a").has_value());
	EXPECT_FALSE(gateway::base64_decode("ab!d").has_value());
	EXPECT_FALSE(gateway::base64_decode("a===").has_value());
}
