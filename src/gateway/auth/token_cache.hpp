/*
 * token_cache.hpp
 *		Tokens already checked, remembered until they expire.
 *
 * A dashboard sends the same token with every request.  Checking it
 * (base64, JSON, HMAC, the claims) and writing its claims out again is most
 * of what a request answered from memory costs, so a token that passed is
 * remembered, with its claims already written as request.jwt.claims wants
 * them and as its audience does (cohorts.hpp), until its exp (plus
 * PostgREST's 30 seconds of skew).  Only tokens that passed are kept.  At
 * most 2,048 tokens of at most 4 kB: the cache cannot grow with a client's
 * inventions.
 *
 * The cache is bound to the configuration its tokens were checked with (the
 * secret, the audience, the roles), as PostgREST binds its JWT cache to its
 * key: a request remembers a token only in a cache bound to the configuration
 * it checked the token with, and finds one only in a cache bound to its own.
 * A reload replaces the cache whole (rebind()), so a request that read the
 * old secret and finishes after the reload cannot leave its token where
 * requests under the new secret would find it.
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

#include "auth/jwt_auth.hpp"

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
	explicit	TokenCache(const AuthConfig &config);

	/* authenticate() (jwt_auth.hpp), from memory when the token passed before under the same configuration. */
	std::variant<std::shared_ptr<const Who>, ApiError> authenticate(const std::optional<std::string> &authorization,
																	 const AuthConfig &config, std::int64_t now,
																	 bool allow_anonymous);

	/* On a configuration reload: a new, empty cache bound to the new configuration replaces the old. */
	void		rebind(const AuthConfig &config);

	/*
	 * The two halves of authenticate(), for the tests that force a reload
	 * between them: what the cache holds for the token under `config`;
	 * and remembering a token that passed under `config`.
	 */
	std::shared_ptr<const Who> find(const std::string &authorization, const AuthConfig &config,
									std::int64_t now);
	void		remember(const std::string &authorization, const AuthConfig &config,
						 const std::shared_ptr<const Who> &who);

private:
	struct Entry
	{
		std::shared_ptr<const Who> who;
		std::int64_t valid_until;	/* Unix seconds */
	};

	/* The tokens checked under one authentication configuration. */
	struct Generation
	{
		explicit	Generation(const AuthConfig &s) : config(s) {}

		const AuthConfig config;
		std::mutex	mutex;
		std::unordered_map<std::string, Entry> entries;
	};

	static constexpr std::size_t kMaxEntries = 2048;
	static constexpr std::size_t kMaxTokenBytes = 4096;

	/* The generation bound to `config`, or null if the cache is bound to another now. */
	std::shared_ptr<Generation> bound_to(const AuthConfig &config) const;

	std::shared_ptr<Generation> current_;	/* atomic_load / atomic_store */
};

/* Claims that differ from one token to the next and never decide what a user sees. */
extern const char *const kPerTokenClaims[4];

}								/* namespace gateway */

#endif
