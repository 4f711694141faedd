/*
 * call_json.hpp
 *		The JSON document of scheduled_outbound_calls(), piece by piece.
 *
 * The document is written as rows arrive, already sorted by category:
 *
 *   document_start()
 *   for each call: advance_to_category(); call (comma-separated)
 *   advance_to_category(kCategoryCount); document_end(counts)
 *
 * Key order and spelling are README's (The document); nothing here knows
 * PostgreSQL.
 */
#ifndef CALLBOARD_CALL_JSON_HPP
#define CALLBOARD_CALL_JSON_HPP

#include <cstddef>
#include <cstdint>

#include "call_category.hpp"
#include "text_field.hpp"

namespace callboard {

/* A timestamptz column. */
struct TimestampField
{
	bool		isnull;
	std::int64_t pg_usecs;
};

/* One row, as the query returns it; uuids are nullptr when NULL. */
struct CallFields
{
	const unsigned char *call_id;
	TextField	call_sid;
	TextField	to_number;
	TextField	customer_name;
	TextField	status;
	const unsigned char *agent_id;
	TextField	agent_name;
	TimestampField created_at;
	TimestampField started_at;
	bool		duration_isnull;
	std::int64_t duration;
};

/* Room write_call() may need for this row. */
std::size_t call_max_len(const CallFields &call) noexcept;

/*
 * Writes {"call_id":...,"duration":...}.  Returns nullptr, having written a
 * partial object, when a timestamp is outside what the format can show; then
 * *bad_column names the column.
 */
char	   *write_call(char *out, const CallFields &call, const char **bad_column) noexcept;

constexpr std::size_t kDocumentStartMaxLen = 64;
char	   *write_document_start(char *out) noexcept;

/*
 * Closes the lists before `next` and opens `next` (when it is a category),
 * writing the empty lists in between.  `open` is the category whose list is
 * open, or -1 before the first.
 */
constexpr std::size_t kAdvanceMaxLen = 96;
char	   *write_advance_to_category(char *out, int open, int next) noexcept;

/* The separator between two calls of one list. */
inline char *
write_call_separator(char *out) noexcept
{
	*out++ = ',';
	return out;
}

constexpr std::size_t kDocumentEndMaxLen = 160;
char	   *write_document_end(char *out, const std::int64_t counts[kCategoryCount]) noexcept;

/* scheduled_outbound_calls_summary(): {"success":true,"summary":{...}} */
constexpr std::size_t kSummaryDocumentMaxLen = 200;
char	   *write_summary_document(char *out, const std::int64_t counts[kCategoryCount]) noexcept;

/*
 * scheduled_outbound_calls_page(): {"success":true,"category":"...","calls":[
 * then the calls, comma-separated, then ],"next_cursor":"..."} (or null).
 */
constexpr std::size_t kPageStartMaxLen = 64;
char	   *write_page_start(char *out, Category category) noexcept;

constexpr std::size_t kPageEndMaxLen = 80;
/* `cursor`: kPageCursorLen characters, or nullptr for the last page. */
char	   *write_page_end(char *out, const char *cursor) noexcept;

}								/* namespace callboard */

#endif
