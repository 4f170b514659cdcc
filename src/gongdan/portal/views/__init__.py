"""Customer portal views: thin wrappers that parse input, call one service or selector, render."""
