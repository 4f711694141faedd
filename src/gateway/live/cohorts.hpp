/*
 * cohorts.hpp
 *		One document per audience: built once, answered from memory while
 *		nothing changed, refreshed once per change for everyone watching.
 *
 * An audience (a cohort) is everything a document can depend on, and the
 * document is read with exactly that and nothing else:
 *
 *   - the function and its arguments;
 *   - the role it runs as, and whether a token was given (401 or 403);
 *   - the token's claims, except exp, iat, nbf and jti, which differ from
 *     one token to the next and say nothing of what a user may see;
 *   - request.method and request.path, as PostgREST sets them;
 *   - the request headers named in callboard-cohort-headers (none by
 *     default), the only ones request.headers then holds;
 *   - the database (one set per gateway).
 *
 * A document read runs with request.jwt.claims, request.method, request.path
 * and request.headers holding exactly those: so no row-level security policy
 * can make one audience's bytes depend on anything outside its key, and a
 * body built for one audience goes to it alone.  Tokens of the same user
 * (same claims but for the four) share a cohort.
 *
 * A cohort's current version is fresh while the change feed is pushing, has
 * not moved since the version's query began, and that query began less than
 * callboard-cache-max-age seconds ago: then a GET is answered from memory, a
 * 304 when the client has it.  When the feed moves, every watched cohort is
 * refreshed, at most once per callboard-live-interval-ms, and its watchers
 * get the new version only if the bytes changed.  When it says privileges or
 * policies changed, every kept document nobody watches is dropped as well
 * (forget()).  Without the feed, watched cohorts poll every
 * callboard-live-poll-interval seconds; with it, a watched document is read
 * again once it is callboard-cache-max-age old, so what no notification can
 * tell (ALTER ROLE, role membership) reaches every stream too.
 *
 * A document that depends on the clock too (a timeline, RpcFunction::
 * expires_at) is fresh only until the time it gives; watched, it is
 * refreshed at the first poll tick after that time, changes or not.
 *
 * Documents larger than callboard-cache-max-entry-bytes are not kept and
 * cannot be watched: they stream to each client (handlers.cpp).  Unwatched
 * cohorts are dropped, least recently used first, past callboard-cache-bytes.
 */
#ifndef CALLBOARD_GATEWAY_COHORTS_HPP
#define CALLBOARD_GATEWAY_COHORTS_HPP

#include <chrono>
#include <deque>
#include <cstdint>
#include <functional>
#include <list>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "auth/jwt_auth.hpp"
#include "auth/token_cache.hpp"
#include "config/config.hpp"
#include "config/settings.hpp"
#include "core/api_error.hpp"
#include "core/asio.hpp"
#include "core/gzip.hpp"
#include "core/wake_up.hpp"
#include "db/db_request.hpp"
#include "http/request.hpp"
#include "http/responder.hpp"
#include "live/change_feed.hpp"
#include "live/document_expiry.hpp"
#include "rpc/call_args.hpp"

namespace gateway {

class Database;				/* database.hpp */

/* Everything a document depends on. */
struct Audience
{
	const RpcFunction *function;
	RpcArgs		args;
	std::string role;
	bool		authed;
	std::string claims;			/* JSON, without exp, iat, nbf, jti */
	std::string method;
	std::string path;
	std::string headers;		/* JSON: only the callboard-cohort-headers */
	std::string key;			/* all of the above, as one string */
	/*
	 * The function, its arguments, the role and whether a token was given:
	 * what the document depends on when no row-level security applies to
	 * the role (callboard's functions then read nothing else of the
	 * audience), so that such audiences can share one read (cohort_refresh.cpp).
	 */
	std::string share_key;
};

Audience	make_audience(const RpcFunction &function, const RpcArgs &args, const Who &who,
						  const Request &request, const std::vector<std::string> &cohort_headers);

/* What a document read runs with: the audience and nothing of the request. */
RequestSettings document_settings(const std::string &search_path, const Audience &audience);

/* One document as built: immutable, shared by everyone who sends it. */
class Version
{
public:
	/* `etag`: etag_of(body) (conditional.hpp), computed by the caller (once, outside any lock). */
	Version(std::uint64_t number, std::string body, std::string etag);

