/*
 * db_pool.hpp
 *		Pools of libpq connections, shared by the event loops.
 *
 * One pool per database, of at most db-pool connections, opened when first
 * needed and reused.  Any loop may borrow a connection: while on loan it is
 * watched by the borrower's loop (pg_link.hpp).  A request that finds every
 * connection busy waits, without blocking its loop, up to
 * db-pool-acquisition-timeout, then gets PGRST003; the loop that frees a
 * connection hands it over and wakes the waiter on its own loop (wake_up.hpp).
 *
 * When the database cannot be reached the pool stops trying for a short,
 * growing while (0.5 s doubling to 8 s): requests in that window fail at
 * once with PGRST000 and a Retry-After instead of each waiting on a connect;
 * the first request after it tries again, so the gateway recovers by itself.
 *
 * An idle connection is checked before it is lent: one whose server has
 * gone (a restart, pg_terminate_backend) has something to read, or an error,
 * and is closed rather than lent.
 */
#ifndef CALLBOARD_GATEWAY_DB_POOL_HPP
#define CALLBOARD_GATEWAY_DB_POOL_HPP

#include <libpq-fe.h>

#include <atomic>
#include <chrono>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <variant>
#include <vector>

#include "core/api_error.hpp"
#include "core/asio.hpp"
#include "core/wake_up.hpp"
#include "db/pg_link.hpp"

namespace gateway {

class DbPool;

/* A connection on loan, watched by the borrower's loop; returned when destroyed. */
class Lease
{
public:
	Lease(DbPool *pool, PGconn *conn, Executor loop);
	Lease(Lease &&other) noexcept = default;
	Lease &operator=(Lease &&) = delete;
	~Lease();

	PgLink	   &link() { return *link_; }
	PGconn	   *conn() const { return link_->conn(); }

	/* The connection is broken or in an unknown state: close it instead of returning it. */
	void		discard() { broken_ = true; }

private:
	DbPool	   *pool_;
	std::unique_ptr<PgLink> link_;
	bool		broken_ = false;
};

/* The counts a pool reports (for /ready and metrics). */
struct PoolStats
{
	int			idle = 0;
	int			in_use = 0;
	int			waiting = 0;
	bool		down = false;
};

/* One pool per database, for DbPools below.  Thread-safe. */
class DbPool
{
public:
	/* `blocking` runs libpq's connection steps (pg_connect()). */
	DbPool(std::string uri, int size, std::chrono::seconds acquire_timeout, BlockingPool blocking);
	~DbPool();
	DbPool(const DbPool &) = delete;
	DbPool &operator=(const DbPool &) = delete;

	/*
	 * A connection, or PGRST000 (unreachable) / PGRST003 (none free in time).
	 * `fresh`: never an idle connection, a new one (after one turned out dead).
	 */
	awaitable<std::variant<Lease, ApiError>> acquire(bool fresh = false);

	/* Seconds a client should wait before retrying while the database is down. */
	int			retry_after() const;

	/* The database was unreachable moments ago: the pool is waiting to retry. */
	bool		down() const;

	PoolStats	stats() const;

	/* host:port/dbname from the URI, without the password: for metrics. */
	std::string label() const;

	/* Closes the idle connections (at shutdown); connections on loan close when returned. */
	void		close_idle();

private:
	friend class Lease;
	struct Waiter;
	class Queued;

	void		give_back(PGconn *conn, bool broken);
	/* With mutex_ held: tells a waiter to look again (from any loop). */
	static void wake(const std::shared_ptr<Waiter> &w);
	/* A waiter's wait is over: out of the queue, and a connection granted but not taken given back. */
	void		leave(const std::shared_ptr<Waiter> &w);
	awaitable<std::variant<Lease, ApiError>> connect(Executor loop);
	ApiError	down_error() const;

	const std::string uri_;
	const int	size_;
	const std::chrono::seconds acquire_timeout_;
	const BlockingPool blocking_;

	mutable std::mutex mutex_;
	std::vector<PGconn *> idle_;
	std::deque<std::shared_ptr<Waiter>> waiters_;
	int			open_ = 0;		/* connections idle or on loan, and connects under way */
	std::chrono::steady_clock::time_point down_until_{};
	std::chrono::milliseconds backoff_{0};
};

/*
 * Pools for several databases serving the same data (a primary and its
 * streaming replicas: every request only reads).  Requests are spread over
 * them in turn; a database that is down is skipped, and a request whose
 * database turns out to be down tries the next, so clients see an error only
 * when none answers.
 */
class DbPools
{
public:
	/*
	 * `uris` to spread reads over; `primary_uri` (db-uri) is where reads
	 * that must show the latest commit go, whether or not it is among them.
	 */
	DbPools(const std::vector<std::string> &uris, const std::string &primary_uri, int size_each,
			std::chrono::seconds acquire_timeout, BlockingPool blocking);

	/* `primary`: from the primary's pool only. */
	awaitable<std::variant<Lease, ApiError>> acquire(bool fresh, bool primary);
	int			retry_after() const;
	/* Each database's pool, by label. */
	std::vector<std::pair<std::string, PoolStats>> stats() const;
	void		close_idle();

private:
	std::vector<std::unique_ptr<DbPool>> pools_;	/* spread over */
	std::unique_ptr<DbPool> own_primary_;	/* when db-uri is not among them */
	DbPool	   *primary_;
	std::atomic<std::size_t> next_{0};
};

}								/* namespace gateway */

#endif
