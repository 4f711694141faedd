/*
 * db_pool.cpp
 *		Lending, returning, connecting and backing off.
 */
#include "db_pool.hpp"

#include <algorithm>
#include <optional>

namespace gateway {

namespace {

constexpr std::chrono::milliseconds kFirstBackoff{500};
constexpr std::chrono::milliseconds kMaxBackoff{8000};

/* libpq's message, without its trailing newline. */
std::string conn_message(PGconn *conn)
{
	std::string m = conn ? PQerrorMessage(conn) : "out of memory";
	while (!m.empty() && (m.back() == '\n' || m.back() == ' '))
		m.pop_back();
	return m;
}

}								/* namespace */

Lease::~Lease()
{
	if (conn_ != nullptr)
		pool_->give_back(conn_, false);
}

void
Lease::discard()
{
	if (conn_ != nullptr)
		pool_->give_back(conn_, true);
	conn_ = nullptr;
}

DbPool::DbPool(std::string uri, int size, std::chrono::seconds acquire_timeout)
	: uri_(std::move(uri)), size_(size), acquire_timeout_(acquire_timeout)
{
}

DbPool::~DbPool()
{
	std::lock_guard<std::mutex> lock(mutex_);
	for (PGconn *conn : idle_)
		PQfinish(conn);
}

int
DbPool::retry_after() const
{
	std::lock_guard<std::mutex> lock(mutex_);
	auto left = std::chrono::duration_cast<std::chrono::seconds>(down_until_ - std::chrono::steady_clock::now());
	return std::max<int>(1, static_cast<int>(left.count()) + 1);
}

bool
DbPool::down() const
{
	std::lock_guard<std::mutex> lock(mutex_);
	return std::chrono::steady_clock::now() < down_until_;
}

std::variant<Lease, ApiError>
DbPool::acquire()
{
	std::unique_lock<std::mutex> lock(mutex_);

	if (!freed_.wait_for(lock, acquire_timeout_, [this] { return !idle_.empty() || open_ < size_; }))
		return acquisition_timeout();

	if (!idle_.empty())
	{
		PGconn	   *conn = idle_.back();
		idle_.pop_back();
		if (PQstatus(conn) == CONNECTION_OK)
			return Lease(this, conn);
		PQfinish(conn);
		open_--;
	}

	if (std::chrono::steady_clock::now() < down_until_)
	{
		auto left = std::chrono::duration_cast<std::chrono::seconds>(down_until_ - std::chrono::steady_clock::now());
		return connection_error("the database was unreachable moments ago; not retrying yet",
								static_cast<int>(left.count()) + 1);
	}
	open_++;
	lock.unlock();
	return connect();
}

std::variant<Lease, ApiError>
DbPool::connect()
{
	/* connect_timeout first, so a value in the URI overrides it. */
	const char *keys[] = {"connect_timeout", "fallback_application_name", "dbname", nullptr};
	const char *values[] = {"5", "callboard-gateway", uri_.c_str(), nullptr};
	PGconn	   *conn = PQconnectdbParams(keys, values, 1);

	std::lock_guard<std::mutex> lock(mutex_);
	if (conn != nullptr && PQstatus(conn) == CONNECTION_OK)
	{
		backoff_ = std::chrono::milliseconds{0};
		down_until_ = {};
		return Lease(this, conn);
	}

	std::string message = conn_message(conn);
	PQfinish(conn);
	open_--;
	freed_.notify_one();
	backoff_ = backoff_.count() == 0 ? kFirstBackoff : std::min(kMaxBackoff, backoff_ * 2);
	down_until_ = std::chrono::steady_clock::now() + backoff_;
	return connection_error(message, static_cast<int>((backoff_.count() + 999) / 1000));
}

void
DbPool::give_back(PGconn *conn, bool broken)
{
	/* A request always ends its transaction; anything else is not reusable. */
	bool		reusable = !broken && PQstatus(conn) == CONNECTION_OK &&
		PQtransactionStatus(conn) == PQTRANS_IDLE;

	std::lock_guard<std::mutex> lock(mutex_);
	if (reusable)
		idle_.push_back(conn);
	else
	{
		PQfinish(conn);
		open_--;
	}
	freed_.notify_one();
}

DbPools::DbPools(const std::vector<std::string> &uris, int size_each, std::chrono::seconds acquire_timeout)
{
	for (const std::string &uri : uris)
		pools_.push_back(std::make_unique<DbPool>(uri, size_each, acquire_timeout));
}

std::variant<Lease, ApiError>
DbPools::acquire()
{
	const std::size_t n = pools_.size();
	const std::size_t start = next_++ % n;
	std::optional<ApiError> last;

	/* First the databases that answered lately, then, if none did, the others. */
	for (bool retry_down : {false, true})
	{
		for (std::size_t i = 0; i < n; i++)
		{
			DbPool	   &pool = *pools_[(start + i) % n];
			if (pool.down() != retry_down)
				continue;
			auto		acquired = pool.acquire();
			if (std::holds_alternative<Lease>(acquired))
				return acquired;
			ApiError	error = std::get<ApiError>(std::move(acquired));
			if (error.code != "PGRST000")
				return error;	/* that database is up but busy: say so */
			last = std::move(error);
		}
	}
	return *last;
}

int
DbPools::retry_after() const
{
	int			seconds = 0;
	for (const auto &pool : pools_)
		seconds = seconds == 0 ? pool->retry_after() : std::min(seconds, pool->retry_after());
	return seconds;
}

}								/* namespace gateway */
