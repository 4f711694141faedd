/*
 * routes.hpp
 *		The paths the gateway serves and the methods each takes.
 *
 *   /api/hume-twilio/dashboard/outbound/scheduled/   GET     the Django path (token required)
 *   /rpc/<function>                                  GET, POST  as PostgREST serves callboard's
 *                                                               functions (call_args.cpp)
 *   /api/accounts/login/, /api/accounts/token/refresh/  POST
 *   /live, /ready                                    GET
 *
 * The Django paths match with or without their trailing slash.  GET also
 * serves HEAD; OPTIONS is answered everywhere (CORS, Allow).
 */
#ifndef CALLBOARD_GATEWAY_ROUTES_HPP
#define CALLBOARD_GATEWAY_ROUTES_HPP

#include <string_view>

namespace gateway {

enum class RouteKind
{
	legacy,
	rpc,
	login,
	refresh,
	live,
	ready,
	none,
};

struct Route
{
	RouteKind	kind = RouteKind::none;
	std::string_view rpc_name;	/* for /rpc/<name> */
	const char *allow = "";		/* the Allow header: the methods served */
};

Route		find_route(std::string_view path);

/* Whether the route serves `method` (OPTIONS is handled before this). */
bool		method_allowed(const Route &route, std::string_view method);

}								/* namespace gateway */

#endif
