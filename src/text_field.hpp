/*
 * text_field.hpp
 *		A text value's bytes, as callboard reads them: not copied, not
 *		terminated.
 */
#ifndef CALLBOARD_TEXT_FIELD_HPP
#define CALLBOARD_TEXT_FIELD_HPP

#include <cstddef>
#include <type_traits>

namespace callboard {

/* data == nullptr when SQL NULL. */
struct TextField
{
	const char *data;
	std::size_t len;
};

/* Held while PostgreSQL is called, which may longjmp. */
static_assert(std::is_trivially_destructible<TextField>::value,
			  "a TextField must not need a destructor");

}								/* namespace callboard */

#endif
