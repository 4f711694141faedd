/*
 * token_cache.cpp
 *		Remembering tokens that passed.
 */
#include "auth/token_cache.hpp"

#include <limits>

namespace gateway {

const char *const kPerTokenClaims[4] = {"exp", "iat", "nbf", "jti"};

namespace {

std::shared_ptr<const Who>
written(Auth auth)
{
	nlohmann::json shared = auth.claims;
	for (const char *claim : kPerTokenClaims)
		shared.erase(claim);
	auto		who = std::make_shared<Who>();
	who->claims_json = auth.claims.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
	who->audience_claims = shared.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
	auto		exp = auth.claims.find("exp");
	if (exp != auth.claims.end() && exp->is_number() && exp->get<double>() < 9.0e18)
		who->expires = static_cast<std::int64_t>(exp->get<double>());
	who->auth = std::move(auth);
	return who;
}

}								/* namespace */

TokenCache::TokenCache(const AuthConfig &config)
	: current_(std::make_shared<Generation>(config))
{
}

std::shared_ptr<TokenCache::Generation>
TokenCache::bound_to(const AuthConfig &config) const
{
	std::shared_ptr<Generation> generation = std::atomic_load(&current_);
	return generation->config == config ? generation : nullptr;
}

std::shared_ptr<const Who>
TokenCache::find(const std::string &authorization, const AuthConfig &config, std::int64_t now)
{
	std::shared_ptr<Generation> generation = bound_to(config);
	if (!generation)
		return nullptr;
	std::lock_guard<std::mutex> lock(generation->mutex);
	auto		it = generation->entries.find(authorization);
	if (it == generation->entries.end())
		return nullptr;
	if (now <= it->second.valid_until)
		return it->second.who;
	generation->entries.erase(it);
	return nullptr;
}

void
TokenCache::remember(const std::string &authorization, const AuthConfig &config,
					 const std::shared_ptr<const Who> &who)
{
	/* Checked under another configuration than the one the cache is bound to now: not for these requests. */
	std::shared_ptr<Generation> generation = bound_to(config);
	if (!generation)
		return;
	/* Valid as long as authenticate() would pass it: up to the skew past its exp. */
	std::int64_t until = who->expires ? *who->expires + kAllowedSkewSeconds
		: std::numeric_limits<std::int64_t>::max();
	std::lock_guard<std::mutex> lock(generation->mutex);
	if (generation->entries.size() >= kMaxEntries)
		generation->entries.clear();	/* rare: a few checks again, never unbounded */
	generation->entries[authorization] = Entry{who, until};
}

std::variant<std::shared_ptr<const Who>, ApiError>
TokenCache::authenticate(const std::optional<std::string> &authorization, const AuthConfig &config,
						 std::int64_t now, bool allow_anonymous)
{
	bool		cacheable = authorization && authorization->size() <= kMaxTokenBytes;
	if (cacheable)
		if (std::shared_ptr<const Who> who = find(*authorization, config, now))
			return who;

	auto		checked = gateway::authenticate(authorization, config, now, allow_anonymous);
	if (auto *error = std::get_if<ApiError>(&checked))
		return *error;
	std::shared_ptr<const Who> who = written(std::get<Auth>(std::move(checked)));
	if (cacheable && who->auth.authed)
		remember(*authorization, config, who);
	return who;
}

void
TokenCache::rebind(const AuthConfig &config)
{
	std::atomic_store(&current_, std::make_shared<Generation>(config));
}

}								/* namespace gateway */
