/*
 * db_pool.cpp
 *		Lending, returning, connecting, waiting and backing off.
 */
#include "db/db_pool.hpp"

#include <poll.h>

#include <algorithm>

#include "core/fault_injection.hpp"

namespace gateway {

namespace {

/* Connections found dead in the idle list, closed outside the pool's lock. */
struct Closing
{
	std::vector<PGconn *> conns;

	void		close()
	{
		for (PGconn *conn : conns)
			PQfinish(conn);
		conns.clear();
	}
	~Closing() { close(); }
};

constexpr std::chrono::milliseconds kFirstBackoff{500};
constexpr std::chrono::milliseconds kMaxBackoff{8000};
constexpr std::chrono::milliseconds kConnectTimeout{5000};

/*
 * An idle connection has nothing to say: if its socket is readable, the
 * server has closed it or sent a FATAL error (a restart, a terminated
 * backend), and it must not be lent.
 */
bool
idle_connection_alive(PGconn *conn)
{
	if (PQstatus(conn) != CONNECTION_OK)
		return false;
	pollfd		p = {PQsocket(conn), POLLIN, 0};
	return ::poll(&p, 1, 0) == 0;
}

/* Ended its transaction and its pipeline: another request may use it. */
bool
reusable(PGconn *conn)
{
	return PQstatus(conn) == CONNECTION_OK && PQtransactionStatus(conn) == PQTRANS_IDLE &&
		PQpipelineStatus(conn) == PQ_PIPELINE_OFF && !PQisBusy(conn);
}

}								/* namespace */

/* A request waiting for a connection; woken from whichever loop frees one. */
struct DbPool::Waiter
{
	explicit Waiter(Executor loop) : wake(WakeUp::on(loop)) {}

	std::shared_ptr<WakeUp> wake;
	PGconn	   *granted = nullptr;	/* a connection handed over (under the pool's mutex) */
	bool		woken = false;	/* something changed: look again */
};

/*
 * A waiter in the queue, for as long as its coroutine waits: however that
 * ends (a grant, the deadline, an exception, the loop destroying the
 * coroutine at shutdown), it leaves the queue, and a connection granted to
 * it and not taken goes back to the pool.
 */
class DbPool::Queued
{
public:
	Queued(DbPool &pool, std::shared_ptr<Waiter> waiter) : pool_(pool), waiter_(std::move(waiter)) {}
	Queued(const Queued &) = delete;
	Queued &operator=(const Queued &) = delete;
	~Queued() { pool_.leave(waiter_); }

