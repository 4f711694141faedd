/*
 * argument_errors.hpp
 *		The error for an argument value callboard does not accept.
 */
#ifndef CALLBOARD_ARGUMENT_ERRORS_HPP
#define CALLBOARD_ARGUMENT_ERRORS_HPP

/*
 * ERROR 22023: invalid <what> "<value>", with `hint`.  The value is quoted
 * up to 64 bytes (on a character boundary, then "...").
 */
[[noreturn]] void report_invalid_value(const char *what, const char *value, int len, const char *hint);

#endif
