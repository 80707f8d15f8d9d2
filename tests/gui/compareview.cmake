add_executable(tst_compareview tst_compareview.cpp)
target_link_libraries(tst_compareview PRIVATE sharedmap_ui Qt6::Test)
target_compile_definitions(tst_compareview PRIVATE SHAREDMAP_WORKER="$<TARGET_FILE:sharedmap-worker>"
                                                   SHAREDMAP_PYTHON="${Python3_EXECUTABLE}")
add_dependencies(tst_compareview sharedmap-worker)
add_test(NAME gui_compareview COMMAND tst_compareview)
set_tests_properties(gui_compareview PROPERTIES ENVIRONMENT "QT_QPA_PLATFORM=offscreen" LABELS gui TIMEOUT 300)
