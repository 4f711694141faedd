/*
 * cohorts.cpp
 *		Building, keeping, sharing and refreshing documents per audience.
 */
#include "cohorts.hpp"

#include <openssl/evp.h>

#include <algorithm>
#include <cctype>
#include <map>

#include "../hex.hpp"
#include "fault_injection.hpp"
#include "gzip.hpp"
#include "request_head.hpp"
#include "spawn.hpp"
#include "sql_names.hpp"
#include "wake_up.hpp"

namespace gateway {

namespace {

/* How long a request waits for another's build of the same document. */
constexpr std::chrono::seconds kBuildWait{300};

/*
 * A build's rows, kept whole up to the size a cohort keeps.  Past it the
 * document cannot be kept: the query stops, unless a client asked for this
 * build, which then gets the document streamed from here on (the bytes kept
 * so far, then each row as it comes), without a second query.
 *
 * If the client that asked hangs up, the query stops when nobody else waits
 * for it or watches the audience (`alone`); else it goes on for them.
 */
class BuildSink : public RowSink
{
public:
	BuildSink(std::size_t limit, Responder *out, std::string role,
			  std::function<void(std::function<void()>)> on_attach, std::function<bool()> alone)
		: limit_(limit), out_(out), role_(std::move(role)), on_attach_(std::move(on_attach)),
		  alone_(std::move(alone)) {}

	void		attach(std::function<void()> interrupt) override
	{
		interrupt_ = interrupt;
		on_attach_(interrupt);
		if (out_ == nullptr)
			return;
		if (!interrupt)
			out_->disarm_hangup();
		else
			out_->arm_hangup([alone = alone_, interrupt] {
				if (alone())
					interrupt();
			});
	}

	awaitable<bool> row(PgResult &row) override
	{
		fault_point("cohort.row");
		bool		null = PQgetisnull(row.get(), 0, 0);
		const char *value = null ? "null" : PQgetvalue(row.get(), 0, 0);
		std::size_t size = null ? 4 : static_cast<std::size_t>(PQgetlength(row.get(), 0, 0));
		if (streaming_)
			co_return co_await out_->write(value, size);
		body_.append(value, size);
		if (body_.size() <= limit_)
			co_return true;
		too_large_ = true;
		if (out_ == nullptr)
			co_return false;

		/* From now on this client alone waits for the query: its hang-up stops it. */
		streaming_ = true;
		out_->arm_hangup(interrupt_);
		Reply		head;
		head.role = role_;
		bool		ok = co_await out_->begin(head, std::nullopt);
		if (ok)
			ok = co_await out_->write(body_.data(), body_.size());
		std::string().swap(body_);
		co_return ok;
	}

	/* After the query: end the streamed response, or cut it if the query did not end well. */
	awaitable<void> finish_stream(const DbOutcome &outcome)
	{
		if (outcome.error)
			out_->abort(outcome.error->code + " " + outcome.error->message);
		else if (outcome.stopped || outcome.connection_lost)
			out_->abort("the client went away or read too slowly");
		else
			co_await out_->end();
	}

	std::string &body() { return body_; }
	bool		too_large() const { return too_large_; }
	bool		streaming() const { return streaming_; }

private:
	std::size_t limit_;
	Responder  *out_;
	std::string role_;
	std::function<void(std::function<void()>)> on_attach_;
	std::function<bool()> alone_;
	std::function<void()> interrupt_;
	std::string body_;
	bool		too_large_ = false;
	bool		streaming_ = false;
};

}								/* namespace */

std::string
etag_of(std::string_view bytes)
{
	unsigned char digest[EVP_MAX_MD_SIZE];
	unsigned int length = 0;
	EVP_Digest(bytes.data(), bytes.size(), digest, &length, EVP_sha256(), nullptr);
	/* A quoted strong ETag: the first 16 bytes of the SHA-256, as hex. */
	char		tag[2 + 32];
	char	   *out = tag;
	*out++ = '"';
	for (int i = 0; i < 16; i++)
		out = callboard::write_hex_byte(out, digest[i]);
	*out = '"';
	return std::string(tag, sizeof(tag));
}

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
				  request.path, headers_json(named), ""};
	std::string &key = a.key;
	for (std::string_view part : {std::string_view(function.name), std::string_view(a.role),
								  std::string_view(a.authed ? "t" : "f"), std::string_view(a.claims),
								  std::string_view(a.method), std::string_view(a.path), std::string_view(a.headers)})
		key_part(key, part);
	for (const auto &[param, value] : args)
	{
		key_part(key, param->name);
		key += value ? '=' : '-';
		key_part(key, value.value_or(""));
	}
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

