/*
 * call_args.hpp
 *		The functions the gateway serves, and their arguments from a request.
 *
 * Three ways in:
 *   - the legacy Django path: ?status=...; other parameters are ignored, as
 *     Django's request.GET.get('status') ignores them;
 *   - GET /rpc/<function>: query parameters are the function's arguments, as
 *     in PostgREST, so any other name is PGRST202;
 *   - POST /rpc/<function>: a JSON object of arguments, likewise.
 * A repeated parameter takes its last value (Django's QueryDict.get).  An
 * argument not given takes the function's default; JSON null is SQL NULL.
 */
#ifndef CALLBOARD_GATEWAY_CALL_ARGS_HPP
#define CALLBOARD_GATEWAY_CALL_ARGS_HPP

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "change_payload.hpp"
#include "core/api_error.hpp"
#include "http/query_string.hpp"

namespace gateway {

struct RpcParam
{
	const char *name;
	const char *sql_type;		/* the value is sent as text and cast to this */
	bool		required;		/* no default: a call without it is PGRST202 */
};

/* A callboard function as /rpc serves it. */
struct RpcFunction
{
	const char *name;
	std::vector<RpcParam> params;
	/*
	 * The set-returning form that yields the same document in chunks, called
	 * instead so that the document streams; nullptr when the value is small.
	 */
	const char *chunks_name = nullptr;
	/*
	 * For a document that depends on the clock as well as on the data: the
	 * JSON pointer of the time (ISO 8601, UTC, as callboard prints it) from
	 * which it is no longer current, however little the data changed.
	 * nullptr when only changes to the data make it old.
	 */
	const char *expires_at = nullptr;

	/*
	 * The parameter that narrows the document to one category (the filter's
	 * values), or nullptr: the document then shows every category.
	 */
	const char *category_param = nullptr;

	/* "name(a, b)", for PGRST202's hint. */
	std::string signature() const;
};

/*
 * scheduled_outbound_calls, scheduled_outbound_calls_summary,
 * scheduled_outbound_calls_page, scheduled_outbound_calls_timeline,
 * scheduled_outbound_calls_overview.
 */
const std::vector<RpcFunction> &rpc_functions();
const RpcFunction *find_rpc_function(std::string_view name);

/* scheduled_outbound_calls: what the legacy Django path serves. */
const RpcFunction &legacy_function();

/* The arguments given, in the function's parameter order; nullopt is NULL. */
using RpcArgs = std::vector<std::pair<const RpcParam *, std::optional<std::string>>>;

/* The legacy path's status (scheduled_outbound_calls). */
RpcArgs		legacy_args(const QueryParams &params);

std::variant<RpcArgs, ApiError> rpc_query_args(const QueryParams &params, const std::string &schema,
											   const RpcFunction &function);

std::variant<RpcArgs, ApiError> rpc_body_args(const std::string &body, const std::string &schema,
											  const RpcFunction &function);

/*
 * SELECT "schema"."function"(a => $1::type, ...) for the arguments given,
 * in named notation so the others take their defaults; the chunked form
 * when the function has one (in the select list, where PostgreSQL runs a
 * set-returning function row by row instead of collecting its rows first).
 * Built from the function table only: no request text is ever part of it.
 */
std::string rpc_sql(const std::string &quoted_schema, const RpcFunction &function, const RpcArgs &args);

/*
 * The categories whose calls the document of this call shows: one when its
 * category parameter names one (as the filter reads it), else all four (a
 * value the function refuses included: its error must be read again too).
 */
callboard::CategorySet rpc_categories(const RpcFunction &function, const RpcArgs &args);

/* The values for rpc_sql's parameters, in order. */
std::vector<std::optional<std::string>> rpc_values(const RpcArgs &args);

}								/* namespace gateway */

#endif
