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
#include "gzip.hpp"
#include "request_head.hpp"
#include "sql_names.hpp"

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

Version::Version(std::uint64_t number, std::string body)
	: number_(number), body_(std::move(body)), etag_(etag_of(body_))
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

/* A coroutine on any loop waiting for another's build; woken from whichever thread ends it. */
struct Cohorts::Wake
{
	explicit	Wake(Executor loop) : timer(loop) {}

	net::steady_timer timer;

	void		wake(const std::shared_ptr<Wake> &self)
	{
		net::post(timer.get_executor(), [self] { self->timer.cancel(); });
	}
};

struct Cohorts::Cohort
{
	explicit	Cohort(Audience a) : audience(std::move(a)) {}

	const Audience audience;

	/* Guarded by Cohorts::mutex_. */
	std::shared_ptr<const Version> current;
	SystemTime	expires = SystemTime::max();	/* current is old from then on, whatever the feed says */
	std::uint64_t sequence = 0;	/* the feed's sequence when current's query began */
	bool		too_large = false;
	int			builds_running = 0;	/* a GET's, a refresh's: at most one of each */
	std::uint64_t build_count = 0;	/* builds finished, for those waiting on one */
	Built		last_build;
	std::vector<std::shared_ptr<Wake>> waiting;
	std::vector<std::weak_ptr<Watcher>> watchers;
	std::list<std::shared_ptr<Cohort>>::iterator recent;	/* valid while unwatched */
	bool		in_recent = false;
	/* Refreshes, on the refresh loop. */
	bool		refresh_due = false;	/* one is scheduled or running */
	bool		again = false;	/* the feed moved while one ran */
	std::chrono::steady_clock::time_point last_refresh{};
	std::uint64_t offered = 0;	/* the version number watchers were last offered */
	std::string failing;		/* the error watchers were last told of, until a refresh succeeds */

