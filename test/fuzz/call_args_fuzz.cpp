/*
 * call_args_fuzz.cpp
 *		JSON bodies (parse_json_body) and the argument mapping of every
 *		function /rpc serves: rpc_body_args, rpc_query_args, legacy_args,
 *		then rpc_sql and rpc_values.
 *
 * Input: a request body; the same bytes are also tried as a query string.
 */
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "core/json_body.hpp"
#include "fuzz_check.hpp"
#include "http/query_string.hpp"
#include "rpc/call_args.hpp"

using namespace gateway;

namespace {

/*
 * The deepest element of accepted JSON text, counting the containers around
 * it (the top-level value is at 0), as parse_json_body's limit counts.
 */
int element_depth(std::string_view text)
{
	int			depth = 0, deepest = 0;
	bool		in_string = false;
	for (std::size_t i = 0; i < text.size(); i++)
	{
		char		c = text[i];
		if (in_string)
		{
			if (c == '\\')
				i++;
			else if (c == '"')
				in_string = false;
			continue;
		}
		if (c == ']' || c == '}')
			depth--;
		else if (c != ' ' && c != '\t' && c != '\r' && c != '\n' && c != ',' && c != ':')
		{
			deepest = std::max(deepest, depth);
			in_string = c == '"';
			depth += c == '[' || c == '{';
		}
	}
	return deepest;
}

void check_body(std::string_view body)
{
	auto		parsed = parse_json_body(body);
	/* JSON text (nlohmann's accept() would stop at a NUL, taking it for the end). */
	bool		accepted = body.find('\0') == std::string_view::npos && nlohmann::json::accept(body);
	if (auto *value = std::get_if<nlohmann::json>(&parsed))
	{
		FUZZ_CHECK(accepted);
		FUZZ_CHECK(element_depth(body) <= kMaxBodyDepth);
		/* The value is whole: as parsed without a limit, and it prints and reads back. */
		FUZZ_CHECK(*value == nlohmann::json::parse(body));
		FUZZ_CHECK(nlohmann::json::parse(value->dump()) == *value);
	}
	else if (std::get<BodyError>(parsed) == BodyError::invalid)
		FUZZ_CHECK(!accepted);
	else if (accepted)
		FUZZ_CHECK(element_depth(body) > kMaxBodyDepth);
}

void check_error(const ApiError &error)
{
	FUZZ_CHECK(error.status == 400 || error.status == 404);
	nlohmann::json body = nlohmann::json::parse(error_body(error), nullptr, false);
	FUZZ_CHECK(body.is_object());
	for (const char *key : {"code", "message", "details", "hint"})
		FUZZ_CHECK(body.contains(key));
}

/* What holds for any arguments, however they were given. */
void check_args(const RpcFunction &function, const RpcArgs &args)
{
	std::size_t next = 0;		/* the parameters are given in order, once each */
	for (const auto &arg : args)
	{
		const RpcParam *param = arg.first;
		auto		it = std::find_if(function.params.begin() + next, function.params.end(),
									  [&](const RpcParam &p) { return &p == param; });
		FUZZ_CHECK(it != function.params.end());
		next = static_cast<std::size_t>(it - function.params.begin()) + 1;
	}
	for (const RpcParam &p : function.params)
		if (p.required)
			FUZZ_CHECK(std::any_of(args.begin(), args.end(), [&](const auto &a) { return a.first == &p; }));

	/* The SQL is made of the function table alone: no request byte is ever in it. */
	std::string sql = rpc_sql("\"api\"", function, args);
	FUZZ_CHECK(sql.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789_ ,.\"()=>$:SELCT") == std::string::npos);
	FUZZ_CHECK(static_cast<std::size_t>(std::count(sql.begin(), sql.end(), '$')) == args.size());
	FUZZ_CHECK(rpc_values(args).size() == args.size());
}

void check_body_args(const std::string &body, const RpcFunction &function)
{
	auto		result = rpc_body_args(body, "api", function);
	if (auto *error = std::get_if<ApiError>(&result))
		return check_error(*error);
	const RpcArgs &args = std::get<RpcArgs>(result);
	check_args(function, args);

	/* A string argument is passed as it is, anything else as its JSON text; null is NULL. */
	if (args.empty())
		return;
	nlohmann::json object = nlohmann::json::parse(body);
	for (const auto &[param, value] : args)
	{
		const nlohmann::json &given = object.at(param->name);
		if (given.is_null())
			FUZZ_CHECK(!value);
		else
			FUZZ_CHECK(value && *value == (given.is_string() ? given.get<std::string>() : given.dump()));
	}
}

std::optional<std::string> last_value(const QueryParams &params, const std::string &key)
{
	auto		range = params.equal_range(key);
	if (range.first == range.second)
		return std::nullopt;
	return std::prev(range.second)->second;
}

void check_query_args(const QueryParams &params, const RpcFunction &function)
{
	auto		result = rpc_query_args(params, "api", function);
	if (auto *error = std::get_if<ApiError>(&result))
		return check_error(*error);
	const RpcArgs &args = std::get<RpcArgs>(result);
	check_args(function, args);
	/* Every parameter is an argument; a repeated one takes its last value. */
	for (const auto &p : params)
		FUZZ_CHECK(std::any_of(args.begin(), args.end(), [&](const auto &a) { return a.first->name == p.first; }));
	for (const auto &[param, value] : args)
		FUZZ_CHECK(value == last_value(params, param->name));
}

void check_legacy_args(const QueryParams &params)
{
	RpcArgs		args = legacy_args(params);
	check_args(legacy_function(), args);
	FUZZ_CHECK(args.size() <= 1);
	if (auto status = last_value(params, "status"))
		FUZZ_CHECK(args.size() == 1 && std::string(args[0].first->name) == "status" && args[0].second == status);
	else
		FUZZ_CHECK(args.empty());
}

}								/* namespace */

extern "C" int
LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
	std::string input(reinterpret_cast<const char *>(data), size);

	check_body(input);
	QueryParams params = parse_target("/rpc/f?" + input).params;
	for (const RpcFunction &function : rpc_functions())
	{
		check_body_args(input, function);
		check_query_args(params, function);
	}
	check_legacy_args(params);
	return 0;
}
