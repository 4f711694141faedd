/*
 * token_cache.hpp
 *		Tokens already checked, remembered until they expire.
 *
 * A dashboard sends the same token with every request.  Checking it
 * (base64, JSON, HMAC, the claims) and writing its claims out again is most
 * of what a request answered from memory costs, so a token that passed is
 * remembered, with its claims already written as request.jwt.claims wants
 * them and as its audience does (cohorts.hpp), until its exp (plus
 * PostgREST's 30 seconds of skew).  Only tokens that passed are kept; a
 * configuration reload forgets them all (the secret may have changed).  At
 * most 2,048 tokens of at most 4 kB: the cache cannot grow with a client's
 * inventions.
 */
#ifndef CALLBOARD_GATEWAY_TOKEN_CACHE_HPP
#define CALLBOARD_GATEWAY_TOKEN_CACHE_HPP

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <variant>

#include "jwt_auth.hpp"

namespace gateway {

/* Who a request runs as, with the claims written out once. */
struct Who
{
	Auth		auth;
	std::string claims_json;	/* request.jwt.claims */
	std::string audience_claims;	/* the same without exp, iat, nbf, jti */
	std::optional<std::int64_t> expires;	/* exp, whole Unix seconds; none if absent or beyond int64 */
};

class TokenCache
{
public:
	/* authenticate() (jwt_auth.hpp), from memory when the token passed before. */
	std::variant<std::shared_ptr<const Who>, ApiError> authenticate(const std::optional<std::string> &authorization,
																	 const AuthSettings &settings, std::int64_t now,
																	 bool allow_anonymous);

	/* On a configuration reload. */
	void		clear();

private:
	struct Entry
	{
		std::shared_ptr<const Who> who;
		std::int64_t valid_until;	/* Unix seconds */
	};

	static constexpr std::size_t kMaxEntries = 2048;
	static constexpr std::size_t kMaxTokenBytes = 4096;

	std::mutex	mutex_;
	std::unordered_map<std::string, Entry> entries_;
};

/* Claims that differ from one token to the next and never decide what a user sees. */
extern const char *const kPerTokenClaims[4];

}								/* namespace gateway */

#endif
