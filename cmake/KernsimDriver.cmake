# How a driver module is built: the one set of flags that both the in-tree
# drivers (kernsim_add_driver) and out-of-tree ones (kernsim build-driver,
# which reads them from build/python/kernsim/build_config.json) use.
#
# -Werror=implicit-function-declaration: a kernel function the personality
#   does not declare is a compile error naming it, never a silent link to
#   something else.
# -nostartfiles and -init/-fini naming no symbol: an illumos module defines
#   _init and _fini, which the C start files and the ELF loader would
#   otherwise take for their own (run at dlopen, outside any World).
# -z now: every symbol resolved at load (an unknown one is an error there,
#   and the GOT is final before the module's data is copied for restore).
# --build-id=none and the prefix map: the loaded bytes do not depend on the
#   checkout's path, so a repro's module hash agrees across clones.
#
# Another project can include this file to build its drivers the same way
# (kernsim_add_driver); paths into kernsim are taken from this file's place.
get_filename_component(KS_ROOT ${CMAKE_CURRENT_LIST_DIR}/.. ABSOLUTE)
set(KS_DRIVER_DIR ${CMAKE_BINARY_DIR}/drivers)
# KS_DRIVER_C_WARNINGS is for every piece of driver code, wherever it is
# compiled (modules here, tests/cpp's kdrivers). No -Wmissing-braces: every
# illumos driver writes its modlinkage `{ MODREV_1, &modldrv, NULL }`, the
# array inside it unbraced, and a warning on the kernel's own idiom is
# noise to its engineer. Nor the other warnings illumos's kernel build
# turns off (usr/src/uts/Makefile.uts, read: missing braces, sign compare,
# unknown pragmas, unused parameters, missing field initialisers), which
# its idioms trip: a kstat_named_t table initialised `{ "name", TYPE }`,
# `#pragma ident`. FreeBSD's kernel build has no -Wextra (from memory),
# so the same list is no stricter there. Warning flags change no byte of a
# module (checked: the same object with and without them).
set(KS_DRIVER_C_WARNINGS -Wall -Wextra -Wno-unused-parameter -Wno-missing-braces
    -Wno-missing-field-initializers -Wno-sign-compare -Wno-unknown-pragmas
    -Werror=implicit-function-declaration)
# -ftrivial-auto-var-init=zero: every automatic variable of driver code
# (padding and VLAs included; not alloca) starts zero, as in a Linux
# kernel built with CONFIG_INIT_STACK_ALL_ZERO. The fiber stacks are reused
# uncleared from execution to execution, so without it an uninitialised
# local held whatever an earlier execution in the process left there, and
# a campaign's find replayed otherwise alone (DESIGN.md, "Driver modules",
# *Stack contents*). Clang before 16 wants its enabling flag with it.
set(KS_DRIVER_STACK_INIT -ftrivial-auto-var-init=zero)
if(CMAKE_C_COMPILER_ID STREQUAL "Clang" AND CMAKE_C_COMPILER_VERSION VERSION_LESS 16)
  list(APPEND KS_DRIVER_STACK_INIT
       -enable-trivial-auto-var-init-zero-knowing-it-will-be-removed-from-clang)
elseif(CMAKE_C_COMPILER_ID STREQUAL "GNU" AND CMAKE_C_COMPILER_VERSION VERSION_LESS 12)
  message(FATAL_ERROR "driver modules need GCC 12 or later (-ftrivial-auto-var-init=zero); "
                      "${CMAKE_C_COMPILER} is GCC ${CMAKE_C_COMPILER_VERSION}")
endif()
set(KS_DRIVER_CFLAGS -std=gnu11 -O2 -g -fPIC -fvisibility=hidden ${KS_DRIVER_STACK_INIT}
    ${KS_DRIVER_C_WARNINGS})
