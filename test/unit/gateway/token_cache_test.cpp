// The token cache is bound to the settings it verified with: a token that
// passed under the old secret is never found under the new one, whatever
// order a reload and a request in flight take.
#include <gtest/gtest.h>

#include <jwt.h>

#include <atomic>
#include <cstdlib>
#include <string>
#include <thread>
#include <vector>

#include "auth/token_cache.hpp"

using namespace gateway;

namespace {

const std::string kOldSecret = "the-old-secret-that-is-at-least-32-chars";
const std::string kNewSecret = "the-new-secret-that-is-at-least-32-chars";
const std::int64_t kNow = 1761300000;

AuthConfig with_secret(const std::string &secret)
{
	return AuthConfig{secret, std::nullopt, std::string("web_anon"), std::string("dashboard_user")};
}

std::string bearer(const std::string &secret, int user = 1)
{
	jwt_t	   *jwt = nullptr;
	jwt_new(&jwt);
	std::string claims = "{\"role\":\"dashboard_user\",\"user_id\":" + std::to_string(user) +
		",\"exp\":" + std::to_string(kNow + 300) + "}";
	jwt_add_grants_json(jwt, claims.c_str());
	jwt_set_alg(jwt, JWT_ALG_HS256, reinterpret_cast<const unsigned char *>(secret.data()),
				static_cast<int>(secret.size()));
	char	   *s = jwt_encode_str(jwt);
	std::string token = std::string("Bearer ") + s;
	std::free(s);
	jwt_free(jwt);
	return token;
}

bool accepted(TokenCache &cache, const std::string &authorization, const AuthConfig &settings)
{
	return std::holds_alternative<std::shared_ptr<const Who>>(cache.authenticate(authorization, settings, kNow, false));
}

/* What a request checking `authorization` under `settings` found, before remembering it. */
std::shared_ptr<const Who> checked(const std::string &authorization, const AuthConfig &settings)
{
	auto		auth = gateway::authenticate(authorization, settings, kNow, false);
	auto		who = std::make_shared<Who>();
	who->auth = std::get<Auth>(auth);
	who->expires = kNow + 300;
	return who;
}

}								/* namespace */

TEST(TokenCache, ATokenThatPassedIsRememberedUnderTheSameSettings)
{
	TokenCache	cache(with_secret(kOldSecret));
	std::string token = bearer(kOldSecret);
	auto		first = cache.authenticate(token, with_secret(kOldSecret), kNow, false);
	auto		second = cache.authenticate(token, with_secret(kOldSecret), kNow, false);
	ASSERT_TRUE(std::holds_alternative<std::shared_ptr<const Who>>(first));
	EXPECT_EQ(std::get<std::shared_ptr<const Who>>(first), std::get<std::shared_ptr<const Who>>(second));
	EXPECT_EQ(cache.find(token, with_secret(kOldSecret), kNow), std::get<std::shared_ptr<const Who>>(first));
	/* Past its exp and the skew, it is checked again (and refused). */
	EXPECT_EQ(cache.find(token, with_secret(kOldSecret), kNow + 300 + kAllowedSkewSeconds + 1), nullptr);
}

TEST(TokenCache, ARotationForgetsEveryToken)
{
	TokenCache	cache(with_secret(kOldSecret));
	std::string token = bearer(kOldSecret);
	ASSERT_TRUE(accepted(cache, token, with_secret(kOldSecret)));
	cache.rebind(with_secret(kNewSecret));
	EXPECT_EQ(cache.find(token, with_secret(kNewSecret), kNow), nullptr);
	EXPECT_FALSE(accepted(cache, token, with_secret(kNewSecret)));
	EXPECT_TRUE(accepted(cache, bearer(kNewSecret), with_secret(kNewSecret)));
}

/*
 * The race, forced: a request reads the old configuration and checks its
 * token; the reload swaps the secret and rebinds the cache; then the
 * request remembers its token.  It must not be found by requests under the
 * new secret.
 */