	/* With the pool's mutex held: the connection granted, now the caller's. */
	PGconn	   *take()
	{
		PGconn	   *conn = waiter_->granted;
		waiter_->granted = nullptr;
		return conn;
	}

private:
	DbPool	   &pool_;
	std::shared_ptr<Waiter> waiter_;
};

void
DbPool::wake(const std::shared_ptr<Waiter> &w)
{
	w->woken = true;
	w->wake->notify();
}

void
DbPool::leave(const std::shared_ptr<Waiter> &w)
{
	PGconn	   *unclaimed = nullptr;
	{
		std::lock_guard<std::mutex> lock(mutex_);
		auto		it = std::find(waiters_.begin(), waiters_.end(), w);
		if (it != waiters_.end())
			waiters_.erase(it);
		std::swap(unclaimed, w->granted);
	}
	if (unclaimed != nullptr)
		give_back(unclaimed, false);
}

Lease::Lease(DbPool *pool, PGconn *conn, Executor loop)
	: pool_(pool), link_(std::make_unique<PgLink>(loop, conn))
{
}

Lease::~Lease()
{
	if (!link_)
		return;					/* moved from */
	PGconn	   *conn = link_->conn();
	link_.reset();				/* stop watching before the pool may close it */
	pool_->give_back(conn, broken_);
}

DbPool::DbPool(std::string uri, int size, std::chrono::seconds acquire_timeout, BlockingPool blocking)
	: uri_(std::move(uri)), size_(size), acquire_timeout_(acquire_timeout), blocking_(blocking)
{
}

DbPool::~DbPool()
{
	close_idle();
}

void
DbPool::close_idle()
{
	std::vector<PGconn *> closing;
	{
		std::lock_guard<std::mutex> lock(mutex_);
		closing.swap(idle_);
		open_ -= static_cast<int>(closing.size());
	}
	for (PGconn *conn : closing)
		PQfinish(conn);
}

int
DbPool::retry_after() const
{
	std::lock_guard<std::mutex> lock(mutex_);
	auto		left = std::chrono::duration_cast<std::chrono::seconds>(down_until_ - std::chrono::steady_clock::now());
	return std::max<int>(1, static_cast<int>(left.count()) + 1);
}

bool
DbPool::down() const
{
	std::lock_guard<std::mutex> lock(mutex_);
	return std::chrono::steady_clock::now() < down_until_;
}

PoolStats
DbPool::stats() const
{
	std::lock_guard<std::mutex> lock(mutex_);
	PoolStats	s;
	s.idle = static_cast<int>(idle_.size());
	s.in_use = open_ - s.idle;
	s.waiting = static_cast<int>(waiters_.size());
	s.down = std::chrono::steady_clock::now() < down_until_;
	return s;
}

std::string
DbPool::label() const
{
	std::string host = "localhost", port = "5432", dbname = "";
	if (PQconninfoOption *options = PQconninfoParse(uri_.c_str(), nullptr))
	{
		for (PQconninfoOption *o = options; o->keyword != nullptr; o++)
		{
			std::string key = o->keyword;
			if (o->val == nullptr || o->val[0] == '\0')
				continue;
			if (key == "host" || key == "hostaddr")
				host = o->val;
			else if (key == "port")
				port = o->val;
			else if (key == "dbname")
				dbname = o->val;
		}
		PQconninfoFree(options);
	}
	return host + ":" + port + "/" + dbname;
}

ApiError
DbPool::down_error() const
{
	auto		left = std::chrono::duration_cast<std::chrono::seconds>(down_until_ - std::chrono::steady_clock::now());
	return connection_error("the database was unreachable moments ago; not retrying yet",
							static_cast<int>(left.count()) + 1);
}

awaitable<std::variant<Lease, ApiError>>
DbPool::acquire(bool fresh)
{
	Executor	loop = co_await net::this_coro::executor;
	const auto	deadline = std::chrono::steady_clock::now() + acquire_timeout_;

	for (;;)
	{
		std::shared_ptr<Waiter> waiter;
		Closing		dead;		/* closed once the lock is let go, however this round ends */
		bool		connect_now = false;
		{
			std::lock_guard<std::mutex> lock(mutex_);
			while (!fresh && !idle_.empty())
			{
				PGconn	   *conn = idle_.back();
				idle_.pop_back();
				if (idle_connection_alive(conn))
					co_return Lease(this, conn, loop);
				dead.conns.push_back(conn);
				open_--;
			}
			if (fresh && !idle_.empty())
			{
				/* Its slot is ours: a new connection replaces it. */
				dead.conns.push_back(idle_.back());
				idle_.pop_back();
				connect_now = true;
			}
			else if (open_ < size_)
			{
				if (std::chrono::steady_clock::now() < down_until_)
					co_return down_error();
				open_++;
				connect_now = true;
			}
			else
			{
				waiter = std::make_shared<Waiter>(loop);
				waiters_.push_back(waiter);
			}
		}
		dead.close();
		if (connect_now)
			co_return co_await connect(loop);

		Queued		queued(*this, waiter);
		co_await waiter->wake->wait_until(deadline);
		fault_point("pool.wait");

		std::lock_guard<std::mutex> lock(mutex_);
		if (PGconn *conn = queued.take())
			co_return Lease(this, conn, loop);
		if (!waiter->woken && std::chrono::steady_clock::now() >= deadline)
			co_return acquisition_timeout();
		/* Woken without a connection: a slot was freed, or the database went down. */
	}
}

awaitable<std::variant<Lease, ApiError>>
DbPool::connect(Executor loop)
{
	std::string error;
	PGconn	   *conn = co_await pg_connect(uri_, kConnectTimeout, error, blocking_);

	std::lock_guard<std::mutex> lock(mutex_);
	if (conn != nullptr)
	{
		backoff_ = std::chrono::milliseconds{0};
		down_until_ = {};
		co_return Lease(this, conn, loop);
	}
	open_--;
	backoff_ = backoff_.count() == 0 ? kFirstBackoff : std::min(kMaxBackoff, backoff_ * 2);
	down_until_ = std::chrono::steady_clock::now() + backoff_;
	/* Everyone waiting learns at once that the database is down. */
	for (const auto &w : waiters_)
		wake(w);
	waiters_.clear();
	co_return connection_error(error, static_cast<int>((backoff_.count() + 999) / 1000));
}

void
DbPool::give_back(PGconn *conn, bool broken)
{
	bool		keep = !broken && reusable(conn);
	{
		std::lock_guard<std::mutex> lock(mutex_);
		if (keep)
		{
			if (!waiters_.empty())
			{
				auto		w = waiters_.front();
				waiters_.pop_front();
				w->granted = conn;
				wake(w);
			}
			else
				idle_.push_back(conn);
			return;
		}
		open_--;
		if (!waiters_.empty())
		{
			/* A slot is free: the first waiter opens a connection in it. */
			wake(waiters_.front());
			waiters_.pop_front();
		}
	}
	PQfinish(conn);
}

DbPools::DbPools(const std::vector<std::string> &uris, const std::string &primary_uri, int size_each,
				 std::chrono::seconds acquire_timeout, BlockingPool blocking)
	: primary_(nullptr)
{
	for (const std::string &uri : uris)
	{
		pools_.push_back(std::make_unique<DbPool>(uri, size_each, acquire_timeout, blocking));
		if (uri == primary_uri && primary_ == nullptr)
			primary_ = pools_.back().get();
	}
	if (primary_ == nullptr)
	{
		own_primary_ = std::make_unique<DbPool>(primary_uri, size_each, acquire_timeout, blocking);
		primary_ = own_primary_.get();
	}
}

awaitable<std::variant<Lease, ApiError>>
DbPools::acquire(bool fresh, bool primary)
{
	if (primary)
		co_return co_await primary_->acquire(fresh);

	const std::size_t n = pools_.size();
	const std::size_t start = next_++ % n;

	/* The databases that answered lately first, then the others; each once. */
	std::vector<DbPool *> order, down;
	for (std::size_t i = 0; i < n; i++)
	{
		DbPool	   *pool = pools_[(start + i) % n].get();
		(pool->down() ? down : order).push_back(pool);
	}
	order.insert(order.end(), down.begin(), down.end());

	ApiError	last = connection_error("no database configured", 1);
	for (DbPool *pool : order)
	{
		auto		acquired = co_await pool->acquire(fresh);
		if (std::holds_alternative<Lease>(acquired))
			co_return acquired;
		last = std::get<ApiError>(std::move(acquired));
		if (last.code != "PGRST000")
			co_return last;		/* that database is up but busy: say so */
	}
	co_return last;
}

int
DbPools::retry_after() const
{
	int			seconds = 0;
	for (const auto &pool : pools_)
		seconds = seconds == 0 ? pool->retry_after() : std::min(seconds, pool->retry_after());
	return seconds;
}

std::vector<std::pair<std::string, PoolStats>>
DbPools::stats() const
{
	std::vector<std::pair<std::string, PoolStats>> all;
	for (const auto &pool : pools_)
		all.emplace_back(pool->label(), pool->stats());
	if (own_primary_)
		all.emplace_back(own_primary_->label(), own_primary_->stats());
	return all;
}

void
DbPools::close_idle()
{
	for (const auto &pool : pools_)
		pool->close_idle();
	if (own_primary_)
		own_primary_->close_idle();
}

}								/* namespace gateway */
