# The Debian package: `cpack -G DEB` in a build directory (scripts/package-check does it).
# Dependencies come from the binaries (dpkg-shlibdeps); the maintainer scripts, copyright and
# changelog are in cmake/debian/.
set(ROOMSD_PACKAGE_MAINTAINER "roomsd maintainers <roomsd@example.org>"
    CACHE STRING "Maintainer field of the .deb (name <address>)")

# The package installs under /usr (its configuration in /etc), whatever prefix the build was
# configured with; DESTDIR staging keeps the paths the units name those of the installed system.
set(CPACK_SET_DESTDIR ON)
set(CPACK_INSTALL_PREFIX /usr)
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(ROOMSD_DEB_CONTROL ${PROJECT_BINARY_DIR}/packaging/debian)
file(COPY cmake/debian/postinst cmake/debian/prerm cmake/debian/postrm DESTINATION ${ROOMSD_DEB_CONTROL}
     FILE_PERMISSIONS OWNER_READ OWNER_WRITE OWNER_EXECUTE GROUP_READ GROUP_EXECUTE WORLD_READ WORLD_EXECUTE)
# dpkg keeps an administrator's edits of a conffile across upgrades and removes it only on purge.
file(WRITE ${ROOMSD_DEB_CONTROL}/conffiles "/etc/roomsd/replicate.yaml\n/etc/roomsd/roomsd.yaml\n")

# copyright and changelog.gz in the documentation directory, as Debian wants them (a native package).
configure_file(cmake/debian/changelog.in ${PROJECT_BINARY_DIR}/packaging/changelog @ONLY)
add_custom_command(OUTPUT ${PROJECT_BINARY_DIR}/packaging/changelog.gz
                   COMMAND ${GZIP_PROGRAM} -9nc ${PROJECT_BINARY_DIR}/packaging/changelog >
                           ${PROJECT_BINARY_DIR}/packaging/changelog.gz
                   DEPENDS ${PROJECT_BINARY_DIR}/packaging/changelog VERBATIM)
add_custom_target(roomsd_changelog ALL DEPENDS ${PROJECT_BINARY_DIR}/packaging/changelog.gz)
install(FILES cmake/debian/copyright ${PROJECT_BINARY_DIR}/packaging/changelog.gz DESTINATION ${CMAKE_INSTALL_DOCDIR})

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME roomsd)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_CONTACT "${ROOMSD_PACKAGE_MAINTAINER}")
set(CPACK_STRIP_FILES ON)
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "local mirror of a Telnyx account's video rooms")
set(CPACK_DEBIAN_PACKAGE_DESCRIPTION
    "roomsd keeps a local, queryable SQLite copy of a Telnyx account's video rooms,
room sessions and room participants, pulled incrementally from the Telnyx REST
API. A local socket answers Telnyx-compatible reads, read-only SQL, status and
metrics; roomsctl is its command-line client. Runs as a hardened systemd
service under its own system user. roomsd-replicate (an opt-in service)
keeps a PostgreSQL copy of the mirror, fed by roomsd's change feed.")
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION net)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
# The postinst creates the user with systemd-sysusers, or with adduser where systemd is not installed.
set(CPACK_DEBIAN_PACKAGE_DEPENDS "adduser")
set(CPACK_DEBIAN_PACKAGE_SUGGESTS "sqlite3, postgresql")
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA ${ROOMSD_DEB_CONTROL}/postinst ${ROOMSD_DEB_CONTROL}/prerm
                                       ${ROOMSD_DEB_CONTROL}/postrm ${ROOMSD_DEB_CONTROL}/conffiles)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
include(CPack)