struct Cohorts::Cohort
{
	explicit	Cohort(Audience a) : audience(std::move(a)) {}

	const Audience audience;

	/* Guarded by Cohorts::mutex_. */
	std::shared_ptr<const Version> current;
	std::uint64_t sequence = 0;	/* the feed's sequence when current's query began */
	Clock::time_point read_at{};	/* when it began */
	std::uint64_t numbered = 0;	/* the last version number given */
	bool		too_large = false;	/* the last build was, with the feed at too_large_sequence */
	std::uint64_t too_large_sequence = 0;
	std::size_t too_large_limit = 0;	/* over this callboard-cache-max-entry-bytes */
	int			builds_running = 0;	/* a GET's, a refresh's: at most one of each */
	std::uint64_t build_count = 0;	/* builds finished, for those waiting on one */
	Built		last_build;
	std::vector<std::shared_ptr<WakeUp>> waiting;
	std::vector<std::weak_ptr<Watcher>> watchers;
	std::list<std::shared_ptr<Cohort>>::iterator recent;	/* valid while unwatched */
	bool		in_recent = false;
	bool		listed = true;	/* in cohorts_: what it keeps counts in bytes_ */
	/* Refreshes, on the refresh loop. */
	bool		refresh_due = false;	/* one is scheduled or running */
	bool		again = false;	/* the feed moved while one ran */
	Clock::time_point last_refresh{};
	std::uint64_t offered = 0;	/* the version number watchers were last offered */
	std::string failing;		/* the error watchers were last told of, until a refresh succeeds */

	std::size_t bytes() const
	{
		/* The body and, at most, as much again for its compressed form or event. */
		return current ? 2 * current->body().size() : 0;
	}
};

/*
 * A build of a cohort, counted in its builds_running from the moment the
 * ticket is made (under mutex_) until finish() keeps what the build got and
 * wakes everyone waiting for it.  A build that ends by an exception never
 * calls finish(): the destructor then settles it with an error, so no count
 * stays up (which would stop eviction and make every later request wait for
 * a build that is not running) and no waiter sleeps out its wait.
 */
class Cohorts::BuildTicket
{
public:
	/* With mutex_ held. */
	BuildTicket(Cohorts &owner, std::shared_ptr<Cohort> c) : owner_(owner), c_(std::move(c))
	{
		c_->builds_running++;
	}
	BuildTicket(const BuildTicket &) = delete;
	BuildTicket &operator=(const BuildTicket &) = delete;

	~BuildTicket()
	{
		if (settled_)
			return;
		try
		{
			Built		failed;
			failed.error = internal_error("the build of this document failed");
			std::vector<std::shared_ptr<WakeUp>> waiting;
			{
				std::lock_guard<std::mutex> lock(owner_.mutex_);
				waiting = settle(std::move(failed));
			}
			for (auto &w : waiting)
				w->notify();
		}
		catch (...)
		{
			/* Out of memory while unwinding: the waiters' own deadline ends their wait. */
		}
	}

	const std::shared_ptr<Cohort> &cohort() const { return c_; }

	/* The build's result: `body` kept if it is one (hashed here, outside the lock); `limit` the size it was held to. */
	void		finish(Built &built, std::string body, std::uint64_t sequence, Clock::time_point began,
					   std::size_t limit)
	{
		bool		keeping = !built.too_large && !built.error;
		std::string etag = keeping ? etag_of(body) : std::string();
		Built		result = built;
		std::vector<std::shared_ptr<WakeUp>> waiting;
		{
			std::lock_guard<std::mutex> lock(owner_.mutex_);
			if (built.too_large)
			{
				c_->too_large = true;
				c_->too_large_sequence = sequence;
				c_->too_large_limit = limit;
			}
			else if (keeping)
				owner_.keep(*c_, std::move(body), std::move(etag), sequence, began, built);
			result.version = built.version;
			waiting = settle(std::move(result));
		}
		for (auto &w : waiting)
			w->notify();
	}

private:
	/* With mutex_ held; nothing here throws.  Returns who to wake. */
	std::vector<std::shared_ptr<WakeUp>> settle(Built result)
	{
		settled_ = true;
		c_->last_build = std::move(result);
		c_->builds_running--;
		c_->build_count++;
		owner_.counters_.builds++;
		std::vector<std::shared_ptr<WakeUp>> waiting;
		waiting.swap(c_->waiting);
		owner_.evict();
		return waiting;
	}

