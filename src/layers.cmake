# One static library per folder of src/ (runner_<folder>), built from the folder's *.cpp files.
# A layer sees, through its private include path, only its own folder and the layers it declares
# (and theirs, since their headers include them): an include of a layer above it, or of one it
# does not declare, fails to compile. Declare a layer after every layer it uses.
set(RUNNER_LAYER_VIEWS ${CMAKE_BINARY_DIR}/layers)

# runner_layer_view(<target> LAYERS <layer>...): a folder of symlinks to the visible folders,
# put on <target>'s private include path.
function(runner_layer_view target)
  cmake_parse_arguments(V "" "OWN" "LAYERS" ${ARGN})
  set(visible ${V_OWN})
  foreach(dep IN LISTS V_LAYERS)
    get_property(dep_visible GLOBAL PROPERTY RUNNER_LAYER_${dep}_VISIBLE)
    if(NOT dep_visible)
      message(FATAL_ERROR "${target} uses layer '${dep}', which is not declared before it")
    endif()
    list(APPEND visible ${dep_visible})
  endforeach()
  list(REMOVE_DUPLICATES visible)
  set(view ${RUNNER_LAYER_VIEWS}/${target})
  file(REMOVE_RECURSE ${view})
  file(MAKE_DIRECTORY ${view})
  foreach(folder IN LISTS visible)
    file(CREATE_LINK ${RUNNER_SOURCE_ROOT}/${folder} ${view}/${folder} SYMBOLIC)
  endforeach()
  target_include_directories(${target} PRIVATE ${view})
  set(RUNNER_VIEW_VISIBLE ${visible} PARENT_SCOPE)
endfunction()

# runner_layer(<folder> [LAYERS <layer>...] [LIBS <library>...])
function(runner_layer folder)
  cmake_parse_arguments(L "" "" "LAYERS;LIBS" ${ARGN})
  file(GLOB sources CONFIGURE_DEPENDS ${RUNNER_SOURCE_ROOT}/${folder}/*.cpp)
  add_library(runner_${folder} STATIC ${sources})
  runner_layer_view(runner_${folder} OWN ${folder} LAYERS ${L_LAYERS})
  set_property(GLOBAL PROPERTY RUNNER_LAYER_${folder}_VISIBLE ${RUNNER_VIEW_VISIBLE})
  foreach(dep IN LISTS L_LAYERS)
    target_link_libraries(runner_${folder} PUBLIC runner_${dep})
  endforeach()
  target_link_libraries(runner_${folder} PUBLIC ${L_LIBS})
  set_property(GLOBAL APPEND PROPERTY RUNNER_LAYERS runner_${folder})
endfunction()
