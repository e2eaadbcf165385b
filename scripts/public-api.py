#!/usr/bin/env python3
"""Lists the public declarations of a generated CamundaAPI folder, one per line, qualified by their
enclosing types and sorted, so that two generations can be compared with diff(1):

    scripts/public-api.py Sources/CamundaAPI/Generated > a.txt

Used to check that a multi-file spec and a bundled spec give the same Swift API for what they have
in common (issue 12). Documentation, bodies and file layout are ignored.
"""
import re
import sys
from pathlib import Path

decl = re.compile(r"^(\s*)(?:@available\([^)]*\)\s*)?public (?:static )?(struct|enum|typealias|var|let|init|func)\b(.*)$")
case = re.compile(r"^(\s*)case ([`\w]+)(\(.*\))?\s*$")


def declarations(folder: Path):
    out = []
    for path in sorted(folder.glob("*.swift")):
        stack = []  # (indent, name, kind)
        for line in path.read_text().splitlines():
            if not line.strip() or line.strip().startswith("//"):
                continue
            indent = len(line) - len(line.lstrip(" "))
            while stack and indent <= stack[-1][0]:
                stack.pop()
            owner = ".".join(s[1] for s in stack)
            m = decl.match(line)
            if m:
                kind, rest = m.group(2), m.group(3).rstrip(" {")
                rest = re.sub(r"\s+", " ", rest).strip()
                if kind in ("struct", "enum"):
                    # The JSON fast-path conformances are package-level, not public API (and the
                    # generator gives them to the worker's hot path only, which differs between specs).
                    rest = re.sub(r", Node(?:De|En)codable\b", "", rest)
                    name = rest.split(":")[0].split("<")[0].strip()
                    out.append(f"{owner + '.' if owner else ''}{name}: {kind}{rest[len(name):]}")
                    stack.append((indent, name, kind))
                else:
                    out.append(f"{owner}: {kind} {rest}")
                continue
            m = case.match(line)
            if m and stack and stack[-1][2] == "enum" and indent == stack[-1][0] + 4:
                out.append(f"{owner}: case {m.group(2)}{m.group(3) or ''}")
    return sorted(set(out))


BUILTIN = re.compile(r"^(\[?(String|Int|Int32|Int64|Double|Bool|Date|Data|JSONValue)(: \w+)?\]?|\[String: \w+\])$")


def expand_aliases(lines):
    """Replaces typealiases of built-in types (`BackupId = Int64`, `Variables = [String: JSONValue]`)
    by their targets in every signature: both name one Swift type, and a bundled spec often inlines them."""
    aliases = {}
    for line in lines:
        m = re.match(r"^: typealias (\w+) = (.+)$", line)
        if m and BUILTIN.match(m.group(2)):
            aliases[m.group(1)] = m.group(2)
    if not aliases:
        return lines
    word = re.compile(r"\b(" + "|".join(map(re.escape, sorted(aliases, key=len, reverse=True))) + r")\b")
    out = []
    for line in lines:
        if re.match(r"^: typealias (\w+) = ", line) and line.split()[2] in aliases:
            continue
        head, sep, tail = line.partition(": ")
        out.append(head + sep + word.sub(lambda m: aliases[m.group(1)], tail))
    return sorted(set(out))


if __name__ == "__main__":
    lines = declarations(Path(sys.argv[1]))
    if "--expand-aliases" in sys.argv:
        lines = expand_aliases(lines)
    for line in lines:
        print(line)
