/*
 * fuzz_check.hpp
 *		What every fuzz target shares: a property that must hold, checked in
 *		any build (assert() would vanish under NDEBUG), and failing as a crash
 *		so that libFuzzer keeps the input.
 */
#ifndef CALLBOARD_FUZZ_CHECK_HPP
#define CALLBOARD_FUZZ_CHECK_HPP

#include <cstdio>
#include <cstdlib>

#define FUZZ_CHECK(condition) \
	do { \
		if (!(condition)) \
		{ \
			std::fprintf(stderr, "%s:%d: property does not hold: %s\n", __FILE__, __LINE__, #condition); \
			std::abort(); \
		} \
	} while (0)

#endif
