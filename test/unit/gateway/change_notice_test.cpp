// What a payload on callboard_changes says, and the keys a reload applies.
#include <gtest/gtest.h>

#include <algorithm>
#include <set>

#include "config/config.hpp"
#include "live/change_feed.hpp"

using namespace gateway;

TEST(ClassifyPayload, AnEmptyPayloadSaysAnyRowMayHaveChanged)
{
	/* hume_agents' trigger (an agent's name is in every category), and 0.3.0's. */
	ChangeNotice n = classify_payload("");
	EXPECT_EQ(n.rows, callboard::kEveryRow);
	EXPECT_FALSE(n.privileges);
	EXPECT_FALSE(n.signal);
}

TEST(ClassifyPayload, TheCountTriggersNameTheCategoriesTouched)
{
	ChangeNotice n = classify_payload("calls:pending,active");
	EXPECT_EQ(n.rows, callboard::category_bit(callboard::Category::pending) |
			  callboard::category_bit(callboard::Category::active));
	EXPECT_FALSE(n.privileges);
	EXPECT_EQ(n.categories(), n.rows);
	n = classify_payload("calls:other");
	EXPECT_EQ(n.rows, callboard::kOtherRows);
	EXPECT_TRUE(n.any_change());
}

TEST(ClassifyPayload, TheEventTriggerSaysPrivilegesChangedAndToAskAgain)
{
	ChangeNotice n = classify_payload("privileges");
	EXPECT_TRUE(n.privileges);
	EXPECT_TRUE(n.any_change());
	EXPECT_TRUE(n.signal);		/* DROP EXTENSION takes the tables' triggers with it */
}

TEST(ClassifyPayload, TurningTheSignalOnOrOffIsNoChangeByItself)
{
	for (const char *payload : {"enabled", "disabled"})
	{
		ChangeNotice n = classify_payload(payload);
		EXPECT_TRUE(n.signal) << payload;
		EXPECT_FALSE(n.any_change()) << payload;
	}
}

TEST(ClassifyPayload, AnUnknownPayloadIsAChangeToEverything)
{
	for (const char *payload : {"calls:", "calls:pending,", "calls:Pending", "something new", "PRIVILEGES", " "})
	{
		ChangeNotice n = classify_payload(payload);
		EXPECT_EQ(n.rows, callboard::kEveryRow) << payload;
		EXPECT_TRUE(n.privileges) << payload;
		EXPECT_EQ(n.categories(), callboard::kEveryRow) << payload;
	}
}

TEST(ClassifyPayload, NoticesMerge)
{
	ChangeNotice n = classify_payload("");
	n.merge(classify_payload("enabled"));
	EXPECT_TRUE(n.rows == callboard::kEveryRow && n.signal && !n.privileges);
	ChangeNotice m = classify_payload("calls:failed");
	m.merge(classify_payload("calls:other"));
	EXPECT_EQ(m.rows, callboard::category_bit(callboard::Category::failed) | callboard::kOtherRows);
}

TEST(ReloadableKeys, EveryKeyIsReloadableOrNeedsARestart)
{
	std::vector<std::string> reloadable = reloadable_keys(), restart = restart_keys();
	std::set<std::string> all(reloadable.begin(), reloadable.end());
	for (const std::string &key : restart)
		EXPECT_TRUE(all.insert(key).second) << key << " is in both";
	/* Every key --dump-config shows is one of them. */
	std::string dumped = dump_config(make_config({}, {}));
	std::size_t lines = std::count(dumped.begin(), dumped.end(), '\n');
	EXPECT_EQ(all.size(), lines);
	for (const char *key : {"jwt-secret", "jwt-aud", "db-anon-role", "callboard-token-role",
							"server-cors-allowed-origins", "log-level", "callboard-statement-timeout",
							"callboard-cohort-headers", "callboard-live-interval-ms", "callboard-live-max-refreshes",
							"callboard-live-poll-interval",
							"callboard-live-keepalive", "callboard-cache-bytes", "callboard-cache-max-entry-bytes",
							"callboard-cache-max-age", "callboard-login-attempts-per-minute",
							"callboard-login-concurrency", "callboard-trusted-proxies"})
		EXPECT_NE(std::find(reloadable.begin(), reloadable.end(), key), reloadable.end()) << key;
	for (const char *key : {"db-uri", "db-pool", "server-port", "callboard-server-threads",
							"callboard-max-body-bytes", "callboard-shutdown-grace", "callboard-db-uris"})
		EXPECT_NE(std::find(restart.begin(), restart.end(), key), restart.end()) << key;
}

TEST(ReloadableKeys, ARestartKeyThatChangedIsNamed)
{
	Config		a = make_config({}, {});
	Config		b = make_config({{"db-pool", "3"}, {"callboard-live-keepalive", "5"}}, {});
	EXPECT_EQ(restart_only_changes(a, b), "db-pool");
	/* A password in db-uri is masked when shown, and still a change. */
	Config		c = make_config({{"db-uri", "postgres://u:one@h/db"}}, {});
	Config		d = make_config({{"db-uri", "postgres://u:two@h/db"}}, {});
	EXPECT_NE(restart_only_changes(c, d).find("db-uri"), std::string::npos);
	EXPECT_EQ(restart_only_changes(a, a), "");
}
