/*
 * login_limiter.cpp
 *		Token buckets per address, and a count of checks under way.
 */
#include "auth/login_limiter.hpp"

#include <algorithm>
#include <cmath>

namespace gateway {

int
LoginLimiter::admit(const std::string &address, int per_minute, int concurrency)
{
	const double limit = per_minute;	/* attempts a minute, refilled evenly */
	auto		now = std::chrono::steady_clock::now();
	std::lock_guard<std::mutex> lock(mutex_);

	auto		it = buckets_.find(address);
	if (it == buckets_.end())
	{
		if (buckets_.size() >= kMaxAddresses)
		{
			buckets_.erase(ages_.back());
			ages_.pop_back();
		}
		ages_.push_front(address);
		it = buckets_.emplace(address, Bucket{limit, now, ages_.begin()}).first;
	}
	else
	{
		ages_.splice(ages_.begin(), ages_, it->second.age);
		double		minutes = std::chrono::duration<double>(now - it->second.refilled).count() / 60;
		it->second.tokens = std::min(limit, it->second.tokens + minutes * limit);
		it->second.refilled = now;
	}

	Bucket	   &b = it->second;
	if (b.tokens < 1)
		return std::max(1, static_cast<int>(std::ceil((1 - b.tokens) * 60 / limit)));
	if (running_ >= concurrency)
		return 1;
	b.tokens -= 1;
	running_++;
	return 0;
}

void
LoginLimiter::done()
{
	std::lock_guard<std::mutex> lock(mutex_);
	running_--;
}

}								/* namespace gateway */
