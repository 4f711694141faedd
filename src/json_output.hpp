/*
 * json_output.hpp
 *		The output policies every JSON writer of callboard runs with.
 *
 * Each writer (call_json.hpp) is written once, as a template over where its
 * output goes, and only ever emits through the policy's primitives:
 *
 *   literal("...")     JSON text known at compile time
 *   raw(s, n)          n bytes that are already valid JSON text
 *   string(s, n)       a quoted, escaped JSON string
 *   uuid(bytes)        a quoted uuid
 *   timestamp(usecs)   a quoted timestamp; false when it cannot be shown
 *   int64(value)       an integer
 *
 * Running a writer with MaxLen gives the most bytes it can write, Length
 * the bytes it will write, and Raw writes them at a pointer.  So the room
 * reserved for a piece is counted by the very code that fills it: there is
 * no size kept by hand to fall out of step with an edited key.  The bounds
 * of the primitives themselves sit beside them in json_format.hpp and are
 * checked there by the unit tests.
 */
#ifndef CALLBOARD_JSON_OUTPUT_HPP
#define CALLBOARD_JSON_OUTPUT_HPP

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <type_traits>

#include "json_format.hpp"

namespace callboard {

/* The most bytes a writer can write; reads no string's bytes. */
struct MaxLen
{
	std::size_t len = 0;

	template <std::size_t N>
	void		literal(const char (&)[N]) noexcept { len += N - 1; }
	void		raw(const char *, std::size_t n) noexcept { len += n; }
	void		string(const char *, std::size_t n) noexcept { len += json_string_max_len(n); }
	void		uuid(const unsigned char *) noexcept { len += kUuidJsonLen; }
	bool		timestamp(std::int64_t) noexcept { len += kTimestampJsonMaxLen; return true; }
	void		int64(std::int64_t) noexcept { len += kIntJsonMaxLen; }
};

/* The bytes a writer will write; scans strings for escapes. */
struct Length
{
	std::size_t len = 0;

	template <std::size_t N>
	void		literal(const char (&)[N]) noexcept { len += N - 1; }
	void		raw(const char *, std::size_t n) noexcept { len += n; }
	void		string(const char *s, std::size_t n) noexcept { len += json_string_len(s, n); }
	void		uuid(const unsigned char *) noexcept { len += kUuidJsonLen; }

	bool
	timestamp(std::int64_t pg_usecs) noexcept
	{
		std::size_t n = json_timestamp_len(pg_usecs);

		len += n;
		return n != 0;
	}

	void		int64(std::int64_t value) noexcept { len += json_int_len(value); }
};

/*
 * Writes at p, unchecked: into room reserved with MaxLen or Length of the
 * same writer (OutputBuffer does both, and checks the end).
 */
struct Raw
{
	char	   *p;

	template <std::size_t N>
	void
	literal(const char (&text)[N]) noexcept
	{
		std::memcpy(p, text, N - 1);
		p += N - 1;
	}

	void
	raw(const char *s, std::size_t n) noexcept
	{
		std::memcpy(p, s, n);
		p += n;
	}

	void		string(const char *s, std::size_t n) noexcept { p = write_json_string(p, s, n); }
	void		uuid(const unsigned char *bytes) noexcept { p = write_json_uuid(p, bytes); }

	bool
	timestamp(std::int64_t pg_usecs) noexcept
	{
		char	   *end = write_json_timestamp(p, pg_usecs);

		if (end == nullptr)
			return false;
		p = end;
		return true;
	}

	void		int64(std::int64_t value) noexcept { p = write_json_int(p, value); }
};

/*
 * A piece is a callable run as piece(policy), usually a generic lambda
 * around one or more writers: it returns false when a writer could not show
 * a value, or nothing when it cannot fail.
 */
template <typename Piece, typename Out>
bool
run_piece(const Piece &piece, Out &out) noexcept
{
	if constexpr (std::is_void<decltype(piece(out))>::value)
	{
		piece(out);
		return true;
	}
	else
		return piece(out);
}

template <typename Piece>
std::size_t
max_len(const Piece &piece) noexcept
{
	MaxLen		bound;

	run_piece(piece, bound);
	return bound.len;
}

/* The bytes the piece writes, or (with `ok` false) where it stops. */
template <typename Piece>
std::size_t
exact_len(const Piece &piece, bool *ok = nullptr) noexcept
{
	Length		length;
	bool		done = run_piece(piece, length);

	if (ok != nullptr)
		*ok = done;
	return length.len;
}

}								/* namespace callboard */

#endif
