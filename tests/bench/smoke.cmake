# Runs one benchmark program at tiny sizes for ctest (label bench-smoke): passes when it exits 0
# AND prints its markdown table. Times are never checked.
#   cmake -DCOMMAND=prog@@arg@@arg -DEXPECT=regex -P smoke.cmake
# Arguments are joined with "@@" because a ";" list would be split by add_test.
string(REPLACE "@@" ";" command "${COMMAND}")
execute_process(COMMAND ${command} RESULT_VARIABLE code OUTPUT_VARIABLE out ERROR_VARIABLE err)
message("${out}")
if(NOT code EQUAL 0)
    message(FATAL_ERROR "exit code ${code}\n${err}")
endif()
if(NOT out MATCHES "${EXPECT}")
    message(FATAL_ERROR "the output lacks its table (expected /${EXPECT}/)\n${err}")
endif()
