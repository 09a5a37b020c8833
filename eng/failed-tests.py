#!/usr/bin/env python3
"""Prints each failed test of the given TRX files with the head of its message, so a CI log's tail names them."""
import sys
import xml.etree.ElementTree as ET

NS = "{http://microsoft.com/schemas/VisualStudio/TeamTest/2010}"
MAX_LINES = 12

for path in sys.argv[1:]:
    try:
        root = ET.parse(path).getroot()
    except (OSError, ET.ParseError) as error:
        print(f"(could not read {path}: {error})")
        continue
    for result in root.iter(f"{NS}UnitTestResult"):
        if result.get("outcome") not in ("Failed", "Error", "Timeout", "Aborted"):
            continue
        print(f"FAILED {result.get('testName')} ({result.get('duration')})")
        message = result.find(f"{NS}Output/{NS}ErrorInfo/{NS}Message")
        stack = result.find(f"{NS}Output/{NS}ErrorInfo/{NS}StackTrace")
        lines = (message.text or "").strip().splitlines() if message is not None else []
        lines += [l for l in ((stack.text or "").strip().splitlines() if stack is not None else []) if "Evertoken" in l][:4]
        for line in lines[:MAX_LINES]:
            print(f"    {line[:300]}")
