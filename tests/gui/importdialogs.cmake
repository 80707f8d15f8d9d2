add_executable(tst_importdialogs tst_importdialogs.cpp)
target_link_libraries(tst_importdialogs PRIVATE sharedmap_ui Qt6::Test)
target_compile_definitions(tst_importdialogs PRIVATE SHAREDMAP_WORKER="$<TARGET_FILE:sharedmap-worker>"
                                                     SHAREDMAP_PYTHON="${Python3_EXECUTABLE}")
add_dependencies(tst_importdialogs sharedmap-worker)
add_test(NAME gui_importdialogs COMMAND tst_importdialogs)
set_tests_properties(gui_importdialogs PROPERTIES ENVIRONMENT "QT_QPA_PLATFORM=offscreen" LABELS gui TIMEOUT 120)
