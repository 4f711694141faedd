/*
 * cors.hpp
 *		Cross-origin access for browser dashboards, as PostgREST answers it.
 *
 * With server-cors-allowed-origins unset any origin may call; with it set,
 * only those listed.  A request from another origin gets no CORS headers
 * (the browser then refuses it), and its preflight a 403.
 */
#ifndef CALLBOARD_GATEWAY_CORS_HPP
#define CALLBOARD_GATEWAY_CORS_HPP

#include <optional>
#include <string>
#include <vector>

#include "core/api_error.hpp"

namespace gateway {

class CorsPolicy
{
public:
	explicit CorsPolicy(std::optional<std::vector<std::string>> allowed_origins);

	bool		allows(const std::string &origin) const;

	/* For a request with an Origin header that is allowed. */
	Headers		response_headers(const std::string &origin) const;

	/* For an allowed preflight (OPTIONS with Access-Control-Request-Method). */
	Headers		preflight_headers(const std::string &origin, const std::string &requested_headers) const;

private:
	std::optional<std::vector<std::string>> allowed_;
};

}								/* namespace gateway */

#endif
