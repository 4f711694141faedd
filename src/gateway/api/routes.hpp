/*
 * routes.hpp
 *		The paths the gateway serves: one table (routes.cpp) that says, for
 *		each, its methods, its handler and its metrics label.  The Allow
 *		header and the 405s are derived from the methods.
 *
 *   /api/hume-twilio/dashboard/outbound/scheduled/   GET     the Django path (token required)
 *   /rpc/<function>                                  GET, POST  as PostgREST serves callboard's
 *                                                               functions (call_args.cpp)
 *   /api/accounts/login/, /api/accounts/token/refresh/  POST
 *   /live, /ready                                    GET     the health probes
 *
 * The Django paths match with or without their trailing slash.  GET also
 * serves HEAD; OPTIONS is answered everywhere (CORS, Allow).
 */
#ifndef CALLBOARD_GATEWAY_ROUTES_HPP
#define CALLBOARD_GATEWAY_ROUTES_HPP

#include <string>
#include <string_view>

#include "core/asio.hpp"

namespace gateway {

class Handlers;
class Responder;
struct Request;

/*
 * What serves a route: a member of Handlers, given the request, the name
 * its path gives (/rpc/<name>; else empty) and where to answer.
 */
using RouteHandler = awaitable<void> (Handlers::*)(const Request &request, std::string_view name, Responder &out);

/* The methods a route serves, as bits.  GET serves HEAD too. */
enum RouteMethod : unsigned
{
	kGetMethod = 1u << 0,
	kPostMethod = 1u << 1,
};

struct RouteDef
{
	std::string_view path;		/* without the trailing slash; for /rpc/, the prefix */
	bool		slash_optional;	/* Django's paths end in '/', clients often drop it */
	bool		rpc;			/* /rpc/<name>: PostgREST's own 405 wording, the name in the label */
	unsigned	methods;		/* RouteMethod bits */
	std::string_view label;		/* in /metrics */
	RouteHandler handler;
};

struct Route
{
	const RouteDef *def = nullptr;	/* nullptr: no route has the path */
	std::string_view rpc_name;	/* for /rpc/<name> */

	explicit operator bool() const { return def != nullptr; }
};

Route		find_route(std::string_view path);

/* Whether the route serves `method` (OPTIONS is answered before this is asked). */
bool		method_allowed(const Route &route, std::string_view method);

/* The Allow header: the route's methods, HEAD with GET, and OPTIONS. */
std::string allow_header(const Route &route);

}								/* namespace gateway */

#endif
