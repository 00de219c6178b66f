{
  "targets": [
    {
      "target_name": "zoo_jpeg",
      "sources": ["zoo_jpeg.c"],
      "libraries": ["-ljpeg"],
      "cflags": ["-O3", "-std=c11", "-Wall", "-Wextra"]
    }
  ]
}
