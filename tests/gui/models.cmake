# Item models of the window (ui/models), checked by QAbstractItemModelTester through every mutation.
add_executable(tst_models ${CMAKE_CURRENT_LIST_DIR}/tst_models.cpp)
target_link_libraries(tst_models PRIVATE sharedmap_ui Qt6::Test)
add_test(NAME gui_models COMMAND tst_models)
set_tests_properties(gui_models PROPERTIES ENVIRONMENT QT_QPA_PLATFORM=offscreen LABELS gui)
