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

#include "cors.hpp"
#include "handlers.hpp"
#include "http_session.hpp"

namespace gateway {

class Dispatch : public App
{
public:
	Dispatch(Handlers &handlers, const CorsPolicy &cors) : handlers_(handlers), cors_(cors) {}

	awaitable<void> serve(const Request &request, Responder &out) override;

private:
	Handlers   &handlers_;
	const CorsPolicy &cors_;
};

}								/* namespace gateway */

#endif
