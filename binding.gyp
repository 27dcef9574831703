# node-gyp build of the hardtick native accelerator (Linux only; see native/hardtick.c).
# Built by scripts/build-native.mjs at install time; output: build/Release/hardtick.node.
{
  "targets": [
    {
      "target_name": "hardtick",
      "sources": ["native/hardtick.c"],
      "defines": ["NAPI_VERSION=8", "_GNU_SOURCE"],
      "cflags": ["-Wall", "-Wextra"],
      "cflags_c": ["-std=gnu11"],
      "libraries": ["-lm"]
    }
  ]
}
