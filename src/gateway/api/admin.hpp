/*
 * admin.hpp
 *		The admin listener, as PostgREST's admin server: /live, /ready,
 *		/metrics (Prometheus), /config (the effective configuration, secrets
 *		masked).  On admin-server-port, bound to admin-server-host (loopback
 *		by default): for the operator's probes and scrapers, not the public.
 */
#ifndef CALLBOARD_GATEWAY_ADMIN_HPP
#define CALLBOARD_GATEWAY_ADMIN_HPP

#include <functional>
#include <string>

#include "api/handlers.hpp"
#include "api/metrics.hpp"
#include "http/http_session.hpp"

namespace gateway {

class Admin : public App
{
public:
	Admin(Handlers &handlers, const Metrics &metrics, std::function<MetricsSources()> sources,
		  std::function<std::string()> config)
		: handlers_(handlers), metrics_(metrics), sources_(std::move(sources)), config_(std::move(config)) {}

	awaitable<void> serve(const Request &request, Responder &out) override;

private:
	Handlers   &handlers_;
	const Metrics &metrics_;
	std::function<MetricsSources()> sources_;
	std::function<std::string()> config_;
};

}								/* namespace gateway */

#endif
