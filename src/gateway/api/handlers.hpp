/*
 * handlers.hpp
 *		What each route does, read as one straight line:
 *		auth -> arguments -> pool -> transaction -> function -> response.
 *
 * Each handler is a coroutine on the loop of its connection: while it waits
 * for the database or the client, the loop serves others.  Handlers know
 * HTTP only through Request, Reply and Responder; dispatch.cpp picks them.
 */
#ifndef CALLBOARD_GATEWAY_HANDLERS_HPP
#define CALLBOARD_GATEWAY_HANDLERS_HPP

#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "auth/jwt_auth.hpp"
#include "auth/login_limiter.hpp"
#include "auth/token_cache.hpp"
#include "config/config.hpp"
#include "config/reloadable_config.hpp"
#include "core/api_error.hpp"
#include "core/asio.hpp"
#include "core/off_loop.hpp"
#include "db/database.hpp"
#include "http/request.hpp"
#include "http/responder.hpp"
#include "live/cohorts.hpp"
#include "rpc/call_args.hpp"

namespace gateway {

/* How tokens are checked, from a configuration. */
AuthConfig auth_config(const Config &config);

class Handlers
{
public:
	/* `hashing` runs password checks (login_limiter.hpp). */
	Handlers(ReloadableConfig &reloadable, Database &db, Cohorts &cohorts, BlockingPool hashing);

	/* On a configuration reload: the token cache starts again, bound to the new settings. */
	void		rebind_tokens(const Config &config) { tokens_.rebind(auth_config(config)); }

	/*
	 * The routes' handlers (routes.cpp names them, as RouteHandler): each
	 * gets the request, the name its path gives (/rpc/<name>; else empty)
	 * and where to answer.
	 */

	/* GET /api/hume-twilio/dashboard/outbound/scheduled/: a token is required. */
	awaitable<void> legacy(const Request &request, std::string_view name, Responder &out);

	/* GET or POST /rpc/<name>: any of rpc_functions(), else PGRST202. */
	awaitable<void> rpc(const Request &request, std::string_view name, Responder &out);

	/* POST /api/accounts/login/ and /api/accounts/token/refresh/. */
	awaitable<void> login(const Request &request, std::string_view name, Responder &out);
	awaitable<void> refresh(const Request &request, std::string_view name, Responder &out);

	/* GET /live and /ready, for load balancers: the process is up; the database answers. */
	awaitable<void> liveness(const Request &request, std::string_view name, Responder &out);
	awaitable<void> readiness(const Request &request, std::string_view name, Responder &out);

private:
	awaitable<void> call(const Request &request, const RpcFunction &function,
						 const std::variant<RpcArgs, ApiError> &args, const Who &who, Responder &out);

	RequestSettings settings_for(const Request &request, const std::string &role,
								 const std::string &claims) const;

	/* A document: from its cohort, with an ETag; or streamed, when too large to keep. */
	awaitable<void> document(const Request &request, const Audience &audience, Responder &out);
	awaitable<void> stream(const Audience &audience, Responder &out);

	ReloadableConfig   &config_;
	Database   &db_;
	Cohorts    &cohorts_;
	BlockingPool hashing_;
	LoginLimiter logins_;
	TokenCache	tokens_;
	std::string schema_;		/* db-schemas' first: where the functions are */
	std::string quoted_schema_;
	std::string search_path_;
};

}								/* namespace gateway */

#endif