	Cohorts    &owner_;
	std::shared_ptr<Cohort> c_;
	bool		settled_ = false;
};

/*
 * A build's query in the registry cancel_builds() interrupts at shutdown,
 * from the moment the database layer attaches it until it detaches it, or
 * this goes: an entry never outlives the query it would interrupt.
 */
class Cohorts::Registration
{
public:
	Registration(Cohorts &owner, Executor loop) : owner_(owner), loop_(loop) {}
	Registration(const Registration &) = delete;
	Registration &operator=(const Registration &) = delete;
	~Registration()
	{
		try
		{
			set(nullptr);
		}
		catch (...)
		{
		}
	}

	/* On the query's loop: what stops it now, or nullptr once it is over. */
	void		set(std::function<void()> interrupt)
	{
		std::lock_guard<std::mutex> lock(owner_.mutex_);
		if (id_ != 0)
		{
			owner_.running_.erase(id_);
			id_ = 0;
			*alive_ = false;
			alive_.reset();
		}
		if (!interrupt)
			return;
		alive_ = std::make_shared<bool>(true);
		id_ = ++owner_.next_build_;
		/* Any thread may call it: it interrupts on the query's loop, if the query still runs. */
		auto		stop = [loop = loop_, alive = alive_, interrupt] {
			net::post(loop, [alive, interrupt] {
				if (*alive)
					interrupt();
			});
		};
		owner_.running_[id_] = stop;
		if (owner_.builds_cancelled_)
			stop();				/* shutdown's grace is over: no query may start */
	}

private:
	Cohorts    &owner_;
	Executor	loop_;
	std::uint64_t id_ = 0;
	std::shared_ptr<bool> alive_;	/* while registered: false once detached (read on the loop only) */
};

/*
 * A refresh scheduled or under way.  However it ends, the cohort may be
 * refreshed again: refresh_due goes down, and a change that came meanwhile
 * schedules the next.
 */
class Cohorts::RefreshDue
{
public:
	RefreshDue(Cohorts &owner, std::shared_ptr<Cohort> c) : owner_(owner), c_(std::move(c)) {}
	RefreshDue(const RefreshDue &) = delete;
	RefreshDue &operator=(const RefreshDue &) = delete;

	~RefreshDue()
	{
		try
		{
			std::lock_guard<std::mutex> lock(owner_.mutex_);
			c_->refresh_due = false;
			if (c_->again && !c_->watchers.empty())
				owner_.schedule(c_);
		}
		catch (...)
		{
			/* Out of memory: the next change schedules it. */
		}
	}

private:
	Cohorts    &owner_;
	std::shared_ptr<Cohort> c_;
};

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
	return c.current && feed_.pushing() && c.sequence == feed_.sequence() && now - c.read_at < max_age;
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
			b.from_memory = true;
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

awaitable<Built>
Cohorts::build(BuildTicket &ticket, Responder *out)
{
	Executor	loop = co_await net::this_coro::executor;
	const std::shared_ptr<Cohort> c = ticket.cohort();
	const Audience &a = c->audience;
	std::uint64_t sequence = feed_.sequence();
	Clock::time_point began = Clock::now();
	/* While the feed pushes, what is kept must show the latest commit: read it on the primary. */
	bool		primary = feed_.pushing();
	RequestSettings settings = document_settings(search_path_, a);
	std::string sql = rpc_sql(quoted_schema_, *a.function, a.args);
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
	}
	ticket.finish(built, std::move(collect.body()), sequence, began, limit);
	co_return built;
}

/*
 * With mutex_ held: a new body for the cohort, a new version if the bytes
 * changed (`etag` tells), else the same one, fresher.
 */
void
Cohorts::keep(Cohort &c, std::string body, std::string etag, std::uint64_t sequence, Clock::time_point began,
			  Built &built)
{
	/* A build that began before the kept one's says nothing newer. */
	if (c.current && sequence < c.sequence)
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
	}
	c.sequence = sequence;
	c.read_at = began;
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
Cohorts::changed()
{
	std::lock_guard<std::mutex> lock(mutex_);
	for (auto &[key, c] : cohorts_)
		if (!c->watchers.empty())
			schedule(c);
}

