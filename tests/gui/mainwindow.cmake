add_executable(tst_mainwindow tst_mainwindow.cpp)
target_link_libraries(tst_mainwindow PRIVATE sharedmap_ui Qt6::Test)
target_compile_definitions(tst_mainwindow PRIVATE SHAREDMAP_WORKER="$<TARGET_FILE:sharedmap-worker>"
                                                  SHAREDMAP_PYTHON="${Python3_EXECUTABLE}")
add_dependencies(tst_mainwindow sharedmap-worker)
add_test(NAME gui_mainwindow COMMAND tst_mainwindow)
set_tests_properties(gui_mainwindow PROPERTIES ENVIRONMENT "QT_QPA_PLATFORM=offscreen" LABELS gui TIMEOUT 180)