TEST(TokenCache, ARequestFinishingAfterTheRotationLeavesNothingBehind)
{
	TokenCache	cache(with_secret(kOldSecret));
	std::string token = bearer(kOldSecret);
	auto		who = checked(token, with_secret(kOldSecret));	/* the request in flight */
	cache.rebind(with_secret(kNewSecret));	/* the reload */
	cache.remember(token, with_secret(kOldSecret), who);	/* the request, finishing */
	EXPECT_EQ(cache.find(token, with_secret(kNewSecret), kNow), nullptr);
	auto		under_new = cache.authenticate(token, with_secret(kNewSecret), kNow, false);
	ASSERT_TRUE(std::holds_alternative<ApiError>(under_new));
	EXPECT_EQ(std::get<ApiError>(under_new).code, "PGRST301");
}

/*
 * The other order: the configuration is swapped, and a request under the
 * new one runs before the reload rebinds the cache.  What it remembers is
 * not kept in the old cache, and what the old cache holds is not found.
 */
TEST(TokenCache, ARequestUnderTheNewSettingsBeforeTheRebindSeesNothingOld)
{
	TokenCache	cache(with_secret(kOldSecret));
	std::string old_token = bearer(kOldSecret);
	ASSERT_TRUE(accepted(cache, old_token, with_secret(kOldSecret)));
	EXPECT_FALSE(accepted(cache, old_token, with_secret(kNewSecret)));
	std::string new_token = bearer(kNewSecret, 2);
	EXPECT_TRUE(accepted(cache, new_token, with_secret(kNewSecret)));
	EXPECT_EQ(cache.find(new_token, with_secret(kNewSecret), kNow), nullptr);	/* not remembered in the old cache */
	cache.rebind(with_secret(kNewSecret));
	EXPECT_FALSE(accepted(cache, old_token, with_secret(kNewSecret)));
}

/* Every setting a token is checked with binds the cache, not the secret alone. */
TEST(TokenCache, TheAudienceAndRolesBindItToo)
{
	TokenCache	cache(with_secret(kOldSecret));
	std::string token = bearer(kOldSecret);
	ASSERT_TRUE(accepted(cache, token, with_secret(kOldSecret)));
	AuthConfig other_role = with_secret(kOldSecret);
	other_role.token_role = "someone_else";
	EXPECT_EQ(cache.find(token, other_role, kNow), nullptr);
	AuthConfig audience = with_secret(kOldSecret);
	audience.audience = "dashboards";
	EXPECT_EQ(cache.find(token, audience, kNow), nullptr);
}

/*
 * Many requests and many rotations at once: a token signed with one secret
 * is never accepted under the other.
 */
TEST(TokenCache, NoTokenCrossesARotationUnderLoad)
{
	TokenCache	cache(with_secret(kOldSecret));
	const std::string tokens[2] = {bearer(kOldSecret), bearer(kNewSecret)};
	const AuthConfig settings[2] = {with_secret(kOldSecret), with_secret(kNewSecret)};
	std::atomic<int> in_force{0};
	std::atomic<bool> done{false};
	std::atomic<int> crossed{0};
	std::vector<std::thread> requests;
	for (int t = 0; t < 4; t++)
		requests.emplace_back([&] {
			while (!done)
				for (int token = 0; token < 2; token++)
				{
					int			config = in_force.load();	/* the request takes the configuration once */
					if (accepted(cache, tokens[token], settings[config]) && token != config)
						crossed++;
				}
		});
	for (int i = 0; i < 2000; i++)
	{
		int			next = 1 - in_force.load();
		in_force = next;		/* ReloadableConfig::reload(): the configuration, then the cache */
		cache.rebind(settings[next]);
	}
	done = true;
	for (auto &t : requests)
		t.join();
	EXPECT_EQ(crossed.load(), 0);
}
