"""Reports: the answer report in the terminal (HTML and Markdown come later)."""
