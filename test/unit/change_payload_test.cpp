// The payload of callboard_changes: what the trigger writes, the gateway reads.
#include <gtest/gtest.h>

#include <string>

#include "change_payload.hpp"

using callboard::Category;
using callboard::CategorySet;
using callboard::category_bit;

namespace {

std::string write(CategorySet set)
{
	char		out[callboard::kCallsPayloadMax];
	callboard::write_calls_payload(set, out);
	return out;
}

}  // namespace

TEST(ChangePayload, WritesCategoriesInRankOrder)
{
	EXPECT_EQ(write(category_bit(Category::active) | category_bit(Category::pending)), "calls:pending,active");
	EXPECT_EQ(write(category_bit(Category::failed)), "calls:failed");
	EXPECT_EQ(write(callboard::kAllCategories), "calls:pending,active,completed,failed");
	EXPECT_EQ(write(callboard::kOtherRows), "calls:other");
	EXPECT_EQ(write(category_bit(Category::completed) | callboard::kOtherRows), "calls:completed,other");
	EXPECT_LT(write(callboard::kEveryRow).size() + 1, callboard::kCallsPayloadMax);
}

TEST(ChangePayload, EverySetReadsBackAsWritten)
{
	for (CategorySet set = 1; set <= callboard::kEveryRow; set++)
	{
		auto		read = callboard::parse_calls_payload(write(set));
		ASSERT_TRUE(read.has_value()) << write(set);
		EXPECT_EQ(*read, set);
	}
}

TEST(ChangePayload, AnythingElseIsNotACallsPayload)
{
	// A listener takes these as "anything changed".
	for (const char *payload : {"", "enabled", "disabled", "calls:", "calls:,pending", "calls:pending,",
								"calls:pending,,active", "calls:Pending", "calls:pending active",
								"calls:inbound", "calls:others", "call:pending", "privileges", "calls:pending\n"})
		EXPECT_FALSE(callboard::parse_calls_payload(payload).has_value()) << payload;
}

TEST(ChangePayload, RepeatedNamesAreTheSameSet)
{
	EXPECT_EQ(callboard::parse_calls_payload("calls:active,active"), category_bit(Category::active));
}
