# cmake -DIN=<desc.ioctl.txtpb> -DOUT=<file.cc> -DDRIVER=<name> -DROOT=<repo> -P embed_desc.cmake
# The description as C strings, so an entry point runs anywhere (a libFuzzer
# or AFL++ campaign on another machine) without the source tree.
file(READ "${IN}" text)
file(RELATIVE_PATH rel "${ROOT}" "${IN}")
if(text MATCHES "\\)ksdesc\"")
  message(FATAL_ERROR "${IN}: contains the raw-string delimiter )ksdesc\"")
endif()
file(WRITE "${OUT}.tmp"
"// Generated from ${rel} by fuzz/embed_desc.cmake: do not edit.
extern \"C\" {
extern const char ks_fuzz_driver[] = \"${DRIVER}\";
extern const char ks_fuzz_description_path[] = \"${rel}\";
extern const char ks_fuzz_description[] = R\"ksdesc(${text})ksdesc\";
}
")
file(RENAME "${OUT}.tmp" "${OUT}")
