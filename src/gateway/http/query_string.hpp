/*
 * query_string.hpp
 *		A request target split into its path and its decoded parameters.
 *
 * Hostile input reaches this first, before any token is checked: it never
 * fails, never allocates more than the target's own size, and decodes as
 * browsers and PostgREST's clients encode (%XX, and '+' as a space in the
 * query).  Malformed escapes are kept as they were.
 */
#ifndef CALLBOARD_GATEWAY_QUERY_STRING_HPP
#define CALLBOARD_GATEWAY_QUERY_STRING_HPP

#include <map>
#include <string>
#include <string_view>

namespace gateway {

/* A request's query parameters, decoded, in order; a name may repeat. */
using QueryParams = std::multimap<std::string, std::string>;

struct Target
{
	std::string path;
	QueryParams params;
};

/* "%41+b" -> "A b" when plus_is_space, else "A+b". */
std::string percent_decode(std::string_view text, bool plus_is_space);

/* "/rpc/f?a=1&b=%20" -> {"/rpc/f", {a: "1", b: " "}}; a parameter without '=' has the value "". */
Target		parse_target(std::string_view target);

}								/* namespace gateway */

#endif
