/*
 * handlers.hpp
 *		What each route does, read as one straight line:
 *		auth -> arguments -> pool -> transaction -> function -> response.
 *
 * Handlers know HTTP only through Reply; http_server.cpp maps routes to them.
 */
#ifndef CALLBOARD_GATEWAY_HANDLERS_HPP
#define CALLBOARD_GATEWAY_HANDLERS_HPP

#include <memory>
#include <optional>
#include <string>

#include "api_error.hpp"
#include "call_args.hpp"
#include "config.hpp"
#include "db_pool.hpp"
#include "db_request.hpp"
#include "jwt_auth.hpp"

namespace gateway {

/* The parts of an HTTP request the handlers read. */
struct Request
{
	std::string method;
	std::string path;
	QueryParams params;
	std::optional<std::string> authorization;
	std::string headers_json;	/* lower-cased names, for request.headers */
	std::string body;
};

struct Reply
{
	int			status = 200;
	std::string body;
	/* Or, for a function's answer: the value, still in libpq's result. */
	std::shared_ptr<PGresult> result;
	std::string content_type = "application/json; charset=utf-8";
	Headers		headers;
	std::string role;			/* for the access log */
};

Reply		error_reply(const ApiError &error);

class Handlers
{
public:
	explicit Handlers(const Config &config);

	/* GET /api/hume-twilio/dashboard/outbound/scheduled/: a token is required. */
	Reply		legacy(const Request &request);

	/* GET or POST /rpc/<name>: any of rpc_functions(), else PGRST202. */
	Reply		rpc(const Request &request, const std::string &name);

	/* POST /api/accounts/login/ and /api/accounts/token/refresh/. */
	Reply		login(const Request &request);
	Reply		refresh(const Request &request);

	/* Load balancers: the process is up; the database answers. */
	Reply		live();
	Reply		ready();

private:
	Reply		call(const Request &request, const RpcFunction &function,
					 const std::variant<RpcArgs, ApiError> &args, const Auth &who);
	/* Runs the request's transaction, retrying once on a broken pooled connection. */
	DbOutcome	run(const RequestSettings &settings, const std::string &sql,
					const std::vector<std::optional<std::string>> &params, bool authed);
	RequestSettings settings_for(const Request &request, const std::string &role,
								 const std::string &claims) const;

	const Config &config_;
	DbPools		pools_;
	AuthSettings auth_;
	std::string schema_;		/* db-schemas' first: where the functions are */
	std::string quoted_schema_;
	std::string search_path_;
	std::string login_role_;
};

}								/* namespace gateway */

#endif
