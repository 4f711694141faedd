/*
 * cors.cpp
 *		The headers PostgREST's CORS policy sends.
 */
#include "http/cors.hpp"

#include <algorithm>

namespace gateway {

CorsPolicy::CorsPolicy(std::optional<std::vector<std::string>> allowed_origins)
	: allowed_(std::move(allowed_origins))
{
}

bool
CorsPolicy::allows(const std::string &origin) const
{
	return !allowed_ || std::find(allowed_->begin(), allowed_->end(), origin) != allowed_->end();
}

Headers
CorsPolicy::response_headers(const std::string &origin) const
{
	return {
		{"Access-Control-Allow-Origin", origin},
		{"Access-Control-Allow-Credentials", "true"},
		{"Access-Control-Expose-Headers",
		 "Content-Encoding, Content-Location, Content-Range, Content-Type, Date, Location, Server, "
		 "Transfer-Encoding, Range-Unit"},
		{"Vary", "Origin"},
	};
}

Headers
CorsPolicy::preflight_headers(const std::string &origin, const std::string &requested_headers) const
{
	return {
		{"Access-Control-Allow-Origin", origin},
		{"Access-Control-Allow-Credentials", "true"},
		{"Access-Control-Allow-Methods", "GET, POST, PATCH, PUT, DELETE, OPTIONS, HEAD"},
		{"Access-Control-Allow-Headers",
		 requested_headers.empty() ? "Authorization, Content-Type, Accept, Accept-Language, "
									 "Content-Language, Prefer, Range"
								   : requested_headers},
		{"Access-Control-Max-Age", "86400"},
		{"Vary", "Origin"},
	};
}

}								/* namespace gateway */
