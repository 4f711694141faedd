/*
 * guarded.hpp
 *		A mutex whose owner the compiler checks: state shared across threads
 *		says in its type which lock guards it.
 *
 * Clang's thread-safety analysis (-Wthread-safety) reads the attributes
 * below: a field marked GUARDED_BY(mutex_) read or written without
 * mutex_ held, or a function marked REQUIRES(mutex_) called without it, is
 * a compile error in the build that checks (`make thread-safety`, run by
 * the unit tests).  GCC ignores them: the macros expand to nothing there.
 *
 * State owned by one event loop instead is said so in a comment beside it
 * ("on the refresh loop"): no lock, and no other thread touches it.
 */
#ifndef CALLBOARD_GATEWAY_GUARDED_HPP
#define CALLBOARD_GATEWAY_GUARDED_HPP

#include <mutex>

#if defined(__clang__)
#define CALLBOARD_THREAD_ATTRIBUTE(x) __attribute__((x))
#else
#define CALLBOARD_THREAD_ATTRIBUTE(x)
#endif

#define CAPABILITY(x) CALLBOARD_THREAD_ATTRIBUTE(capability(x))
#define SCOPED_CAPABILITY CALLBOARD_THREAD_ATTRIBUTE(scoped_lockable)
#define GUARDED_BY(x) CALLBOARD_THREAD_ATTRIBUTE(guarded_by(x))
#define PT_GUARDED_BY(x) CALLBOARD_THREAD_ATTRIBUTE(pt_guarded_by(x))
#define REQUIRES(...) CALLBOARD_THREAD_ATTRIBUTE(requires_capability(__VA_ARGS__))
#define EXCLUDES(...) CALLBOARD_THREAD_ATTRIBUTE(locks_excluded(__VA_ARGS__))
#define ACQUIRE(...) CALLBOARD_THREAD_ATTRIBUTE(acquire_capability(__VA_ARGS__))
#define RELEASE(...) CALLBOARD_THREAD_ATTRIBUTE(release_capability(__VA_ARGS__))
#define RETURN_CAPABILITY(x) CALLBOARD_THREAD_ATTRIBUTE(lock_returned(x))

namespace gateway {

/* std::mutex, as a capability the analysis knows. */
class CAPABILITY("mutex") Mutex
{
public:
	void		lock() ACQUIRE() { mutex_.lock(); }
	void		unlock() RELEASE() { mutex_.unlock(); }

private:
	std::mutex	mutex_;
};

/* Holds a Mutex for its scope, as std::lock_guard does. */
class SCOPED_CAPABILITY MutexLock
{
public:
	explicit	MutexLock(Mutex &mutex) ACQUIRE(mutex) : mutex_(mutex) { mutex_.lock(); }
	~MutexLock() RELEASE() { mutex_.unlock(); }
	MutexLock(const MutexLock &) = delete;
	MutexLock &operator=(const MutexLock &) = delete;

private:
	Mutex	   &mutex_;
};

}								/* namespace gateway */

#endif
