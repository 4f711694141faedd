// The page cursor: round trips, and anything else refused.
#include <gtest/gtest.h>

#include <cstring>
#include <string>

#include "page_cursor.hpp"

using callboard::PageCursor;

namespace {
PageCursor example()
{
	PageCursor c;
	c.rank = 4;
	c.created_at = INT64_C(814615200123456);
	for (int i = 0; i < 16; i++)
		c.id[i] = static_cast<unsigned char>(0xf0 + i);
	return c;
}

std::string encode(const PageCursor &c)
{
	char buf[callboard::kPageCursorLen];
	callboard::encode_page_cursor(c, buf);
	return std::string(buf, sizeof buf);
}
}  // namespace

TEST(PageCursor, RoundTrip)
{
	for (std::int64_t ts : {INT64_C(0), INT64_C(-1), INT64_C(814615200123456), INT64_C(-63082281600000000)})
	{
		PageCursor c = example();
		c.created_at = ts;
		std::string text = encode(c);
		EXPECT_EQ(text.size(), 52u);
		PageCursor back;
		ASSERT_TRUE(callboard::decode_page_cursor(text.data(), text.size(), &back));
		EXPECT_EQ(back.rank, 4);
		EXPECT_EQ(back.created_at, ts);
		EXPECT_EQ(std::memcmp(back.id, c.id, 16), 0);
	}
}

TEST(PageCursor, LowerCaseHexOnly)
{
	std::string text = encode(example());
	EXPECT_EQ(text.substr(0, 4), "0104");
	EXPECT_EQ(text.find_first_not_of("0123456789abcdef"), std::string::npos);
}

TEST(PageCursor, RefusesWhatItDidNotWrite)
{
	PageCursor out;
	std::string good = encode(example());
	auto refused = [&](const std::string &s) { return !callboard::decode_page_cursor(s.data(), s.size(), &out); };
	EXPECT_TRUE(refused(""));
	EXPECT_TRUE(refused(good.substr(1)));
	EXPECT_TRUE(refused(good + "0"));
	std::string upper = good;
	for (char &ch : upper)
		ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
	EXPECT_TRUE(refused(upper));
	EXPECT_TRUE(refused("02" + good.substr(2)));	// another version
	EXPECT_TRUE(refused("0100" + good.substr(4)));	// rank 0
	EXPECT_TRUE(refused("0105" + good.substr(4)));	// rank 5
	EXPECT_TRUE(refused(std::string(52, 'z')));
}
