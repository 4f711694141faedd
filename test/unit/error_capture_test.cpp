// The pure half of the entry-point guard: every exception becomes a SQLSTATE
// and a message, nothing escapes.
#include <gtest/gtest.h>

#include <new>
#include <stdexcept>
#include <string>

#include "error_capture.hpp"

using callboard::CapturedError;
using callboard::capture_exceptions;

TEST(ErrorCapture, NoExceptionRunsTheBody)
{
	CapturedError error;
	int ran = 0;
	EXPECT_TRUE(capture_exceptions([&] { ran = 1; }, error));
	EXPECT_EQ(ran, 1);
}

TEST(ErrorCapture, BadAllocIsOutOfMemory)
{
	CapturedError error;
	EXPECT_FALSE(capture_exceptions([] { throw std::bad_alloc(); }, error));
	EXPECT_STREQ(error.sqlstate, "53200");
	EXPECT_STREQ(error.message, "out of memory in callboard");
}

TEST(ErrorCapture, StdExceptionKeepsItsMessage)
{
	CapturedError error;
	EXPECT_FALSE(capture_exceptions([] { throw std::runtime_error("boom"); }, error));
	EXPECT_STREQ(error.sqlstate, "XX000");
	EXPECT_STREQ(error.message, "boom");
}

TEST(ErrorCapture, LongMessageIsTruncatedNotOverrun)
{
	CapturedError error;
	std::string long_message(5000, 'm');
	EXPECT_FALSE(capture_exceptions([&] { throw std::runtime_error(long_message); }, error));
	EXPECT_EQ(std::string(error.message), std::string(sizeof(error.message) - 1, 'm'));
}

TEST(ErrorCapture, AnythingElseIsInternalError)
{
	CapturedError error;
	EXPECT_FALSE(capture_exceptions([] { throw 42; }, error));
	EXPECT_STREQ(error.sqlstate, "XX000");
	EXPECT_STREQ(error.message, "unknown C++ exception in callboard");
}
