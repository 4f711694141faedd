/*
 * callboard.hpp
 *		Settings shared by callboard's PostgreSQL-side files.
 */
#ifndef CALLBOARD_HPP
#define CALLBOARD_HPP

#include <cstddef>

/* callboard.max_output_bytes, in bytes. */
extern int	callboard_max_output_bytes;

/* The output limit in force: the setting, capped at what a varlena holds. */
std::size_t callboard_output_limit();

#endif
