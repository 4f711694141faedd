/*
 * token_cache.cpp
 *		Remembering tokens that passed.
 */
#include "token_cache.hpp"

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

std::variant<std::shared_ptr<const Who>, ApiError>
TokenCache::authenticate(const std::optional<std::string> &authorization, const AuthSettings &settings,
						 std::int64_t now, bool allow_anonymous)
{
	bool		cacheable = authorization && authorization->size() <= kMaxTokenBytes;
	if (cacheable)
	{
		std::lock_guard<std::mutex> lock(mutex_);
		auto		it = entries_.find(*authorization);
		if (it != entries_.end())
		{
			if (now <= it->second.valid_until)
				return it->second.who;
			entries_.erase(it);
		}
	}

	auto		checked = gateway::authenticate(authorization, settings, now, allow_anonymous);
	if (auto *error = std::get_if<ApiError>(&checked))
		return *error;
	Auth		auth = std::get<Auth>(std::move(checked));
	std::shared_ptr<const Who> who = written(std::move(auth));
	/* Valid as long as authenticate() would pass it: up to the skew past its exp. */
	std::int64_t until = who->expires ? *who->expires + kAllowedSkewSeconds
		: std::numeric_limits<std::int64_t>::max();
	if (cacheable && who->auth.authed)
	{
		std::lock_guard<std::mutex> lock(mutex_);
		if (entries_.size() >= kMaxEntries)
			entries_.clear();	/* rare: a few checks again, never unbounded */
		entries_[*authorization] = Entry{who, until};
	}
	return who;
}

void
TokenCache::clear()
{
	std::lock_guard<std::mutex> lock(mutex_);
	entries_.clear();
}

}								/* namespace gateway */
