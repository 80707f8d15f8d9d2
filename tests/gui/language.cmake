add_executable(tst_language tst_language.cpp)
target_link_libraries(tst_language PRIVATE sharedmap_ui Qt6::Test)
add_test(NAME gui_language COMMAND tst_language)
set_tests_properties(gui_language PROPERTIES ENVIRONMENT "QT_QPA_PLATFORM=offscreen" LABELS "gui;i18n" TIMEOUT 60)
