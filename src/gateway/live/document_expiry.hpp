/*
 * document_expiry.hpp
 *		When a document that depends on the clock stops being current.
 *
 * A timeline's window ends with the bucket that holds now(): once that
 * bucket is over, the same query gives another document even if no call
 * changed.  The document says when (RpcFunction::expires_at names the key);
 * the cohorts read it so that they answer from memory only until then and
 * refresh watched documents after it.
 */
#ifndef CALLBOARD_GATEWAY_DOCUMENT_EXPIRY_HPP
#define CALLBOARD_GATEWAY_DOCUMENT_EXPIRY_HPP

#include <chrono>
#include <optional>
#include <string_view>

namespace gateway {

using SystemTime = std::chrono::system_clock::time_point;

/*
 * A time as callboard prints it (Python's isoformat of an aware UTC
 * datetime): "2025-10-24T10:00:00+00:00" or "2025-10-24T10:00:00.123400+00:00",
 * years 1 to 9999; nullopt for anything else.
 */
std::optional<SystemTime> parse_utc_timestamp(std::string_view text);

/*
 * The time at the JSON pointer `pointer` of `body`.  A document that does
 * not hold one there is already old (SystemTime::min()): it is then never
 * answered from memory, which is always correct, only slower.
 */
SystemTime	document_expiry(const char *pointer, std::string_view body);

}								/* namespace gateway */

#endif
