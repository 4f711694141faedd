/*
 * cohorts.cpp
 *		Building, keeping and sharing documents per audience (refreshing them:
 *		cohort_refresh.cpp).
 */
#include "live/cohort_state.hpp"

#include <algorithm>
#include <cctype>
#include <map>

#include "core/fault_injection.hpp"
#include "core/gzip.hpp"
#include "db/database.hpp"
#include "db/sql_names.hpp"
#include "http/request_head.hpp"
#include "live/build_sink.hpp"

namespace gateway {

namespace {

/* How long a request waits for another's build of the same document. */
constexpr std::chrono::seconds kBuildWait{300};

}								/* namespace */

/* The fields of a key, each with its length first: no two keys read alike. */
void
key_part(std::string &key, std::string_view part)
{
	key += std::to_string(part.size());
	key += ':';
	key.append(part.data(), part.size());
}

Audience
make_audience(const RpcFunction &function, const RpcArgs &args, const Who &who,
			  const Request &request, const std::vector<std::string> &cohort_headers)
{
	/* Only the headers named: request.headers then holds them and nothing else. */
	HeaderFields named;
	for (const auto &[name, value] : request.header_fields)
		for (const std::string &wanted : cohort_headers)
			if (name.size() == wanted.size() && std::equal(name.begin(), name.end(), wanted.begin(), [](char a, char b) {
					return std::tolower(static_cast<unsigned char>(a)) == b;
				}))
				named.emplace_back(name, value);

	Audience	a{&function, args, who.auth.role, who.auth.authed, who.audience_claims, request.method,
				  request.path, headers_json(named), "", ""};
	std::string &share = a.share_key;
	for (std::string_view part : {std::string_view(function.name), std::string_view(a.role),
								  std::string_view(a.authed ? "t" : "f")})
		key_part(share, part);
	for (const auto &[param, value] : args)
	{
		key_part(share, param->name);
		share += value ? '=' : '-';
		key_part(share, value.value_or(""));
	}
	a.key = share;
	for (std::string_view part : {std::string_view(a.claims), std::string_view(a.method), std::string_view(a.path),
								  std::string_view(a.headers)})
		key_part(a.key, part);
	return a;
}

RequestSettings
document_settings(const std::string &search_path, const Audience &a)
{
	return RequestSettings{search_path, a.role, a.claims, a.method, a.path, a.headers};
}

Version::Version(std::uint64_t number, std::string body, std::string etag)
	: number_(number), body_(std::move(body)), etag_(std::move(etag))
{
}

const std::string &
Version::gzipped() const
{
	std::call_once(gzip_once_, [this] { gzip_ = gzip(body_); });
	return gzip_;
}

const std::string &
Version::event() const
{
	/* The body is compact JSON: one line, never a bare newline inside. */
	std::call_once(event_once_, [this] { event_ = "id: " + etag_ + "\ndata: " + body_ + "\n\n"; });
	return event_;
}

const DeflatedPiece &
Version::deflated_event() const
{
	std::call_once(deflated_once_, [this] { deflated_ = deflate_piece(event()); });
	return deflated_;
}

Cohorts::Cohorts(const Settings &settings, Database &db, ChangeFeed &feed, Executor refresh_loop)
	: settings_(settings), db_(db), feed_(feed), refresh_loop_(refresh_loop),
	  quoted_schema_(quote_ident(settings.current()->db_schemas.front())),
	  search_path_(search_path_for(*settings.current()))
{
}

Cohorts::~Cohorts() = default;

std::shared_ptr<Cohorts::Cohort>
Cohorts::find_or_create(const Audience &audience)
{
	auto		it = cohorts_.find(audience.key);
	std::shared_ptr<Cohort> c;
	if (it != cohorts_.end())
		c = it->second;
	else
	{
		c = std::make_shared<Cohort>(audience);
		cohorts_.emplace(audience.key, c);
	}
	/* Most recently used first, while unwatched. */
	if (c->watchers.empty())
	{
		if (c->in_recent)
			recent_.erase(c->recent);
		recent_.push_front(c);
		c->recent = recent_.begin();
		c->in_recent = true;
	}
	return c;
}

bool
Cohorts::fresh(const Cohort &c, Clock::time_point now) const
{
	auto		max_age = std::chrono::seconds(settings_.current()->callboard_cache_max_age);
	return c.current && feed_.pushing() && feed_.unchanged_since(c.seen, depends_on(c)) &&
		now - c.read_at < max_age && std::chrono::system_clock::now() < c.expires;
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
Cohorts::depends_on(const Cohort &c)
{
	return c.reads_all_rows ? c.shows : callboard::kEveryRow;
}

bool
Cohorts::known_too_large(const Cohort &c) const
{
	/* Unless the data changed, or a reload raised the limit it was over. */
	return c.too_large && c.too_large_sequence == feed_.sequence() &&
		settings_.current()->callboard_cache_max_entry_bytes <= c.too_large_limit;
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
		std::lock_guard<std::mutex> lock(mutex_);
		c = find_or_create(audience);
		if (fresh(*c, Clock::now()))
		{
			counters_.hits++;
			Built		b;
			b.version = c->current;
			co_return b;
		}
		if (known_too_large(*c))
		{
			Built		b;
			b.too_large = true;
			co_return b;
		}
		if (c->builds_running > 0)
		{
			/* Someone is building it: take what they get. */
			wake = WakeUp::on(loop);
			c->waiting.push_back(wake);
			waited_for = c->build_count + 1;
		}
		else
			ticket.emplace(*this, c);
	}
	if (ticket)
		co_return co_await build(*ticket, out);

	co_await wake->wait_until(Clock::now() + kBuildWait);
	fault_point("cohort.wait");
	std::lock_guard<std::mutex> lock(mutex_);
	/*
	 * A build stopped because its own client left has nothing for us: go
	 * again; unless the gateway is cancelling every build as it stops.
	 */
	if (c->build_count >= waited_for && c->last_build.stopped && !builds_cancelled_)
		continue;
	if (c->build_count >= waited_for)
	{
		/* What it got; but a document streamed went to its builder's client, not this one. */
		Built		b = c->last_build;
		b.streamed = false;
		co_return b;
	}
	Built		b;
	b.error = acquisition_timeout();
	co_return b;
	}
}

