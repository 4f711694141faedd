/*
 * db_pool.hpp
 *		A fixed pool of libpq connections to one database.
 *
 * Connections are opened lazily, reused, and replaced when they break.  When
 * the database cannot be reached the pool stops trying for a short, growing
 * while (0.5 s doubling to 8 s): requests in that window fail at once with
 * PGRST000 and a Retry-After, instead of each waiting on a connect; the first
 * request after it tries again, so the gateway recovers by itself.
 */
#ifndef CALLBOARD_GATEWAY_DB_POOL_HPP
#define CALLBOARD_GATEWAY_DB_POOL_HPP

#include <libpq-fe.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <condition_variable>
#include <mutex>
#include <string>
#include <variant>
#include <vector>

#include "api_error.hpp"

namespace gateway {

class DbPool;

/* A connection on loan; returned to the pool when it goes out of scope. */
class Lease
{
public:
	Lease(DbPool *pool, PGconn *conn) : pool_(pool), conn_(conn) {}
	Lease(Lease &&other) noexcept : pool_(other.pool_), conn_(other.conn_) { other.conn_ = nullptr; }
	Lease(const Lease &) = delete;
	Lease &operator=(const Lease &) = delete;
	Lease &operator=(Lease &&) = delete;
	~Lease();

	PGconn	   *get() const { return conn_; }

	/* The connection is broken: close it instead of returning it. */
	void		discard();

private:
	DbPool	   *pool_;
	PGconn	   *conn_;
};

/* One pool per database, for DbPools below. */
class DbPool
{
public:
	DbPool(std::string uri, int size, std::chrono::seconds acquire_timeout);
	~DbPool();
	DbPool(const DbPool &) = delete;
	DbPool &operator=(const DbPool &) = delete;

	/* A connection, or PGRST000 (unreachable) / PGRST003 (none free in time). */
	std::variant<Lease, ApiError> acquire();

	/* Seconds a client should wait before retrying while the database is down. */
	int			retry_after() const;

	/* The database was unreachable moments ago: the pool is waiting to retry. */
	bool		down() const;

	const std::string &uri() const { return uri_; }

private:
	friend class Lease;
	void		give_back(PGconn *conn, bool broken);
	std::variant<Lease, ApiError> connect();

	const std::string uri_;
	const int	size_;
	const std::chrono::seconds acquire_timeout_;

	mutable std::mutex mutex_;
	std::condition_variable freed_;
	std::vector<PGconn *> idle_;
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
	DbPools(const std::vector<std::string> &uris, int size_each, std::chrono::seconds acquire_timeout);

	std::variant<Lease, ApiError> acquire();
	int			retry_after() const;

private:
	std::vector<std::unique_ptr<DbPool>> pools_;
	std::atomic<std::size_t> next_{0};
};

}								/* namespace gateway */

#endif
