"""From raw files to articles. ``formats`` holds one parser per kind of file."""
