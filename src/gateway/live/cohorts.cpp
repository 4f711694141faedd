/*
 * cohorts.cpp
 *		One build per cohort for everyone asking, and watching (refreshing:
 *		cohort_refresh.cpp).
 */
#include "live/build_ticket.hpp"

#include <algorithm>

#include "core/fault_injection.hpp"
#include "db/database.hpp"
#include "db/sql_names.hpp"
#include "live/build_sink.hpp"

namespace gateway {

namespace {

/* How long a request waits for another's build of the same document. */
constexpr std::chrono::seconds kBuildWait{300};

/*
 * A column beside the document: whether row-level security applied to the
 * read (to either table callboard reads, as the search_path finds them).
 * False means the document depends on no more of the audience than its
 * share_key.  NULL (a table missing) counts as true.
 */
const char *const kRowSecurityProbe =
	", pg_catalog.row_security_active(pg_catalog.to_regclass('twilio_calls'))"
	" OR pg_catalog.row_security_active(pg_catalog.to_regclass('hume_agents'))";

}								/* namespace */

Cohorts::Cohorts(const ReloadableConfig &reloadable, Database &db, ChangeFeed &feed, Executor refresh_loop)
	: config_(reloadable), db_(db), feed_(feed), refresh_loop_(refresh_loop),
	  quoted_schema_(quote_ident(reloadable.current()->db_schemas.front())),
	  search_path_(search_path_for(*reloadable.current())),
	  documents_(reloadable)
{
}

Cohorts::~Cohorts() = default;

bool
Cohorts::fresh(const Cohort &c, Clock::time_point now) const
{
	const Cohort::State &s = c.locked(mutex_);
	auto		max_age = std::chrono::seconds(config_.current()->callboard_cache_max_age);
	return s.current && feed_.pushing() && feed_.unchanged_since(s.seen, depends_on(c)) &&
		now - s.read_at < max_age && std::chrono::system_clock::now() < s.expires;
}

/*
 * The categories whose changes can change the cohort's document.  Those it
 * shows, when the last read said no row-level security applies.  Under a
 * policy, every change to the tables counts, inbound calls' included (a
 * policy may make a call's visibility depend on other rows); changes to
 * tables the signal does not watch, which a policy may read too, are bounded
 * by callboard-cache-max-age.
 */
callboard::CategorySet
Cohorts::depends_on(const Cohort &c) const
{
	return c.locked(mutex_).reads_all_rows ? c.shows : callboard::kEveryRow;
}

bool
Cohorts::known_too_large(const Cohort &c) const
{
	/* Unless the data changed, or a reload raised the limit it was over. */
	const Cohort::State &s = c.locked(mutex_);
	return s.too_large && s.too_large_sequence == feed_.sequence() &&
		config_.current()->callboard_cache_max_entry_bytes <= s.too_large_limit;
}

awaitable<Built>
Cohorts::get(const Audience &audience, Responder *out)
{
	Executor	loop = co_await net::this_coro::executor;
	for (;;)
	{
	std::shared_ptr<Cohort> c;
	std::shared_ptr<WakeUp> wake;
	std::uint64_t waited_for = 0;
	std::optional<BuildTicket> ticket;
	{
		MutexLock	lock(mutex_);
		c = documents_.find_or_create(audience);
		Cohort::State &s = c->locked(mutex_);
		if (fresh(*c, Clock::now()))
		{
			counters_.hits++;
			Built		b;
			b.version = s.current;
			co_return b;
		}
		if (known_too_large(*c))
		{
			Built		b;
			b.too_large = true;
			co_return b;
		}
		if (s.builds_running > 0)
		{
			/* Someone is building it: take what they get. */
			wake = WakeUp::on(loop);
			s.waiting.push_back(wake);
			waited_for = s.build_count + 1;
		}
		else
			ticket.emplace(*this, c);
	}
	if (ticket)
		co_return co_await build(*ticket, out);

	co_await wake->wait_until(Clock::now() + kBuildWait);
	fault_point("cohort.wait");
	std::optional<Built> theirs = what_another_built(*c, waited_for);
	if (theirs)
		co_return *theirs;
	}
}

/* After waiting for another's build (the `waited_for`th): what it got; nullopt to go again. */
std::optional<Built>
Cohorts::what_another_built(const Cohort &c, std::uint64_t waited_for)
{
	MutexLock	lock(mutex_);
	const Cohort::State &s = c.locked(mutex_);
	/*
	 * A build stopped because its own client left has nothing for us: go
	 * again; unless the gateway is cancelling every build as it stops.
	 */
	if (s.build_count >= waited_for && s.last_build.stopped && !queries_.cancelled())
		return std::nullopt;
	if (s.build_count >= waited_for)
	{
		/* What it got; but a document streamed went to its builder's client, not this one. */
		Built		b = s.last_build;
		b.streamed = false;
		return b;
	}
	Built		b;
	b.error = acquisition_timeout();
	return b;
}

/* The feed's sequences as a read begins: the categories' first, as a change counted after them is one this read may miss. */
ReadStart
Cohorts::read_start() const
{
	ReadStart	start{0, feed_.category_sequences(), Clock::now()};
	start.sequence = feed_.sequence();
	return start;
}

awaitable<Built>
Cohorts::build(BuildTicket &ticket, Responder *out, std::vector<std::shared_ptr<Cohort>> sharers)
{
	Executor	loop = co_await net::this_coro::executor;
	const std::shared_ptr<Cohort> c = ticket.cohort();
	const Audience &a = c->audience;
	ReadStart	start = read_start();
	/* While the feed pushes, what is kept must show the latest commit: read it on the primary. */
	bool		primary = feed_.pushing();
	RequestSettings settings = document_settings(search_path_, a);
	std::string sql = rpc_sql(quoted_schema_, *a.function, a.args) + kRowSecurityProbe;
	Params		params = rpc_values(a.args);
	fault_point("cohort.build");

	/* While it runs, cancel_builds() can interrupt it. */
	RunningQueries::Registration registration(queries_, loop);
	auto		on_attach = [&registration](std::function<void()> interrupt) {
		registration.set(std::move(interrupt));
	};
	auto		alone = [this, c] {
		MutexLock	lock(mutex_);
		const Cohort::State &s = c->locked(mutex_);
		return s.waiting.empty() && s.watchers.empty();
	};
	const std::size_t limit = config_.current()->callboard_cache_max_entry_bytes;
	BuildSink	collect(limit, out, a.role, on_attach, alone);

	DbOutcome	outcome = co_await db_.run(settings, sql, params, a.authed, &collect, nullptr, primary);
	fault_point("cohort.built");

	Built		built = co_await what_was_built(collect, outcome);
	std::vector<Built> shared;
	ticket.finish(built, std::move(collect.body()), start, limit, sharers, shared);
	if (!shared.empty())
		for (std::size_t i = 0; i < sharers.size(); i++)
			tell_watchers(sharers[i], shared[i]);
	co_return built;
}

/* What a build's query gave: its body in `collect`, or its end streamed to the client that asked. */
awaitable<Built>
Cohorts::what_was_built(BuildSink &collect, const DbOutcome &outcome)
{
	Built		built;
	if (collect.streaming())
	{
		built.streamed = true;
		co_await collect.finish_stream(outcome);
	}
	if (collect.too_large())
		built.too_large = true;
	else if (outcome.error)
		built.error = outcome.error;
	else if (outcome.stopped && !outcome.connection_lost)
	{
		/* Its client went away (or, watched, the gateway stops): not an error of the data. */
		built.stopped = true;
		built.error = client_error("the request was stopped", db_.retry_after());
	}
	else if (outcome.connection_lost)
		built.error = client_error("the connection to the database was lost", db_.retry_after());
	else if (collect.body().empty())
	{
		/* No row came one at a time: a result in one piece (single-row mode refused), or none. */
		const PGresult *res = outcome.result.get();
		bool		one = res && PQntuples(res) == 1 && !PQgetisnull(res, 0, 0);
		collect.body() = one ? std::string(PQgetvalue(res, 0, 0), PQgetlength(res, 0, 0)) : "null";
		if (res && PQntuples(res) == 1)
			collect.note_row_security(res);
	}
	built.reads_all_rows = collect.reads_all_rows();
	co_return built;
}

void
Cohorts::forget()
{
	MutexLock	lock(mutex_);
	counters_.forgets++;
	documents_.forget();
}

void
Cohorts::watch(const Audience &audience, const std::shared_ptr<Watcher> &watcher)
{
	MutexLock	lock(mutex_);
	std::shared_ptr<Cohort> c = documents_.find_or_create(audience);
	documents_.watched(*c);
	c->locked(mutex_).watchers.emplace(watcher.get(), watcher);
}

void
Cohorts::unwatch(const std::string &audience_key, const std::shared_ptr<Watcher> &watcher)
{
	MutexLock	lock(mutex_);
	std::shared_ptr<Cohort> c = documents_.find(audience_key);
	if (!c)
		return;
	c->locked(mutex_).watchers.erase(watcher.get());
	documents_.unwatched(c);
}

void
Cohorts::stop()
{
	on_refresh_loop_.stopping = true;
	if (on_refresh_loop_.poll_timer)
		on_refresh_loop_.poll_timer->cancel();
	MutexLock	lock(mutex_);
	if (refresher_wake_)
		refresher_wake_->notify();
}

void
Cohorts::cancel_builds()
{
	queries_.cancel_all();
}

CohortStats
Cohorts::stats() const
{
	MutexLock	lock(mutex_);
	CohortStats s = counters_;
	s.cohorts = documents_.all().size();
	s.watched = s.watchers = 0;
	for (const auto &[key, c] : documents_.all())
	{
		const Cohort::State &state = c->locked(mutex_);
		s.watched += state.watchers.empty() ? 0 : 1;
		s.watchers += state.watchers.size();
		s.builds_running += static_cast<std::size_t>(state.builds_running);
		s.build_waiters += state.waiting.size();
	}
	s.cancellable = queries_.size();
	s.bytes = documents_.bytes();
	return s;
}

}								/* namespace gateway */
