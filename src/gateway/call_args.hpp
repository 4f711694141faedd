/*
 * call_args.hpp
 *		The `status` argument of scheduled_outbound_calls, from a request.
 *
 * Three ways in, one meaning:
 *   - the legacy Django path: ?status=...; other parameters are ignored, as
 *     Django's request.GET.get('status') ignores them;
 *   - GET /rpc: query parameters are the function's arguments, as in
 *     PostgREST, so any name but "status" is PGRST202;
 *   - POST /rpc: a JSON object of arguments, likewise.
 * A repeated parameter takes its last value (Django's QueryDict.get).
 * Absent means SQL NULL, the function's default.
 */
#ifndef CALLBOARD_GATEWAY_CALL_ARGS_HPP
#define CALLBOARD_GATEWAY_CALL_ARGS_HPP

#include <map>
#include <optional>
#include <string>
#include <variant>

#include "api_error.hpp"

namespace gateway {

struct CallArgs
{
	std::optional<std::string> status;	/* nullopt: NULL */
};

/* Where the function lives, for PGRST202's message. */
struct FunctionName
{
	std::string schema;
	std::string name;

	std::string signature() const { return name + "(status)"; }
};

using QueryParams = std::multimap<std::string, std::string>;

CallArgs	legacy_args(const QueryParams &params);

std::variant<CallArgs, ApiError> rpc_query_args(const QueryParams &params, const FunctionName &function);

std::variant<CallArgs, ApiError> rpc_body_args(const std::string &body, const FunctionName &function);

}								/* namespace gateway */

#endif
