/*
 * login_limiter.hpp
 *		Bounds on password checks, which cost a core for a while each
 *		(Django's PBKDF2: hundreds of thousands of rounds).
 *
 * Per client address (the peer, or what a trusted proxy says it forwarded:
 * trusted_proxies.hpp), a token bucket: callboard-login-attempts-per-minute
 * attempts, refilled evenly; past it, 429 with Retry-After, as Django REST
 * framework's throttling answers.  In all, at most as many checks waiting
 * or running as callboard-login-concurrency; past it, 429 too.  The checks
 * run on a pool of their own, smaller than the machine, so a flood of
 * logins cannot take the cores the event loops and the database need.
 * The table of addresses is bounded: the oldest are forgotten first.  Both
 * limits are read at each attempt, so a reload applies them at once.
 */
#ifndef CALLBOARD_GATEWAY_LOGIN_LIMITER_HPP
#define CALLBOARD_GATEWAY_LOGIN_LIMITER_HPP

#include <chrono>
#include <list>
#include <mutex>
#include <string>
#include <unordered_map>

namespace gateway {

class LoginLimiter
{
public:
	/*
	 * An attempt from `address`, under these limits: 0 if it may go on (then
	 * done() when its check is over), else the seconds after which to try
	 * again.
	 */
	int			admit(const std::string &address, int per_minute, int concurrency);
	void		done();

private:
	struct Bucket
	{
		double		tokens;
		std::chrono::steady_clock::time_point refilled;
		std::list<std::string>::iterator age;
	};

	static constexpr std::size_t kMaxAddresses = 100000;

	std::mutex	mutex_;
	std::unordered_map<std::string, Bucket> buckets_;
	std::list<std::string> ages_;	/* most recently seen first */
	int			running_ = 0;
};

}								/* namespace gateway */

#endif
