# Writes OUTPUT, a C++ file defining `web_assets()`: the name and text of each file in FILES
# (comma-separated names under DIR), so assistd serves its pages without reading the file system.
string(REPLACE "," ";" FILES "${FILES}")
set(defs "")
set(rows "")
set(i 0)
foreach(path ${FILES})
  file(READ "${DIR}/${path}" text)
  string(APPEND defs "constexpr char file${i}[] = R\"embedded(${text})embedded\";\n")
  string(APPEND rows "      {\"${path}\", {file${i}, sizeof file${i} - 1}},\n")
  math(EXPR i "${i} + 1")
endforeach()
file(WRITE "${OUTPUT}.tmp"
  "// Generated from ${DIR}; do not edit.\n#include \"web_assets.h\"\n\n"
  "namespace assist {\nnamespace {\n${defs}}  // namespace\n\n"
  "const std::vector<WebAsset>& web_assets() {\n"
  "  static const std::vector<WebAsset> all = {\n${rows}  };\n  return all;\n}\n\n"
  "}  // namespace assist\n")
file(COPY_FILE "${OUTPUT}.tmp" "${OUTPUT}" ONLY_IF_DIFFERENT)
