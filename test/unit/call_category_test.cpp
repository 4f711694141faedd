// The status -> category mapping and the filter values, as docs/sql-api.md gives them.
#include <gtest/gtest.h>

#include <cstring>
#include <string>

#include "call_category.hpp"

using callboard::Category;
using callboard::Filter;

namespace {

Category category(const char *status)
{
	return callboard::category_of_status(status, status ? std::strlen(status) : 0);
}

Filter filter(const char *value)
{
	return callboard::parse_filter(value, value ? std::strlen(value) : 0);
}

}  // namespace

TEST(CallCategory, ContractTable)
{
	EXPECT_EQ(category("initiated"), Category::pending);
	EXPECT_EQ(category("queued"), Category::pending);
	EXPECT_EQ(category("in_progress"), Category::active);
	EXPECT_EQ(category("in-progress"), Category::active);
	EXPECT_EQ(category("ringing"), Category::active);
	EXPECT_EQ(category("completed"), Category::completed);
	for (const char *failed : {"failed", "busy", "no_answer", "no-answer", "canceled"})
		EXPECT_EQ(category(failed), Category::failed) << failed;
}

TEST(CallCategory, AnyOtherValueIsFailed)
{
	for (const char *other : {"", "Completed", "completed ", " queued", "in progress", "cancelled",
							  "answered", "initiate", "initiatedx"})
		EXPECT_EQ(category(other), Category::failed) << '"' << other << '"';
	EXPECT_EQ(category(nullptr), Category::failed);
}

TEST(CallCategory, ComparesLengthNotJustPrefix)
{
	// "completed" followed by bytes that are not part of the value.
	EXPECT_EQ(callboard::category_of_status("completedXYZ", 9), Category::completed);
	EXPECT_EQ(callboard::category_of_status("completed", 8), Category::failed);
}

TEST(CallCategory, NamesAndRanksFollowOutputOrder)
{
	EXPECT_STREQ(callboard::category_name(Category::pending), "pending");
	EXPECT_STREQ(callboard::category_name(Category::active), "active");
	EXPECT_STREQ(callboard::category_name(Category::completed), "completed");
	EXPECT_STREQ(callboard::category_name(Category::failed), "failed");
	EXPECT_EQ(callboard::category_rank(Category::pending), 1);
	EXPECT_EQ(callboard::category_rank(Category::failed), 4);
}

TEST(Filter, AllForNullOrEmpty)
{
	EXPECT_EQ(filter(nullptr).kind, Filter::all);
	EXPECT_EQ(filter("").kind, Filter::all);
}

TEST(Filter, EachCategory)
{
	struct { const char *value; Category category; } cases[] = {
		{"pending", Category::pending}, {"in_progress", Category::active},
		{"active", Category::active}, {"completed", Category::completed},
		{"failed", Category::failed},
	};
	for (const auto &c : cases)
	{
		Filter f = filter(c.value);
		EXPECT_EQ(f.kind, Filter::one) << c.value;
		EXPECT_EQ(f.category, c.category) << c.value;
	}
}

TEST(Filter, EverythingElseIsInvalid)
{
	for (const char *bad : {"Pending", "pending ", "in-progress", "canceled", "queued", "all",
							"PENDING", "activ", "failed\n"})
		EXPECT_EQ(filter(bad).kind, Filter::invalid) << '"' << bad << '"';
}

TEST(Filter, HintListsExactlyTheAcceptedValues)
{
	EXPECT_STREQ(callboard::filter_values_text(), "pending, in_progress, active, completed and failed");

	// Every value the hint names is accepted, and names one category.
	std::string text = callboard::filter_values_text();
	std::size_t named = 0;
	for (std::size_t start = 0; start < text.size();)
	{
		std::size_t end = text.find_first_of(", ", start);
		if (end == std::string::npos)
			end = text.size();
		std::string value = text.substr(start, end - start);
		if (value != "and" && !value.empty())
		{
			EXPECT_EQ(filter(value.c_str()).kind, Filter::one) << value;
			named++;
		}
		start = end + 1;
	}
	EXPECT_EQ(named, 5u);
}
