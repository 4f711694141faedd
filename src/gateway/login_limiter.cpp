/*
 * login_limiter.cpp
 *		Token buckets per address, and a count of checks under way.
 */
#include "login_limiter.hpp"

#include <algorithm>
#include <cmath>

namespace gateway {

LoginLimiter::LoginLimiter(int per_minute, int concurrency)
	: per_minute_(per_minute), concurrency_(concurrency)
{
}

int
LoginLimiter::admit(const std::string &address)
{
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
		it = buckets_.emplace(address, Bucket{per_minute_, now, ages_.begin()}).first;
	}
	else
	{
		ages_.splice(ages_.begin(), ages_, it->second.age);
		double		minutes = std::chrono::duration<double>(now - it->second.refilled).count() / 60;
		it->second.tokens = std::min(per_minute_, it->second.tokens + minutes * per_minute_);
		it->second.refilled = now;
	}

	Bucket	   &b = it->second;
	if (b.tokens < 1)
		return std::max(1, static_cast<int>(std::ceil((1 - b.tokens) * 60 / per_minute_)));
	if (running_ >= concurrency_)
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