set(KS_DRIVER_LDFLAGS -shared -nostartfiles -Wl,-init,ks_no_dt_init -Wl,-fini,ks_no_dt_fini
    -Wl,-z,now -Wl,--build-id=none)
option(KS_DRIVER_COVERAGE "instrument driver code for the fuzzer's edge coverage" ON)
if(KS_LIBFUZZER)  # libFuzzer steers by its own counters (fuzz/)
  set(KS_DRIVER_COVERAGE_FLAGS -fsanitize=fuzzer-no-link)
elseif(KS_DRIVER_COVERAGE)
  # -fno-plt: each block calls the callback through the GOT, not a PLT
  # stub. A hang's tick that lands in the callback is named by its caller
  # (sim/watchdog.cc); one in a stub, which has no symbol, was named
  # "sample.so+0x10f0", one tick in twenty or so of a tight loop.
  set(KS_DRIVER_COVERAGE_FLAGS -fsanitize-coverage=trace-pc -fno-plt)
else()
  set(KS_DRIVER_COVERAGE_FLAGS "")
endif()
# The race-instrumented build (RACE; build-driver --race): the compiler's
# ThreadSanitizer instrumentation, linked without its runtime; kernsim's
# own (kernel_model/abi_tsan.cc) checks the accesses when a World detects
# races. No edge coverage there: the fuzzer loads the plain build.
set(KS_DRIVER_RACE_FLAGS -fsanitize=thread)
set(KS_PERSONALITIES illumos freebsd qnx)
set(KS_INCLUDE_illumos ${KS_ROOT}/kernel_model/illumos ${KS_ROOT}/kernel_model/abi)
set(KS_INCLUDE_freebsd ${KS_ROOT}/kernel_model/freebsd ${KS_ROOT}/kernel_model/abi)
set(KS_INCLUDE_qnx ${KS_ROOT}/kernel_model/qnx ${KS_ROOT}/kernel_model/abi)

# kernsim_add_driver(<name> PERSONALITY <illumos|freebsd> SOURCES <c files>...
#                    [DEFINES <NAME[=value]>...] [OUTPUT_DIRECTORY <dir>]
#                    [NO_COVERAGE] [RACE])
# builds <dir>/<name>.so (default: the build's driver directory, where
# drivers are found by name), without instrumentation: what every World
# loads unless it asks for another build. Also, unless NO_COVERAGE,
# <dir>/cov/<name>.so with the fuzzer's edge coverage (a call per basic
# block: CTL's byte-wise LUN fill ran 4.5x slower with it), which the
# fuzzer loads; and with RACE <dir>/race/<name>.so, the race-instrumented
# build a World that detects races loads. The libFuzzer tree has one
# build, instrumented for libFuzzer. Sources with no kernsim line are
# registered as `kernsim build-driver` registers them.
# One build of a driver: its target, file name, personality, directory,
# sources, definitions and instrumentation flags.
function(_kernsim_driver_build target name personality dir sources defines flags)
  add_library(${target} MODULE ${sources})
  set_target_properties(${target} PROPERTIES PREFIX "" SUFFIX ".so" OUTPUT_NAME ${name}
    LIBRARY_OUTPUT_DIRECTORY ${dir} C_VISIBILITY_PRESET hidden)
  target_include_directories(${target} PRIVATE ${KS_INCLUDE_${personality}})
  target_compile_definitions(${target} PRIVATE ${defines})
  target_compile_options(${target} PRIVATE ${KS_DRIVER_CFLAGS} ${flags}
    -ffile-prefix-map=${CMAKE_SOURCE_DIR}/=)
  target_link_options(${target} PRIVATE ${KS_DRIVER_LDFLAGS})
  add_dependencies(ks_driver_modules ${target})
endfunction()

