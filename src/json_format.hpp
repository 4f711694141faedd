/*
 * json_format.hpp
 *		JSON value formatting straight into a caller-sized buffer.
 *
 * These are the per-row hot path of scheduled_outbound_calls(): each writes
 * at `out` and returns the end of what it wrote.  They never allocate, never
 * throw and never check bounds.  Beside each is the most it can write (the
 * bound) and the exact length it will write; json_output.hpp turns these
 * into the output policies every writer runs with, so that no caller
 * restates a size.
 */
#ifndef CALLBOARD_JSON_FORMAT_HPP
#define CALLBOARD_JSON_FORMAT_HPP

#include <cstddef>
#include <cstdint>

namespace callboard {

/* A quoted JSON string of n input bytes takes at most this many bytes. */
constexpr std::size_t json_string_max_len(std::size_t n)
{
	return 2 + 6 * n;			/* every byte could become \u00XX */
}

/*
 * Writes s as a quoted JSON string, escaping exactly as PostgreSQL's
 * escape_json() does: \" \\ \b \f \n \r \t, other bytes below 0x20 as \u00xx
 * (lower-case hex), everything else - non-ASCII UTF-8 included - verbatim.
 */
char	   *write_json_string(char *out, const char *s, std::size_t n) noexcept;

/* Exactly what write_json_string() writes for s; scans s for escapes. */
std::size_t json_string_len(const char *s, std::size_t n) noexcept;

/* A quoted uuid: "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx", as uuid_out prints it. */
constexpr std::size_t kUuidJsonLen = 38;
char	   *write_json_uuid(char *out, const unsigned char bytes[16]) noexcept;

/*
 * A quoted UTC timestamp as Python's datetime.isoformat() prints an aware UTC
 * datetime: "2025-10-24T10:00:00+00:00", or with six fractional digits when the
 * microseconds are not zero.  `pg_usecs` is a PostgreSQL TimestampTz
 * (microseconds since 2000-01-01 00:00 UTC).  Python's years are 1..9999: for
 * anything else (infinity included) nothing is written and nullptr returned.
 */
constexpr std::size_t kTimestampJsonMaxLen = 34;
char	   *write_json_timestamp(char *out, std::int64_t pg_usecs) noexcept;

/* Exactly what write_json_timestamp() writes, or 0 when it writes nothing. */
std::size_t json_timestamp_len(std::int64_t pg_usecs) noexcept;

constexpr std::size_t kIntJsonMaxLen = 20;
char	   *write_json_int(char *out, std::int64_t value) noexcept;

/* Exactly what write_json_int() writes. */
std::size_t json_int_len(std::int64_t value) noexcept;

}								/* namespace callboard */

#endif
