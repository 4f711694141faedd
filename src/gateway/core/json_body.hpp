/*
 * json_body.hpp
 *		A request body parsed as JSON, with its nesting bounded.
 *
 * Every route that reads a JSON body parses it here.  nlohmann/json parses
 * without recursion, but copying, printing and freeing a value recurse: a
 * body nested 100,000 levels deep would overflow the stack there.  So depth
 * is refused while parsing, before any such value exists.
 */
#ifndef CALLBOARD_GATEWAY_JSON_BODY_HPP
#define CALLBOARD_GATEWAY_JSON_BODY_HPP

#include <string_view>
#include <variant>

#include <nlohmann/json.hpp>

namespace gateway {

/* The arguments and credentials are flat objects: this is generous. */
constexpr int kMaxBodyDepth = 32;

enum class BodyError
{
	invalid,					/* not JSON */
	too_deep,					/* nested deeper than kMaxBodyDepth */
};

std::variant<nlohmann::json, BodyError> parse_json_body(std::string_view body);

}								/* namespace gateway */

#endif
