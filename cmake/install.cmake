# install.cmake — `cmake --install BUILD --prefix DIR`: the CLI, the static library and its
# public headers, the man page and the docs. No root needed with a prefix in your home:
#   cmake --install build --prefix ~/.local   ->  ~/.local/bin/qbath, ~/.local/share/man/man1
include(GNUInstallDirs)
install(TARGETS qbath RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(TARGETS qbath_lib qbath_shared ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
        LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR})
install(DIRECTORY ${CMAKE_SOURCE_DIR}/include/qbath DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(FILES ${CMAKE_SOURCE_DIR}/docs/qbath.1 DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)
install(FILES ${CMAKE_SOURCE_DIR}/LICENSE ${CMAKE_SOURCE_DIR}/CITATION.cff ${CMAKE_SOURCE_DIR}/README.md
        DESTINATION ${CMAKE_INSTALL_DOCDIR})
install(DIRECTORY ${CMAKE_SOURCE_DIR}/docs/ DESTINATION ${CMAKE_INSTALL_DOCDIR}/docs
        FILES_MATCHING PATTERN "*.md")
