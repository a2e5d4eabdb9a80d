#!/usr/bin/env python3
"""Checks that no gtest_discover_tests call gives a list value in its PROPERTIES.

gtest_discover_tests passes PROPERTIES through two generated scripts, and a value such as
LABELS "integration;postgres" comes out split: "postgres" is then read as a property name and
every later property is shifted, so fixtures, environments, timeouts and RUN_SERIAL are lost
without a word. List values go through processhost_discovered_tests_property
(cmake/ProcessHostTestLabels.cmake). Prints every offending call and exits 1 if there is one.
  tools/check_discovered_test_properties.py [SOURCE_DIR]
"""
import pathlib
import re
import sys


def calls(text, name):
    """The argument text of every call of name(...), parentheses balanced."""
    for match in re.finditer(r"\b" + re.escape(name) + r"\s*\(", text):
        depth, position = 1, match.end()
        while position < len(text) and depth:
            depth += {"(": 1, ")": -1}.get(text[position], 0)
            position += 1
        yield text.count("\n", 0, match.start()) + 1, text[match.end():position - 1]


def main():
    root = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else pathlib.Path(__file__).resolve().parent.parent)
    found = 0
    checked = 0
    for path in sorted(root.rglob("CMakeLists.txt")):
        if "build" in path.relative_to(root).parts[:1]:
            continue
        text = re.sub(r"#[^\n]*", "", path.read_text())
        for line, arguments in calls(text, "gtest_discover_tests"):
            checked += 1
            properties = arguments.split("PROPERTIES", 1)[1] if "PROPERTIES" in arguments else ""
            for value in re.findall(r'"([^"]*)"', properties):
                if ";" in value:
                    print(f"{path.relative_to(root)}:{line}: gtest_discover_tests PROPERTIES value \"{value}\" "
                          "is a list: it shifts every later property (set list values with "
                          "processhost_discovered_tests_property)")
                    found += 1
    print(f"check_discovered_test_properties: {checked} gtest_discover_tests calls, {found} with a list value")
    return 1 if found or checked == 0 else 0


if __name__ == "__main__":
    sys.exit(main())
