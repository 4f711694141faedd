/*
 * json_format.cpp
 *		JSON strings, uuids, timestamps and integers, written in place.
 *
 * No library formats into a raw buffer without per-value allocation; these
 * run once per column of every row, so they are written by hand and checked
 * against PostgreSQL's own to_json() output in the regression tests.
 */
#include "json_format.hpp"

#include <charconv>
#include <cstring>

#include "hex.hpp"

#include "cpp_only.hpp"

namespace callboard {

namespace {

/* 0: copy the byte as is; otherwise the character after the backslash. */
struct EscapeTable
{
	char		code[256];

	constexpr EscapeTable() : code()
	{
		for (int c = 0; c < 0x20; c++)
			code[c] = 'u';
		code['\b'] = 'b';
		code['\f'] = 'f';
		code['\n'] = 'n';
		code['\r'] = 'r';
		code['\t'] = 't';
		code['"'] = '"';
		code['\\'] = '\\';
	}
};

constexpr EscapeTable kEscape;

/* "00".."99", so two digits cost one copy. */
struct DigitPairs
{
	char		pair[200];

	constexpr DigitPairs() : pair()
	{
		for (int i = 0; i < 100; i++)
		{
			pair[2 * i] = static_cast<char>('0' + i / 10);
			pair[2 * i + 1] = static_cast<char>('0' + i % 10);
		}
	}
};

constexpr DigitPairs kDigits;

inline char *
put2(char *out, int value) noexcept
{
	std::memcpy(out, &kDigits.pair[2 * value], 2);
	return out + 2;
}

constexpr std::int64_t kUsecsPerDay = INT64_C(86400000000);

/* Days from 1970-01-01 to PostgreSQL's epoch, 2000-01-01. */
constexpr std::int64_t kPgEpochDays = 10957;

/* TimestampTz of 0001-01-01T00:00:00 and of 10000-01-01T00:00:00, UTC. */
constexpr std::int64_t kFirstPythonUsecs = INT64_C(-63082281600000000);
constexpr std::int64_t kPastPythonUsecs = INT64_C(252455616000000000);

constexpr bool
in_python_range(std::int64_t pg_usecs) noexcept
{
	return pg_usecs >= kFirstPythonUsecs && pg_usecs < kPastPythonUsecs;
}

/*
 * Proleptic Gregorian civil date from days since 1970-01-01 (H. Hinnant's
 * days_from_civil inverse), the calendar PostgreSQL and Python both use.
 */
void
civil_from_days(std::int64_t z, int &year, int &month, int &day) noexcept
{
	z += 719468;
	const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	const std::int64_t doe = z - era * 146097;
	const std::int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	const std::int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	const std::int64_t mp = (5 * doy + 2) / 153;

	day = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
	month = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
	year = static_cast<int>(yoe + era * 400 + (month <= 2 ? 1 : 0));
}

}								/* namespace */

char *
write_json_string(char *out, const char *s, std::size_t n) noexcept
{
	const unsigned char *p = reinterpret_cast<const unsigned char *>(s);
	const unsigned char *end = p + n;

	*out++ = '"';
	while (p < end)
	{
		/* Copy the run of bytes that need no escape in one go. */
		const unsigned char *run = p;

		while (p < end && kEscape.code[*p] == 0)
			p++;
		std::memcpy(out, run, p - run);
		out += p - run;
		if (p == end)
			break;

		const char	code = kEscape.code[*p];

		*out++ = '\\';
		*out++ = code;
		if (code == 'u')
		{
			*out++ = '0';
			*out++ = '0';
			out = write_hex_byte(out, *p);
		}
		p++;
	}
	*out++ = '"';
	return out;
}

std::size_t
json_string_len(const char *s, std::size_t n) noexcept
{
	const unsigned char *p = reinterpret_cast<const unsigned char *>(s);
	std::size_t len = 2 + n;

	/* Each escape adds its backslash and code, \u00XX four more. */
	for (std::size_t i = 0; i < n; i++)
	{
		const char	code = kEscape.code[p[i]];

		if (code != 0)
			len += code == 'u' ? 5 : 1;
	}
	return len;
}

char *
write_json_uuid(char *out, const unsigned char bytes[16]) noexcept
{
	*out++ = '"';
	for (int i = 0; i < 16; i++)
	{
		if (i == 4 || i == 6 || i == 8 || i == 10)
			*out++ = '-';
		out = write_hex_byte(out, bytes[i]);
	}
	*out++ = '"';
	return out;
}

char *
write_json_timestamp(char *out, std::int64_t pg_usecs) noexcept
{
	if (!in_python_range(pg_usecs))
		return nullptr;

	std::int64_t usec_of_day = pg_usecs % kUsecsPerDay;
	std::int64_t days = pg_usecs / kUsecsPerDay;

	if (usec_of_day < 0)
	{
		usec_of_day += kUsecsPerDay;
		days -= 1;
	}

	int			year, month, day;

	civil_from_days(days + kPgEpochDays, year, month, day);

	const int	secs = static_cast<int>(usec_of_day / 1000000);
	const int	usecs = static_cast<int>(usec_of_day % 1000000);

	*out++ = '"';
	out = put2(out, year / 100);
	out = put2(out, year % 100);
	*out++ = '-';
	out = put2(out, month);
	*out++ = '-';
	out = put2(out, day);
	*out++ = 'T';
	out = put2(out, secs / 3600);
	*out++ = ':';
	out = put2(out, secs / 60 % 60);
	*out++ = ':';
	out = put2(out, secs % 60);
	if (usecs != 0)
	{
		*out++ = '.';
		out = put2(out, usecs / 10000);
		out = put2(out, usecs / 100 % 100);
		out = put2(out, usecs % 100);
	}
	std::memcpy(out, "+00:00\"", 7);
	return out + 7;
}

std::size_t
json_timestamp_len(std::int64_t pg_usecs) noexcept
{
	if (!in_python_range(pg_usecs))
		return 0;
	/* "YYYY-MM-DDTHH:MM:SS+00:00", and ".ffffff" when there are microseconds */
	return pg_usecs % 1000000 == 0 ? 27 : 34;
}

char *
write_json_int(char *out, std::int64_t value) noexcept
{
	return std::to_chars(out, out + kIntJsonMaxLen, value).ptr;
}

std::size_t
json_int_len(std::int64_t value) noexcept
{
	char		digits[kIntJsonMaxLen];

	return write_json_int(digits, value) - digits;
}

}								/* namespace callboard */
