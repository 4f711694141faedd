/*
 * dispatch.cpp
 *		CORS, routes and methods (PostgREST's Cors.hs and its 404/405 errors).
 */
#include "api/dispatch.hpp"

#include "api/routes.hpp"
#include "http/conditional.hpp"

namespace gateway {

namespace {

Reply
plain_reply(Headers headers)
{
	Reply		reply;
	reply.content_type = "text/plain";
	reply.headers = std::move(headers);
	return reply;
}

/* OPTIONS: the methods the route takes. */
Reply
allow_reply(const Route &route)
{
	return plain_reply({{"Allow", allow_header(route)}});
}

/* 405, as PostgREST words it for /rpc and elsewhere. */
Reply
method_not_allowed(const Route &route, const std::string &method)
{
	if (route.def->rpc)
		return error_reply(invalid_rpc_method(method));
	return error_reply(unsupported_method(method, allow_header(route)));
}

/*
 * The route's handler.  Not a coroutine: called inside one, GCC 12's UBSan
 * takes the pointer-to-member call's code address for the object and
 * reports a misaligned access on every request.
 */
awaitable<void>
call_handler(Handlers &handlers, const RouteDef &def, const Request &request, std::string_view name, Responder &out)
{
	return (handlers.*def.handler)(request, name, out);
}

}								/* namespace */

awaitable<void>
Dispatch::serve(const Request &request, Responder &out)
{
	if (request.origin)
	{
		CorsPolicy	cors(config_.current()->server_cors_allowed_origins);
		bool		preflight = request.method == "OPTIONS" && request.access_control_request_method;
		if (!cors.allows(*request.origin))
		{
			/* No CORS headers: the browser refuses the answer; a preflight is refused outright. */
			if (preflight)
				co_return (void) co_await out.send(error_reply(origin_not_allowed()));
		}
		else if (preflight)
			co_return (void) co_await out.send(plain_reply(
				cors.preflight_headers(*request.origin, request.access_control_request_headers)));
		else
			out.add_headers(cors.response_headers(*request.origin));
	}

	Route		route = find_route(request.path);
	if (!route)
	{
		const WebFile *file = web_.find(request.path);
		if (file != nullptr && (request.method == "GET" || request.method == "HEAD"))
			co_return co_await page_file(request, *file, out);
		co_return (void) co_await out.send(error_reply(invalid_path()));
	}
	if (request.method == "OPTIONS")
		co_return (void) co_await out.send(allow_reply(route));
	if (!method_allowed(route, request.method))
		co_return (void) co_await out.send(method_not_allowed(route, request.method));
	co_await call_handler(handlers_, *route.def, request, route.rpc_name, out);
}

awaitable<void>
Dispatch::page_file(const Request &request, const WebFile &file, Responder &out)
{
	Representation chosen = represent(request, file.body, file.etag,
									  [&file]() -> const std::string & { return file.gzipped; });
	chosen.head.content_type = file.content_type;
	chosen.head.headers.insert(chosen.head.headers.end(), {
		{"Cache-Control", "no-cache"},
		{"Content-Security-Policy", kContentSecurityPolicy},
		{"X-Content-Type-Options", "nosniff"},
		{"Referrer-Policy", "no-referrer"},
		{"X-Frame-Options", "DENY"},
	});
	if (chosen.head.status == 304)
		co_return (void) co_await out.send(chosen.head);
	if (co_await out.begin(chosen.head, chosen.body->size()))
		if (co_await out.write(chosen.body->data(), chosen.body->size()))
			co_await out.end();
}

}								/* namespace gateway */
