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

/*
 * A stream's limit: callboard.max_output_bytes when it is set below its
 * default, else none (SIZE_MAX).  At the default the setting only stands
 * for PostgreSQL's 1 GB value limit, which a stream does not have; a DBA who
 * lowers it caps every document, streamed or not.
 */
std::size_t callboard_stream_limit();

/* The hint of 54000 for the whole document, streamed or not. */
extern const char *const kDocumentLimitHint;

#endif
