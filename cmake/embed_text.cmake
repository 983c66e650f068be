# Writes OUTPUT, a C++ file defining `std::string_view FUNCTION()` that returns INPUT's text.
file(READ "${INPUT}" text)
file(WRITE "${OUTPUT}.tmp"
  "// Generated from ${INPUT}; do not edit.\n#include <string_view>\n"
  "namespace assist {\nstd::string_view ${FUNCTION}() {\n"
  "  static constexpr char text[] = R\"embedded(${text})embedded\";\n"
  "  return {text, sizeof text - 1};\n}\n}  // namespace assist\n")
file(COPY_FILE "${OUTPUT}.tmp" "${OUTPUT}" ONLY_IF_DIFFERENT)
