"""`kernsim ci` reports: JUnit XML (the shape CI dashboards read: one
<testsuite>, one <testcase> per repro or scenario, classname by kind, a
<failure> with the message and the replay command) and JSON with the same
content for scripts."""

import json
import xml.etree.ElementTree as ET

from . import statefile

SUITE = "kernsim ci"


def _counts(cases):
    return len(cases), sum(not c.passed for c in cases)


def junit_tree(cases):
    tests, failures = _counts(cases)
    root = ET.Element("testsuites", name=SUITE, tests=str(tests), failures=str(failures),
                      errors="0")
    suite = ET.SubElement(root, "testsuite", name=SUITE, tests=str(tests),
                          failures=str(failures), errors="0", skipped="0",
                          time=f"{sum(c.seconds for c in cases):.3f}")
    for c in cases:
        tc = ET.SubElement(suite, "testcase", classname=f"kernsim.{c.kind}", name=c.name,
                           time=f"{c.seconds:.3f}")
        if c.passed:
            ET.SubElement(tc, "system-out").text = f"{c.verdict}: {c.message}"
            continue
        fl = ET.SubElement(tc, "failure", type=c.verdict, message=f"{c.verdict}: {c.message}")
        fl.text = f"{c.verdict}: {c.message}" + (f"\nreplay: {c.replay}" if c.replay else "")
    return ET.ElementTree(root)


def write_junit(cases, path):
    tree = junit_tree(cases)
    ET.indent(tree)
    data = ET.tostring(tree.getroot(), encoding="utf-8", xml_declaration=True) + b"\n"
    statefile.write_atomic(path, data)


def write_json(cases, path):
    tests, failures = _counts(cases)
    doc = {"suite": SUITE, "tests": tests, "failures": failures,
           "testcases": [c.to_dict() for c in cases]}
    statefile.write_atomic(path, (json.dumps(doc, indent=2) + "\n").encode("utf-8"))
