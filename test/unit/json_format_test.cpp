// JSON primitives: escaping identical to PostgreSQL's escape_json(), uuids,
// Python-isoformat timestamps, integers.
#include <gtest/gtest.h>

#include <climits>
#include <cstdint>
#include <cstdio>
#include <string>

#include "json_format.hpp"

namespace {

std::string json_string(const std::string &s)
{
	std::string out(callboard::json_string_max_len(s.size()), '\0');
	char *end = callboard::write_json_string(&out[0], s.data(), s.size());
	out.resize(end - out.data());
	return out;
}

// PostgreSQL 15's escape_json(), transcribed one character at a time: the
// reference the fast version must match byte for byte.
std::string escape_json_reference(const std::string &s)
{
	std::string out = "\"";
	for (unsigned char c : s)
	{
		switch (c)
		{
			case '\b': out += "\\b"; break;
			case '\f': out += "\\f"; break;
			case '\n': out += "\\n"; break;
			case '\r': out += "\\r"; break;
			case '\t': out += "\\t"; break;
			case '"': out += "\\\""; break;
			case '\\': out += "\\\\"; break;
			default:
				if (c < ' ')
				{
					char buf[8];
					std::snprintf(buf, sizeof buf, "\\u%04x", c);
					out += buf;
				}
				else
					out += static_cast<char>(c);
		}
	}
	return out + "\"";
}

// TimestampTz of a UTC civil time: microseconds since 2000-01-01.
std::int64_t pg_usecs(std::int64_t days_since_2000, int h, int m, int s, int us)
{
	return ((days_since_2000 * 24 + h) * 60 + m) * INT64_C(60000000) + s * INT64_C(1000000) + us;
}

std::string timestamp(std::int64_t usecs)
{
	char buf[callboard::kTimestampJsonMaxLen + 1];
	char *end = callboard::write_json_timestamp(buf, usecs);
	return end ? std::string(buf, end) : std::string("<out of range>");
}

}  // namespace

TEST(JsonString, EveryByteMatchesPostgres)
{
	for (int c = 1; c < 256; c++)
	{
		std::string s = "a" + std::string(1, static_cast<char>(c)) + "b";
		EXPECT_EQ(json_string(s), escape_json_reference(s)) << "byte " << c;
	}
}

TEST(JsonString, Examples)
{
	EXPECT_EQ(json_string(""), "\"\"");
	EXPECT_EQ(json_string("John Doe"), "\"John Doe\"");
	EXPECT_EQ(json_string("say \"hi\"\\"), "\"say \\\"hi\\\"\\\\\"");
	EXPECT_EQ(json_string("tab\tnl\n\x01"), "\"tab\\tnl\\n\\u0001\"");
	EXPECT_EQ(json_string("/"), "\"/\"");	// PostgreSQL does not escape the solidus
	EXPECT_EQ(json_string("\x7f"), "\"\x7f\"");
	EXPECT_EQ(json_string("Zoë 王芳 😀"), "\"Zoë 王芳 😀\"");
}

TEST(JsonString, WorstCaseFitsTheBound)
{
	std::string s(1000, '\x01');
	EXPECT_EQ(json_string(s).size(), callboard::json_string_max_len(s.size()));
}

TEST(JsonString, LongRunsBetweenEscapes)
{
	std::string s = std::string(5000, 'x') + "\"" + std::string(5000, 'y');
	EXPECT_EQ(json_string(s), escape_json_reference(s));
}

TEST(JsonUuid, LowerCaseWithDashes)
{
	const unsigned char bytes[16] = {0x3f, 0x1c, 0xab, 0xcd, 0x00, 0x01, 0x4e, 0xf0,
									 0x8a, 0xbc, 0x12, 0x34, 0x56, 0x78, 0x9a, 0xff};
	char buf[callboard::kUuidJsonLen];
	char *end = callboard::write_json_uuid(buf, bytes);
	EXPECT_EQ(std::string(buf, end), "\"3f1cabcd-0001-4ef0-8abc-123456789aff\"");
}

TEST(JsonTimestamp, PythonIsoformat)
{
	EXPECT_EQ(timestamp(0), "\"2000-01-01T00:00:00+00:00\"");
	// 2025-10-24 is day 9428 after 2000-01-01.
	EXPECT_EQ(timestamp(pg_usecs(9428, 10, 0, 0, 0)), "\"2025-10-24T10:00:00+00:00\"");
	EXPECT_EQ(timestamp(pg_usecs(9428, 10, 0, 0, 123400)), "\"2025-10-24T10:00:00.123400+00:00\"");
	EXPECT_EQ(timestamp(pg_usecs(9428, 23, 59, 59, 1)), "\"2025-10-24T23:59:59.000001+00:00\"");
	EXPECT_EQ(timestamp(-1), "\"1999-12-31T23:59:59.999999+00:00\"");
	EXPECT_EQ(timestamp(pg_usecs(-10957, 0, 0, 0, 0)), "\"1970-01-01T00:00:00+00:00\"");
	EXPECT_EQ(timestamp(pg_usecs(-10957, 0, 0, 0, 0) - 1), "\"1969-12-31T23:59:59.999999+00:00\"");
	EXPECT_EQ(timestamp(pg_usecs(-36524, 0, 0, 0, 0)), "\"1900-01-01T00:00:00+00:00\"");
	EXPECT_EQ(timestamp(pg_usecs(59, 12, 0, 0, 0)), "\"2000-02-29T12:00:00+00:00\"");
	EXPECT_EQ(timestamp(pg_usecs(-36524 + 59, 0, 0, 0, 0)), "\"1900-03-01T00:00:00+00:00\"");  // 1900: no leap day
}

TEST(JsonTimestamp, PythonRangeOnly)
{
	const std::int64_t first = pg_usecs(-730119, 0, 0, 0, 0);		// 0001-01-01
	const std::int64_t past = pg_usecs(2921940, 0, 0, 0, 0);		// 10000-01-01
	EXPECT_EQ(timestamp(first), "\"0001-01-01T00:00:00+00:00\"");
	EXPECT_EQ(timestamp(past - 1), "\"9999-12-31T23:59:59.999999+00:00\"");
	EXPECT_EQ(timestamp(first - 1), "<out of range>");
	EXPECT_EQ(timestamp(past), "<out of range>");
	EXPECT_EQ(timestamp(INT64_MIN), "<out of range>");	// -infinity
	EXPECT_EQ(timestamp(INT64_MAX), "<out of range>");	// infinity
}

TEST(JsonInt, Extremes)
{
	char buf[callboard::kIntJsonMaxLen];
	for (std::int64_t v : {INT64_C(0), INT64_C(-1), INT64_C(300), INT64_MIN, INT64_MAX})
	{
		char *end = callboard::write_json_int(buf, v);
		EXPECT_EQ(std::string(buf, end), std::to_string(v));
	}
}
