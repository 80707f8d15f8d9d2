# tst_plots: the plot widgets of ui/plots, offscreen.
qt_add_executable(tst_plots tst_plots.cpp)
target_link_libraries(tst_plots PRIVATE sharedmap_ui Qt6::Test)
target_compile_options(tst_plots PRIVATE -Wall -Wextra)
# Test binaries stay out of build/bin, which holds only the shipped programs.
set_target_properties(tst_plots PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${CMAKE_CURRENT_BINARY_DIR})
add_test(NAME gui_plots COMMAND tst_plots)
set_tests_properties(gui_plots PROPERTIES
    LABELS gui
    TIMEOUT 60
    ENVIRONMENT QT_QPA_PLATFORM=offscreen)
