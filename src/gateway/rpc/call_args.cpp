/*
 * call_args.cpp
 *		Query parameters and JSON bodies -> named arguments -> parameterized SQL.
 */
#include "rpc/call_args.hpp"

#include <set>

#include <nlohmann/json.hpp>

#include "core/json_body.hpp"

namespace gateway {

namespace {

std::optional<std::string> last_value(const QueryParams &params, const std::string &key)
{
	auto range = params.equal_range(key);
	if (range.first == range.second)
		return std::nullopt;
	return std::prev(range.second)->second;
}

const RpcParam *find_param(const RpcFunction &function, const std::string &name)
{
	for (const RpcParam &p : function.params)
		if (name == p.name)
			return &p;
	return nullptr;
}

/*
 * PGRST202 unless every name is a parameter of the function and every
 * required parameter is named: PostgREST finds no function otherwise.
 */
std::optional<ApiError> check_names(const std::set<std::string> &names, const std::string &schema,
									const RpcFunction &function, bool json_body)
{
	bool		matches = true;
	for (const std::string &name : names)
		matches = matches && find_param(function, name) != nullptr;
	for (const RpcParam &p : function.params)
		matches = matches && (!p.required || names.count(p.name) > 0);
	if (!matches)
		return no_rpc(schema, function.name, {names.begin(), names.end()}, json_body,
					  function.signature());
	return std::nullopt;
}

}								/* namespace */

std::string
RpcFunction::signature() const
{
	std::string s = std::string(name) + "(";
	for (std::size_t i = 0; i < params.size(); i++)
		s += (i ? ", " : "") + std::string(params[i].name);
	return s + ")";
}

const std::vector<RpcFunction> &
rpc_functions()
{
	static const std::vector<RpcFunction> functions = {
		{"scheduled_outbound_calls", {{"status", "text", false}}, "scheduled_outbound_calls_chunks", nullptr, "status"},
		{"scheduled_outbound_calls_summary", {}},
		{"scheduled_outbound_calls_page",
		 {{"category", "text", true}, {"page_size", "integer", false}, {"cursor", "text", false}}, nullptr, nullptr,
		 "category"},
		/* The window ends with the bucket that holds now(): at its end the document is old. */
		{"scheduled_outbound_calls_timeline",
		 {{"bucket", "interval", false}, {"span", "interval", false}, {"until", "timestamptz", false}},
		 nullptr, "/timeline/end"},
		{"scheduled_outbound_calls_overview",
		 {{"bucket", "interval", false}, {"span", "interval", false}, {"until", "timestamptz", false}},
		 nullptr, "/timeline/end"},
	};
	return functions;
}

const RpcFunction *
find_rpc_function(std::string_view name)
{
	for (const RpcFunction &f : rpc_functions())
		if (name == f.name)
			return &f;
	return nullptr;
}

const RpcFunction &
legacy_function()
{
	static const RpcFunction &calls = *find_rpc_function("scheduled_outbound_calls");
	return calls;
}

RpcArgs
legacy_args(const QueryParams &params)
{
	const RpcFunction &calls = legacy_function();
	RpcArgs		args;
	if (auto status = last_value(params, "status"))
		args.emplace_back(find_param(calls, "status"), status);
	return args;
}

std::variant<RpcArgs, ApiError>
rpc_query_args(const QueryParams &params, const std::string &schema, const RpcFunction &function)
{
	std::set<std::string> names;
	for (const auto &p : params)
		names.insert(p.first);
	if (auto error = check_names(names, schema, function, false))
		return *error;

	RpcArgs		args;
	for (const RpcParam &p : function.params)
		if (auto value = last_value(params, p.name))
			args.emplace_back(&p, value);
	return args;
}

std::variant<RpcArgs, ApiError>
rpc_body_args(const std::string &body, const std::string &schema, const RpcFunction &function)
{
	/* No body at all is no arguments, as {} is: the function's defaults, if it has them all. */
	if (body.find_first_not_of(" \t\r\n") == std::string::npos)
	{
		if (auto error = check_names({}, schema, function, true))
			return *error;
		return RpcArgs{};
	}

	auto		parsed = parse_json_body(body);
	if (auto *error = std::get_if<BodyError>(&parsed))
		return invalid_body(*error == BodyError::too_deep
							? "The request body nests deeper than " + std::to_string(kMaxBodyDepth) + " levels"
							: "Empty or invalid json");
	const nlohmann::json &object = std::get<nlohmann::json>(parsed);
	if (!object.is_object())
		return invalid_body("The request body must be a JSON object of the function's arguments");

	std::set<std::string> names;
	for (auto it = object.begin(); it != object.end(); ++it)
		names.insert(it.key());
	if (auto error = check_names(names, schema, function, true))
		return *error;

	RpcArgs		args;
	for (const RpcParam &p : function.params)
	{
		auto it = object.find(p.name);
		if (it == object.end())
			continue;
		/* PostgreSQL reads a JSON argument as text: 1 becomes '1'. */
		if (it->is_null())
			args.emplace_back(&p, std::nullopt);
		else
			args.emplace_back(&p, it->is_string() ? it->get<std::string>() : it->dump());
	}
	return args;
}

std::string
rpc_sql(const std::string &quoted_schema, const RpcFunction &function, const RpcArgs &args)
{
	std::string sql = "SELECT " + quoted_schema + "." + (function.chunks_name ? function.chunks_name : function.name) + "(";
	for (std::size_t i = 0; i < args.size(); i++)
		sql += std::string(i ? ", " : "") + args[i].first->name + " => $" + std::to_string(i + 1) +
			"::" + args[i].first->sql_type;
	return sql + ")";
}

callboard::CategorySet
rpc_categories(const RpcFunction &function, const RpcArgs &args)
{
	if (function.category_param == nullptr)
		return callboard::kAllCategories;
	for (const auto &[param, value] : args)
		if (std::string_view(param->name) == function.category_param && value)
		{
			callboard::Filter filter = callboard::parse_filter(value->data(), value->size());

			if (filter.kind == callboard::Filter::one)
				return callboard::category_bit(filter.category);
		}
	return callboard::kAllCategories;
}

std::vector<std::optional<std::string>>
rpc_values(const RpcArgs &args)
{
	std::vector<std::optional<std::string>> values;
	for (const auto &a : args)
		values.push_back(a.second);
	return values;
}

}								/* namespace gateway */
