/*
 * api_error.cpp
 *		PostgREST's error table and messages (src/PostgREST/Error.hs).
 */
#include "core/api_error.hpp"

#include <nlohmann/json.hpp>

namespace gateway {

namespace {

bool starts(const std::string &s, const char *prefix)
{
	return s.rfind(prefix, 0) == 0;
}

bool ends(const std::string &s, const std::string &suffix)
{
	return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

/* Haskell's `show` of a Text, as PostgREST quotes error_description. */
std::string quoted(const std::string &s)
{
	return nlohmann::json(s).dump();
}

ApiError make(int status, const char *code, std::string message,
			  std::optional<std::string> details = std::nullopt,
			  std::optional<std::string> hint = std::nullopt)
{
	return ApiError{status, code, std::move(message), std::move(details), std::move(hint), {}};
}

}								/* namespace */

std::string
error_body(const ApiError &error)
{
	/* nlohmann's objects keep keys sorted: code, details, hint, message. */
	nlohmann::json body = {
		{"code", error.code},
		{"details", error.details ? nlohmann::json(*error.details) : nlohmann::json(nullptr)},
		{"hint", error.hint ? nlohmann::json(*error.hint) : nlohmann::json(nullptr)},
		{"message", error.message},
	};
	return body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

int
http_status_for_sqlstate(const std::string &c, const std::string &message, bool authed)
{
	if (starts(c, "08")) return 503;	/* connection exception */
	if (starts(c, "09")) return 500;	/* triggered action exception */
	if (starts(c, "0L")) return 403;	/* invalid grantor */
	if (starts(c, "0P")) return 403;	/* invalid role specification */
	if (c == "23503") return 409;		/* foreign_key_violation */
	if (c == "23505") return 409;		/* unique_violation */
	if (c == "25006") return 405;		/* read_only_sql_transaction */
	if (c == "21000")					/* cardinality_violation */
		return ends(message, "requires a WHERE clause") ? 400 : 500;
	if (c == "22023")					/* invalid_parameter_value; a JWT role that does not exist */
		return starts(message, "role") && ends(message, "does not exist") ? 401 : 400;
	if (starts(c, "25")) return 500;	/* invalid transaction state */
	if (starts(c, "28")) return 403;	/* invalid authorization specification */
	if (starts(c, "2D")) return 500;	/* invalid transaction termination */
	if (starts(c, "38")) return 500;	/* external routine exception */
	if (starts(c, "39")) return 500;	/* external routine invocation */
	if (starts(c, "3B")) return 500;	/* savepoint exception */
	if (starts(c, "40")) return 500;	/* transaction rollback */
	if (c == "53400") return 500;		/* configuration limit exceeded */
	if (starts(c, "53")) return 503;	/* insufficient resources */
	if (starts(c, "54")) return 500;	/* program limit exceeded */
	if (starts(c, "55")) return 500;	/* object not in prerequisite state */
	if (c == "57P01") return 503;		/* admin shutdown */
	if (starts(c, "57")) return 500;	/* operator intervention */
	if (starts(c, "58")) return 500;	/* system error */
	if (starts(c, "F0")) return 500;	/* configuration file error */
	if (starts(c, "HV")) return 500;	/* foreign data wrapper error */
	if (c == "P0001") return 400;		/* RAISE's default */
	if (starts(c, "P0")) return 500;	/* PL/pgSQL error */
	if (starts(c, "XX")) return 500;	/* internal error */
	if (c == "42883")					/* undefined_function */
		return starts(message, "function xmlagg(") ? 406 : 404;
	if (c == "42P01") return 404;		/* undefined_table */
	if (c == "42P17") return 500;		/* infinite recursion */
	if (c == "42501") return authed ? 403 : 401;	/* insufficient_privilege */
	if (starts(c, "PT") && c.size() == 5)	/* RAISE SQLSTATE 'PTnnn': status nnn */
	{
		int status = 0;
		for (std::size_t i = 2; i < 5; i++)
		{
			if (c[i] < '0' || c[i] > '9')
				return 500;
			status = status * 10 + (c[i] - '0');
		}
		return status >= 100 && status <= 599 ? status : 500;
	}
	return 400;
}

ApiError
postgres_error(const std::string &sqlstate, const std::string &message,
			   std::optional<std::string> details, std::optional<std::string> hint, bool authed)
{
	ApiError error{http_status_for_sqlstate(sqlstate, message, authed), sqlstate, message,
				   std::move(details), std::move(hint), {}};
	if (error.status == 401)
		error.headers.emplace_back("WWW-Authenticate", "Bearer");
	return error;
}

ApiError
connection_error(const std::string &details, int retry_after)
{
	ApiError error = make(503, "PGRST000", "Database connection error.", details);
	error.headers.emplace_back("Retry-After", std::to_string(retry_after));
	return error;
}

ApiError
client_error(const std::string &details, int retry_after)
{
	ApiError error = make(503, "PGRST001", "Database client error.", details);
	error.headers.emplace_back("Retry-After", std::to_string(retry_after));
	return error;
}

ApiError
acquisition_timeout()
{
	return make(504, "PGRST003", "Timed out acquiring connection from connection pool.");
}

ApiError
jwt_decode_error(const std::string &message, std::optional<std::string> details)
{
	ApiError error = make(401, "PGRST301", message, std::move(details));
	error.headers.emplace_back("WWW-Authenticate",
							   "Bearer error=\"invalid_token\", error_description=" + quoted(message));
	return error;
}

ApiError
token_required()
{
	ApiError error = make(401, "PGRST302", "Anonymous access is disabled");
	error.headers.emplace_back("WWW-Authenticate", "Bearer");
	return error;
}

ApiError
jwt_claims_error(const std::string &message)
{
	ApiError error = make(401, "PGRST303", message);
	error.headers.emplace_back("WWW-Authenticate",
							   "Bearer error=\"invalid_token\", error_description=" + quoted(message));
	return error;
}

ApiError
invalid_rpc_method(const std::string &method)
{
	ApiError error = make(405, "PGRST101", "Cannot use the " + method + " method on RPC");
	error.headers.emplace_back("Allow", "GET, HEAD, POST, OPTIONS");
	return error;
}

ApiError
unsupported_method(const std::string &method, const std::string &allow)
{
	ApiError error = make(405, "PGRST117", "Unsupported HTTP method: " + method);
	error.headers.emplace_back("Allow", allow);
	return error;
}

ApiError
invalid_body(const std::string &message)
{
	return make(400, "PGRST102", message);
}

ApiError
invalid_path()
{
	return make(404, "PGRST125", "Invalid path specified in request URL");
}

ApiError
too_large_to_watch()
{
	return make(400, "HTTP400", "Document too large to watch",
				"It is larger than callboard-cache-max-entry-bytes.", "Watch the summary or the pages instead.");
}

ApiError
no_jwt_secret()
{
	return make(500, "PGRST300", "Server lacks JWT secret");
}

ApiError
origin_not_allowed()
{
	return make(403, "HTTP403", "Origin not allowed", "Add it to server-cors-allowed-origins.");
}

ApiError
transport_error(int status, std::string message, std::optional<std::string> details)
{
	return ApiError{status, "HTTP" + std::to_string(status), std::move(message), std::move(details),
					std::nullopt, {}};
}

ApiError
internal_error(const std::string &details)
{
	return make(500, "HTTP500", "Internal server error", details);
}

ApiError
no_rpc(const std::string &schema, const std::string &function,
	   const std::vector<std::string> &arguments, bool json_body, const std::string &suggestion)
{
	std::string qualified = schema + "." + function;
	std::string list;
	for (const std::string &a : arguments)
		list += (list.empty() ? "" : ", ") + a;

	std::string message = "Could not find the function " + qualified +
		(arguments.empty() ? " without parameters" : "(" + list + ")") + " in the schema cache";
	std::string details = "Searched for the function " + qualified +
		(arguments.empty() ? std::string(" without parameters")
		 : " with parameter" + std::string(arguments.size() > 1 ? "s " : " ") + list) +
		(json_body ? " or with a single unnamed json/jsonb parameter" : "") +
		", but no matches were found in the schema cache.";
	return make(404, "PGRST202", message, details,
				"Perhaps you meant to call the function " + schema + "." + suggestion);
}

}								/* namespace gateway */
