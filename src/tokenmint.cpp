// tokenmint's one source file for separate compilation (README, "Separate compilation"): build
// it once, like every file of the program, with -DTOKENMINT_SEPARATE_COMPILATION.
#include <tokenmint/separate_compilation.hpp>