/* With mutex_ held, on the refresh loop. */
void
Cohorts::schedule(const std::shared_ptr<Cohort> &c)
{
	if (c->refresh_due)
	{
		c->again = true;
		return;
	}
	auto		interval = std::chrono::milliseconds(settings_.current()->callboard_live_interval_ms);
	auto		delay = std::max<Clock::duration>(Clock::duration::zero(), c->last_refresh + interval - Clock::now());
	spawn(refresh_loop_, refresh(c, delay), "refresh");
	c->refresh_due = true;
	c->again = false;
}

awaitable<void>
Cohorts::refresh(std::shared_ptr<Cohort> c, Clock::duration delay)
{
	RefreshDue	due(*this, c);
	try
	{
		if (delay > Clock::duration::zero())
		{
			net::steady_timer pause(refresh_loop_, delay);
			boost::system::error_code ec;
			co_await pause.async_wait(net::redirect_error(use_awaitable, ec));
		}
		fault_point("cohort.refresh");
		std::optional<BuildTicket> ticket;
		{
			std::lock_guard<std::mutex> lock(mutex_);
			c->last_refresh = Clock::now();
			c->again = false;
			/* Even beside a GET's build: that one may have begun before the change. */
			ticket.emplace(*this, c);
		}
		Built		built = co_await build(*ticket, nullptr);
		fault_point("cohort.refreshed");
		tell_watchers(c, built);
	}
	catch (...)
	{
		/* The watchers hear of it (spawn() logs and counts it). */
		Built		failed;
		failed.error = internal_error("the refresh of this document failed");
		tell_watchers(c, failed);
		throw;
	}
}

/* After a refresh: a new version, or the current one again after a failure; a failure once. */
void
Cohorts::tell_watchers(const std::shared_ptr<Cohort> &c, const Built &built)
{
	std::vector<std::shared_ptr<Watcher>> watchers;
	{
		std::lock_guard<std::mutex> lock(mutex_);
		counters_.refreshes++;
		for (const auto &w : c->watchers)
			if (auto p = w.lock())
				watchers.push_back(p);
		std::string failure = built.error ? built.error->code + built.error->message
			: built.too_large ? "too large" : "";
		bool		news = failure.empty() &&
			(built.version->number() != c->offered || !c->failing.empty());
		bool		tell = news || (!failure.empty() && failure != c->failing);
		if (news)
			c->offered = built.version->number();
		c->failing = failure;
		if (!tell)
			watchers.clear();
	}
	for (const auto &w : watchers)
	{
		if (built.error)
			w->fail(*built.error);
		else if (built.too_large)
			w->fail(too_large_to_watch());
		else
			w->offer(built.version);
	}
}

awaitable<void>
Cohorts::poll()
{
	/* A tick a second: the intervals are reread each time (a reload applies at once). */
	constexpr auto kTick = std::chrono::seconds(1);
	Clock::time_point last_poll = Clock::now();
	while (!stopping_)
	{
		poll_timer_ = std::make_unique<net::steady_timer>(refresh_loop_, kTick);
		boost::system::error_code ec;
		co_await poll_timer_->async_wait(net::redirect_error(use_awaitable, ec));
		poll_timer_.reset();
		if (stopping_)
			break;
		std::shared_ptr<const Config> config = settings_.current();
		Clock::time_point now = Clock::now();
		if (!feed_.pushing())
		{
			/* Without the feed, time drives the refreshes. */
			if (now - last_poll >= std::chrono::seconds(config->callboard_live_poll_interval))
			{
				last_poll = now;
				changed();
			}
			continue;
		}
		last_poll = now;
		/* With it, changes do; and age, for what no notification tells. */
		auto		max_age = std::chrono::seconds(config->callboard_cache_max_age);
		std::lock_guard<std::mutex> lock(mutex_);
		for (auto &[key, c] : cohorts_)
			if (!c->watchers.empty() && c->current && now - std::max(c->read_at, c->last_refresh) >= max_age)
				schedule(c);
	}
}

void
Cohorts::stop()
{
	stopping_ = true;
	if (poll_timer_)
		poll_timer_->cancel();
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
