/*
 * page_cursor_fuzz.cpp
 *		The extension's page cursor: decode_page_cursor() on any text, and
 *		encode/decode round trips.
 *
 * Input: cursor text as a client sends it; when it is not 52 bytes long,
 * its bytes also make a cursor to encode (rank, created_at, id).
 */
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <vector>

#include "fuzz_check.hpp"
#include "page_cursor.hpp"

using namespace callboard;

namespace {

bool same(const PageCursor &a, const PageCursor &b)
{
	return a.rank == b.rank && a.created_at == b.created_at && std::memcmp(a.id, b.id, sizeof a.id) == 0;
}

}								/* namespace */

extern "C" int
LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
	/* Exactly the input's bytes on the heap, so that ASan sees any read past them. */
	std::vector<char> text(data, data + size);
	PageCursor	cursor;
	if (decode_page_cursor(text.data(), text.size(), &cursor))
	{
		/* Only what this version writes is read: encoding gives the same text back. */
		FUZZ_CHECK(size == kPageCursorLen);
		FUZZ_CHECK(cursor.rank >= 1 && cursor.rank <= 4);
		char		again[kPageCursorLen];
		encode_page_cursor(cursor, again);
		FUZZ_CHECK(std::memcmp(again, text.data(), kPageCursorLen) == 0);
	}

	/* Any cursor of a valid rank survives the round trip. */
	if (size >= 1 + 8 + 16)
	{
		PageCursor	made;
		made.rank = 1 + data[0] % 4;
		std::uint64_t ts = 0;
		for (int i = 0; i < 8; i++)
			ts = ts << 8 | data[1 + i];
		made.created_at = static_cast<std::int64_t>(ts);
		std::memcpy(made.id, data + 9, 16);

		char		encoded[kPageCursorLen];
		encode_page_cursor(made, encoded);
		PageCursor	decoded;
		FUZZ_CHECK(decode_page_cursor(encoded, kPageCursorLen, &decoded));
		FUZZ_CHECK(same(made, decoded));
		/* One digit changed is another cursor or none, never this one. */
		encoded[data[0] % kPageCursorLen] ^= 0x01;
		PageCursor	changed;
		FUZZ_CHECK(!decode_page_cursor(encoded, kPageCursorLen, &changed) || !same(made, changed));
	}
	return 0;
}
