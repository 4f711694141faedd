/*
 * simplejwt.hpp
 *		Tokens as the Django app's SimpleJWT mints them, so that tokens from
 *		the app and from the gateway are interchangeable.
 *
 * Claims: token_type ("access" or "refresh"), exp, iat, jti (uuid4 hex),
 * user_id; HS256 with the shared secret; no role claim (the gateway runs
 * such tokens as callboard-token-role).
 */
#ifndef CALLBOARD_GATEWAY_SIMPLEJWT_HPP
#define CALLBOARD_GATEWAY_SIMPLEJWT_HPP

#include <cstdint>
#include <string>

namespace gateway {

std::string mint_token(const std::string &secret, const char *token_type, std::int64_t user_id,
					   std::int64_t now, int lifetime_seconds);

}								/* namespace gateway */

#endif
