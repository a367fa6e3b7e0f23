# The FreeBSD CTL ioctl frontend (included from drivers/CMakeLists.txt after
# ks_drivers exists): the C driver on the FreeBSD personality, plus its
# registration (register.cc, C++, linked into ks_drivers).
ks_freebsd_driver(ctl_ioctl ${CMAKE_CURRENT_LIST_DIR}/ctl.c
                  ${CMAKE_CURRENT_LIST_DIR}/ctl_frontend_ioctl.c)
target_sources(ks_drivers PRIVATE ${CMAKE_CURRENT_LIST_DIR}/register.cc)
target_link_libraries(ks_drivers PUBLIC ks_driver_ctl_ioctl ks_freebsd)
