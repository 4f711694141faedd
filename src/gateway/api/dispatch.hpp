/*
 * dispatch.hpp
 *		Request -> handler: CORS first, then the route, then the method.
 *
 * Everything a request can get wrong about HTTP itself (an unknown path, a
 * method the route does not take, an origin not allowed) is answered here,
 * as PostgREST answers it, before any handler or token check runs.
 */
#ifndef CALLBOARD_GATEWAY_DISPATCH_HPP
#define CALLBOARD_GATEWAY_DISPATCH_HPP

#include "api/handlers.hpp"
#include "config/reloadable_config.hpp"
#include "http/cors.hpp"
#include "http/http_session.hpp"
#include "http/web_files.hpp"

namespace gateway {

class Dispatch : public App
{
public:
	Dispatch(Handlers &handlers, const ReloadableConfig &reloadable, const WebFiles &web)
		: handlers_(handlers), config_(reloadable), web_(web) {}

	awaitable<void> serve(const Request &request, Responder &out) override;

private:
	awaitable<void> page_file(const Request &request, const WebFile &file, Responder &out);

	Handlers   &handlers_;
	const ReloadableConfig &config_;
	const WebFiles &web_;
};

}								/* namespace gateway */

#endif
