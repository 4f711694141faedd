/*
 * json_body.cpp
 *		Parsing with a depth limit.
 */
#include "core/json_body.hpp"

namespace gateway {

std::variant<nlohmann::json, BodyError>
parse_json_body(std::string_view body)
{
	/*
	 * nlohmann/json takes a NUL byte for the end of the input, so "{}\0junk"
	 * would parse as {}.  JSON text never holds one, escaped or not.
	 */
	if (body.find('\0') != std::string_view::npos)
		return BodyError::invalid;

	bool		too_deep = false;
	nlohmann::json::parser_callback_t depth_limit =
		[&too_deep](int depth, nlohmann::json::parse_event_t, nlohmann::json &) {
			if (depth > kMaxBodyDepth)
				too_deep = true;
			return !too_deep;	/* discard: nothing deep is ever built */
		};
	nlohmann::json value = nlohmann::json::parse(body, depth_limit, false);
	if (too_deep)
		return BodyError::too_deep;
	if (value.is_discarded())
		return BodyError::invalid;
	return value;
}

}								/* namespace gateway */
