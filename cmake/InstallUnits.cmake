# Runs at install time (from install(CODE) in cmake/Install.cmake), when CMAKE_INSTALL_PREFIX is the
# prefix being installed to: writes the unit files from systemd/*.in with that prefix's paths,
# installs them in PREFIX/lib/systemd/system and the example configurations as SYSCONFDIR/roomsd/roomsd.yaml
# and SYSCONFDIR/roomsd/replicate.yaml.
# file(INSTALL) prepends DESTDIR to these absolute destinations, like every install() rule.

# sysconfdir as GNUInstallDirs computes it: /etc for the /usr prefix (and for /), PREFIX/etc otherwise.
if(CMAKE_INSTALL_PREFIX MATCHES "^/(usr/?)?$")
  set(sysconfdir /etc)
else()
  set(sysconfdir "${CMAKE_INSTALL_PREFIX}/etc")
endif()
string(REGEX REPLACE "/$" "" prefix "${CMAKE_INSTALL_PREFIX}")
set(ROOMSD_BINDIR "${prefix}/${ROOMSD_BINDIR_RELATIVE}")
set(ROOMSD_DOCDIR "${prefix}/${ROOMSD_DOCDIR_RELATIVE}")
set(ROOMSD_CONFDIR "${sysconfdir}/roomsd")

foreach(unit roomsd.service roomsd.socket roomsd-replicate.service)
  configure_file("${ROOMSD_SOURCE_DIR}/systemd/${unit}.in" "${ROOMSD_STAGING_DIR}/${unit}" @ONLY)
endforeach()
file(INSTALL DESTINATION "${prefix}/lib/systemd/system" TYPE FILE
     FILES "${ROOMSD_STAGING_DIR}/roomsd.service" "${ROOMSD_STAGING_DIR}/roomsd.socket"
           "${ROOMSD_STAGING_DIR}/roomsd-replicate.service")
file(INSTALL DESTINATION "${ROOMSD_CONFDIR}" TYPE FILE RENAME roomsd.yaml
     FILES "${ROOMSD_SOURCE_DIR}/config/roomsd.example.yaml")
file(INSTALL DESTINATION "${ROOMSD_CONFDIR}" TYPE FILE RENAME replicate.yaml
     FILES "${ROOMSD_SOURCE_DIR}/config/replicate.example.yaml")
