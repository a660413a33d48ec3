"""Item pipelines: normalize a capture, then compare and store it in the archive."""
