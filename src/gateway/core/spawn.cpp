/*
 * spawn.cpp
 *		The failures of spawned coroutines: a log line and a count each.
 */
#include "core/spawn.hpp"

#include <map>
#include <mutex>

#include "core/access_log.hpp"

namespace gateway {

namespace {

std::mutex	mutex;
std::map<std::string, std::uint64_t> failures;	/* by task: a closed set of literals */

}								/* namespace */

void
task_failed(const char *task, std::exception_ptr error)
{
	std::string what = "unknown exception";
	try
	{
		std::rethrow_exception(error);
	}
	catch (const std::exception &e)
	{
		what = e.what();
	}
	catch (...)
	{
	}
	{
		std::lock_guard<std::mutex> lock(mutex);
		failures[task]++;
	}
	log_event(std::string(task) + " ended by an exception: " + what);
}

std::vector<std::pair<std::string, std::uint64_t>>
task_failures()
{
	std::lock_guard<std::mutex> lock(mutex);
	return {failures.begin(), failures.end()};
}

}								/* namespace gateway */
