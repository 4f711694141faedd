/*
 * call_args.cpp
 *		Query parameters and JSON bodies -> the status argument.
 */
#include "call_args.hpp"

#include <set>

#include <nlohmann/json.hpp>

namespace gateway {

namespace {

std::optional<std::string> last_value(const QueryParams &params, const std::string &key)
{
	auto range = params.equal_range(key);
	if (range.first == range.second)
		return std::nullopt;
	return std::prev(range.second)->second;
}

}								/* namespace */

CallArgs
legacy_args(const QueryParams &params)
{
	return CallArgs{last_value(params, "status")};
}

std::variant<CallArgs, ApiError>
rpc_query_args(const QueryParams &params, const FunctionName &function)
{
	std::set<std::string> names;
	for (const auto &p : params)
		names.insert(p.first);
	for (const std::string &name : names)
		if (name != "status")
			return no_rpc(function.schema, function.name, {names.begin(), names.end()}, false,
						  function.signature());
	return CallArgs{last_value(params, "status")};
}

std::variant<CallArgs, ApiError>
rpc_body_args(const std::string &body, const FunctionName &function)
{
	/* No body at all calls the function with its defaults. */
	if (body.find_first_not_of(" \t\r\n") == std::string::npos)
		return CallArgs{};

	nlohmann::json args = nlohmann::json::parse(body, nullptr, false);
	if (args.is_discarded())
		return invalid_body("Empty or invalid json");
	if (!args.is_object())
		return invalid_body("The request body must be a JSON object of the function's arguments");

	std::set<std::string> names;
	for (auto it = args.begin(); it != args.end(); ++it)
		names.insert(it.key());
	for (const std::string &name : names)
		if (name != "status")
			return no_rpc(function.schema, function.name, {names.begin(), names.end()}, true,
						  function.signature());

	auto status = args.find("status");
	if (status == args.end() || status->is_null())
		return CallArgs{};
	/* PostgreSQL reads a JSON argument as text: 1 becomes '1'. */
	return CallArgs{status->is_string() ? status->get<std::string>() : status->dump()};
}

}								/* namespace gateway */
