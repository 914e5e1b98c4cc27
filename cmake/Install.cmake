# Install rules: `cmake --install build [--prefix P]` (DESTDIR honoured) and the .deb (cmake/Package.cmake).
include(GNUInstallDirs)

# The unit files and the configuration are placed at install time (cmake/InstallUnits.cmake), so
# that the paths the units name follow the prefix given to `cmake --install --prefix P` as well as
# the configured one. The rest is ordinary install() rules.
install(TARGETS roomsd roomsctl roomsd-replicate RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(CODE "set(ROOMSD_SOURCE_DIR \"${PROJECT_SOURCE_DIR}\")
set(ROOMSD_STAGING_DIR \"${PROJECT_BINARY_DIR}/systemd\")
set(ROOMSD_BINDIR_RELATIVE \"${CMAKE_INSTALL_BINDIR}\")
set(ROOMSD_DOCDIR_RELATIVE \"${CMAKE_INSTALL_DOCDIR}\")
include(\"${PROJECT_SOURCE_DIR}/cmake/InstallUnits.cmake\")")
# systemd looks for sysusers and tmpfiles entries in PREFIX/lib, never in a multiarch libdir.
install(FILES systemd/roomsd.sysusers.conf DESTINATION lib/sysusers.d RENAME roomsd.conf)
install(FILES systemd/roomsd.tmpfiles.conf DESTINATION lib/tmpfiles.d RENAME roomsd.conf)
install(FILES README.md config/roomsd.example.yaml config/replicate.example.yaml DESTINATION ${CMAKE_INSTALL_DOCDIR})

# Man pages, compressed as Debian wants them (gzip -9n: no name or time stamp, reproducible).
find_program(GZIP_PROGRAM gzip REQUIRED)
set(ROOMSD_MAN_PAGES roomsd.8 roomsctl.1 roomsd.yaml.5 roomsd-replicate.8)
set(ROOMSD_MAN_OUTPUTS)
foreach(page IN LISTS ROOMSD_MAN_PAGES)
  set(source ${PROJECT_SOURCE_DIR}/daemon/app/man/${page})
  set(output ${PROJECT_BINARY_DIR}/man/${page}.gz)
  string(REGEX MATCH "[0-9]$" section ${page})
  add_custom_command(OUTPUT ${output} COMMAND ${CMAKE_COMMAND} -E make_directory ${PROJECT_BINARY_DIR}/man
                     COMMAND ${GZIP_PROGRAM} -9nc ${source} > ${output} DEPENDS ${source} VERBATIM)
  install(FILES ${output} DESTINATION ${CMAKE_INSTALL_MANDIR}/man${section})
  list(APPEND ROOMSD_MAN_OUTPUTS ${output})
endforeach()
add_custom_target(roomsd_man_pages ALL DEPENDS ${ROOMSD_MAN_OUTPUTS})

# Shell completion, written by roomsctl itself from its command line (`roomsctl completion bash|zsh`).
set(ROOMSD_COMPLETION_DIR ${PROJECT_BINARY_DIR}/completion)
add_custom_command(OUTPUT ${ROOMSD_COMPLETION_DIR}/roomsctl ${ROOMSD_COMPLETION_DIR}/_roomsctl
                   COMMAND ${CMAKE_COMMAND} -E make_directory ${ROOMSD_COMPLETION_DIR}
                   COMMAND $<TARGET_FILE:roomsctl> completion bash > ${ROOMSD_COMPLETION_DIR}/roomsctl
                   COMMAND $<TARGET_FILE:roomsctl> completion zsh > ${ROOMSD_COMPLETION_DIR}/_roomsctl
                   DEPENDS roomsctl VERBATIM)
add_custom_target(roomsctl_completion ALL DEPENDS ${ROOMSD_COMPLETION_DIR}/roomsctl ${ROOMSD_COMPLETION_DIR}/_roomsctl)
install(FILES ${ROOMSD_COMPLETION_DIR}/roomsctl DESTINATION ${CMAKE_INSTALL_DATADIR}/bash-completion/completions)
install(FILES ${ROOMSD_COMPLETION_DIR}/_roomsctl DESTINATION ${CMAKE_INSTALL_DATADIR}/zsh/vendor-completions)
