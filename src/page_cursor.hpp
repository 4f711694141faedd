/*
 * page_cursor.hpp
 *		The opaque keyset cursor of scheduled_outbound_calls_page().
 *
 * It names the last call of a page: the category, its created_at and its id,
 * so the next page starts right after it in (created_at DESC, id) order,
 * whatever was inserted or deleted meanwhile.  Encoded as 52 lower-case hex
 * digits (a version byte, the rank, 8 bytes of timestamp, 16 of uuid): safe
 * in a URL as it is.
 */
#ifndef CALLBOARD_PAGE_CURSOR_HPP
#define CALLBOARD_PAGE_CURSOR_HPP

#include <cstddef>
#include <cstdint>
#include <type_traits>

namespace callboard {

struct PageCursor
{
	int			rank;			/* callboard_call_category_rank() of the category */
	std::int64_t created_at;	/* TimestampTz */
	unsigned char id[16];
};

/* Held while PostgreSQL is called, which may longjmp. */
static_assert(std::is_trivially_destructible<PageCursor>::value,
			  "a PageCursor must not need a destructor");

constexpr std::size_t kPageCursorLen = 52;

/* Writes exactly kPageCursorLen characters (no terminator). */
void		encode_page_cursor(const PageCursor &cursor, char *out) noexcept;

/* False if `text` is not a cursor this version wrote. */
bool		decode_page_cursor(const char *text, std::size_t len, PageCursor *cursor) noexcept;

}								/* namespace callboard */

#endif