/*
 * A column beside the document: whether row-level security applied to the
 * read (to either table callboard reads, as the search_path finds them).
 * False means the document depends on no more of the audience than its
 * share_key.  NULL (a table missing) counts as true.
 */
static const char *const kRowSecurityProbe =
	", pg_catalog.row_security_active(pg_catalog.to_regclass('twilio_calls'))"
	" OR pg_catalog.row_security_active(pg_catalog.to_regclass('hume_agents'))";

awaitable<Built>
Cohorts::build(BuildTicket &ticket, Responder *out, std::vector<std::shared_ptr<Cohort>> sharers)
{
	Executor	loop = co_await net::this_coro::executor;
	const std::shared_ptr<Cohort> c = ticket.cohort();
	const Audience &a = c->audience;
	/* The categories' sequences first: a change counted after them is one this read may miss. */
	ReadStart	start{0, feed_.category_sequences(), Clock::now()};
	start.sequence = feed_.sequence();
	/* While the feed pushes, what is kept must show the latest commit: read it on the primary. */
	bool		primary = feed_.pushing();
	RequestSettings settings = document_settings(search_path_, a);
	std::string sql = rpc_sql(quoted_schema_, *a.function, a.args) + kRowSecurityProbe;
	Params		params = rpc_values(a.args);
	fault_point("cohort.build");

	/* While it runs, cancel_builds() can interrupt it. */
	Registration registration(*this, loop);
	auto		on_attach = [&registration](std::function<void()> interrupt) {
		registration.set(std::move(interrupt));
	};
	auto		alone = [this, c] {
		std::lock_guard<std::mutex> lock(mutex_);
		return c->waiting.empty() && c->watchers.empty();
	};
	const std::size_t limit = settings_.current()->callboard_cache_max_entry_bytes;
	BuildSink	collect(limit, out, a.role, on_attach, alone);

	DbOutcome	outcome = co_await db_.run(settings, sql, params, a.authed, &collect, nullptr, primary);
	fault_point("cohort.built");

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
	std::vector<Built> shared;
	ticket.finish(built, std::move(collect.body()), start, limit, sharers, shared);
	if (!shared.empty())
		for (std::size_t i = 0; i < sharers.size(); i++)
			tell_watchers(sharers[i], shared[i]);
	co_return built;
}

/*
 * With mutex_ held: a new body for the cohort, a new version if the bytes
 * changed (`etag` tells), else the same one, fresher.
 */
