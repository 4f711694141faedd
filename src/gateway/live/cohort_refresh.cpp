/*
 * cohort_refresh.cpp
 *		Refreshing watched cohorts: after a change, after a poll, at their
 *		max age; and telling their watchers.
 */
#include "live/build_ticket.hpp"

#include "core/fault_injection.hpp"
#include "core/spawn.hpp"

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
			MutexLock	lock(owner_.mutex_);
			Cohort::State &s = c_->locked(owner_.mutex_);
			s.refresh_due = false;
			if (s.again && !s.watchers.empty())
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

/* One of the callboard-live-max-refreshes a refresh holds while it runs; the refresher may start another once it is back. */
class Cohorts::RefreshSlot
{
public:
	explicit	RefreshSlot(Cohorts &owner) : owner_(owner) {}
	RefreshSlot(const RefreshSlot &) = delete;
	RefreshSlot &operator=(const RefreshSlot &) = delete;

	~RefreshSlot()
	{
		std::shared_ptr<WakeUp> wake;
		{
			MutexLock	lock(owner_.mutex_);
			owner_.refreshing_--;
			wake = owner_.refresher_wake_;
		}
		if (wake)
			wake->notify();
	}

private:
	Cohorts    &owner_;
};

void
Cohorts::changed(callboard::CategorySet categories)
{
	MutexLock	lock(mutex_);
	for (auto &[key, c] : documents_.all())
		if (!c->locked(mutex_).watchers.empty() && (depends_on(*c) & categories))
			schedule(c);
}

/*
 * With mutex_ held.  Into the refresher's queue, once: a change while it
 * waits there is in the read it will get; one while its read runs makes
 * another (again).  Not before callboard-live-interval-ms after the last.
 */
void
Cohorts::schedule(const std::shared_ptr<Cohort> &c)
{
	Cohort::State &s = c->locked(mutex_);
	if (s.refresh_due)
	{
		s.again = true;
		return;
	}
	auto		interval = std::chrono::milliseconds(config_.current()->callboard_live_interval_ms);
	s.due_at = std::max(Clock::now(), s.last_refresh + interval);
	s.refresh_due = true;
	s.again = false;
	due_.push_back(c);
	if (refresher_wake_)
		refresher_wake_->notify();
}

/*
 * With mutex_ held: the oldest refresh due by `now`, and every other due
 * whose document it is too (the same share_key, and reads of both said no
 * row-level security applied), to be read once for all of them; empty if
 * none is due, and `next` then says when one will be.
 */
std::vector<std::shared_ptr<Cohort>>
Cohorts::take_due(Clock::time_point now, Clock::time_point &next)
{
	std::vector<std::shared_ptr<Cohort>> group;
	next = Clock::time_point::max();
	for (auto it = due_.begin(); it != due_.end();)
	{
		const std::shared_ptr<Cohort> &c = *it;
		const Cohort::State &s = c->locked(mutex_);
		bool		ready = s.due_at <= now;
		if (ready && (group.empty() ||
					  (group.front()->locked(mutex_).reads_all_rows && s.reads_all_rows &&
					   c->audience.share_key == group.front()->audience.share_key)))
		{
			group.push_back(c);
			it = due_.erase(it);
			continue;
		}
		if (!ready)
			next = std::min(next, s.due_at);
		++it;
	}
	return group;
}

awaitable<void>
Cohorts::refresher()
{
	std::shared_ptr<WakeUp> wake = WakeUp::on(refresh_loop_);
	{
		MutexLock	lock(mutex_);
		refresher_wake_ = wake;
	}
	while (!on_refresh_loop_.stopping)
	{
		Clock::time_point next = Clock::time_point::max();
		{
			MutexLock	lock(mutex_);
			int			budget = config_.current()->callboard_live_max_refreshes;
			while (refreshing_ < budget)
			{
				std::vector<std::shared_ptr<Cohort>> group = take_due(Clock::now(), next);
				if (group.empty())
					break;
				refreshing_++;
				spawn(refresh_loop_, refresh(std::move(group)), "refresh");
			}
			if (refreshing_ >= budget)
				next = Clock::time_point::max();	/* a refresh ending wakes it */
		}
		co_await wake->wait_until(std::min(next, Clock::now() + std::chrono::seconds(1)));
	}
}

