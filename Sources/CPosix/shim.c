/* SwiftPM needs one source file in a C target; everything CPosix offers is static inline in CPosix.h. */
#include "CPosix.h"
