/*
 * change_feed.hpp
 *		What the gateway knows of committed changes: the change signal.
 *
 * When a DBA turns callboard's change signal on (callboard_enable_change_signal(),
 * docs/live-dashboards.md), statement-level triggers on twilio_calls and
 * hume_agents note what each statement touched, and the extension NOTIFYs
 * the channel callboard_changes just before the transaction commits.
 * One connection per gateway LISTENs on the
 * primary (db-uri) and counts the notifications: `sequence` moves on with
 * every committed change, so anything built from the database can say which
 * changes it has seen.
 *
 * The payload says what changed (classify_payload(); change_payload.hpp):
 * "calls:pending,active" outbound calls of those categories ("other": rows
 * no document lists); "" anything (hume_agents, 0.3.0's trigger);
 * "privileges" who may see what (the extension's event trigger, on
 * GRANT, REVOKE, policies, row-level security, functions, views, schemas,
 * the extension itself); "enabled" and "disabled" the signal itself.
 *
 * The same connection listens on PostgREST's channel, pgrst, for reloads;
 * 'reload schema', which a DBA sends after changing the schema, counts as
 * a change of privileges too.
 *
 * The feed is trusted ("push") only while that connection is up and the
 * signal is on; otherwise it says so, and live documents fall back to polling
 * and the cache to asking the database.  When the connection comes back
 * every document counts as changed: a change while it was down was missed.
 */
#ifndef CALLBOARD_GATEWAY_CHANGE_FEED_HPP
#define CALLBOARD_GATEWAY_CHANGE_FEED_HPP

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "change_payload.hpp"
#include "core/asio.hpp"
#include "db/pg_link.hpp"

namespace gateway {

/* What one notification (or several, merged) says changed. */
struct ChangeNotice
{
	/* Rows changed: outbound calls of these categories, other rows (kOtherRows); every one for an agent, or 0.3.0 */
	callboard::CategorySet rows = callboard::kNoCategories;
	bool		privileges = false;	/* who may see what: kept documents are dropped */
	bool		signal = false;	/* the signal was turned on or off: ask again whether it is on */

	/* A change to everything (a reconnect: whatever happened meanwhile was missed). */
	static ChangeNotice everything() { return ChangeNotice{callboard::kEveryRow, true, false}; }

	bool		any_change() const { return rows != callboard::kNoCategories || privileges; }

	/* The categories whose documents may have changed: every one when privileges did. */
	callboard::CategorySet categories() const { return privileges ? callboard::kEveryRow : rows; }

	void		merge(const ChangeNotice &other)
	{
		rows |= other.rows;
		privileges = privileges || other.privileges;
		signal = signal || other.signal;
	}
};

/* What a payload on callboard_changes says; one the gateway does not know counts as a change to everything. */
ChangeNotice classify_payload(std::string_view payload);

class ChangeFeed
{
public:
	/* The number of changes seen; moves on with every notification and reconnect. */
	std::uint64_t sequence() const { return sequence_.load(); }

	/* Per category, the number of changes seen that may have changed its calls. */
	using CategorySequences = std::array<std::uint64_t, callboard::kCategorySetBits>;
	CategorySequences category_sequences() const;

	/* Whether no change to `categories` came since `seen` was read. */
	bool		unchanged_since(const CategorySequences &seen, callboard::CategorySet categories) const;

	/* Notifications arrive and the change signal is on: a quiet feed means no change. */
	bool		pushing() const { return pushing_.load(); }

	/* Called on the listener's loop after the sequence moved (the cohorts refresh, or forget). */
	std::function<void(const ChangeNotice &)> on_change;

	/*
	 * PostgREST's channel, pgrst: NOTIFY pgrst, 'reload schema' rereads what
	 * the gateway caches of the database (the roles' settings); 'reload
	 * config' rereads the configuration.  Also on the listener's loop.
	 */
	std::function<void()> on_reload_schema;
	std::function<void()> on_reload_config;

	/*
	 * Runs the listener on the current loop until stop(); reconnects with
	 * back-off.  `search_path` finds the app's tables, whose triggers say
	 * whether the signal is on.  `blocking` runs libpq's connection steps.
	 */
	awaitable<void> listen(std::string conninfo, std::string search_path, BlockingPool blocking);

	/* On the listener's loop: ends listen(). */
	void		stop();

private:
	awaitable<bool> serve(PgLink &link, const std::string &search_path);
	awaitable<bool> follow(PgLink &link);
	ChangeNotice take_notices(PGconn *conn, PGnotify *first);
	void		changed(const ChangeNotice &notice);

	std::atomic<std::uint64_t> sequence_{1};
	std::atomic<std::uint64_t> category_sequences_[callboard::kCategorySetBits] = {};
	std::atomic<bool> pushing_{false};
	bool		stopping_ = false;
	PgLink	   *link_ = nullptr;	/* while connected */
	std::unique_ptr<net::steady_timer> pause_;	/* while backing off */
};

}								/* namespace gateway */

#endif
