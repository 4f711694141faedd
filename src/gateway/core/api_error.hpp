/*
 * api_error.hpp
 *		Errors as PostgREST writes them: {"code","details","hint","message"},
 *		PostgREST's SQLSTATE -> HTTP status table, and its PGRST errors.
 */
#ifndef CALLBOARD_GATEWAY_API_ERROR_HPP
#define CALLBOARD_GATEWAY_API_ERROR_HPP

#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace gateway {

using Headers = std::vector<std::pair<std::string, std::string>>;

struct ApiError
{
	int			status;
	std::string code;
	std::string message;
	std::optional<std::string> details;
	std::optional<std::string> hint;
	Headers		headers;
};

/* The JSON body; absent details and hint are null. */
std::string error_body(const ApiError &error);

/*
 * PostgREST's mapping of a PostgreSQL error to an HTTP status.  `authed`:
 * the request carried a valid JWT (42501 is then 403, otherwise 401).
 */
int			http_status_for_sqlstate(const std::string &sqlstate, const std::string &message, bool authed);

/* An error the database raised, as PostgREST forwards it. */
ApiError	postgres_error(const std::string &sqlstate, const std::string &message,
						   std::optional<std::string> details, std::optional<std::string> hint,
						   bool authed);

/* PGRST000: the database cannot be reached.  Retry-After in seconds. */
ApiError	connection_error(const std::string &details, int retry_after);

/* PGRST001: the connection broke during the request. */
ApiError	client_error(const std::string &details, int retry_after);

/* PGRST003: no pooled connection became free in time. */
ApiError	acquisition_timeout();

/* PGRST301: the token cannot be decoded or verified. */
ApiError	jwt_decode_error(const std::string &message, std::optional<std::string> details = std::nullopt);

/* PGRST302: no token where one is required. */
ApiError	token_required();

/* PGRST303: a claim (exp, nbf, iat, aud) does not hold. */
ApiError	jwt_claims_error(const std::string &message);

/* PGRST101 (RPC) / PGRST117 (elsewhere): the method is not served. */
ApiError	invalid_rpc_method(const std::string &method);
ApiError	unsupported_method(const std::string &method, const std::string &allow);

/* PGRST102: the request body is not what the route takes. */
ApiError	invalid_body(const std::string &message);

/* PGRST125: no such route. */
ApiError	invalid_path();

/*
 * 400: a document larger than callboard-cache-max-entry-bytes cannot be
 * watched; the same answer to a request for a stream and, as an error event,
 * to a stream whose document grew past it.
 */
ApiError	too_large_to_watch();

/* 500: the gateway failed while building an answer (an exception, not the database). */
ApiError	internal_error(const std::string &details);

/* PGRST300: tokens cannot be checked, the configuration has no JWT secret. */
ApiError	no_jwt_secret();

/* 403: a CORS preflight from an origin not in server-cors-allowed-origins. */
ApiError	origin_not_allowed();

/* HTTP's own refusals, before any route: 400, 408, 413, 414, 431 ("HTTP<status>"). */
ApiError	transport_error(int status, std::string message, std::optional<std::string> details = std::nullopt);

/*
 * PGRST202: no function `function` with these arguments; `suggestion` is the
 * signature the hint offers instead.
 */
ApiError	no_rpc(const std::string &schema, const std::string &function,
				   const std::vector<std::string> &arguments, bool json_body,
				   const std::string &suggestion);

}								/* namespace gateway */

#endif