/* The first of `group` is read; the others, if its read says they may, take what it got. */
awaitable<void>
Cohorts::refresh(std::vector<std::shared_ptr<Cohort>> group)
{
	RefreshSlot slot(*this);
	std::vector<std::unique_ptr<RefreshDue>> due;
	for (const auto &c : group)
		due.push_back(std::make_unique<RefreshDue>(*this, c));
	const std::shared_ptr<Cohort> c = group.front();
	std::vector<std::shared_ptr<Cohort>> sharers(group.begin() + 1, group.end());
	try
	{
		fault_point("cohort.refresh");
		std::optional<BuildTicket> ticket;
		{
			MutexLock	lock(mutex_);
			Clock::time_point now = Clock::now();
			for (const auto &g : group)
			{
				g->locked(mutex_).last_refresh = now;
				g->locked(mutex_).again = false;
			}
			/* Even beside a GET's build: that one may have begun before the change. */
			ticket.emplace(*this, c);
		}
		Built		built = co_await build(*ticket, nullptr, sharers);
		fault_point("cohort.refreshed");
		co_await fault_pause("cohort.refreshed");
		tell_watchers(c, built);
		/* What the read got is not theirs (row-level security applied after all, or it failed): each is read for itself. */
		if (!built.reads_all_rows || built.error || built.too_large)
		{
			MutexLock	lock(mutex_);
			for (const auto &s : sharers)
				s->locked(mutex_).again = true;
		}
	}
	catch (...)
	{
		/* The watchers hear of it (spawn() logs and counts it). */
		Built		failed;
		failed.error = internal_error("the refresh of this document failed");
		for (const auto &g : group)
			tell_watchers(g, failed);
		throw;
	}
}

namespace {

/* One loop's watchers of a cohort, told together on that loop. */
struct LoopWatchers
{
	Executor	loop;
	std::vector<std::shared_ptr<Watcher>> watchers;
};

/* The watchers by loop (a handful of loops: a list is enough). */
std::vector<LoopWatchers>
by_loop(const std::vector<std::shared_ptr<Watcher>> &watchers)
{
	std::vector<LoopWatchers> loops;
	for (const auto &w : watchers)
	{
		Executor	loop = w->loop();
		auto		it = std::find_if(loops.begin(), loops.end(), [&](const LoopWatchers &l) { return l.loop == loop; });
		if (it == loops.end())
			it = loops.insert(loops.end(), LoopWatchers{loop, {}});
		it->watchers.push_back(w);
	}
	return loops;
}

}								/* namespace */

/*
 * After a refresh: a new version, or the current one again after a failure;
 * a failure once.  Each loop gets one task that tells its watchers: with
 * thousands of streams, a task per stream across threads would cost more
 * than writing the event.
 */
void
Cohorts::tell_watchers(const std::shared_ptr<Cohort> &c, const Built &built)
{
	std::vector<std::shared_ptr<Watcher>> watchers;
	{
		MutexLock	lock(mutex_);
		Cohort::State &s = c->locked(mutex_);
		counters_.refreshes++;
		watchers.reserve(s.watchers.size());
		for (const auto &w : s.watchers)
			if (auto p = w.second.lock())
				watchers.push_back(std::move(p));
		std::string failure = built.error ? built.error->code + built.error->message
			: built.too_large ? "too large" : "";
		bool		news = failure.empty() &&
			(built.version->number() != s.offered || !s.failing.empty());
		bool		tell = news || (!failure.empty() && failure != s.failing);
		if (news)
			s.offered = built.version->number();
		s.failing = failure;
		if (!tell)
			watchers.clear();
	}
	std::optional<ApiError> failure = built.error ? built.error
		: built.too_large ? std::optional<ApiError>(too_large_to_watch()) : std::nullopt;
	for (LoopWatchers &l : by_loop(watchers))
		net::post(l.loop, [watchers = std::move(l.watchers), version = built.version, failure] {
			/* Outside any coroutine: nothing may escape into the loop's run(). */
			try
			{
				for (const auto &w : watchers)
				{
					if (failure)
						w->fail(*failure);
					else
						w->offer(version);
				}
			}
			catch (...)
			{
				task_failed("watchers", std::current_exception());
			}
		});
}

awaitable<void>
Cohorts::poll()
{
	/* A tick a second: the intervals are reread each time (a reload applies at once). */
	constexpr auto kTick = std::chrono::seconds(1);
	Clock::time_point last_poll = Clock::now();
	while (!on_refresh_loop_.stopping)
	{
		on_refresh_loop_.poll_timer = std::make_unique<net::steady_timer>(refresh_loop_, kTick);
		boost::system::error_code ec;
		co_await on_refresh_loop_.poll_timer->async_wait(net::redirect_error(use_awaitable, ec));
		on_refresh_loop_.poll_timer.reset();
		if (on_refresh_loop_.stopping)
			break;
		std::shared_ptr<const Config> config = config_.current();
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
		MutexLock	lock(mutex_);
		for (auto &[key, c] : documents_.all())
		{
			const Cohort::State &s = c->locked(mutex_);
			if (!s.watchers.empty() && s.current &&
				(now - std::max(s.read_at, s.last_refresh) >= max_age || wall >= s.expires))
				schedule(c);
		}
	}
}

}								/* namespace gateway */
