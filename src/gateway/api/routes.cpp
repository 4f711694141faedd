/*
 * routes.cpp
 *		Path -> route, without regular expressions: every path is a literal,
 *		and /rpc/ a prefix.  A new route is one line of kRoutes and its
 *		handler in handlers.hpp.
 */
#include "api/routes.hpp"

#include "api/handlers.hpp"

namespace gateway {

namespace {

constexpr RouteDef kRoutes[] = {
	{"/rpc/", false, true, kGetMethod | kPostMethod, "rpc", &Handlers::rpc},
	{"/api/hume-twilio/dashboard/outbound/scheduled", true, false, kGetMethod, "legacy", &Handlers::legacy},
	{"/api/accounts/login", true, false, kPostMethod, "login", &Handlers::login},
	{"/api/accounts/token/refresh", true, false, kPostMethod, "refresh", &Handlers::refresh},
	{"/live", false, false, kGetMethod, "live", &Handlers::liveness},
	{"/ready", false, false, kGetMethod, "ready", &Handlers::readiness},
};

}								/* namespace */

Route
find_route(std::string_view path)
{
	for (const RouteDef &def : kRoutes)
	{
		if (def.rpc)
		{
			if (path.substr(0, def.path.size()) != def.path)
				continue;
			std::string_view name = path.substr(def.path.size());
			if (name.empty() || name.find('/') != std::string_view::npos)
				return Route{};
			return Route{&def, name};
		}
		std::string_view p = path;
		if (def.slash_optional && p.size() > 1 && p.back() == '/')
			p.remove_suffix(1);
		if (p == def.path)
			return Route{&def, {}};
	}
	return Route{};
}

bool
method_allowed(const Route &route, std::string_view method)
{
	if (!route)
		return false;
	if (method == "GET" || method == "HEAD")
		return (route.def->methods & kGetMethod) != 0;
	if (method == "POST")
		return (route.def->methods & kPostMethod) != 0;
	return false;
}

std::string
allow_header(const Route &route)
{
	std::string allow;
	unsigned	methods = route ? route.def->methods : 0;
	if (methods & kGetMethod)
		allow += "GET, HEAD, ";
	if (methods & kPostMethod)
		allow += "POST, ";
	return allow + "OPTIONS";
}

}								/* namespace gateway */
