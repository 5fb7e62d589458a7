# Porter's CMake package, as `make install` lays it out:
#   PREFIX/lib/cmake/Porter/PorterConfig.cmake   (this file)
#   PREFIX/lib/libporter.a, PREFIX/include/porter/*.hpp
# so that a project writes
#   find_package(Porter 0.1 REQUIRED)
#   target_link_libraries(app PRIVATE Porter::porter)
# and gets the headers, the library, threads and C++20 (as a compile
# feature: a project that asks for a later standard keeps it). Found through
# CMAKE_PREFIX_PATH, or PREFIX itself when it is a system prefix. The paths
# are found from where this file is, so the installed tree may be moved.
include(CMakeFindDependencyMacro)
find_dependency(Threads)

get_filename_component(_porter_prefix "${CMAKE_CURRENT_LIST_DIR}/../../.." ABSOLUTE)
if(NOT TARGET Porter::porter)
    add_library(Porter::porter STATIC IMPORTED)
    set_target_properties(Porter::porter PROPERTIES
        IMPORTED_LOCATION "${_porter_prefix}/lib/libporter.a"
        IMPORTED_LINK_INTERFACE_LANGUAGES CXX
        INTERFACE_INCLUDE_DIRECTORIES "${_porter_prefix}/include"
        INTERFACE_COMPILE_FEATURES cxx_std_20
        INTERFACE_LINK_LIBRARIES Threads::Threads)
endif()
unset(_porter_prefix)