void
Cohorts::keep(Cohort &c, std::string body, std::string etag, const ReadStart &start, Built &built)
{
	/* A build that began before the kept one's says nothing newer. */
	if (c.current && start.sequence < c.sequence)
	{
		built.version = c.current;
		return;
	}
	/* Dropped from memory while it was built (evicted, forgotten): what it got goes to its askers only. */
	if (!c.listed)
	{
		built.version = std::make_shared<const Version>(c.numbered + 1, std::move(body), std::move(etag));
		c.numbered++;
		return;
	}
	if (!c.current || c.current->etag() != etag)
	{
		auto		version = std::make_shared<const Version>(c.numbered + 1, std::move(body), std::move(etag));
		bytes_ -= c.bytes();
		c.current = std::move(version);
		c.numbered = c.current->number();
		bytes_ += c.bytes();
		const char *expires_at = c.audience.function->expires_at;
		c.expires = expires_at ? document_expiry(expires_at, c.current->body()) : SystemTime::max();
	}
	c.sequence = start.sequence;
	c.seen = start.seen;
	c.read_at = start.began;
	built.version = c.current;
}

void
Cohorts::evict()
{
	/* Least recently used first; watched cohorts are not in the list. */
	while ((bytes_ > settings_.current()->callboard_cache_bytes || recent_.size() > 10000) && !recent_.empty())
	{
		std::shared_ptr<Cohort> old = recent_.back();
		if (old->builds_running > 0)
			break;
		recent_.pop_back();
		old->in_recent = false;
		old->listed = false;
		bytes_ -= old->bytes();
		cohorts_.erase(old->audience.key);
	}
}

void
Cohorts::forget()
{
	std::lock_guard<std::mutex> lock(mutex_);
	counters_.forgets++;
	for (auto it = cohorts_.begin(); it != cohorts_.end();)
	{
		Cohort	   &c = *it->second;
		c.too_large = false;
		c.reads_all_rows = false;	/* until a read says so again */
		if (!c.watchers.empty() || c.builds_running > 0)
		{
			++it;
			continue;
		}
		if (c.in_recent)
		{
			recent_.erase(c.recent);
			c.in_recent = false;
		}
		c.listed = false;
		bytes_ -= c.bytes();
		it = cohorts_.erase(it);
	}
}

void
Cohorts::watch(const Audience &audience, const std::shared_ptr<Watcher> &watcher)
{
	std::lock_guard<std::mutex> lock(mutex_);
	std::shared_ptr<Cohort> c = find_or_create(audience);
	if (c->in_recent)
	{
		recent_.erase(c->recent);
		c->in_recent = false;
	}
	c->watchers.push_back(watcher);
}

void
Cohorts::unwatch(const Audience &audience, const std::shared_ptr<Watcher> &watcher)
{
	std::lock_guard<std::mutex> lock(mutex_);
	auto		it = cohorts_.find(audience.key);
	if (it == cohorts_.end())
		return;
	std::shared_ptr<Cohort> c = it->second;
	auto	   &w = c->watchers;
	w.erase(std::remove_if(w.begin(), w.end(), [&](const std::weak_ptr<Watcher> &x) {
		auto		p = x.lock();
		return !p || p == watcher;
	}), w.end());
	if (w.empty() && !c->in_recent)
	{
		recent_.push_front(c);
		c->recent = recent_.begin();
		c->in_recent = true;
		evict();
	}
}

void
Cohorts::stop()
{
	stopping_ = true;
	if (poll_timer_)
		poll_timer_->cancel();
	std::lock_guard<std::mutex> lock(mutex_);
	if (refresher_wake_)
		refresher_wake_->notify();
}

void
Cohorts::cancel_builds()
{
	std::map<std::uint64_t, std::function<void()>> running;
	{
		std::lock_guard<std::mutex> lock(mutex_);
		builds_cancelled_ = true;
		running = running_;
	}
	for (auto &[id, interrupt] : running)
		interrupt();
}

CohortStats
Cohorts::stats() const
{
	std::lock_guard<std::mutex> lock(mutex_);
	CohortStats s = counters_;
	s.cohorts = cohorts_.size();
	s.watched = s.watchers = 0;
	for (const auto &[key, c] : cohorts_)
	{
		s.watched += c->watchers.empty() ? 0 : 1;
		s.watchers += c->watchers.size();
		s.builds_running += static_cast<std::size_t>(c->builds_running);
		s.build_waiters += c->waiting.size();
	}
	s.cancellable = running_.size();
	s.bytes = bytes_;
	return s;
}

}								/* namespace gateway */
