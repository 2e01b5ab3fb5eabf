# Unity build on by default, in every tree (release, sanitizer, and fuzz/, which includes this file too),
# so a file-local name that clashes with another file's breaks everyone's build at once, not only CI's.
# Each target compiles as batches of its .cpp files pasted together: the shared headers (Beast, Asio,
# nlohmann, spdlog) are parsed once a batch instead of once a file, about a third of the CPU cold.
# File-local names must therefore be unique within a folder (docs/architecture.md, "Build").
# -DCMAKE_UNITY_BUILD=OFF builds file by file; -DCMAKE_UNITY_BUILD_BATCH_SIZE=N changes the batches.
if(NOT DEFINED CMAKE_UNITY_BUILD)
  set(CMAKE_UNITY_BUILD ON)
endif()
if(NOT DEFINED CMAKE_UNITY_BUILD_BATCH_SIZE)
  set(CMAKE_UNITY_BUILD_BATCH_SIZE 8)
endif()