	std::uint64_t number() const { return number_; }
	const std::string &body() const { return body_; }
	/* Strong: a digest of the bytes, quoted. */
	const std::string &etag() const { return etag_; }
	/* Compressed, once, by whoever first asks. */
	const std::string &gzipped() const;
	/* As one server-sent event: "id: <etag>\ndata: <body>\n\n". */
	const std::string &event() const;
	/* The event deflated on its own, once, for every gzip-coded stream (gzip.hpp). */
	const DeflatedPiece &deflated_event() const;

private:
	std::uint64_t number_;
	std::string body_;
	std::string etag_;
	mutable std::once_flag gzip_once_;
	mutable std::string gzip_;
	mutable std::once_flag event_once_;
	mutable std::string event_;
	mutable std::once_flag deflated_once_;
	mutable DeflatedPiece deflated_;
};

/* Told of a watched cohort's new versions and failures, from any thread. */
class Watcher
{
public:
	virtual		~Watcher() = default;
	virtual void offer(std::shared_ptr<const Version> version) = 0;
	virtual void fail(const ApiError &error) = 0;
};

/* What get() found or built. */
struct Built
{
	std::shared_ptr<const Version> version;
	std::optional<ApiError> error;
	bool		too_large = false;	/* stream it instead */
	bool		streamed = false;	/* too large, and already streamed to the client that asked */
	bool		stopped = false;	/* its client went away mid-build: nothing to share */
	bool		reads_all_rows = false;	/* no row-level security applied to the read (ROW_SECURITY_PROBE) */
};

struct CohortStats
{
	std::size_t cohorts = 0;
	std::size_t watched = 0;
	std::size_t watchers = 0;
	std::size_t bytes = 0;
	std::size_t builds_running = 0;	/* builds under way */
	std::size_t build_waiters = 0;	/* requests waiting for another's build */
	std::size_t cancellable = 0;	/* builds registered for cancel_builds() */
	std::uint64_t builds = 0;	/* queries run */
	std::uint64_t hits = 0;		/* answered from memory */
	std::uint64_t refreshes = 0;	/* of watched cohorts */
	std::uint64_t forgets = 0;	/* every kept document dropped at once */
};

class Cohorts
{
public:
	/* Refreshes run on `refresh_loop`. */
	Cohorts(const Settings &settings, Database &db, ChangeFeed &feed, Executor refresh_loop);
	~Cohorts();

	/*
	 * The audience's document: from memory when fresh, else built (one query
	 * for concurrent askers).  If this request builds it and it turns out too
	 * large to keep, it is streamed to `out` at once (Built::streamed).
	 */
	awaitable<Built> get(const Audience &audience, Responder *out = nullptr);

	/* Watch the audience's cohort; until unwatch(), the watcher is offered each new version. */
	void		watch(const Audience &audience, const std::shared_ptr<Watcher> &watcher);
	void		unwatch(const Audience &audience, const std::shared_ptr<Watcher> &watcher);

	/*
	 * The change feed moved (on the refresh loop): refresh every watched
	 * cohort whose document can show calls of `categories` (all of them by
	 * default: a poll, a reconnect).
	 */
	void		changed(callboard::CategorySet categories = callboard::kEveryRow);

	/*
	 * Privileges or policies changed (on the refresh loop): drop every kept
	 * document nobody watches; the others are stale already (the feed moved)
	 * and changed() refreshes them.
	 */
	void		forget();

	/*
	 * On the refresh loop until stop(): while the feed is not pushing,
	 * refresh watched cohorts every callboard-live-poll-interval; while it
	 * is, those whose document is callboard-cache-max-age old.
	 */
	awaitable<void> poll();

	/*
	 * On the refresh loop until stop(): runs the refreshes scheduled, oldest
	 * first, at most callboard-live-max-refreshes at once.
	 */
	awaitable<void> refresher();

	/* Shutdown begins (on the refresh loop): no more polling or refreshing. */
	void		stop();

	/* Shutdown's grace is over (any thread): every build running is cancelled. */
	void		cancel_builds();

	CohortStats stats() const;

private:
	struct Cohort;
	class BuildTicket;
	class Registration;
	class RefreshDue;
	class RefreshSlot;
	using Clock = std::chrono::steady_clock;

	/* What a read began with: for keep(), and for the documents that share it. */
	struct ReadStart
	{
		std::uint64_t sequence;	/* the feed's, to order reads */
		ChangeFeed::CategorySequences seen;	/* per category, to tell whether the read is still current */
		Clock::time_point began;
	};

	std::shared_ptr<Cohort> find_or_create(const Audience &audience);
	bool		fresh(const Cohort &c, Clock::time_point now) const;
	static callboard::CategorySet depends_on(const Cohort &c);
	bool		known_too_large(const Cohort &c) const;
	awaitable<Built> build(BuildTicket &ticket, Responder *out,
						   std::vector<std::shared_ptr<Cohort>> sharers = {});
	void		keep(Cohort &c, std::string body, std::string etag, const ReadStart &start, Built &built);
	void		schedule(const std::shared_ptr<Cohort> &c);
	std::vector<std::shared_ptr<Cohort>> take_due(Clock::time_point now, Clock::time_point &next);
	awaitable<void> refresh(std::vector<std::shared_ptr<Cohort>> group);
	void		tell_watchers(const std::shared_ptr<Cohort> &c, const Built &built);
	void		evict();

	const Settings &settings_;
	Database   &db_;
	ChangeFeed &feed_;
	Executor	refresh_loop_;
	const std::string quoted_schema_;
	const std::string search_path_;

	mutable std::mutex mutex_;
	std::unordered_map<std::string, std::shared_ptr<Cohort>> cohorts_;
	std::list<std::shared_ptr<Cohort>> recent_;	/* unwatched, most recently used first */
	std::size_t bytes_ = 0;
	CohortStats counters_;
	bool		stopping_ = false;
	std::unique_ptr<net::steady_timer> poll_timer_;	/* on the refresh loop */
	std::deque<std::shared_ptr<Cohort>> due_;	/* refreshes scheduled, oldest first */
	int			refreshing_ = 0;	/* refreshes running */
	std::shared_ptr<WakeUp> refresher_wake_;	/* the refresher's, on the refresh loop */
	std::map<std::uint64_t, std::function<void()>> running_;	/* builds under way: how to stop each */
	std::uint64_t next_build_ = 0;
	bool		builds_cancelled_ = false;	/* cancel_builds() ran: start no more */
};

}								/* namespace gateway */

#endif
