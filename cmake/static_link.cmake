# The latchkey executable links its libraries statically (LATCHKEY_STATIC_LINK), except glibc.
#
# Why: every command is a fresh process, often one a tool starts again and again (credential
# helpers, completion, `list` in scripts). Measured with `perf stat` on `latchkey --version`
# (Debian 12, two cores): 33 shared libraries cost 36 ms of CPU, 713 page faults; the same
# binary with libcurl and libpq dlopened on use (13 libraries) 22 ms, 475 faults; with these
# archives linked in 11 ms, 419 faults. What remained of the dynamic loader's cost was symbol
# lookups into libstdc++ and the relocation of libcrypto's data pages.
#
# The archives are Debian's own (libssl-dev, libsqlite3-dev, libyaml-cpp-dev, libpugixml-dev,
# libargon2-dev, g++'s libstdc++.a): a Debian security update of one of them reaches Latchkey
# when it is rebuilt, as for any statically linked program. LATCHKEY_STATIC_LINK=OFF links the
# shared libraries instead. The sanitizer and fuzz builds always link shared (their runtimes
# expect the shared libstdc++).
include(CheckLinkerFlag)

function(latchkey_link_statically target)
  set(archives)
  foreach(name ssl crypto sqlite3 yaml-cpp pugixml argon2)
    find_library(LATCHKEY_STATIC_${name} NAMES lib${name}.a REQUIRED)
    list(APPEND archives ${LATCHKEY_STATIC_${name}})
  endforeach()
  # Listed before the shared libraries latchkey_lib carries, they resolve every symbol first;
  # --as-needed then leaves the shared ones out of the executable's DT_NEEDED list.
  target_link_libraries(${target} PRIVATE ${archives})
  target_link_options(${target} PRIVATE -static-libstdc++ -static-libgcc -Wl,--as-needed -Wl,-O1)
  # DT_RELR (binutils 2.38, glibc 2.36): the relative relocations of a position-independent
  # executable in a few kilobytes instead of 24 bytes each.
  check_linker_flag(CXX "-Wl,-z,pack-relative-relocs" LATCHKEY_HAVE_RELR)
  if(LATCHKEY_HAVE_RELR)
    target_link_options(${target} PRIVATE -Wl,-z,pack-relative-relocs)
  endif()
endfunction()
