/*
 * page_cursor.cpp
 *		Cursor bytes <-> hex.
 */
#include "page_cursor.hpp"

#include "hex.hpp"

#include "cpp_only.hpp"

namespace callboard {

namespace {

constexpr unsigned char kVersion = 1;
constexpr std::size_t kBytes = kPageCursorLen / 2;

int hex_value(char c) noexcept
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

}								/* namespace */

void
encode_page_cursor(const PageCursor &cursor, char *out) noexcept
{
	unsigned char bytes[kBytes];
	std::uint64_t ts = static_cast<std::uint64_t>(cursor.created_at);

	bytes[0] = kVersion;
	bytes[1] = static_cast<unsigned char>(cursor.rank);
	for (int i = 0; i < 8; i++)
		bytes[2 + i] = static_cast<unsigned char>(ts >> (56 - 8 * i));
	for (int i = 0; i < 16; i++)
		bytes[10 + i] = cursor.id[i];

	for (std::size_t i = 0; i < kBytes; i++)
		out = write_hex_byte(out, bytes[i]);
}

bool
decode_page_cursor(const char *text, std::size_t len, PageCursor *cursor) noexcept
{
	unsigned char bytes[kBytes];

	if (len != kPageCursorLen)
		return false;
	for (std::size_t i = 0; i < kBytes; i++)
	{
		int			hi = hex_value(text[2 * i]);
		int			lo = hex_value(text[2 * i + 1]);

		if (hi < 0 || lo < 0)
			return false;
		bytes[i] = static_cast<unsigned char>(hi << 4 | lo);
	}
	if (bytes[0] != kVersion || bytes[1] < 1 || bytes[1] > 4)
		return false;

	std::uint64_t ts = 0;
	for (int i = 0; i < 8; i++)
		ts = ts << 8 | bytes[2 + i];
	cursor->rank = bytes[1];
	cursor->created_at = static_cast<std::int64_t>(ts);
	for (int i = 0; i < 16; i++)
		cursor->id[i] = bytes[10 + i];
	return true;
}

}								/* namespace callboard */
