# The real-programs suite (tests/realprog): one boot per arch, one ctest test
# per program, vm.<arch>.realprog.rp_<program>. The boot's initramfs
# additions (Debian's programs from the cache, the guest library, the jobs,
# the seed) are laid out by the fixture realprog.<arch>.stage; it reads
# CRMOD_RP_SEED and CRMOD_RP_POINTS from ctest's environment.
# Included by tests/vm/CMakeLists.txt (crmod_vm_boot, vm_out).
set(crmod_realprog_tests rp_selftest rp_children
  rp_gzip rp_bzip2 rp_xz rp_sort rp_sha256sum rp_sed rp_tr rp_mawk rp_gawk
  rp_bc rp_dash rp_bash rp_python3 rp_perl rp_lua rp_sqlite3)

# crmod_realprog(ARCH BUILD CPU WATCHDOG_SECONDS)
function(crmod_realprog arch build cpu watchdog)
  set(extra ${vm_out}/${arch}/realprog-extra)
  add_test(NAME realprog.${arch}.stage COMMAND
    ${PROJECT_SOURCE_DIR}/tests/realprog/stage.sh ${arch} ${extra})
  set_tests_properties(realprog.${arch}.stage PROPERTIES
    FIXTURES_SETUP realprog.${arch}.stage TIMEOUT 600)
  crmod_vm_boot(${arch} realprog BUILD ${build} CPU ${cpu} EXTRA ${extra}
    REQUIRES realprog.${arch}.stage TIMEOUT ${watchdog}
    TESTS ${crmod_realprog_tests})
  math(EXPR boot_timeout "${watchdog} + 300")
  set_tests_properties(vm.${arch}.realprog.boot PROPERTIES TIMEOUT ${boot_timeout})
endfunction()

crmod_realprog(x86_64 ${CMAKE_BINARY_DIR} "max,erms=off" 900)
if(CRMOD_VM_PPC64LE_BUILD)
  crmod_realprog(ppc64le ${CRMOD_VM_PPC64LE_BUILD} power10 1500)
endif()
