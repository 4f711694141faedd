"""Prints a benchmark's report and, when asked, writes it as Markdown too."""


def emit(lines, markdown_path=None):
    report = "\n".join(lines)
    print()
    print(report)
    if markdown_path:
        with open(markdown_path, "w") as f:
            f.write(report + "\n")
