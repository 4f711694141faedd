/*
 * cpp_only.hpp
 *		Include last in a file that must stay free of PostgreSQL headers.
 *
 * The pure parts of callboard (the status mapping, JSON formatting) are plain
 * C++ so that they can be unit-tested without a server and can never call a
 * PostgreSQL function that longjmps.  Including this header after the other
 * includes makes a stray postgres.h a compile error rather than a review
 * comment.
 */
#ifndef CALLBOARD_CPP_ONLY_HPP
#define CALLBOARD_CPP_ONLY_HPP

#ifdef POSTGRES_H
static_assert(false, "no PostgreSQL header may be included in this file");
#endif

#endif
