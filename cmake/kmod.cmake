# Build crmod.ko by driving kbuild against CRMOD_KERNEL_DIR. The sources are
# copied into the build folder first, so that builds for several kernels or
# arches never share object files.
execute_process(COMMAND uname -r OUTPUT_VARIABLE crmod_running_release
                OUTPUT_STRIP_TRAILING_WHITESPACE)
set(CRMOD_KERNEL_DIR "/lib/modules/${crmod_running_release}/build" CACHE PATH
    "Kernel build folder to build the module against")
if(NOT EXISTS "${CRMOD_KERNEL_DIR}/Makefile")
  message(FATAL_ERROR "CRMOD_KERNEL_DIR=${CRMOD_KERNEL_DIR} is not a kernel build folder "
          "(no Makefile). Install the kernel headers or pass -DCRMOD_KERNEL_DIR=..., "
          "or -DCRMOD_BUILD_MODULE=OFF.")
endif()

set(crmod_kbuild_args)
if(CMAKE_CROSSCOMPILING)
  if(CMAKE_SYSTEM_PROCESSOR MATCHES "^(ppc64le|powerpc64le)$")
    list(APPEND crmod_kbuild_args ARCH=powerpc)
  else()
    message(FATAL_ERROR "crmod: no kernel ARCH known for ${CMAKE_SYSTEM_PROCESSOR}")
  endif()
  # CMAKE_C_COMPILER is .../powerpc64le-linux-gnu-gcc: kbuild wants the prefix.
  get_filename_component(crmod_cc_name "${CMAKE_C_COMPILER}" NAME)
  string(REGEX REPLACE "gcc(-[0-9]+)?$" "" crmod_cross_prefix "${crmod_cc_name}")
  list(APPEND crmod_kbuild_args CROSS_COMPILE=${crmod_cross_prefix})
endif()
if(CRMOD_MODULE_TEST_HOOKS)
  list(APPEND crmod_kbuild_args CRMOD_TEST=1)
endif()

set(crmod_kmod_dir ${CMAKE_BINARY_DIR}/kmod)
file(GLOB_RECURSE crmod_kmod_sources CONFIGURE_DEPENDS
     ${PROJECT_SOURCE_DIR}/module/*.c ${PROJECT_SOURCE_DIR}/module/*.h
     ${PROJECT_SOURCE_DIR}/module/Kbuild ${PROJECT_SOURCE_DIR}/include/uapi/*.h)
add_custom_command(
  OUTPUT ${crmod_kmod_dir}/module/crmod.ko
  COMMAND ${CMAKE_COMMAND} -E copy_directory ${PROJECT_SOURCE_DIR}/module ${crmod_kmod_dir}/module
  COMMAND ${CMAKE_COMMAND} -E copy_directory ${PROJECT_SOURCE_DIR}/include ${crmod_kmod_dir}/include
  COMMAND make -C ${CRMOD_KERNEL_DIR} M=${crmod_kmod_dir}/module ${crmod_kbuild_args} modules
  DEPENDS ${crmod_kmod_sources}
  COMMENT "Building crmod.ko against ${CRMOD_KERNEL_DIR}"
  VERBATIM)
add_custom_target(module ALL DEPENDS ${crmod_kmod_dir}/module/crmod.ko)
