/*
 * routes.cpp
 *		Path -> route, without regular expressions: every path is a literal.
 */
#include "api/routes.hpp"

namespace gateway {

namespace {

struct RouteDef
{
	std::string_view path;		/* without the trailing slash */
	bool		slash_optional;	/* Django's paths end in '/', clients often drop it */
	RouteKind	kind;
	const char *allow;
};

constexpr const char *kGet = "GET, HEAD, OPTIONS";
constexpr const char *kPost = "POST, OPTIONS";

constexpr RouteDef kRoutes[] = {
	{"/api/hume-twilio/dashboard/outbound/scheduled", true, RouteKind::legacy, kGet},
	{"/api/accounts/login", true, RouteKind::login, kPost},
	{"/api/accounts/token/refresh", true, RouteKind::refresh, kPost},
	{"/live", false, RouteKind::live, kGet},
	{"/ready", false, RouteKind::ready, kGet},
};

constexpr std::string_view kRpcPrefix = "/rpc/";

}								/* namespace */

Route
find_route(std::string_view path)
{
	if (path.substr(0, kRpcPrefix.size()) == kRpcPrefix)
	{
		std::string_view name = path.substr(kRpcPrefix.size());
		if (name.empty() || name.find('/') != std::string_view::npos)
			return Route{};
		return Route{RouteKind::rpc, name, "GET, HEAD, POST, OPTIONS"};
	}
	for (const RouteDef &def : kRoutes)
	{
		std::string_view p = path;
		if (def.slash_optional && p.size() > 1 && p.back() == '/')
			p.remove_suffix(1);
		if (p == def.path)
			return Route{def.kind, {}, def.allow};
	}
	return Route{};
}

bool
method_allowed(const Route &route, std::string_view method)
{
	switch (route.kind)
	{
		case RouteKind::legacy:
		case RouteKind::live:
		case RouteKind::ready:
			return method == "GET" || method == "HEAD";
		case RouteKind::rpc:
			return method == "GET" || method == "HEAD" || method == "POST";
		case RouteKind::login:
		case RouteKind::refresh:
			return method == "POST";
		case RouteKind::none:
			break;
	}
	return false;
}

}								/* namespace gateway */
