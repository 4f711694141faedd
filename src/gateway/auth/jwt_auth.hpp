/*
 * jwt_auth.hpp
 *		Who a request runs as: the Bearer token checked as PostgREST checks it.
 *
 * Signatures are verified by libjwt (HS256, HS384, HS512 only; "none" and
 * the asymmetric algorithms are refused before libjwt sees the token).  The
 * claims are then checked as PostgREST does, with its 30 seconds of clock
 * skew: exp, nbf, iat, and aud when jwt-aud is set.  Errors carry
 * PostgREST's codes and messages (PGRST301/302/303).
 */
#ifndef CALLBOARD_GATEWAY_JWT_AUTH_HPP
#define CALLBOARD_GATEWAY_JWT_AUTH_HPP

#include <cstdint>
#include <optional>
#include <string>
#include <variant>

#include <nlohmann/json.hpp>

#include "core/api_error.hpp"

namespace gateway {

/* PostgREST's clock skew: exp, nbf and iat are each allowed 30 seconds. */
constexpr std::int64_t kAllowedSkewSeconds = 30;

struct AuthConfig
{
	std::string secret;
	std::optional<std::string> audience;
	std::optional<std::string> anon_role;
	/* For tokens with no role claim (SimpleJWT's); else they run as anon. */
	std::optional<std::string> token_role;

	bool		operator==(const AuthConfig &) const = default;
};

struct Auth
{
	std::string role;
	nlohmann::json claims;		/* with "role" set, as request.jwt.claims */
	bool		authed;			/* a valid token was presented */
};

/*
 * The claims of a token whose signature and time claims hold, or the error.
 * `now` is Unix time in seconds.
 */
std::variant<nlohmann::json, ApiError> verify_token(const std::string &token,
													const AuthConfig &config,
													std::int64_t now);

/*
 * From the Authorization header (nullopt when absent).  Without a token the
 * request is anonymous if anonymous access is allowed here and a db-anon-role
 * is set; otherwise PGRST302.  A token whose token_type claim is present must
 * be an access token.
 */
std::variant<Auth, ApiError> authenticate(const std::optional<std::string> &authorization,
										  const AuthConfig &config, std::int64_t now,
										  bool allow_anonymous);

}								/* namespace gateway */

#endif
