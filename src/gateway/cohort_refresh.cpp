/*
 * cohort_refresh.cpp
 *		Refreshing watched cohorts: after a change, after a poll, at their
 *		max age; and telling their watchers.
 */
#include "cohort_state.hpp"

#include "fault_injection.hpp"
#include "spawn.hpp"

namespace gateway {

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
		/*
		 * With it, changes do; and age, for what no notification tells; and
		 * the clock, for a document that says when it is old (a timeline).
		 */
		auto		max_age = std::chrono::seconds(config->callboard_cache_max_age);
		SystemTime	wall = std::chrono::system_clock::now();
		std::lock_guard<std::mutex> lock(mutex_);
		for (auto &[key, c] : cohorts_)
			if (!c->watchers.empty() && c->current &&
				(now - std::max(c->read_at, c->last_refresh) >= max_age || wall >= c->expires))
				schedule(c);
	}
}

}								/* namespace gateway */
