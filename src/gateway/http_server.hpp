/*
 * http_server.hpp
 *		The routes, CORS, limits and the access log, on cpp-httplib.
 */
#ifndef CALLBOARD_GATEWAY_HTTP_SERVER_HPP
#define CALLBOARD_GATEWAY_HTTP_SERVER_HPP

#include <httplib.h>

#include "access_log.hpp"
#include "config.hpp"
#include "cors.hpp"
#include "handlers.hpp"

namespace gateway {

/* Registers everything on `server`; the references must outlive it. */
void		configure_server(httplib::Server &server, Handlers &handlers, const Config &config,
							 const CorsPolicy &cors, const AccessLog &log);

}								/* namespace gateway */

#endif
