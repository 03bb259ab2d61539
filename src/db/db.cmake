# db/migrations/NNN_name.sql embedded in the binary (generated/db/migrations_sql.hpp, on
# runner_db's include path), so `runner migrate` needs no file next to the binary. Adding,
# removing or editing a migration re-runs CMake.
target_include_directories(runner_db PRIVATE ${CMAKE_CURRENT_BINARY_DIR}/generated)

file(GLOB RUNNER_MIGRATION_FILES CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/db/migrations/*.sql)
list(SORT RUNNER_MIGRATION_FILES)
if(NOT RUNNER_MIGRATION_FILES)
  message(FATAL_ERROR "no migrations in ${CMAKE_SOURCE_DIR}/db/migrations")
endif()
set(RUNNER_MIGRATION_ENTRIES "")
set(expected_version 1)
foreach(file IN LISTS RUNNER_MIGRATION_FILES)
  get_filename_component(name "${file}" NAME)
  if(NOT name MATCHES "^([0-9][0-9][0-9])_[a-z0-9_]+\\.sql$")
    message(FATAL_ERROR "db/migrations/${name}: expected NNN_name.sql (lower case, digits, _)")
  endif()
  math(EXPR version "${CMAKE_MATCH_1}")
  if(NOT version EQUAL expected_version)
    message(FATAL_ERROR "db/migrations/${name}: expected version ${expected_version} next")
  endif()
  math(EXPR expected_version "${expected_version} + 1")
  string(REGEX REPLACE "\\.sql$" "" stem "${name}")
  file(READ "${file}" sql)
  string(FIND "${sql}" ")runner_sql\"" delimiter_at)
  if(NOT delimiter_at EQUAL -1)
    message(FATAL_ERROR "db/migrations/${name} contains the raw string delimiter )runner_sql\"")
  endif()
  set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS "${file}")
  string(APPEND RUNNER_MIGRATION_ENTRIES
         "    {${version}, \"${stem}\", R\"runner_sql(${sql})runner_sql\"},\n")
endforeach()
configure_file(${CMAKE_CURRENT_LIST_DIR}/migrations_sql.hpp.in
               ${CMAKE_CURRENT_BINARY_DIR}/generated/db/migrations_sql.hpp @ONLY)
configure_file(${CMAKE_CURRENT_LIST_DIR}/schema_sql.hpp.in
               ${CMAKE_CURRENT_BINARY_DIR}/generated/schema_sql.hpp COPYONLY)
