# Issue 7: the formula editor and plugin loading in the window.
add_executable(tst_kernelsui tst_kernelsui.cpp)
target_link_libraries(tst_kernelsui PRIVATE sharedmap_ui Qt6::Test)
target_compile_definitions(tst_kernelsui PRIVATE SHAREDMAP_WORKER="$<TARGET_FILE:sharedmap-worker>"
                                                 SHAREDMAP_PYTHON="${Python3_EXECUTABLE}"
                                                 ROW_MEDIAN_PLUGIN="$<TARGET_FILE:example_row_median>"
                                                 SDK99_PLUGIN="$<TARGET_FILE:test_sdk99_plugin>"
                                                 TEST_PLUGIN="$<TARGET_FILE:test_kernels_plugin>"
                                                 CRASH_PLUGIN="$<TARGET_FILE:test_crash_plugin>")
add_dependencies(tst_kernelsui sharedmap-worker example_row_median test_sdk99_plugin test_kernels_plugin test_crash_plugin)
add_test(NAME gui_kernelsui COMMAND tst_kernelsui)
set_tests_properties(gui_kernelsui PROPERTIES ENVIRONMENT "QT_QPA_PLATFORM=offscreen" LABELS gui TIMEOUT 180)