	std::size_t bytes() const
	{
		/* The body and, at most, as much again for its compressed form or event. */
		return current ? 2 * current->body().size() : 0;
	}
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
Cohorts::fresh(const Cohort &c) const
{
	return c.current && feed_.pushing() && c.sequence == feed_.sequence() &&
		std::chrono::system_clock::now() < c.expires;
}

awaitable<Built>
Cohorts::get(const Audience &audience, Responder *out)
{
	Executor	loop = co_await net::this_coro::executor;
	for (;;)
	{
	std::shared_ptr<Cohort> c;
	std::shared_ptr<Wake> wake;
	std::uint64_t waited_for = 0;
	{
		std::lock_guard<std::mutex> lock(mutex_);
		c = find_or_create(audience);
		if (fresh(*c))
		{
			counters_.hits++;
			Built		b;
			b.version = c->current;
			b.from_memory = true;
			co_return b;
		}
		if (c->too_large)
		{
			Built		b;
			b.too_large = true;
			co_return b;
		}
		if (c->builds_running > 0)
		{
			/* Someone is building it: take what they get. */
			wake = std::make_shared<Wake>(loop);
			c->waiting.push_back(wake);
			waited_for = c->build_count + 1;
		}
		else
			c->builds_running++;
	}

	if (wake)
	{
		wake->timer.expires_after(kBuildWait);
		boost::system::error_code ec;
		co_await wake->timer.async_wait(net::redirect_error(use_awaitable, ec));
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
	co_return co_await build(c, out);
	}
}

awaitable<Built>
Cohorts::build(std::shared_ptr<Cohort> c, Responder *out)
{
	Executor	loop = co_await net::this_coro::executor;
	const Audience &a = c->audience;
	std::uint64_t sequence = feed_.sequence();
	/* While the feed pushes, what is kept must show the latest commit: read it on the primary. */
	bool		primary = feed_.pushing();
	RequestSettings settings = document_settings(search_path_, a);
	std::string sql = rpc_sql(quoted_schema_, *a.function, a.args);
	Params		params = rpc_values(a.args);
	/* While it runs, stop() can interrupt it (on this loop, and only while it runs). */
	auto		alive = std::make_shared<bool>(false);
	std::uint64_t id = 0;
	auto		on_attach = [&](std::function<void()> interrupt) {
		std::lock_guard<std::mutex> lock(mutex_);
		*alive = static_cast<bool>(interrupt);
		if (interrupt)
		{
			id = ++next_build_;
			running_[id] = [loop, alive, interrupt] {
				net::post(loop, [alive, interrupt] {
					if (*alive)
						interrupt();
				});
			};
		}
		else
			running_.erase(id);
	};
	auto		alone = [this, c] {
		std::lock_guard<std::mutex> lock(mutex_);
		return c->waiting.empty() && c->watchers.empty();
	};
	BuildSink	collect(settings_.current()->callboard_cache_max_entry_bytes, out, a.role, on_attach, alone);

	DbOutcome	outcome = co_await db_.run(settings, sql, params, a.authed, &collect, nullptr, primary);

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

	std::vector<std::shared_ptr<Wake>> waiting;
	{
		std::lock_guard<std::mutex> lock(mutex_);
		counters_.builds++;
		if (built.too_large)
			c->too_large = true;
		else if (!built.error)
			keep(*c, std::move(collect.body()), sequence, built);
		c->builds_running--;
		c->build_count++;
		c->last_build = built;
		waiting.swap(c->waiting);
		evict();
	}
	for (auto &w : waiting)
		w->wake(w);
	co_return built;
}

/* A new body for the cohort: a new version if the bytes changed, else the same one, fresher. */
void
Cohorts::keep(Cohort &c, std::string body, std::uint64_t sequence, Built &built)
{
	/* A build that began before the kept one's says nothing newer. */
	if (c.current && sequence < c.sequence)
	{
		built.version = c.current;
		return;
	}
	if (!c.current || c.current->etag() != etag_of(body))
	{
		bytes_ -= c.bytes();
		c.current = std::make_shared<const Version>(c.current ? c.current->number() + 1 : 1, std::move(body));
		bytes_ += c.bytes();
		const char *expires_at = c.audience.function->expires_at;
		c.expires = expires_at ? document_expiry(expires_at, c.current->body()) : SystemTime::max();
	}
	c.sequence = sequence;
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
		bytes_ -= old->bytes();
		cohorts_.erase(old->audience.key);
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
	c->refresh_due = true;
	c->again = false;
	auto		interval = std::chrono::milliseconds(settings_.current()->callboard_live_interval_ms);
	auto		now = std::chrono::steady_clock::now();
	auto		delay = std::max<std::chrono::steady_clock::duration>(
		std::chrono::steady_clock::duration::zero(), c->last_refresh + interval - now);
	net::co_spawn(refresh_loop_, refresh(c, delay), net::detached);
}

awaitable<void>
Cohorts::refresh(std::shared_ptr<Cohort> c, std::chrono::steady_clock::duration delay)
{
	if (delay > std::chrono::steady_clock::duration::zero())
	{
		net::steady_timer pause(refresh_loop_, delay);
		boost::system::error_code ec;
		co_await pause.async_wait(net::redirect_error(use_awaitable, ec));
	}
	{
		std::lock_guard<std::mutex> lock(mutex_);
		c->last_refresh = std::chrono::steady_clock::now();
		c->again = false;
		/* Even beside a GET's build: that one may have begun before the change. */
		c->builds_running++;
	}
	Built		built = co_await build(c, nullptr);

	std::vector<std::shared_ptr<Watcher>> watchers;
	{
		std::lock_guard<std::mutex> lock(mutex_);
		counters_.refreshes++;
		for (const auto &w : c->watchers)
			if (auto p = w.lock())
				watchers.push_back(p);
		/* Tell of a new version, or of the current one again after a failure; of a failure once. */
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
		c->refresh_due = false;
		if (c->again && !c->watchers.empty())
			schedule(c);
	}
	for (const auto &w : watchers)
	{
		if (built.error)
			w->fail(*built.error);
		else if (built.too_large)
			w->fail(ApiError{500, "HTTP500", "Document too large to watch",
							 "It is larger than callboard-cache-max-entry-bytes; watch the summary or pages instead.",
							 std::nullopt, {}});
		else
			w->offer(built.version);
	}
}

awaitable<void>
Cohorts::poll()
{
	auto		interval = std::chrono::seconds(settings_.current()->callboard_live_poll_interval);
	while (!stopping_)
	{
		poll_timer_ = std::make_unique<net::steady_timer>(refresh_loop_, interval);
		boost::system::error_code ec;
		co_await poll_timer_->async_wait(net::redirect_error(use_awaitable, ec));
		poll_timer_.reset();
		if (stopping_)
			break;
		/* With the feed pushing, changes drive the refreshes (and the clock, for what expires); without, time does. */
		if (!feed_.pushing())
			changed();
		else
			expired();
	}
}

void
Cohorts::expired()
{
	std::lock_guard<std::mutex> lock(mutex_);
	SystemTime	now = std::chrono::system_clock::now();
	for (auto &[key, c] : cohorts_)
		if (!c->watchers.empty() && c->current && now >= c->expires)
			schedule(c);
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
	}
	s.bytes = bytes_;
	return s;
}

}								/* namespace gateway */
