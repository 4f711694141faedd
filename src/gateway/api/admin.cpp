/*
 * admin.cpp
 *		Four GET routes; anything else is 404.
 */
#include "api/admin.hpp"

namespace gateway {

namespace {

Reply
text_reply(std::string body, const char *content_type)
{
	Reply		reply;
	reply.content_type = content_type;
	reply.body = std::move(body);
	return reply;
}

}								/* namespace */

awaitable<void>
Admin::serve(const Request &request, Responder &out)
{
	bool		get = request.method == "GET" || request.method == "HEAD";
	if (get && request.path == "/live")
		co_return co_await handlers_.liveness(request, {}, out);
	if (get && request.path == "/ready")
		co_return co_await handlers_.readiness(request, {}, out);
	if (get && request.path == "/metrics")
		co_return (void) co_await out.send(text_reply(metrics_.render(sources_()),
													   "text/plain; version=0.0.4; charset=utf-8"));
	if (get && request.path == "/config")
		co_return (void) co_await out.send(text_reply(config_(), "text/plain; charset=utf-8"));
	co_await out.send(error_reply(invalid_path()));
}

}								/* namespace gateway */