function(kernsim_add_driver name)
  cmake_parse_arguments(D "NO_COVERAGE;RACE" "PERSONALITY;OUTPUT_DIRECTORY" "SOURCES;DEFINES"
                        ${ARGN})
  if(NOT D_PERSONALITY IN_LIST KS_PERSONALITIES)
    message(FATAL_ERROR "kernsim_add_driver(${name}): PERSONALITY must be one of ${KS_PERSONALITIES}")
  endif()
  if(NOT D_OUTPUT_DIRECTORY)
    set(D_OUTPUT_DIRECTORY ${KS_DRIVER_DIR})
  endif()
  # As `kernsim build-driver` does (python/kernsim/build_driver.py): sources
  # naming no KS_<PERSONALITY>_DRIVER are registered from what the driver
  # declares for its own kernel (FreeBSD DECLARE_MODULE, illumos _init and
  # _fini through ks_module_auto.c), named after the module's file.
  set(registered FALSE)
  foreach(src ${D_SOURCES})
    get_filename_component(abs ${src} ABSOLUTE BASE_DIR ${CMAKE_CURRENT_SOURCE_DIR})
    set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${abs})
    file(READ ${abs} text)
    if(text MATCHES "KS_(ILLUMOS|FREEBSD|QNX)_DRIVER\\(")
      set(registered TRUE)
    endif()
  endforeach()
  if(NOT registered)
    list(APPEND D_DEFINES "KS_MODULE_NAME=\"${name}\"")
    if(D_PERSONALITY STREQUAL "illumos")
      list(APPEND D_SOURCES ${KS_ROOT}/kernel_model/illumos/ks_module_auto.c)
    endif()
  endif()
  if(KS_LIBFUZZER)
    set(plain_flags ${KS_DRIVER_COVERAGE_FLAGS})
    if(D_NO_COVERAGE)
      set(plain_flags "")
    endif()
    _kernsim_driver_build(ks_module_${name} ${name} ${D_PERSONALITY} ${D_OUTPUT_DIRECTORY}
                          "${D_SOURCES}" "${D_DEFINES}" "${plain_flags}")
    return()
  endif()
  _kernsim_driver_build(ks_module_${name} ${name} ${D_PERSONALITY} ${D_OUTPUT_DIRECTORY}
                        "${D_SOURCES}" "${D_DEFINES}" "")
  if(KS_DRIVER_COVERAGE_FLAGS AND NOT D_NO_COVERAGE)
    _kernsim_driver_build(ks_module_cov_${name} ${name} ${D_PERSONALITY} ${D_OUTPUT_DIRECTORY}/cov
                          "${D_SOURCES}" "${D_DEFINES}" "${KS_DRIVER_COVERAGE_FLAGS}")
  endif()
  if(D_RACE)
    _kernsim_driver_build(ks_module_race_${name} ${name} ${D_PERSONALITY} ${D_OUTPUT_DIRECTORY}/race
                          "${D_SOURCES}" "${D_DEFINES}" "${KS_DRIVER_RACE_FLAGS}")
  endif()
endfunction()
if(NOT TARGET ks_driver_modules)
  add_custom_target(ks_driver_modules ALL)
endif()

set(KS_HOT_PATH_SCRIPT ${CMAKE_CURRENT_LIST_DIR}/hot_path.ld)

# A host: a binary that runs Worlds and loads driver modules into them. It
# links the whole kernel API (every personality, the ABI, the coverage
# callback) and exports it, since modules resolve their kernel calls
# against the host; and it depends on the driver modules being built.
# Its scheduling path goes first, in a fixed order (cmake/hot_path.ld).
function(ks_host target)
  target_link_libraries(${target} PRIVATE ks_abi ks_illumos ks_freebsd ks_qnx)
  set_target_properties(${target} PROPERTIES ENABLE_EXPORTS ON
                        LINK_DEPENDS ${KS_HOT_PATH_SCRIPT})
  target_link_options(${target} PRIVATE "LINKER:-T,${KS_HOT_PATH_SCRIPT}")
  add_dependencies(${target} ks_driver_modules)
endfunction()
